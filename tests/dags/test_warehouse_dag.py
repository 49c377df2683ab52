"""The warehouse DAG: one dbt build per burst of new data, scheduled on the one `raw` Asset the ingest DAG emits
and nightly; the plan builds only what the new data touches, and a real dag.test() over the ingested demo exports
builds the marts on the test server.

Model names come from the manifest, never from this file: the dbt project keeps growing.
"""

from __future__ import annotations

import importlib.util
import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from types import ModuleType
from typing import Any

import psycopg
import pytest

from tests.conftest import ROOT

DAGS_DIR = ROOT / "dags"
BUILT = ("model", "seed", "snapshot")  # the dbt nodes a build materialises


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


def test_imports_and_follows_the_house_rules(dagbag) -> None:  # type: ignore[no-untyped-def]
    assert dagbag.import_errors == {}
    dag = dagbag.get_dag("warehouse")
    assert dag is not None
    assert set(dag.tags) == {"muara", "warehouse"}
    assert dag.doc_md and "dbt build" in dag.doc_md and "Asset" in dag.doc_md
    assert dag.catchup is False and dag.max_active_runs == 1
    # the plan and one dbt build in one process; the routing suggestions beside it
    assert sorted(dag.task_ids) == ["bangun", "saran_rute"]
    for task in dag.tasks:
        assert task.owner == "muara", task.task_id
        assert task.retries >= 1, task.task_id


def test_scheduled_on_the_one_raw_asset_the_ingest_dag_emits_and_nightly(dagbag) -> None:  # type: ignore[no-untyped-def]
    """One Asset, not one per dataset: an ingest run that loads eleven datasets schedules one warehouse run."""
    from airflow.sdk import Asset, AssetOrTimeSchedule

    timetable = dagbag.get_dag("warehouse").timetable
    assert isinstance(timetable, AssetOrTimeSchedule)
    condition = timetable.asset_condition
    assert isinstance(condition, Asset) and (condition.name, condition.group) == ("raw", "muara")
    emitted = {(a.name, a.group) for t in dagbag.get_dag("ingest").tasks for a in t.outlets if isinstance(a, Asset)}
    assert emitted == {("raw", "muara")}
    assert timetable.timetable.expression == "30 1 * * *" and not timetable.timetable.run_immediately


def test_the_plan_reads_the_datasets_from_the_events() -> None:
    from muara.warehouse import plan

    extras = [{"datasets": ["cctv", "aduan"], "rows": {}}, {"datasets": ["aduan", "not_a_dataset"]}, None]
    assert plan.datasets_in(extras) == ["aduan", "cctv"]
    assert plan.selection(["cctv", "aduan"]) == ["source:raw.aduan+", "source:raw.cctv+", plan.LEDGER_SELECTOR]


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
        plan = conn.execute(
            "select value from xcom where dag_id = 'warehouse' and run_id = %s and task_id = 'bangun' "
            "and key = 'return_value'",
            (run.run_id,),
        ).fetchone()
    assert states == {"bangun": "success", "saran_rute": "success"}, states
    assert plan is not None and plan[0]["plan"]["full"] is True and plan[0]["plan"]["select"] == [], plan  # manual
    # dbt's on-run-end hook recorded the build of everything, started within this run
    from muara.warehouse import plan as planner

    built = planner.last_full_build(db.url())
    assert built is not None and run.start_date <= built <= datetime.now(UTC), (built, run.start_date)
    fct_aduan = manifest["nodes"]["model.muara.fct_aduan"]["relation_name"]
    with psycopg.connect(db.url()) as conn:
        row = conn.execute(f"select count(*) from {fct_aduan}").fetchone()  # type: ignore[arg-type]
    assert row and row[0] > 0


def _downstream(manifest: dict[str, Any], roots: list[str]) -> set[str]:
    seen: set[str] = set()
    todo = list(roots)
    while todo:
        for child in manifest["child_map"].get(todo.pop(), []):
            if child not in seen:
                seen.add(child)
                todo.append(child)
    return seen


