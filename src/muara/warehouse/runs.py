"""One warehouse run as the warehouse DAG does it: ``dbt build`` of a :mod:`muara.warehouse.plan`, and on a retry
``dbt retry`` of what failed.

Every run builds in one target folder (``data/dbt-target``; the DAG runs one at a time), so dbt's partial parsing
carries over from run to run (a fresh folder means parsing the whole project again, seconds on every run); each
run's ``run_results.json`` is then kept under ``data/dbt-runs/<run>/``, and a retry puts it back before
``dbt retry`` reads it.
"""

from __future__ import annotations

import logging
import re
import shutil
from pathlib import Path
from typing import Any

from muara import settings
from muara.warehouse import dbt

log = logging.getLogger(__name__)
KEEP_RUNS = 20  # run_results.json kept for looking into a recent run
RESULTS = "run_results.json"


def target_dir() -> Path:
    return settings.data_dir() / "dbt-target"


def runs_dir() -> Path:
    return settings.data_dir() / "dbt-runs"


def results_for(run_id: str) -> Path:
    """Where the run's ``run_results.json`` is kept (the run id made a safe file name)."""
    # a run id is whatever the one who triggered the run typed: no separator, no leading dot ("..") survives
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", run_id)[:150].lstrip(".") or "_"
    return runs_dir() / name / RESULTS


def _prune(keep: int = KEEP_RUNS) -> None:
    folders = sorted((p for p in runs_dir().iterdir() if p.is_dir()), key=lambda p: p.stat().st_mtime)
    for old in folders[:-keep]:
        shutil.rmtree(old, ignore_errors=True)


def _log_nodes(results: dict[str, Any] | None) -> None:
    """One line per node dbt ran, with its status and time: the per-model view of the run."""
    for r in (results or {}).get("results", []):
        log.info("%-7s %6.1fs  %s", r["status"], float(r.get("execution_time") or 0), r["unique_id"])


def build_for_run(plan: dict[str, Any], *, run_id: str, try_number: int = 1) -> dict[str, Any]:
    """Build ``plan`` (``Plan.as_dict()``) for the Airflow run ``run_id``. Raises :class:`dbt.WarehouseError` when a
    node errors or a test fails, naming them; returns the counts per status."""
    target = target_dir()
    target.mkdir(parents=True, exist_ok=True)
    kept = results_for(run_id)
    (target / RESULTS).unlink(missing_ok=True)
    if try_number > 1 and kept.exists():
        previous = dbt.run_results(kept.parent)
        shutil.copyfile(kept, target / RESULTS)
        log.info(
            "attempt %d: dbt retry of the %d node(s) that did not pass",
            try_number,
            len(dbt.summarise(previous)["not_passed"]),
        )
        result = dbt.retry(target_path=target, check=False)
        how = "retry"
    else:
        select = plan.get("select") or ()
        # a selection's tests: those whose every parent is built by it or upstream of it ("buildable"), so a
        # relationships test between a touched model and a seed runs, and one on a model outside it does not
        extra = ["--indirect-selection", "buildable"] if select else []
        result = dbt.build(select=select, target_path=target, check=False, extra=extra)
        how = "build"
    results = dbt.run_results(target)
    if results is not None:
        kept.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(target / RESULTS, kept)
    _log_nodes(results)
    summary = {**dbt.summarise(results), "how": how, "wall_seconds": round(result.seconds, 1), "full": plan["full"]}
    _prune()
    if result.returncode != 0:
        failed = summary["not_passed"] or [f"dbt exited with code {result.returncode} before running any node"]
        raise dbt.WarehouseError(f"dbt {how} failed: " + "; ".join(failed[:20]))
    log.info("dbt %s: %s", how, summary)
    return summary
