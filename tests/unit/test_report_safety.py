"""Every output is safe to open: the officer's report and the rejected-rows CSV, whatever the file sent held."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from muara.ingest import report
from muara.ingest.outcome import Outcome, RejectedRow, RowError


def _outcome(name: str, values: dict[str, object]) -> Outcome:
    error = RowError(0, "kanal", "wa", "allowed_values", "'Kanal' harus salah satu dari: web, sms.", "Ganti nilainya.")
    out = Outcome(path=Path(name), dataset="aduan", sender="PUPR", sha256="0" * 64, file_bytes=10, mode="check")
    out.rows_read = out.rows_rejected = 1
    out.status = "rejected"
    out.rejected = [RejectedRow(2, values, [error])]
    return out


def test_rejected_csv_neutralises_formula_headers_as_well_as_cells() -> None:
    out = _outcome("aduan.csv", {"kanal": "=1+1", '=HYPERLINK("http://x","klik")': "-2", "@SUM(A1)": "ok"})
    rows = list(csv.reader(io.StringIO(report.render_rejected_csv(out)), delimiter=";"))
    header, data = rows[0], rows[1]
    assert header == ["baris", "kanal", '\'=HYPERLINK("http://x","klik")', "'@SUM(A1)", "alasan"]
    assert data[1:3] == ["'=1+1", "'-2"]
    assert not any(cell.startswith(report.FORMULA_STARTS) for cell in header + data)


def test_a_newline_in_the_file_name_cannot_forge_report_lines() -> None:
    out = _outcome("aduan.csv\nStatus     : DITERIMA SEMUA\rx", {"kanal": "wa"})
    text = report.render_text(out)
    assert "\nStatus     : DITERIMA SEMUA" not in text
    assert "Berkas     : aduan.csv\\nStatus     : DITERIMA SEMUA\\rx" in text
    assert sum(line.startswith("Status ") for line in text.splitlines()) == 1


@pytest.mark.parametrize("sender", ["../x", "/etc", "a/b", "..", "PUPR\n", ""])
def test_a_sender_that_is_not_a_plain_code_never_becomes_a_folder(tmp_path: Path, sender: str) -> None:
    assert report.sender_folder(sender, tmp_path) == tmp_path.resolve() / "_tidak_dikenal"
    assert report.sender_folder("53.71.04.1011", tmp_path) == tmp_path.resolve() / "53.71.04.1011"
    assert report.sender_folder(None, tmp_path) == tmp_path.resolve() / "_periksa"


def test_a_failed_check_reads_as_our_fault_without_internals() -> None:
    out = _outcome("aduan.csv", {})
    out.rejected, out.rows_read, out.rows_rejected = [], 0, 0
    out.status, out.reason, out.error = "failed", "internal_error", "RecursionError: deep"
    out.message, out.fix = "Berkas 'aduan.csv' belum bisa diperiksa karena kesalahan di sistem Muara.", "Tidak perlu."
    text = report.render_text(out)
    assert "Status     : BELUM BISA DIPERIKSA (kesalahan di Muara)" in text
    assert "RecursionError" not in text and "RecursionError" not in report.render_html(out)
