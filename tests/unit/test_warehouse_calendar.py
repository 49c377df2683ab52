"""The holiday seed is what the pinned holidays package says, and the CLI says when it is stale."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import ROOT, muara


def test_committed_calendar_matches_the_holidays_package() -> None:
    res = muara("warehouse", "calendar", "--check")
    assert res.returncode == 0, res.stdout + res.stderr


def test_calendar_holds_national_holidays_and_cuti_bersama() -> None:
    rows = (ROOT / "dbt" / "seeds" / "hari_libur.csv").read_text(encoding="utf-8").splitlines()
    assert rows[0] == "tanggal,jenis,nama_libur"
    assert "2026-08-17,libur_nasional,Hari Kemerdekaan Republik Indonesia" in rows
    assert any(r.startswith("2026-03-20,cuti_bersama,") for r in rows)
    years = {r[:4] for r in rows[1:]}
    assert years == {str(y) for y in range(2020, 2031)}


def test_check_fails_on_a_hand_edited_calendar_and_the_command_repairs_it(project_copy: Path) -> None:
    seed = project_copy / "dbt" / "seeds" / "hari_libur.csv"
    seed.write_text(seed.read_text(encoding="utf-8").replace("2026-08-17", "2026-08-18"), encoding="utf-8")
    env = {"MUARA_HOME": str(project_copy)}
    stale = muara("warehouse", "calendar", "--check", env=env)
    assert stale.returncode == 1 and "muara warehouse calendar" in stale.stderr
    assert muara("warehouse", "calendar", env=env).returncode == 0
    assert muara("warehouse", "calendar", "--check", env=env).returncode == 0
    assert "2026-08-17,libur_nasional" in seed.read_text(encoding="utf-8")
