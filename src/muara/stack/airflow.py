"""Airflow for the local stack: ``airflow standalone`` (scheduler, dag-processor, api-server on :8080, triggerer,
LocalExecutor, the simple auth manager) in the background, and a small client for its REST API (``/api/v2``).

Airflow reads its settings from the environment the Makefile exports (``AIRFLOW_HOME``, the DAGs and plugins
folders, the metadata database through ``muara db url``, the warehouse connection); ``muara airflow up`` refuses
to start without them rather than start an Airflow with SQLite and no DAGs. Its pid file and log live in
``AIRFLOW_HOME`` (``standalone.pid``, ``standalone.log``); the admin's password is the one the simple auth
manager generated into ``AIRFLOW_HOME/simple_auth_manager_passwords.json.generated``.
"""

from __future__ import annotations

import json
import os
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from muara.stack import postgres as db
from muara.stack import service

HOST = "127.0.0.1"
DEFAULT_PORT = 8080
ADMIN_USER = "admin"
START_TIMEOUT = 300.0  # seconds for every component to report healthy; the first start migrates nothing new
REQUIRED_ENV = ("AIRFLOW_HOME", "AIRFLOW__CORE__DAGS_FOLDER", "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN_CMD")


class AirflowError(RuntimeError):
    """Airflow cannot be started, reached or asked; the message says what to do. ``status`` is the HTTP status
    when the REST API answered with an error."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


def home() -> Path:
    missing = [name for name in REQUIRED_ENV if not os.environ.get(name)]
    if missing:
        raise AirflowError(f"{', '.join(missing)} not set: run this through `make` (make demo / make stop)")
    return Path(os.environ["AIRFLOW_HOME"])


def port() -> int:
    return int(os.environ.get("MUARA_AIRFLOW_PORT") or DEFAULT_PORT)


def url() -> str:
    return f"http://{HOST}:{port()}"


def password_file() -> Path:
    return home() / "simple_auth_manager_passwords.json.generated"


def admin_password() -> str | None:
    try:
        return str(json.loads(password_file().read_text(encoding="utf-8"))[ADMIN_USER])
    except (FileNotFoundError, KeyError, ValueError):
        return None


def _service() -> service.Service:
    return service.Service("Airflow", home() / "standalone.pid", home() / "standalone.log", marker="standalone")


def health() -> dict[str, str]:
    """Each component's status from ``/api/v2/monitor/health`` (empty when the api-server does not answer)."""
    try:
        with urllib.request.urlopen(f"{url()}/api/v2/monitor/health", timeout=5) as resp:
            body = json.load(resp)
    except (urllib.error.URLError, OSError, ValueError):
        return {}
    return {name: str(part.get("status")) for name, part in body.items() if isinstance(part, dict)}


def healthy(status: dict[str, str] | None = None) -> bool:
    """Whether every component reports healthy (in ``status``, when one was just read)."""
    status = health() if status is None else status
    wanted = ("metadatabase", "scheduler", "triggerer", "dag_processor")
    return all(status.get(name) == "healthy" for name in wanted)


def _shim() -> Path:
    """A folder holding an ``airflow`` that runs the real one, adding ``--skip-serve-logs`` to the scheduler and the
    triggerer. Their log servers listen on every interface (``airflow/utils/serve_logs/core.py`` binds ``""``; no
    setting changes it), and on one machine they are not needed: the api-server reads task logs from the files."""
    folder = home() / "bin"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    real = Path(sys.executable).parent / "airflow"
    script = folder / "airflow"
    script.write_text(
        "#!/bin/sh\n"
        "# written by muara (stack/airflow.py): no log servers on every interface, see _shim()\n"
        'case "$1" in\n'
        f'  scheduler|triggerer) exec "{real}" "$@" --skip-serve-logs ;;\n'
        "esac\n"
        f'exec "{real}" "$@"\n',
        encoding="utf-8",
    )
    script.chmod(0o700)
    return folder


def _env() -> dict[str, str]:
    """Muara's environment with its venv first on PATH (standalone starts each component as ``airflow <cmd>``),
    after the folder of :func:`_shim`."""
    bin_dir = str(Path(sys.executable).parent)
    env = dict(os.environ)
    env["PATH"] = f"{_shim()}{os.pathsep}{bin_dir}{os.pathsep}{env.get('PATH', '')}"
    env["VIRTUAL_ENV"] = str(Path(bin_dir).parent)
    env["AIRFLOW__API__PORT"] = str(port())
    env["AIRFLOW__API__HOST"] = HOST
    # tasks reach the api-server's execution API; it must name the port the api-server really listens on
    env["AIRFLOW__CORE__EXECUTION_API_SERVER_URL"] = f"http://localhost:{port()}/execution/"
    # LocalExecutor runs up to [core] parallelism tasks at once (default 32). The work is CPU-bound (a batch of
    # files, one dbt build with a thread per core): more tasks than cores only queue on the same CPUs and cost
    # memory. Measured with 16 on 2 cores: load average 17 and the demo's files took 7 minutes.
    env.setdefault("AIRFLOW__CORE__PARALLELISM", str(os.cpu_count() or 2))
    env["PYTHONUNBUFFERED"] = "1"
    return env


