"""One warehouse run as the warehouse DAG does it: ``dbt build`` of a :mod:`muara.warehouse.plan`, and on a retry
``dbt retry`` of what failed, each run's dbt target folder kept apart under ``data/dbt-runs/``."""

from __future__ import annotations

import logging
import re
import shutil
from pathlib import Path
from typing import Any

from muara import settings
from muara.warehouse import dbt

log = logging.getLogger(__name__)
KEEP_RUNS = 20  # target folders kept (run_results.json, compiled SQL) for looking into a recent run


def runs_dir() -> Path:
    return settings.data_dir() / "dbt-runs"


def target_for(run_id: str) -> Path:
    """The run's own dbt target folder (the run id made a safe file name)."""
    return runs_dir() / re.sub(r"[^A-Za-z0-9_.-]+", "_", run_id)[:150]


def _prune(keep: int = KEEP_RUNS) -> None:
    folders = sorted((p for p in runs_dir().iterdir() if p.is_dir()), key=lambda p: p.stat().st_mtime)
    for old in folders[:-keep]:
        shutil.rmtree(old, ignore_errors=True)


def _log_nodes(results: dict[str, Any] | None) -> None:
    """One line per node dbt ran: the per-model view the grid no longer shows."""
    for r in (results or {}).get("results", []):
        log.info("%-7s %6.1fs  %s", r["status"], float(r.get("execution_time") or 0), r["unique_id"])


def build_for_run(plan: dict[str, Any], *, run_id: str, try_number: int = 1) -> dict[str, Any]:
    """Build ``plan`` (``Plan.as_dict()``) for the Airflow run ``run_id``. Raises :class:`dbt.WarehouseError` when a
    node errors or a test fails, naming them; returns the counts per status."""
    target = target_for(run_id)
    previous = dbt.run_results(target) if try_number > 1 else None
    if previous is None:
        shutil.rmtree(target, ignore_errors=True)
        target.mkdir(parents=True, exist_ok=True)
        result = dbt.build(select=plan.get("select") or (), target_path=target, check=False)
        how = "build"
    else:
        log.info(
            "attempt %d: dbt retry of the %d node(s) that did not pass",
            try_number,
            len(dbt.summarise(previous)["not_passed"]),
        )
        result = dbt.retry(target_path=target, check=False)
        how = "retry"
    results = dbt.run_results(target)
    _log_nodes(results)
    summary = {**dbt.summarise(results), "how": how, "wall_seconds": round(result.seconds, 1), "full": plan["full"]}
    _prune()
    if result.returncode != 0:
        failed = summary["not_passed"] or [f"dbt exited with code {result.returncode} before running any node"]
        raise dbt.WarehouseError(f"dbt {how} failed: " + "; ".join(failed[:20]))
    log.info("dbt %s: %s", how, summary)
    return summary
