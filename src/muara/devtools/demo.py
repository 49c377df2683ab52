"""``muara demo``: the whole local stack on the demo city, the way a city runs it.

1. Airflow (``airflow standalone``) starts, and the ``ingest`` and ``warehouse`` DAGs are switched on;
2. the demo exports are dropped into the inbox, each file moved in whole (written beside the inbox first, then
   renamed into it, as an upload should), so the ingest DAG never reads half a file;
3. nothing else is triggered by hand: the ingest DAG's inbox watcher picks the files up within seconds, its one
   ``raw`` Asset event schedules the warehouse DAG, and this command only watches, printing progress, until both
   are done;
4. Superset starts and is provisioned (read-only database role, dashboards, roles, users);
5. it prints what the mayor would see first (complaints by colour), the URLs and the logins.

Running it again is safe: a running Airflow or Superset is reused, a file already loaded is recorded as a duplicate
(nothing is loaded twice), and when nothing new arrived a warehouse run under way is waited for, else the last
successful one stands; it is triggered once if it never succeeded, or if a model of the dbt project is not in the
warehouse (one added by an upgrade since the last full build, which the dashboards would miss).
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from muara import settings
from muara.dashboards import provision
from muara.ingest import inbox
from muara.portal import accounts as portal_accounts
from muara.stack import airflow as airflow_server
from muara.stack import portal as portal_server
from muara.stack import superset
from muara.stack.airflow import AirflowError

DAGS = ("ingest", "warehouse")
PROGRESS_EVERY = 15.0  # seconds between progress lines while waiting
# generous: alone, 2 cores take the 111 demo files in ~6 min, but with a test suite running beside it 20 min
INGEST_TIMEOUT = 3600.0
WAREHOUSE_TIMEOUT = 2400.0
FINISHED = {"success", "failed"}


class DemoError(RuntimeError):
    """The demo cannot go on; the message says where to look."""


@dataclass(frozen=True)
class Dropped:
    files: int
    senders: int
    rows: int
    at: datetime  # UTC, just before the first file reached the inbox


def move_into_inbox(staging: Path, files: list[Any]) -> Dropped:
    """Move written exports (``staging/<sender>/<dataset>/<file>``) into the inbox, each one whole."""
    at = datetime.now(UTC)
    root = inbox.inbox_dir()
    for f in files:
        src = Path(f.path)
        dest = root / src.relative_to(staging)
        dest.parent.mkdir(parents=True, exist_ok=True)
        os.replace(src, dest)  # same file system: the file appears in the inbox whole
    return Dropped(len(files), len({f.sender for f in files}), sum(f.rows for f in files), at)


def drop_exports(rows: int, anchor: date, say: Callable[[str], object]) -> Dropped:
    """Write the demo exports beside the inbox, then move each one into ``<inbox>/<sender>/<dataset>/``."""
    from muara.devtools.demo_data import write_demo_data

    staging = settings.data_dir() / "tmp" / "demo-exports"
    shutil.rmtree(staging, ignore_errors=True)
    files = write_demo_data(staging, rows=rows, anchor=anchor, city_code=settings.city_code())
    dropped = move_into_inbox(staging, files)
    shutil.rmtree(staging, ignore_errors=True)
    say(
        f"dropped {dropped.files} demo exports ({dropped.rows:,} rows) from {dropped.senders} senders into "
        f"{inbox.inbox_dir()}"
    )
    return dropped


def _iso(ts: datetime) -> str:
    return ts.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _run_time(run: dict[str, Any], field: str) -> datetime | None:
    """A run's time ``field`` from the API (ISO text; None while it has none, e.g. start_date while queued)."""
    value = run.get(field)
    return datetime.fromisoformat(str(value)) if value else None


def _since(run: dict[str, Any], field: str, at: datetime) -> bool:
    """Whether the run's ``field`` is at or after ``at``."""
    when = _run_time(run, field)
    return when is not None and when >= at


