"""The portal's rules that need no server: Beranda's on time / due / late (the rule of
marts.fct_kepatuhan_kiriman), login names per sender, generated file names, and templates that never carry a
formula."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from muara.portal import accounts, jadwal, kiriman, templat

NOW = datetime(2026, 12, 7, 8, 0, tzinfo=UTC)
WEEK = timedelta(days=7)


@pytest.mark.parametrize(
    ("age", "state"),
    [
        (timedelta(days=6), "tepat_waktu"),
        (WEEK, "tepat_waktu"),
        (WEEK + timedelta(hours=1), "jatuh_tempo"),
        (WEEK + timedelta(hours=12), "jatuh_tempo"),  # the mart: late only past frequency + 12 hours
        (WEEK + timedelta(hours=12, minutes=1), "terlambat"),
        (None, "terlambat"),  # never sent data: late, as the mart's coalesce(..., true)
    ],
)
def test_due_rule_mirrors_the_compliance_mart(age: timedelta | None, state: str) -> None:
    assert jadwal.judge(WEEK, None if age is None else NOW - age, NOW) == state


def test_the_mart_still_says_frequency_plus_twelve_hours() -> None:
    """If the mart's tolerance changes, this fails: jadwal.py must change with it."""
    sql = (Path(__file__).resolve().parents[2] / "dbt/models/marts/kepatuhan/fct_kepatuhan_kiriman.sql").read_text()
    assert "frekuensi_jam + 12 as toleransi_jam" in sql
    assert timedelta(hours=12) == jadwal.TOLERANCE


def test_logins_per_sender() -> None:
    assert accounts.username_for("PUPR") == "opd_pupr"
    assert accounts.username_for("53.71.04.1011") == "kel_53_71_04_1011"
    senders = accounts.senders("53.71")
    assert "PUPR" in senders and any(s.startswith("53.71.") for s in senders)
    assert "aduan" in accounts.datasets_of("PUPR", "53.71") and "tempat_tidur" not in accounts.datasets_of("PUPR")


@pytest.mark.parametrize(
    ("original", "suffix"),
    [("aduan.xlsx", ".xlsx"), ("../../etc/passwd", ".dat"), ("a\x00b.CSV", ".csv"), ("x" * 900, ".dat")],
)
def test_stored_names_are_generated(original: str, suffix: str) -> None:
    name = kiriman.stored_name_for(original)
    assert re.fullmatch(r"kiriman-\d{8}-\d{6}-[0-9a-f]{8}\.[a-z]{3,4}", name) and name.endswith(suffix)
    assert "\x00" not in kiriman.display_name(original) and len(kiriman.display_name(original)) <= 200


def test_template_cells_never_hold_a_formula() -> None:
    import xlsxwriter
    from python_calamine import CalamineWorkbook

    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf, {"in_memory": True})
    sheet = book.add_worksheet("Data")
    for i, value in enumerate(('=HYPERLINK("http://x")', "+62 812", "-1+1", "@SUM(A1)", -10.17, "biasa")):
        templat._cell(sheet, 0, i, value)
    book.close()
    row = CalamineWorkbook.from_filelike(io.BytesIO(buf.getvalue())).get_sheet_by_name("Data").to_python()[0]
    assert row == ['\'=HYPERLINK("http://x")', "'+62 812", "'-1+1", "'@SUM(A1)", -10.17, "biasa"]
    import zipfile

    with zipfile.ZipFile(io.BytesIO(buf.getvalue())) as z:
        assert b"<f>" not in z.read("xl/worksheets/sheet1.xml")  # no formula element at all


def test_template_explains_every_column_in_bahasa() -> None:
    from python_calamine import CalamineWorkbook

    from muara.contract.model import get

    book = CalamineWorkbook.from_filelike(io.BytesIO(templat.xlsx("aduan", "PUPR", "53.71")))
    notes = book.get_sheet_by_name("Penjelasan").to_python()
    assert notes[3][:4] == ["Kolom", "Nama", "Arti", "Wajib?"]
    explained = {r[0]: r for r in notes[4:]}
    assert set(explained) == set(get("aduan").column_names)
    assert explained["kode_opd"][6].endswith("isi dengan kode pengirim Anda sendiri")
    assert explained["nomor_aduan"][3] == "wajib"


def test_cookies_are_secure_behind_https(monkeypatch: pytest.MonkeyPatch) -> None:
    from muara.portal import deps

    monkeypatch.delenv("MUARA_PORTAL_HTTPS", raising=False)
    assert deps.cookie_options() == {"httponly": True, "samesite": "lax", "secure": False, "path": "/"}
    monkeypatch.setenv("MUARA_PORTAL_HTTPS", "1")
    assert deps.cookie_options()["secure"] is True
