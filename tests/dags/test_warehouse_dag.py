"""The warehouse DAG: Cosmos renders it from dbt's manifest, it waits on every Asset the ingest DAG emits, and a
real dag.test() over the ingested demo exports builds the marts on the test server.

Model names come from the manifest, never from this file: the dbt project keeps growing.
"""

from __future__ import annotations

import importlib.util
import json
from datetime import date, timedelta
from pathlib import Path
from types import ModuleType
from typing import Any

import psycopg
import pytest

from tests.conftest import ROOT

DAGS_DIR = ROOT / "dags"
BUILT = ("model", "seed", "snapshot")  # the dbt nodes that become a run/seed/snapshot task


@pytest.fixture(scope="module")
def dagbag(airflow_db: Path):  # type: ignore[no-untyped-def]
    """Both DAGs, so the warehouse schedule can be compared with what ingest emits."""
    from airflow.dag_processing.dagbag import DagBag

    return DagBag(dag_folder=str(DAGS_DIR))


@pytest.fixture(scope="module")
def manifest(dbt_manifest: Path) -> dict[str, Any]:
    return json.loads(dbt_manifest.read_text(encoding="utf-8"))


def _load_dag_module(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"{name}_dag_under_test", DAGS_DIR / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _node_tasks(dag) -> tuple[dict[str, Any], dict[str, Any]]:  # type: ignore[no-untyped-def]
    """dbt unique_id -> the task building it, and -> the task running its tests (Cosmos keeps the dbt node on the
    task: a model's or seed's own tests run in a task after it; a test reading two nodes is a task of its own)."""
    builds, tests = {}, {}
    for task in dag.tasks:
        node = (getattr(task, "extra_context", None) or {}).get("dbt_node_config")
        if node:
            (tests if getattr(task, "base_cmd", None) == ["test"] else builds)[node["unique_id"]] = task
    return builds, tests


def test_imports_and_follows_the_house_rules(dagbag) -> None:  # type: ignore[no-untyped-def]
    assert dagbag.import_errors == {}
    dag = dagbag.get_dag("warehouse")
    assert dag is not None
    assert set(dag.tags) == {"muara", "warehouse"}
    assert dag.doc_md and "manifest" in dag.doc_md and "Asset" in dag.doc_md
    assert dag.catchup is False and dag.max_active_runs == 1
    for task in dag.tasks:
        assert task.owner == "muara", task.task_id
        assert task.retries >= 1, task.task_id


def test_scheduled_on_any_raw_asset_the_ingest_dag_emits(dagbag) -> None:  # type: ignore[no-untyped-def]
    from airflow.sdk import Asset
    from airflow.sdk.definitions.asset import AssetAny
    from airflow.sdk.definitions.timetables.assets import AssetTriggeredTimetable

    from muara.contract.datasets import DATASETS

    timetable = dagbag.get_dag("warehouse").timetable
    assert isinstance(timetable, AssetTriggeredTimetable)
    condition = timetable.asset_condition
    assert isinstance(condition, AssetAny), "any one dataset must be enough to start a build"
    assert all(isinstance(a, Asset) for a in condition.objects)
    scheduled = {(a.name, a.group) for a in condition.objects}
    assert {name for name, _ in scheduled} == {f"raw.{d}" for d in DATASETS}
    emitted = {(a.name, a.group) for t in dagbag.get_dag("ingest").tasks for a in t.outlets if isinstance(a, Asset)}
    assert scheduled == emitted


def test_every_dbt_node_is_a_task_and_every_test_runs_after_what_it_reads(dagbag, manifest) -> None:  # type: ignore[no-untyped-def]
    dag = dagbag.get_dag("warehouse")
    builds, tests = _node_tasks(dag)
    nodes = {uid: n for uid, n in manifest["nodes"].items() if n["resource_type"] in BUILT}
    marts = {uid for uid, n in nodes.items() if n["resource_type"] == "model" and "marts" in n["fqn"]}
    assert marts and any(n["resource_type"] == "seed" for n in nodes.values())
    assert marts - set(builds) == set(), "mart models without a task"
    assert set(builds) == set(nodes), "every model, seed and snapshot is built by exactly one task"

    dbt_tests = {uid: n for uid, n in manifest["nodes"].items() if n["resource_type"] == "test"}
    dbt_tests.update(manifest.get("unit_tests", {}))
    for uid, test in dbt_tests.items():
        parents = [p for p in test["depends_on"]["nodes"] if p in nodes]
        if not parents:
            continue  # a test on a raw source only: sources are not rendered (see the DAG's docstring)
        task = tests.get(uid) or (tests.get(parents[0]) if len(test["depends_on"]["nodes"]) == 1 else None)
        assert task is not None, f"no task runs {uid}"
        ancestors = {t.task_id for t in task.get_flat_relatives(upstream=True)}
        missing = {p for p in parents if builds[p].task_id not in ancestors}
        assert not missing, f"{task.task_id} can run before {missing} is built"


@pytest.fixture(scope="module")
def demo_ingested(airflow_db: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    """The demo exports in raw.*, loaded by the ingest DAG with dag.test() exactly as test_dags.py does (same
    seed: when that test ran first in the session, these files are answered `duplicate` and its rows stay)."""
    from muara.devtools.demo_data import write_demo_data

    data = tmp_path_factory.mktemp("warehouse") / "data"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("MUARA_DATA_DIR", str(data))
        write_demo_data(data / "inbox", rows=200, seed=21, anchor=date.today() - timedelta(days=1), workers=1)
        run = _load_dag_module("ingest").ingest().test()
    assert run.state == "success"


@pytest.mark.integration
def test_dag_test_builds_the_warehouse_from_the_ingested_exports(demo_ingested: None, manifest) -> None:  # type: ignore[no-untyped-def]
    """dag.test() of the whole warehouse DAG on an empty warehouse: every task succeeds, fct_aduan has rows."""
    from psycopg import sql

    from muara.stack import postgres as db

    nodes = [n for n in manifest["nodes"].values() if n["resource_type"] in BUILT]
    if db.external_url() is None:  # the tests' own server: start from no dbt schemas, as a fresh clone does
        with psycopg.connect(db.url(), autocommit=True) as conn:
            for schema in sorted({n["schema"] for n in nodes}):
                conn.execute(sql.SQL("drop schema if exists {} cascade").format(sql.Identifier(schema)))

    module = _load_dag_module("warehouse")
    run = module.warehouse_dag.test()
    assert run.state == "success"
    with psycopg.connect(db.airflow_url()) as conn:
        states = dict(
            conn.execute(
                "select task_id, state from task_instance where dag_id = 'warehouse' and run_id = %s", (run.run_id,)
            ).fetchall()
        )
    assert set(states) == set(module.warehouse_dag.task_ids)
    assert {t: s for t, s in states.items() if s != "success"} == {}
    fct_aduan = manifest["nodes"]["model.muara.fct_aduan"]["relation_name"]
    with psycopg.connect(db.url()) as conn:
        row = conn.execute(f"select count(*) from {fct_aduan}").fetchone()  # type: ignore[arg-type]
    assert row and row[0] > 0