def _run_line(api: airflow_server.Api, dag_id: str, run: dict[str, Any]) -> str:
    counts = api.task_counts(dag_id, str(run["dag_run_id"]))
    done = sum(n for state, n in counts.items() if state in ("success", "skipped", "failed", "upstream_failed"))
    failed = counts.get("failed", 0) + counts.get("upstream_failed", 0)
    extra = f", {failed} failed" if failed else ""
    return f"{dag_id} run {run['dag_run_id']}: {run['state']}, {done} of {sum(counts.values())} tasks done{extra}"


def _failed(api: airflow_server.Api, dag_id: str, run: dict[str, Any]) -> DemoError:
    return DemoError(
        f"the {dag_id} DAG's run {run['dag_run_id']} failed: {_run_line(api, dag_id, run)}. Its task logs are in "
        f"Airflow ({airflow_server.url()}/dags/{dag_id}) and under {airflow_server.home() / 'logs'}"
    )


def wait_for_ingest(api: airflow_server.Api, dropped: Dropped, say: Callable[[str], object]) -> None:
    """Until the inbox holds none of the dropped files and every ingest run that could have taken one (started
    before the inbox was empty) has finished. Runs that start later find nothing to take."""
    from muara.contract.datasets import DATASETS

    started = time.monotonic()
    last = 0.0
    empty_at: datetime | None = None
    while True:
        left = len(inbox.pending(tuple(DATASETS)))
        if left == 0 and empty_at is None:
            empty_at = datetime.now(UTC)
        latest = api.runs("ingest")
        active = [r for r in latest if r["state"] in ("queued", "running")]
        # a run started before the inbox was empty may hold a dropped file; a queued one (no start yet) cannot
        holding = [r for r in active if empty_at is None or (_run_time(r, "start_date") or empty_at) < empty_at]
        finished = [r for r in latest if _since(r, "end_date", dropped.at)]
        if empty_at is not None and finished and not holding:
            failed = [r for r in finished if r["state"] == "failed"]
            if failed:
                raise _failed(api, "ingest", failed[0])
            say(f"ingest: all {dropped.files} files taken ({time.monotonic() - started:.0f} s)")
            return
        if time.monotonic() - started > INGEST_TIMEOUT:
            raise DemoError(
                f"after {INGEST_TIMEOUT:.0f} s {left} files are still in {inbox.inbox_dir()} and {len(holding)} ingest "
                f"runs that may hold one are not finished: is the ingest DAG on? See "
                f"{airflow_server.url()}/dags/ingest and {airflow_server.home() / 'standalone.log'}"
            )
        if time.monotonic() - last >= PROGRESS_EVERY:
            last = time.monotonic()
            now = active[0] if active else None
            state = _run_line(api, "ingest", now) if now else "waiting for the inbox watcher to start a run"
            say(f"  {time.monotonic() - started:4.0f} s  {left} of {dropped.files} files in the inbox; {state}")
        time.sleep(3)


