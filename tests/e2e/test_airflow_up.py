"""`muara airflow up` end to end: the real `airflow standalone` (scheduler, dag-processor, api-server, triggerer)
on the tests' Postgres and Airflow home, on a free port, with its own data folder (MUARA_DATA_DIR).

What must hold, as `make demo` relies on it: every component reports healthy; the REST API logs in with the
password the simple auth manager generated; the DAGs are parsed; once switched on, the ingest DAG's inbox watcher
(in the triggerer) starts a run for files dropped into the inbox, with no trigger by hand; that run announces one
`raw` Asset event naming the datasets it loaded, which schedules exactly one warehouse run, and that run builds only
what those datasets touch; a second `up` reuses the running Airflow; `stop` ends every process of it.
"""

from __future__ import annotations

import os
import time
from datetime import date, timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest

from muara.devtools import demo
from muara.stack import airflow as airflow_server
from tests import odd_places
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


def _tree(root: int) -> list[int]:
    """``root`` and every process below it (by parent pid: setproctitle rewrites what /proc shows of the
    environment of Airflow's components, so they cannot all be found by their AIRFLOW_HOME)."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            ppid = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(stat.parent.name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, []))
    return found


def _listening(pids: list[int]) -> list[tuple[str, int]]:
    """(address, port) of every TCP socket in LISTEN state held by these processes, from /proc."""
    by_inode: dict[str, tuple[str, int]] = {}
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if fields[3] != "0A":  # LISTEN
                continue
            addr_hex, port_hex = fields[1].split(":")
            raw = bytes.fromhex(addr_hex)
            if len(raw) == 4:
                addr = ".".join(str(b) for b in reversed(raw))
            else:  # IPv6: four little-endian 32-bit words
                words = [raw[i : i + 4][::-1].hex() for i in range(0, 16, 4)]
                addr = ":".join("".join(words)[i : i + 4] for i in range(0, 32, 4))
            by_inode[fields[9]] = (addr, int(port_hex, 16))
    found = []
    for pid in pids:
        for fd in Path(f"/proc/{pid}/fd").glob("*"):
            try:
                target = os.readlink(fd)
            except OSError:
                continue
            if target.startswith("socket:[") and target[8:-1] in by_inode:
                found.append(by_inode[target[8:-1]])
    return sorted(set(found))


def _idle(api: airflow_server.Api, dag_id: str, timeout: float = 180.0) -> None:
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        busy = [r for r in api.runs(dag_id) if r["state"] in ("queued", "running")]
        if not busy and time.monotonic() - started > 10:
            return
        time.sleep(2)
    raise AssertionError(f"the {dag_id} DAG did not come to rest within {timeout:.0f} s")


def test_airflow_up_takes_a_dropped_file_by_itself(airflow_db: Path, tmp_path: Path) -> None:
    from muara.devtools.demo_data import write_demo_data

    port = free_port()
    env = {"MUARA_AIRFLOW_PORT": str(port), "MUARA_DATA_DIR": str(tmp_path / "data")}
    os.environ.update(env)  # this process's Api and inbox calls look at the same port and folder
    home = os.environ["AIRFLOW_HOME"]
    from muara.stack import postgres as db
    from muara.warehouse import dbt as warehouse
    from muara.warehouse import plan

    # a built warehouse, as a city has, built before Airflow starts (no DAG run may build beside it): the raw events
    # earlier tests' ingest runs emitted are older than this build, so the warehouse DAG's plan leaves them out
    warehouse.build()
    assert plan.last_full_build(db.url()) is not None
    try:
        started = time.monotonic()
        up = muara("airflow", "up", env=env)
        assert up.returncode == 0, up.stdout + up.stderr
        print(f"muara airflow up: {time.monotonic() - started:.1f} s")
        status = airflow_server.health()
        assert {status[c] for c in ("metadatabase", "scheduler", "triggerer", "dag_processor")} == {"healthy"}
        # every port Airflow listens on is on the loopback interface: the api-server, and no log servers
        loopback = ("127.0.0.1", "0000:0000:0000:0000:0000:0000:0000:0001")
        ports = _listening(_tree(int((Path(home) / "standalone.pid").read_text().split()[0])))
        assert ("127.0.0.1", port) in ports and all(addr in loopback for addr, _ in ports), ports
        # the admin's generated password, and the log that prints it, are readable by the service's user only
        for secret in (airflow_server.password_file(), Path(home) / "standalone.log"):
            assert secret.stat().st_mode & 0o077 == 0, f"{secret} is readable by others"

        api = airflow_server.Api()
        demo.switch_on_dags(api, ("ingest", "warehouse"), print)
        # a cron tick that passed while the DAGs were paused (this Airflow home outlives one session) starts a run
        # at once: the ingest one over the empty inbox, the warehouse one a full nightly build. Let both end, so
        # what takes the files below is the watcher, and the one warehouse run after them is the one they started
        _idle(api, "ingest")
        _idle(api, "warehouse", timeout=900.0)

        # one small export, and PUPR's export with personal data in odd places, moved into the inbox whole, as
        # `make demo` does
        staging = tmp_path / "staging"
        files = write_demo_data(
            staging, rows=50, seed=5, datasets=["kemiskinan"], anchor=date.today() - timedelta(days=1), workers=1
        )
        odd = odd_places.write(staging / "PUPR" / "aduan" / "aduan_pupr_data_pribadi.csv", "airflow")
        dropped = demo.move_into_inbox(staging, [files[0], SimpleNamespace(path=odd, sender="PUPR", rows=3)])
        assert dropped.files == 2
        took = time.monotonic()
        demo.wait_for_ingest(api, dropped, print)
        print(f"the ingest DAG took the files by itself after {time.monotonic() - took:.0f} s")
        runs = [r for r in api.runs("ingest") if demo._since(r, "end_date", dropped.at)]
        # started by the inbox watcher, not by the 15-minute safety net
        assert runs and all(r["run_type"] == "asset_triggered" for r in runs), [r["run_type"] for r in runs]
        since = demo._iso(dropped.at)
        events = api.get(f"/api/v2/assets/events?source_dag_id=ingest&timestamp_gte={since}&limit=50")["asset_events"]
        assert [(e["name"], e["extra"]["datasets"]) for e in events] == [("raw", ["aduan", "kemiskinan"])], events

        built = demo.wait_for_warehouse(api, dropped.at, print)
        later = [r for r in api.runs("warehouse") if demo._since(r, "run_after", dropped.at)]
        assert [r["dag_run_id"] for r in later] == [built["dag_run_id"]], "one ingest run, one warehouse run"
        assert built["run_type"] == "asset_triggered" and built["state"] == "success", built
        chosen = api.get(f"/api/v2/dags/warehouse/dagRuns/{built['dag_run_id']}/taskInstances/bangun/xcomEntries/plan")[
            "value"
        ]
        if isinstance(chosen, str):
            import json

            chosen = json.loads(chosen)
        assert chosen["full"] is False and chosen["select"] == [
            "source:raw.aduan+",
            "source:raw.kemiskinan+",
            plan.LEDGER_SELECTOR,
        ], chosen

        # the task logs tell what happened to the odd-places file, and hold none of its personal data in clear
        logs = [p for p in (Path(home) / "logs").rglob("*") if p.is_file()] + [Path(home) / "standalone.log"]
        texts = [(str(p), p.read_text(encoding="utf-8", errors="replace")) for p in logs]
        assert any("aduan_pupr_data_pribadi.csv" in text for _, text in texts), [p.name for p in logs]
        assert odd_places.leaks(texts) == []

        again = muara("airflow", "up", env=env)
        assert again.returncode == 0 and "already runs" in again.stdout, again.stdout + again.stderr
    finally:
        try:  # this Airflow home outlives the test: the next start must not find the DAGs on
            for dag_id in ("ingest", "warehouse"):
                airflow_server.Api().patch(f"/api/v2/dags/{dag_id}", {"is_paused": True})
        except Exception as exc:  # the test failed before Airflow answered: nothing to switch off
            print(f"could not pause the DAGs: {exc}")
        stop = muara("airflow", "stop", env=env)
        for key in env:
            os.environ.pop(key, None)
    assert stop.returncode == 0 and "stopped" in stop.stdout, stop.stdout + stop.stderr
    assert _airflow_processes(home) == [], "processes of the standalone Airflow are still running"
