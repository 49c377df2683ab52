"""Faults survived: the warehouse's Postgres stops in the middle of a DAG run and starts again; the run retries to
success, and nothing is lost or loaded twice.

How the fault is made, without mocks:

- the pipeline writes to a Postgres cluster of its own (``own_cluster``), while Airflow's metadata stays on the
  shared test server: stopping the warehouse server must not take Airflow's own bookkeeping down with it (on a
  real deployment a dead metadata database stops the scheduler itself, which nothing in a DAG can survive);
- the moment is chosen by the database itself: a trigger installed on the test cluster only makes the first
  matching row wait (``pg_sleep``) once, so a transaction is open at exactly the point under test (a COPY into
  ``raw`` half-way, or the ledger row written after every row of the file was copied); a thread that sees that
  backend sleeping stops the server (``pg_ctl stop -m fast``: every open transaction is cut), waits a few
  seconds and starts it again on the same port;
- retries are Airflow's own: in Airflow 3, ``dag.test()`` runs the same loop as the scheduler's
  (``DagRun.update_state``), so a failed task goes ``up_for_retry`` and runs again once its ``retry_delay``
  has passed. Only the delay is shortened here (the DAGs wait minutes, on purpose); the number of retries is the
  DAG's.
"""

from __future__ import annotations

import importlib.util
import os
import threading
import time
from datetime import date, timedelta
from pathlib import Path
from types import ModuleType
from typing import Any

import psycopg
import pytest
from psycopg import sql

from tests.conftest import ROOT

DAGS_DIR = ROOT / "dags"
#: how long the server stays down: longer than a task takes to fail, shorter than the test's retry delay
DOWN_SECONDS = 4.0
RETRY_DELAY = timedelta(seconds=8)


# ------------------------------------------------------------------------------------------------ the fault
PAUSE_ONCE = """
create schema if not exists faults;
create sequence if not exists faults.pauses;
create or replace function faults.pause_once() returns trigger language plpgsql as $$
begin
    -- a sequence is not transactional: the rolled-back first attempt still used the one pause
    if nextval('faults.pauses') = 1 then
        perform pg_sleep(300);
    end if;
    return new;
end $$;
"""


def arm_pause(table: str, when: str | None = None) -> None:
    """The first row inserted into ``table`` (matching ``when``) waits, inside its transaction, until the server
    stops under it. Only on the test's own cluster."""
    from muara.stack import postgres as db

    schema, name = table.split(".")
    condition = sql.SQL(f"when ({when})") if when else sql.SQL("")  # a constant of this file, never input
    with psycopg.connect(db.url(), autocommit=True) as conn:
        conn.execute(PAUSE_ONCE)
        conn.execute(
            sql.SQL(
                "create trigger pause_once before insert on {}.{} for each row {} execute function faults.pause_once()"
            ).format(sql.Identifier(schema), sql.Identifier(name), condition)
        )


class Outage(threading.Thread):
    """Stops the server once a backend sleeps in the armed trigger, and starts it again ``DOWN_SECONDS`` later."""

    def __init__(self, statement: str, timeout: float = 600.0) -> None:
        super().__init__(name="muara-outage", daemon=True)
        self.statement = statement  # an ILIKE pattern of the statement that pauses
        self.timeout = timeout
        self.stopped_at: float | None = None
        self.started_at: float | None = None
        self.cut: str | None = None  # the statement the stop cut short
        self.error: BaseException | None = None

    def run(self) -> None:
        from muara.stack import postgres as db

        try:
            deadline = time.monotonic() + self.timeout
            while self.cut is None:
                if time.monotonic() > deadline:
                    raise TimeoutError(f"no statement like {self.statement!r} ever paused")
                with psycopg.connect(db.url("postgres"), autocommit=True) as conn:
                    row = conn.execute(
                        "select query from pg_stat_activity where wait_event = 'PgSleep' and query ilike %s",
                        (self.statement,),
                    ).fetchone()
                if row:
                    self.cut = str(row[0])
                else:
                    time.sleep(0.1)
            assert db.stop(), "the server was not running"
            self.stopped_at = time.monotonic()
            time.sleep(DOWN_SECONDS)
            db.start()
            self.started_at = time.monotonic()
        except BaseException as exc:  # raised in the test by check()
            self.error = exc

    def check(self) -> None:
        self.join(timeout=120)
        assert not self.is_alive(), "the outage thread is still running"
        if self.error is not None:
            raise self.error
        assert self.stopped_at is not None and self.started_at is not None, "the server was never stopped"


