"""Where a warehouse run keeps its dbt results: a folder named from the Airflow run id, which whoever triggered the
run chose, so it must stay inside data/dbt-runs whatever it holds."""

from __future__ import annotations

from pathlib import Path

import pytest

from muara.warehouse import runs


@pytest.mark.parametrize(
    "run_id", ["..", "../../etc/passwd", "/abs/path", "manual__2026-12-07T01:30:00+00:00", "a\nb", ".hidden", ""]
)
def test_a_run_keeps_its_results_inside_the_runs_folder(run_id: str, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("MUARA_DATA_DIR", str(tmp_path))
    path = runs.results_for(run_id)
    assert path.parent.parent == runs.runs_dir()
    assert path.resolve().is_relative_to(runs.runs_dir().resolve())
    assert path.name == runs.RESULTS and "\n" not in str(path) and not path.parent.name.startswith(".")
