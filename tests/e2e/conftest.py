"""Shared by the Superset tests: the demo warehouse built on the test Postgres and one Superset provisioned on it.

Session-scoped, so the dashboards, access and browser tests share one Superset (its start and two provisions
take about a minute) instead of starting their own.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import time
import urllib.request
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import psycopg
import pytest
import yaml

from muara.dashboards import bundle
from tests import odd_places
from tests.conftest import ROOT, empty_warehouse, muara

# Debian's chromium, driven by playwright (never `playwright install`: it downloads); flags that work here as root
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SUPERSET_BIN = ROOT / "superset" / ".venv" / "bin" / "superset"
BUNDLE = ROOT / "superset" / "dashboards"
# the dashboards as their specs describe them (superset/specs/), Ruang Komando first
SPECS = bundle.load_specs(ROOT / "superset" / "specs")
# every dashboard of the bundle, by slug
SLUGS = tuple(
    sorted(yaml.safe_load(p.read_text(encoding="utf-8"))["slug"] for p in (BUNDLE / "dashboards").glob("*.yaml"))
)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Client:
    """Superset's API as a user (the admin unless told), with a JWT (GET calls need no CSRF token)."""

    def __init__(self, base: str, password: str, username: str = "admin") -> None:
        self.base = base
        body = json.dumps({"username": username, "password": password, "provider": "db", "refresh": True})
        token = self._send("POST", "/api/v1/security/login", body.encode(), {"Content-Type": "application/json"})
        self.auth = {"Authorization": f"Bearer {token['access_token']}"}

    def _send(self, method: str, path: str, data: bytes | None, headers: dict[str, str]) -> dict:  # type: ignore[type-arg]
        req = urllib.request.Request(f"{self.base}{path}", data=data, headers=headers, method=method)
        with urllib.request.urlopen(req, timeout=120) as resp:
            assert resp.status == 200, (path, resp.status)
            return dict(json.load(resp))

    def get(self, path: str) -> dict:  # type: ignore[type-arg]
        return self._send("GET", path, None, self.auth)

    def post(self, path: str, body: object) -> dict:  # type: ignore[type-arg]
        """For CSRF-exempt endpoints only (POST /api/v1/chart/data)."""
        headers = {**self.auth, "Content-Type": "application/json"}
        return self._send("POST", path, json.dumps(body).encode(), headers)


@pytest.fixture(scope="session")
def warehouse(pg: object, tmp_path_factory: pytest.TempPathFactory) -> str:
    """Empty raw tables, the demo exports ingested, `muara warehouse build` (dbt build) on the test server."""
    from muara.devtools.demo_data import write_demo_data
    from muara.ingest import pipeline as ingest
    from muara.stack import postgres as db

    work = tmp_path_factory.mktemp("dashboards")
    empty_warehouse()
    started = time.monotonic()
    files = write_demo_data(work / "inbox", rows=1500, seed=11, anchor=date.today() - timedelta(days=1), workers=1)
    for f in files:
        ingest.ingest_file(f.path, f.dataset, f.sender, write_report=False)
    # personal data in odd places: the chart-data scan (test_superset_dashboards) looks for it
    odd = odd_places.write(work / "aduan_pupr_data_pribadi.csv", "superset")
    ingest.ingest_file(odd, "aduan", "PUPR", write_report=False)
    # as the DAGs do it: the routing suggestions before dbt, hotspots and forecasts from the marts after it
    res = muara("analitik", "refresh", "--only", "saran", "--no-dbt")
    assert res.returncode == 0, res.stdout[-3000:] + res.stderr[-3000:]
    res = muara("warehouse", "build", "--full-refresh")
    assert res.returncode == 0, res.stdout[-6000:] + res.stderr[-3000:]
    res = muara("analitik", "refresh", "--only", "hotspot", "--only", "prakiraan")
    assert res.returncode == 0, res.stdout[-6000:] + res.stderr[-3000:]
    print(f"demo exports ingested and warehouse built: {time.monotonic() - started:.1f} s")
    return db.url()


@pytest.fixture(scope="session")
def provisioned(warehouse: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[dict[str, str], Client]]:
    """Superset up on a free port with its own data folder, then `muara superset provision` twice."""
    if not SUPERSET_BIN.exists():
        pytest.fail("Superset's environment is missing: `make test` installs it (make superset-install)")
    from muara.stack import postgres as db

    if db.external_url() is None and not os.environ.get("MUARA_SUPERSET_DATABASE_URL"):
        with psycopg.connect(db.url("postgres"), autocommit=True) as conn:
            conn.execute("drop database if exists superset with (force)")
    os.environ.pop("SUPERSET_SECRET_KEY", None)
    env = {
        "MUARA_DATA_DIR": str(tmp_path_factory.mktemp("superset-data") / "data"),
        "MUARA_SUPERSET_PORT": str(free_port()),
    }
    try:
        started = time.monotonic()
        up = muara("superset", "up", env=env)
        assert up.returncode == 0, up.stdout + up.stderr
        print(f"muara superset up: {time.monotonic() - started:.1f} s")
        for attempt in ("first", "again"):  # the second run must be as good as the first: stable UUIDs, overwrite
            started = time.monotonic()
            res = muara("superset", "provision", env=env)
            assert res.returncode == 0, res.stdout + res.stderr
            print(f"muara superset provision ({attempt}): {time.monotonic() - started:.1f} s")
        password = (Path(env["MUARA_DATA_DIR"]) / "secrets" / "superset-admin.password").read_text().strip()
        yield env, Client(f"http://127.0.0.1:{env['MUARA_SUPERSET_PORT']}", password)
    finally:
        muara("superset", "stop", env=env)