def wait_for_warehouse(api: airflow_server.Api, since: datetime, say: Callable[[str], object]) -> dict[str, Any]:
    """Until the warehouse DAG, scheduled by the ingest DAG's Asset events since ``since``, has a finished run;
    when no event came (every file was already loaded), the last successful run stands, or one is triggered."""
    events = api.get(f"/api/v2/assets/events?source_dag_id=ingest&timestamp_gte={_iso(since)}&limit=1")
    announced = int(events.get("total_entries", 0))
    recent = api.runs("warehouse", 50)
    if not announced and any(r["state"] not in FINISHED for r in recent):
        say("warehouse: nothing new arrived, but a run is under way: waiting for it")
    elif not announced:
        ok = [r for r in recent if r["state"] == "success"]
        missing = unbuilt_models()
        if ok and not missing:
            say(f"warehouse: nothing new arrived; its last run {ok[0]['dag_run_id']} succeeded")
            return ok[0]
        if missing:  # a model added since the last full build (an upgrade): the dashboards would miss it
            say(
                f"warehouse: nothing new arrived, but {len(missing)} models were never built ({', '.join(missing[:3])}"
                f"{', ...' if len(missing) > 3 else ''}): triggering a full build"
            )
        else:
            say("warehouse: nothing new arrived and it never succeeded: triggering it once")
        api.post("/api/v2/dags/warehouse/dagRuns", {"logical_date": None, "note": "make demo"})
    else:
        say(f"warehouse: scheduled by {announced} raw Asset event(s) from the ingest DAG")
    started = time.monotonic()
    last = 0.0
    watched: set[str] = set()  # runs under way once seen stay watched after they finish
    while True:
        runs = [
            r
            for r in api.runs("warehouse")
            if _since(r, "run_after", since) or r["state"] not in FINISHED or r["dag_run_id"] in watched
        ]
        watched.update(str(r["dag_run_id"]) for r in runs)
        active = [r for r in runs if r["state"] not in FINISHED]
        if runs and not active:
            newest = runs[0]
            if newest["state"] == "failed":
                raise _failed(api, "warehouse", newest)
            say(f"warehouse: run {newest['dag_run_id']} succeeded ({time.monotonic() - started:.0f} s)")
            return newest
        if time.monotonic() - started > WAREHOUSE_TIMEOUT:
            raise DemoError(f"the warehouse DAG did not finish within {WAREHOUSE_TIMEOUT:.0f} s")
        if time.monotonic() - last >= PROGRESS_EVERY:
            last = time.monotonic()
            state = _run_line(api, "warehouse", active[-1]) if active else "waiting for the scheduler"
            say(f"  {time.monotonic() - started:4.0f} s  {state}")
        time.sleep(3)


def unbuilt_models(manifest: Path | None = None) -> list[str]:
    """The dbt project's tables and views (from ``manifest``, ``dbt/target/manifest.json`` by default) that the
    warehouse does not hold."""
    import json

    import psycopg

    from muara.stack import postgres as db
    from muara.warehouse import dbt

    nodes = json.loads((manifest or dbt.manifest_path()).read_text(encoding="utf-8"))["nodes"].values()
    wanted = {
        (n["schema"], n.get("alias") or n["name"])
        for n in nodes
        if n["resource_type"] in ("model", "seed", "snapshot")
        and n["config"].get("materialized") != "ephemeral"
        and n["config"].get("enabled", True)
    }
    with psycopg.connect(db.url()) as conn:
        have = set(conn.execute("select table_schema, table_name from information_schema.tables").fetchall())
    return sorted(f"{schema}.{name}" for schema, name in wanted - have)


def switch_on_dags(api: airflow_server.Api, dags: tuple[str, ...], say: Callable[[str], object]) -> None:
    """Wait for the dag-processor to parse the DAGs, then unpause them."""
    deadline = time.monotonic() + 300
    while not all(api.dag_exists(d) for d in dags):
        if time.monotonic() > deadline:
            raise DemoError(
                f"Airflow has not parsed the DAGs {', '.join(dags)} after 300 s: see "
                f"{airflow_server.url()}/dags and `airflow dags list-import-errors`"
            )
        time.sleep(3)
    for dag_id in dags:
        api.patch(f"/api/v2/dags/{dag_id}", {"is_paused": False})
    say(f"DAGs switched on: {', '.join(dags)}")


def colours() -> list[tuple[str, int, int]]:
    import psycopg

    from muara.stack import postgres as db

    with psycopg.connect(db.url()) as conn:
        rows = conn.execute(
            "select status_warna, count(*), count(*) filter (where terlambat) from marts.fct_aduan "
            "group by 1 order by array_position(array['merah', 'kuning', 'hijau'], status_warna)"
        ).fetchall()
    return [(str(w), int(n), int(t)) for w, n, t in rows]


def busiest_opd() -> str | None:
    """The OPD with the most complaints: the OPD login worth trying first."""
    import psycopg

    from muara.stack import postgres as db

    with psycopg.connect(db.url()) as conn:
        row = conn.execute("select kode_opd from marts.fct_aduan group by 1 order by count(*) desc limit 1").fetchone()
    return str(row[0]) if row else None