def up(say: Callable[[str], object] = print) -> str:
    """Start ``airflow standalone`` unless it already runs and answers; returns the URL."""
    svc = _service()
    if svc.pid() is not None and healthy():
        say(f"Airflow already runs at {url()}")
        return url()
    if svc.pid() is not None:  # started but not answering: start over rather than run two
        svc.stop()
    if service.port_busy(HOST, port()):
        raise AirflowError(
            f"{HOST}:{port()} is taken by another program: stop it, or set MUARA_AIRFLOW_PORT to a free port"
        )
    try:
        db.start()
    except db.DatabaseError as exc:
        raise AirflowError(str(exc)) from exc
    say(f"starting Airflow (airflow standalone: scheduler, dag-processor, api-server, triggerer) on {url()} ...")
    started = time.monotonic()
    last = 0.0
    # the ready check doubles as the progress line: which components report healthy so far

    def ready() -> bool:
        nonlocal last
        status = health()
        if healthy(status):
            return True
        if time.monotonic() - last >= 15:
            last = time.monotonic()
            parts = status or {"api-server": "starting"}
            say(f"  {time.monotonic() - started:4.0f} s  " + ", ".join(f"{k}: {v}" for k, v in sorted(parts.items())))
        return False

    try:
        svc.start(
            [str(Path(sys.executable).parent / "airflow"), "standalone"],
            env=_env(),
            cwd=home(),
            ready=ready,
            timeout=START_TIMEOUT,
            hint=f" at {url()}/api/v2/monitor/health",
        )
    except service.ServiceError as exc:
        raise AirflowError(str(exc)) from exc
    if password_file().exists():  # written by an earlier start, before the umask above applied
        password_file().chmod(0o600)
    say(f"Airflow answers at {url()} ({time.monotonic() - started:.0f} s)")
    return url()


def stop() -> bool:
    return _service().stop(timeout=60.0)


@dataclass(frozen=True)
class Status:
    url: str
    user: str
    password: str | None
    pid: int | None
    components: dict[str, str]

    def lines(self) -> list[str]:
        comps = ", ".join(f"{k}: {v}" for k, v in sorted(self.components.items())) or "no answer"
        return [
            f"url: {self.url}",
            f"user: {self.user}",
            f"password: {self.password or '(not generated yet: run `make demo`)'}",
            f"running: {'yes (pid ' + str(self.pid) + ')' if self.pid else 'no'}",
            f"components: {comps}",
            f"log: {_service().log_file}",
        ]


def status() -> Status:
    return Status(url(), ADMIN_USER, admin_password(), _service().pid(), health())


class Api:
    """Airflow's public REST API (``/api/v2``) as the admin, with a token from ``/auth/token``."""

    def __init__(self, base: str | None = None, user: str = ADMIN_USER, password: str | None = None) -> None:
        self.base = (base or url()).rstrip("/")
        secret = password or admin_password()
        if secret is None:
            raise AirflowError(f"no password for {user} in {password_file()}: start Airflow with `make demo`")
        token = self._send("POST", "/auth/token", {"username": user, "password": secret}, auth=False)
        self.token = str(token["access_token"])

    def _send(self, method: str, path: str, body: object = None, auth: bool = True) -> dict[str, Any]:
        headers = {"Content-Type": "application/json"}
        if auth:
            headers["Authorization"] = f"Bearer {self.token}"
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(f"{self.base}{path}", data=data, headers=headers, method=method)
        try:
            with urllib.request.urlopen(req, timeout=60) as resp:
                result = json.load(resp)
        except urllib.error.HTTPError as exc:
            detail = exc.read().decode(errors="replace")[:1000]
            raise AirflowError(f"Airflow answered {exc.code} to {method} {path}: {detail}", exc.code) from exc
        except (urllib.error.URLError, OSError) as exc:
            raise AirflowError(f"Airflow at {self.base} does not answer ({exc})") from exc
        return dict(result) if isinstance(result, dict) else {"result": result}

    def get(self, path: str) -> dict[str, Any]:
        return self._send("GET", path)

    def patch(self, path: str, body: object) -> dict[str, Any]:
        return self._send("PATCH", path, body)

    def post(self, path: str, body: object) -> dict[str, Any]:
        return self._send("POST", path, body)

    def dag_exists(self, dag_id: str) -> bool:
        try:
            self.get(f"/api/v2/dags/{dag_id}")
        except AirflowError as exc:
            if exc.status == 404:  # not parsed yet
                return False
            raise
        return True

    def runs(self, dag_id: str, limit: int = 20) -> list[dict[str, Any]]:
        """The DAG's latest runs, newest first."""
        body = self.get(f"/api/v2/dags/{dag_id}/dagRuns?order_by=-run_after&limit={limit}")
        return list(body.get("dag_runs", []))

    def task_counts(self, dag_id: str, run_id: str) -> dict[str, int]:
        """How many of the run's task instances are in each state."""
        from urllib.parse import quote

        counts: dict[str, int] = {}
        offset = 0
        while True:  # the API gives at most [api] maximum_page_limit (100) rows a page
            body = self.get(
                f"/api/v2/dags/{dag_id}/dagRuns/{quote(run_id, safe='')}/taskInstances?limit=100&offset={offset}"
            )
            page = body.get("task_instances", [])
            for ti in page:
                state = str(ti.get("state") or "none")
                counts[state] = counts.get(state, 0) + 1
            offset += len(page)
            if not page or offset >= int(body.get("total_entries", 0)):
                return counts
