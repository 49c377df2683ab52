"""`muara airflow up` end to end: the real `airflow standalone` (scheduler, dag-processor, api-server, triggerer)
on the tests' Postgres and Airflow home, on a free port, with its own data folder (MUARA_DATA_DIR).

What must hold, as `make demo` relies on it: every component reports healthy; the REST API logs in with the
password the simple auth manager generated; the DAGs are parsed; once switched on, the ingest DAG's own schedule
takes a file dropped into the inbox, with no trigger by hand, and announces `raw.<dataset>` as an Asset event (the
warehouse DAG's schedule); a second `up` reuses the running Airflow; `stop` ends every process of it.
"""

from __future__ import annotations

import os
import time
from datetime import date, timedelta
from pathlib import Path

import pytest

from muara.devtools import demo
from muara.stack import airflow as airflow_server
from tests.conftest import muara
from tests.e2e.conftest import free_port

pytestmark = pytest.mark.integration


def _airflow_processes(home: str) -> list[int]:
    """Pids of processes that run with this AIRFLOW_HOME (the standalone and everything it started)."""
    found = []
    for env_file in Path("/proc").glob("[0-9]*/environ"):
        try:
            if f"AIRFLOW_HOME={home}".encode() in env_file.read_bytes().split(b"\0") and (
                b"airflow" in (env_file.parent / "cmdline").read_bytes()
            ):
                found.append(int(env_file.parent.name))
        except OSError:
            continue
    return found


def test_airflow_up_takes_a_dropped_file_by_itself(airflow_db: Path, tmp_path: Path) -> None:
    from muara.devtools.demo_data import write_demo_data

    port = free_port()
    env = {"MUARA_AIRFLOW_PORT": str(port), "MUARA_DATA_DIR": str(tmp_path / "data")}
    os.environ.update(env)  # this process's Api and inbox calls look at the same port and folder
    home = os.environ["AIRFLOW_HOME"]
    try:
        started = time.monotonic()
        up = muara("airflow", "up", env=env)
        assert up.returncode == 0, up.stdout + up.stderr
        print(f"muara airflow up: {time.monotonic() - started:.1f} s")
        status = airflow_server.health()
        assert {status[c] for c in ("metadatabase", "scheduler", "triggerer", "dag_processor")} == {"healthy"}
        # the admin's generated password, and the log that prints it, are readable by the service's user only
        for secret in (airflow_server.password_file(), Path(home) / "standalone.log"):
            assert secret.stat().st_mode & 0o077 == 0, f"{secret} is readable by others"

        api = airflow_server.Api()
        demo.switch_on_dags(api, ("ingest",), print)
        assert api.get("/api/v2/dags/warehouse")["is_paused"] is True  # left alone: only its Asset event matters

        # one small export, moved into the inbox whole, as `make demo` does
        staging = tmp_path / "staging"
        files = write_demo_data(
            staging, rows=50, seed=5, datasets=["kemiskinan"], anchor=date.today() - timedelta(days=1), workers=1
        )
        dropped = demo.move_into_inbox(staging, files[:1])
        assert dropped.files == 1
        took = time.monotonic()
        demo.wait_for_ingest(api, dropped, print)
        print(f"the ingest DAG took the file by itself after {time.monotonic() - took:.0f} s")
        runs = [r for r in api.runs("ingest") if demo._since(r, "end_date", dropped.at)]
        assert runs and all(r["run_type"] == "scheduled" for r in runs), [r["run_type"] for r in runs]
        since = demo._iso(dropped.at)
        events = api.get(f"/api/v2/assets/events?source_dag_id=ingest&timestamp_gte={since}&limit=50")["asset_events"]
        assert [e["name"] for e in events] == ["raw.kemiskinan"], events

        again = muara("airflow", "up", env=env)
        assert again.returncode == 0 and "already runs" in again.stdout, again.stdout + again.stderr
    finally:
        stop = muara("airflow", "stop", env=env)
        for key in env:
            os.environ.pop(key, None)
    assert stop.returncode == 0 and "stopped" in stop.stdout, stop.stdout + stop.stderr
    assert _airflow_processes(home) == [], "processes of the standalone Airflow are still running"