def start_portal(say: Callable[[str], object]) -> dict[str, str]:
    """Pintu Data up beside Airflow and Superset, its accounts provisioned (new passwords each time)."""
    from muara.portal import db as portal_db

    try:
        portal_server.ensure_database()
        with portal_db.connect() as conn:
            logins = portal_accounts.provision(conn)
        portal_server.up(say)
    except portal_server.PortalError as exc:
        raise DemoError(str(exc)) from exc
    return logins


class _Background:
    """``fn`` in a thread: Superset starts (a minute of its own imports and migrations) while the files load."""

    def __init__(self, fn: Callable[[], object]) -> None:
        import threading

        self.error: BaseException | None = None

        def target() -> None:
            try:
                fn()
            except BaseException as exc:  # re-raised by join() in the caller's thread
                self.error = exc

        self.thread = threading.Thread(target=target, name="superset-up", daemon=True)
        self.thread.start()

    def join(self) -> None:
        self.thread.join()
        if self.error is not None:
            raise self.error


def run(rows: int, anchor: date | None = None, say: Callable[[str], object] = print) -> None:
    anchor = anchor or (date.today() - timedelta(days=1))
    phases: list[tuple[str, float]] = []
    mark = time.monotonic()

    def phase(name: str) -> None:
        nonlocal mark
        phases.append((name, time.monotonic() - mark))
        mark = time.monotonic()

    try:
        airflow_server.up(say)
        api = airflow_server.Api()
        switch_on_dags(api, DAGS, say)
        phase("Airflow up, DAGs on")
        starting = _Background(lambda: superset.up(lambda line: say(f"  [superset] {line}")))
        say("  ingest starts when a file lands (its inbox watcher); the warehouse builds on the raw Asset it announces")
        dropped = drop_exports(rows, anchor, say)
        phase("demo exports written")
        wait_for_ingest(api, dropped, say)
        phase("ingest DAG: every file")
        wait_for_warehouse(api, dropped.at, say)
        phase("warehouse DAG")
    except AirflowError as exc:
        raise DemoError(str(exc)) from exc
    try:
        starting.join()
        phase("Superset up (waiting for it)")
        done = provision.provision(say)
        phase("Superset provisioned")
    except superset.SupersetError as exc:
        raise DemoError(str(exc)) from exc
    portal_logins = start_portal(say)
    phase("portal up")

    say("")
    say("Where the time went: " + ", ".join(f"{name} {sec:.0f} s" for name, sec in phases))
    say("")
    say(f"Complaints now (marts.fct_aduan, {settings.city(None).name}):")
    for warna, n, late in colours():
        say(f"  {warna:<7} {n:>6,} aduan, {late:>6,} late")
    say("")
    say("Muara is running:")
    say(f"  Airflow   {airflow_server.url()}")
    say(f"            {airflow_server.ADMIN_USER} / {airflow_server.admin_password()}")
    say(f"  Superset  {done.dashboards['ruang-komando']}")
    say(f"            admin (data engineers): {superset.ADMIN_USER} / {superset.admin_password()}")
    say(f"            leadership: {provision.LEADERSHIP_USER} / {provision.user_password(provision.LEADERSHIP_USER)}")
    busiest = busiest_opd()
    example = provision.opd_user(busiest) if busiest else None
    if example and example in done.access.users:
        say(f"            an OPD ({done.access.users[example]}): {example} / {provision.user_password(example)}")
        say(f"            every OPD's login: {provision.logins_file()}")
    say(f"  Portal    {portal_server.url()}   (Pintu Data: officers upload, check and follow their files)")
    say(f"            an officer of Dinas PUPR: opd_pupr / {portal_logins.get('opd_pupr')}")
    say(f"            admin: admin / {portal_logins.get('admin')}")
    say(f"            every sender's login: {portal_accounts.logins_file()}")
    say(f"  inbox     {inbox.inbox_dir()}/<sender>/<dataset>/   reports: {settings.data_dir() / 'reports'}/<sender>/")
    say("Stop everything with `make stop`.")