@pytest.mark.integration
def test_a_run_started_by_one_dataset_builds_only_what_it_touches(
    demo_ingested: None, manifest, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    """On the warehouse the test above built: the events of an ingest run that loaded `kemiskinan` make a plan of
    `source:raw.kemiskinan+` and the ledger's models; the build runs those and their tests, nothing else (not the
    complaint marts), and in less time than the full build."""
    from muara.stack import postgres as db
    from muara.warehouse import dbt as warehouse
    from muara.warehouse import plan, runs

    if plan.missing_relations(warehouse.manifest_path(), db.url()):  # run alone: build it first
        warehouse.build()
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("MUARA_DATA_DIR", str(tmp_path))
        chosen = plan.plan(
            [(datetime.now(UTC), {"datasets": ["kemiskinan"], "rows": {"kemiskinan": 50}})],
            manifest_file=warehouse.manifest_path(),
            url=db.url(),
        )
        assert not chosen.full and chosen.datasets == ["kemiskinan"], chosen
        summary = runs.build_for_run(chosen.as_dict(), run_id="selection-test")
        results = warehouse.run_results(runs.results_for("selection-test").parent)
    assert results is not None
    # dbt lists the on-run-end hook (record_build) among the results: an operation, not a node of the selection
    ran = {r["unique_id"] for r in results["results"] if not r["unique_id"].startswith("operation.")}
    allowed = _downstream(manifest, ["source.muara.raw.kemiskinan", "source.muara.muara.ingest_batch"])
    assert ran and ran <= allowed | {"source.muara.raw.kemiskinan", "source.muara.muara.ingest_batch"}, ran - allowed
    assert any(uid.startswith("model.") and "kemiskinan" in uid for uid in ran), ran
    assert "model.muara.fct_aduan" not in ran and not any(u.startswith("seed.") for u in ran)
    everything = [u for u, n in manifest["nodes"].items() if n["resource_type"] in BUILT]
    print(f"selection ran {len(ran)} nodes of {len(manifest['nodes'])} in {summary['wall_seconds']} s")
    assert len([u for u in ran if u.split(".")[0] in BUILT]) < len(everything) / 2


@pytest.mark.integration
def test_events_older_than_the_last_full_build_add_nothing(demo_ingested: None) -> None:
    """Airflow gives a DAG's first data-started run every event since the DAG was parsed. Events older than the
    start of the last successful build of everything are in the warehouse already: alone they build nothing (the
    task is skipped), beside a newer event they leave only the newer one's selection. A selective build is recorded
    but does not count as a build of everything."""
    from muara.stack import postgres as db
    from muara.warehouse import dbt as warehouse
    from muara.warehouse import plan

    built = plan.last_full_build(db.url())
    if built is None:  # run alone: build everything, as the test above does
        warehouse.build()
        built = plan.last_full_build(db.url())
    assert built is not None
    old = (built - timedelta(minutes=5), {"datasets": ["aduan", "cctv"]})
    new = (datetime.now(UTC), {"datasets": ["kemiskinan"]})
    args = {"manifest_file": warehouse.manifest_path(), "url": db.url()}

    alone = plan.plan([old], **args)
    assert alone.skip and not alone.full and alone.select == [], alone
    mixed = plan.plan([old, new], **args)
    assert not mixed.skip and mixed.select == plan.selection(["kemiskinan"]), mixed

    with psycopg.connect(db.url()) as conn:
        rows = conn.execute(
            "select full_build, selection, ok from muara.warehouse_build where started_at >= %s order by started_at",
            (built,),
        ).fetchall()
    assert rows[0] == (True, None, True), rows
    # the selection test above (when it ran in this session) left a row that is not a build of everything
    assert all(full is (sel is None) for full, sel, _ in rows), rows
