"""``muara rute`` end to end on officers' files: every input column kept, the suggestion columns added, and
clear errors in Bahasa Indonesia."""

from __future__ import annotations

import csv
from pathlib import Path

from typer.testing import CliRunner

from muara.analytics.rute_io import OUTPUT_COLUMNS
from muara.cli import app

RUNNER = CliRunner()


def _write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def test_routes_a_semicolon_windows_1252_file(tmp_path: Path) -> None:
    src = _write(
        tmp_path / "aduan.csv",
        "nomor;Deskripsi;kelurahan\r\n"
        "A1;Got depan rumah mampet, air hujan menggenang di jalan 3 hari;Oebobo\r\n"
        "A2;Pohon tumbang menutup jalan ke pasar, motor tidak bisa lewat;Oesapa\r\n"
        "A3;xkcd qwop zzzz;Liliba\r\n"
        "A4;;Fontein\r\n"
        "A5;café di ujung jalan buang asap dan bau limbah ke rumah warga;Oepura\r\n",
        "cp1252",
    )
    out = tmp_path / "hasil" / "saran.csv"
    res = RUNNER.invoke(app, ["rute", "--in", str(src), "--out", str(out)])
    assert res.exit_code == 0, res.output
    rows = list(csv.DictReader(out.open(encoding="utf-8", newline="")))
    assert list(rows[0]) == ["nomor", "Deskripsi", "kelurahan", *OUTPUT_COLUMNS]
    assert [r["nomor"] for r in rows] == ["A1", "A2", "A3", "A4", "A5"]
    assert rows[4]["Deskripsi"].startswith("café")
    assert (rows[0]["kategori_saran"], rows[0]["opd_saran"]) == ("drainase_genangan", "PUPR")
    assert rows[1]["kategori_saran"] == "pohon_tumbang"
    assert rows[2]["perlu_ditinjau"] == "true" and rows[2]["opd_saran"] == ""
    assert rows[3]["perlu_ditinjau"] == "true" and rows[3]["kategori_saran"] == ""
    for r in rows:
        assert 0.0 <= float(r["keyakinan"]) <= 1.0
        assert r["perlu_ditinjau"] in {"true", "false"}
    assert "5 aduan" in res.output and "perlu ditinjau" in res.output


def test_other_text_column(tmp_path: Path) -> None:
    src = _write(tmp_path / "a.csv", "id,isi_laporan\n1,ktp saya belum dicetak sudah 4 bulan blanko kosong\n")
    out = tmp_path / "o.csv"
    res = RUNNER.invoke(app, ["rute", "--in", str(src), "--out", str(out), "--text-column", "isi_laporan"])
    assert res.exit_code == 0, res.output
    assert next(csv.DictReader(out.open(encoding="utf-8")))["kategori_saran"] == "adminduk"


def test_missing_text_column_names_file_column_and_fix(tmp_path: Path) -> None:
    src = _write(tmp_path / "a.csv", "id,laporan\n1,jalan rusak\n")
    res = RUNNER.invoke(app, ["rute", "--in", str(src), "--out", str(tmp_path / "o.csv")])
    assert res.exit_code == 2
    for needed in (str(src), "'deskripsi' tidak ada", "laporan", "--text-column"):
        assert needed in res.output, res.output
    assert not (tmp_path / "o.csv").exists()


def test_unreadable_and_missing_files(tmp_path: Path) -> None:
    missing = RUNNER.invoke(app, ["rute", "--in", str(tmp_path / "tidak_ada.csv"), "--out", str(tmp_path / "o.csv")])
    assert missing.exit_code == 2 and "berkas tidak ditemukan" in missing.output
    binary = tmp_path / "foto.csv"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200))
    res = RUNNER.invoke(app, ["rute", "--in", str(binary), "--out", str(tmp_path / "o.csv")])
    assert res.exit_code == 2 and str(binary) in res.output and "bukan teks CSV" in res.output
    empty = _write(tmp_path / "kosong.csv", "")
    res = RUNNER.invoke(app, ["rute", "--in", str(empty), "--out", str(tmp_path / "o.csv")])
    assert res.exit_code == 2 and "berkas kosong" in res.output


def test_needs_in_and_out() -> None:
    res = RUNNER.invoke(app, ["rute"])
    assert res.exit_code == 2 and "--in" in res.output


def test_evaluate_prints_the_figures() -> None:
    res = RUNNER.invoke(app, ["rute", "evaluate"])
    assert res.exit_code == 0, res.output
    for needed in ("macro-F1", "top-3 accuracy", "abstention rate", "drainase_genangan -> banjir", "puskesmas"):
        assert needed in res.output, needed


def test_routes_an_xlsx_sheet_and_a_utf16_csv(tmp_path: Path) -> None:
    import pandas as pd

    rows = {"no": ["1", "2"], "deskripsi": ["sampah di tps belum diangkut seminggu", "bemo ngebut dan ugal2an"]}
    xlsx = tmp_path / "aduan.xlsx"
    pd.DataFrame(rows).to_excel(xlsx, index=False)
    utf16 = _write(tmp_path / "aduan16.csv", "no\tdeskripsi\n1\tsampah di tps belum diangkut seminggu\n", "utf-16")
    for src in (xlsx, utf16):
        out = tmp_path / f"{src.stem}-saran.csv"
        res = RUNNER.invoke(app, ["rute", "--in", str(src), "--out", str(out)])
        assert res.exit_code == 0, res.output
        got = list(csv.DictReader(out.open(encoding="utf-8")))
        assert got[0]["no"] == "1" and got[0]["kategori_saran"] == "sampah", got
