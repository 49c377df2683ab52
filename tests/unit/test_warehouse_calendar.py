"""The holiday seed is what the pinned holidays package says, and the CLI says when it is stale."""

from __future__ import annotations

from tests.conftest import ROOT


def test_calendar_holds_national_holidays_and_cuti_bersama() -> None:
    rows = (ROOT / "dbt" / "seeds" / "hari_libur.csv").read_text(encoding="utf-8").splitlines()
    assert rows[0] == "tanggal,jenis,nama_libur"
    assert "2026-08-17,libur_nasional,Hari Kemerdekaan Republik Indonesia" in rows
    assert any(r.startswith("2026-03-20,cuti_bersama,") for r in rows)
    years = {r[:4] for r in rows[1:]}
    assert years == {str(y) for y in range(2020, 2031)}
