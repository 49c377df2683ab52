"""Every DAG imports cleanly and follows the house rules; the ingest DAG runs for real with dag.test()."""

from __future__ import annotations

import os
from datetime import date, timedelta
from pathlib import Path

import psycopg
import pytest

from tests.conftest import ROOT

DAGS_DIR = ROOT / "dags"
ALLOWED_TAGS = {"muara", "ingest", "warehouse", "housekeeping"}


@pytest.fixture(scope="module")
def dagbag(airflow_db: Path):  # type: ignore[no-untyped-def]
    """Airflow reads its configuration (and so its database URL) on import: the test server must be up first."""
    from airflow.dag_processing.dagbag import DagBag

    return DagBag(dag_folder=str(DAGS_DIR))


def test_no_import_errors(dagbag) -> None:  # type: ignore[no-untyped-def]
    assert dagbag.import_errors == {}
    assert "ingest" in dagbag.dag_ids


def test_house_rules(dagbag) -> None:  # type: ignore[no-untyped-def]
    """Every DAG the DagBag finds (not a hand list): tags from the allow-list, docs, no catchup, an owner and
    retries on every task."""
    assert {"ingest", "warehouse"} <= set(dagbag.dag_ids)
    broken = []
    for dag_id in sorted(dagbag.dag_ids):
        dag = dagbag.get_dag(dag_id)
        if not dag.tags or not set(dag.tags) <= ALLOWED_TAGS:
            broken.append(f"{dag_id}: tags {dag.tags} not within {sorted(ALLOWED_TAGS)}")
        if not dag.doc_md or dag.catchup is not False:
            broken.append(f"{dag_id}: needs doc_md and catchup=False")
        broken += [f"{dag_id}.{t.task_id}: owner {t.owner!r}" for t in dag.tasks if t.owner != "muara"]
        broken += [f"{dag_id}.{t.task_id}: no retries" for t in dag.tasks if t.retries < 1]
    assert not broken, "\n".join(broken)


@pytest.mark.integration
def test_ingest_dag_loads_every_dataset_from_the_demo_inbox(
    airflow_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """dag.test() over the demo exports: every file loaded or answered, archived, every dataset announced."""
    import importlib.util

    from muara.contract.datasets import DATASETS
    from muara.devtools.demo_data import write_demo_data
    from muara.stack import postgres as db

    monkeypatch.setenv("MUARA_DATA_DIR", str(tmp_path / "data"))
    files = write_demo_data(
        tmp_path / "data" / "inbox", rows=200, seed=21, anchor=date.today() - timedelta(days=1), workers=1
    )
    spec = importlib.util.spec_from_file_location("ingest_dag_under_test", DAGS_DIR / "ingest.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    run = module.ingest().test()
    assert run.state == "success"
    assert not [p for p in (tmp_path / "data" / "inbox").rglob("*") if p.is_file()], "files left in the inbox"
    archived = [p for p in (tmp_path / "data" / "archive").rglob("*") if p.is_file()]
    assert len(archived) == len(files)
    names = {f.path.name for f in files}
    with psycopg.connect(db.url()) as conn:
        rows = conn.execute(
            "select dataset, status, rows_read, rows_loaded, rows_rejected, archive_path from muara.ingest_batch "
            "where source_file = any(%s) and started_at > now() - interval '1 hour'",
            (list(names),),
        ).fetchall()
    loaded = {r[0] for r in rows if r[1] in ("loaded", "partial") and r[3] > 0}
    assert loaded == set(DATASETS), f"datasets with no rows loaded: {set(DATASETS) - loaded}"
    assert all(r[2] == r[3] + r[4] for r in rows)
    assert all(r[5] and Path(r[5]).exists() for r in rows)
    # the GX Data Docs pages, left for render_docs by the loads, are all rendered by the end of the run
    reports = tmp_path / "data" / "reports"
    assert not list(reports.rglob("*_gx.pending.json")), "pages still waiting after the run"
    assert len(list(reports.rglob("*_gx.html"))) >= len([r for r in rows if r[1] in ("loaded", "partial")])
    with psycopg.connect(db.airflow_url()) as conn:
        events = conn.execute(
            "select a.name, e.extra from asset_event e join asset a on a.id = e.asset_id where e.source_run_id = %s",
            (run.run_id,),
        ).fetchall()
    # one event for the whole run, naming every dataset that received rows: one warehouse run, not eleven
    assert [name for name, _ in events] == ["raw"], events
    extra = events[0][1]
    assert extra["datasets"] == sorted(DATASETS) and set(extra["rows"]) == set(DATASETS), extra
    with psycopg.connect(db.airflow_url()) as conn:
        loads = conn.execute(
            "select count(*) from task_instance where dag_id = 'ingest' and run_id = %s and task_id = 'load'",
            (run.run_id,),
        ).fetchone()
    # the files are loaded in one batch per core, not one task (one new interpreter) per file
    assert loads == (min(len(files), os.cpu_count() or 2),), loads
