"""`muara warehouse calendar [--check]` as a person runs it."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import muara


def test_committed_calendar_matches_the_holidays_package() -> None:
    res = muara("warehouse", "calendar", "--check")
    assert res.returncode == 0, res.stdout + res.stderr


def test_check_fails_on_a_hand_edited_calendar_and_the_command_repairs_it(project_copy: Path) -> None:
    seed = project_copy / "dbt" / "seeds" / "hari_libur.csv"
    seed.write_text(seed.read_text(encoding="utf-8").replace("2026-08-17", "2026-08-18"), encoding="utf-8")
    env = {"MUARA_HOME": str(project_copy)}
    stale = muara("warehouse", "calendar", "--check", env=env)
    assert stale.returncode == 1 and "muara warehouse calendar" in stale.stderr
    assert muara("warehouse", "calendar", env=env).returncode == 0
    assert muara("warehouse", "calendar", "--check", env=env).returncode == 0
    assert "2026-08-17,libur_nasional" in seed.read_text(encoding="utf-8")