@pytest.fixture
def own_warehouse(airflow_db: Path, own_cluster: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> str:
    """The pipeline's warehouse on a cluster of its own (started, DDL applied); Airflow's metadata stays where
    ``airflow_db`` put it. Returns the warehouse URL."""
    import airflow.settings  # noqa: F401  Airflow binds its metadata database now, before the switch below

    from muara.stack import postgres as db

    monkeypatch.setenv("MUARA_AIRFLOW_DATABASE_URL", db.airflow_url())  # the shared test server's
    monkeypatch.delenv("MUARA_DATABASE_URL", raising=False)  # an external server is not ours to stop
    monkeypatch.setenv("MUARA_PG_DIR", own_cluster["MUARA_PG_DIR"])
    db.start()
    db.migrate()
    return db.url()


def load_dag_module(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"{name}_dag_under_faults", DAGS_DIR / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def shorten_retry_delay(dag: Any) -> None:
    """The DAG's own retries, a test's delay (see the module docstring)."""
    for task in dag.tasks:
        assert task.retries >= 1, f"{task.task_id} does not retry"
        task.retry_delay = RETRY_DELAY


def task_tries(dag_id: str, run_id: str) -> dict[tuple[str, int], tuple[str, int]]:
    """(task_id, map_index) -> (state, try_number) of every task instance of the run, from Airflow's metadata."""
    from muara.stack import postgres as db

    with psycopg.connect(db.airflow_url()) as conn:
        rows = conn.execute(
            "select task_id, map_index, state, try_number from task_instance where dag_id = %s and run_id = %s",
            (dag_id, run_id),
        ).fetchall()
    return {(r[0], r[1]): (r[2], r[3]) for r in rows}


# ------------------------------------------------------------------------------------------------ ingest
#: where the server stops: (table whose first insert pauses, condition, ILIKE pattern of the statement paused)
INGEST_FAULTS = {
    # half-way through a file: its good rows are going from the checked stage into raw (INSERT ... SELECT, the SQL
    # engine's way since issue 15), nothing is committed
    "rows_into_raw": ("raw.aduan", None, "insert into raw.%"),
    # the last moment before the commit: every row of the file is copied, its ledger row is being written
    "ledger_row": ("muara.ingest_batch", "new.rows_loaded > 0", "insert into muara.ingest_batch%"),
}


def demo_inbox(inbox: Path) -> list[Any]:
    """Three aduan exports from three senders, one per format (CSV, JSON, XLSX), a few officers' mistakes in each."""
    from muara.devtools.demo_data import write_demo_data

    files = write_demo_data(
        inbox, rows=400, seed=7, datasets=["aduan"], anchor=date.today() - timedelta(days=1), workers=1
    )
    keep: dict[str, Any] = {}
    for f in files:
        if f.format not in keep:
            keep[f.format] = f
        else:
            f.path.unlink()
    assert set(keep) == {"csv", "json", "xlsx"}
    return sorted(keep.values(), key=lambda f: f.sender)


@pytest.mark.parametrize("fault", sorted(INGEST_FAULTS))
def test_ingest_dag_survives_the_warehouse_server_stopping_mid_run(
    fault: str, own_warehouse: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Stop the server with a file's transaction open; the task fails, retries once the server is back, and the
    run succeeds: every file has one ledger row, every row read is in raw or quarantine exactly once, and the
    counts are what checking the same file without a database says."""
    from muara.ingest.pipeline import check_file

    monkeypatch.setenv("MUARA_DATA_DIR", str(tmp_path / "data"))
    files = demo_inbox(tmp_path / "data" / "inbox")
    expected = {}
    for f in files:
        out = check_file(f.path, f.dataset, f.sender)
        expected[(f.sender, f.path.name)] = (out.rows_read, out.rows_loaded, out.rows_rejected)
    assert all(loaded > 0 for _, loaded, _ in expected.values())

    table, when, statement = INGEST_FAULTS[fault]
    arm_pause(table, when)
    outage = Outage(statement)
    outage.start()
    dag = load_dag_module("ingest").ingest()
    shorten_retry_delay(dag)
    run = dag.test()
    outage.check()

    assert run.state == "success"
    tries = task_tries("ingest", run.run_id)
    loads = {k: v for k, v in tries.items() if k[0] == "load"}
    assert len(loads) == min(len(files), os.cpu_count() or 2)  # one batch per core
    # the run's leaf (announce) runs whatever the loads did: the run's own state is not enough
    assert all(state == "success" for state, _ in loads.values()), loads
    assert max(n for _, n in loads.values()) >= 2, f"no load task was retried: {loads}"
    assert tries[("announce", -1)][0] == "success"

    with psycopg.connect(own_warehouse) as conn:
        ledger = conn.execute(
            "select sender, source_file, status, rows_read, rows_loaded, rows_rejected, batch_id, archive_path, "
            "report_path from muara.ingest_batch"
        ).fetchall()
        raw = dict(conn.execute("select _batch_id::uuid, count(*) from raw.aduan group by 1").fetchall())
        quarantine = dict(conn.execute("select _batch_id::uuid, count(*) from quarantine.aduan group by 1").fetchall())
        keys = conn.execute("select count(*), count(distinct nomor_aduan) from raw.aduan").fetchone()
    # every file exactly once in the ledger, loaded, with the counts it holds
    assert sorted((r[0], r[1]) for r in ledger) == sorted(expected), "a file is missing or in the ledger twice"
    for sender, name, status, read, loaded, rejected, batch_id, archive_path, report_path in ledger:
        assert status in ("loaded", "partial"), (name, status)
        assert read == loaded + rejected
        assert (read, loaded, rejected) == expected[(sender, name)], name
        # nothing lost, nothing loaded twice: raw and quarantine hold exactly the ledger's rows
        assert raw.get(batch_id, 0) == loaded and quarantine.get(batch_id, 0) == rejected, name
        assert archive_path and Path(archive_path).is_file(), f"{name} not archived where the ledger says"
        assert report_path and Path(report_path).is_file(), f"{name}: no report where the ledger says"
    assert set(raw) <= {r[6] for r in ledger}, "rows in raw from a batch the ledger does not know"
    assert keys and keys[0] == keys[1] == sum(r[4] for r in ledger)
    assert not [p for p in (tmp_path / "data" / "inbox").rglob("*") if p.is_file()], "files left in the inbox"


def test_a_server_down_through_every_retry_fails_the_run_and_the_next_run_loads_every_file_once(
    own_warehouse: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The server stays down through every retry: the loads fail, the run is red (not green because its announce
    tasks ran anyway), nothing is archived; once the server is back, the next run loads every file once."""
    from muara.stack import postgres as db

    monkeypatch.setenv("MUARA_DATA_DIR", str(tmp_path / "data"))
    files = demo_inbox(tmp_path / "data" / "inbox")
    module = load_dag_module("ingest")
    assert db.stop()
    try:
        down = module.ingest()
        shorten_retry_delay(down)
        failed = down.test()
    finally:
        db.start()
    assert failed.state == "failed"
    tries = task_tries("ingest", failed.run_id)
    assert {s for (t, _), s in tries.items() if t == "load"} == {("failed", 3)}, tries  # the DAG's 2 retries
    assert tries[("all_loaded", -1)][0] == "upstream_failed"
    assert len([p for p in (tmp_path / "data" / "inbox").rglob("*") if p.is_file()]) == len(files)

    again = module.ingest().test()
    assert again.state == "success"
    with psycopg.connect(own_warehouse) as conn:
        ledger = conn.execute("select source_file, status, rows_loaded from muara.ingest_batch").fetchall()
        raw = conn.execute("select count(*) from raw.aduan").fetchone()
    assert sorted(r[0] for r in ledger) == sorted(f.path.name for f in files)
    assert all(r[1] in ("loaded", "partial") for r in ledger) and raw == (sum(r[2] for r in ledger),)


# ------------------------------------------------------------------------------------------------ warehouse
#: the model the fault interrupts: incremental (delete+insert on nomor_aduan), under every complaint mart
INTERRUPTED = "int_aduan__sla"


def relation(manifest: dict[str, Any], model: str) -> str:
    return str(manifest["nodes"][f"model.muara.{model}"]["relation_name"])


def table_digest(url: str, rel: str) -> tuple[int, str]:
    """Row count and an md5 of every row in a stable order: two builds with the same rows give the same digest."""
    with psycopg.connect(url) as conn:
        row = conn.execute(
            f"select count(*), md5(coalesce(string_agg(t::text, '|' order by t::text), '')) from {rel} as t"
        ).fetchone()
    assert row
    return int(row[0]), str(row[1])


def test_warehouse_dag_survives_the_server_stopping_in_an_incremental_model(
    own_warehouse: str, dbt_manifest: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Build the complaint marts, load new exports, and stop the server while the incremental ``int_aduan__sla``
    inserts the new complaints (its delete+insert transaction open); start it again: the task retries, the run
    succeeds, the model holds exactly what a full refresh of the same data builds (nothing lost, no complaint
    twice), and the complaint mart counts every complaint once.

    The run is the real warehouse DAG's, asked by hand for that model and everything upstream of it (its ``pilih``
    param): one dbt build, whose retry is ``dbt retry`` of the nodes that failed."""
    import json

    from muara.ingest.pipeline import ingest_file
    from muara.warehouse import dbt as warehouse

    manifest = json.loads(dbt_manifest.read_text(encoding="utf-8"))
    monkeypatch.setenv("MUARA_DATA_DIR", str(tmp_path / "data"))
    first, *later = demo_inbox(tmp_path / "data" / "inbox")
    ingest_file(first.path, first.dataset, first.sender, write_report=False)
    # the complaint mart as it stood before the new exports (only the selected nodes' tests: nothing else is built)
    warehouse.run_dbt(["build", "--select", "+fct_aduan", "--indirect-selection", "cautious"])
    for f in later:
        ingest_file(f.path, f.dataset, f.sender, write_report=False)

    target = relation(manifest, INTERRUPTED)
    arm_pause(target.replace('"', "").split(".", 1)[1])  # schema.table: the trigger lives on the model's table
    outage = Outage(f"%insert into {target}%")
    outage.start()
    dag = load_dag_module("warehouse").warehouse_dag
    shorten_retry_delay(dag)
    run = dag.test(run_conf={"pilih": f"+{INTERRUPTED}"})
    outage.check()

    tries = task_tries("warehouse", run.run_id)
    assert run.state == "success"
    assert {t: s for (t, _), (s, _) in tries.items()} == {"bangun": "success", "saran_rute": "success"}, tries
    assert tries[("bangun", -1)][1] >= 2, "the build did not run again"

    with psycopg.connect(own_warehouse) as conn:
        complaints = conn.execute("select count(distinct nomor_aduan) from raw.aduan").fetchone()
        fct = conn.execute(f"select count(*), count(distinct nomor_aduan) from {relation(manifest, 'fct_aduan')}")
        mart = fct.fetchone()
    # every complaint once in the mart (a view on the interrupted model)
    assert complaints and complaints[0] > 0 and mart == (complaints[0], complaints[0])
    after_fault = table_digest(own_warehouse, target)
    assert after_fault[0] == complaints[0]
    warehouse.run_dbt(["build", "--full-refresh", "--select", INTERRUPTED, "--indirect-selection", "cautious"])
    assert table_digest(own_warehouse, target) == after_fault, "the model differs from a full refresh of its data"
