"""`muara superset up` end to end: Superset from its own environment (superset/.venv, `make superset-install`),
its metadata database on the tests' Postgres, a generated key and admin password, /health, an API login, stop.

Superset's runtime files go to a temporary data folder (MUARA_DATA_DIR) and the server to a free port, so a
demo Superset on 8088 and its secrets are never touched. The `superset` database on the test cluster is dropped
first, so every run measures a first `up` (migrations, admin, roles) from nothing.
"""

from __future__ import annotations

import json
import os
import socket
import stat
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import ROOT, muara
from tests.e2e.conftest import free_port

pytestmark = pytest.mark.integration

SUPERSET_BIN = ROOT / "superset" / ".venv" / "bin" / "superset"


def _port_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        return s.connect_ex(("127.0.0.1", port)) != 0


def _get(url: str) -> tuple[int, bytes]:
    with urllib.request.urlopen(url, timeout=10) as resp:
        return resp.status, resp.read()


def _login(base: str, password: str) -> dict[str, str]:
    body = json.dumps({"username": "admin", "password": password, "provider": "db", "refresh": True}).encode()
    req = urllib.request.Request(
        f"{base}/api/v1/security/login", data=body, headers={"Content-Type": "application/json"}, method="POST"
    )
    with urllib.request.urlopen(req, timeout=30) as resp:
        assert resp.status == 200
        return dict(json.load(resp))


@pytest.fixture
def superset_env(pg: object, tmp_path: Path) -> dict[str, str]:
    if not SUPERSET_BIN.exists():
        pytest.fail("Superset's environment is missing: `make test` installs it (make superset-install)")
    from muara.stack import postgres as db

    if db.external_url() is None and not os.environ.get("MUARA_SUPERSET_DATABASE_URL"):
        import psycopg

        with psycopg.connect(db.url("postgres"), autocommit=True) as conn:
            conn.execute("drop database if exists superset with (force)")
    env = {"MUARA_DATA_DIR": str(tmp_path / "data"), "MUARA_SUPERSET_PORT": str(free_port())}
    os.environ.pop("SUPERSET_SECRET_KEY", None)
    return env


def test_superset_up_login_stop(superset_env: dict[str, str]) -> None:
    env = superset_env
    data = Path(env["MUARA_DATA_DIR"])
    port = int(env["MUARA_SUPERSET_PORT"])
    base = f"http://127.0.0.1:{port}"
    try:
        started = time.monotonic()
        up = muara("superset", "up", env=env)
        first_up = time.monotonic() - started
        assert up.returncode == 0, up.stdout + up.stderr
        print(f"first `muara superset up`: {first_up:.1f} s")

        assert _get(f"{base}/health") == (200, b"OK")
        for name in ("superset.key", "superset-admin.password"):
            secret = data / "secrets" / name
            assert stat.S_IMODE(secret.stat().st_mode) == 0o600, name
        assert (data / "superset" / "superset.pid").exists()

        # the server runs from Superset's own environment, never from Muara's
        pid = int((data / "superset" / "superset.pid").read_text())
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().decode().split("\0")
        own_bin = str(ROOT / "superset" / ".venv" / "bin") + "/"
        assert cmdline[0].startswith(own_bin) and cmdline[1] == own_bin + "gunicorn", cmdline

        password = (data / "secrets" / "superset-admin.password").read_text().strip()
        tokens = _login(base, password)
        assert tokens["access_token"] and tokens["refresh_token"]

        st = muara("superset", "status", env=env)
        assert st.returncode == 0, st.stdout + st.stderr
        assert f"url: {base}" in st.stdout and "user: admin" in st.stdout and password in st.stdout
        assert "answers: yes" in st.stdout

        # running `up` again while it runs is safe and quick, and leaves the same server
        again = muara("superset", "up", env=env)
        assert again.returncode == 0, again.stdout + again.stderr
        assert "already runs" in again.stdout
        assert int((data / "superset" / "superset.pid").read_text()) == pid
    finally:
        stop = muara("superset", "stop", env=env)
    assert stop.returncode == 0, stop.stdout + stop.stderr
    assert "stopped" in stop.stdout
    deadline = time.monotonic() + 10
    while not _port_free(port) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _port_free(port), f"port {port} still answers after `muara superset stop`"
    st = muara("superset", "status", env=env)
    assert st.returncode == 1 and "answers: no" in st.stdout
