"""Pintu Data as a local server: uvicorn serving :func:`muara.portal.app.create_app` on 127.0.0.1:8090
(``MUARA_PORTAL_PORT``) in the background, with the pid file and log under ``data/portal/`` (the same
:class:`~muara.stack.service.Service` pattern as Airflow and Superset)."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from muara import settings
from muara.stack import postgres as db
from muara.stack import service

HOST = "127.0.0.1"
START_TIMEOUT = 60.0


class PortalError(RuntimeError):
    """The portal cannot be started; the message says what to do."""


def url() -> str:
    return f"http://{HOST}:{settings.portal_port()}"


def _service() -> service.Service:
    home = settings.data_dir() / "portal"
    port = settings.portal_port()  # one server per port: two on one data folder keep their own pid files
    return service.Service("Pintu Data", home / f"portal-{port}.pid", home / f"portal-{port}.log", "muara.portal.app")


def answers() -> bool:
    return service.answers(f"{url()}/sehat")


def up(say: Callable[[str], object] = print) -> str:
    """Start the portal unless it already runs and answers; returns its URL. Accounts are provisioned by the
    caller (``muara portal up`` does it first)."""
    svc = _service()
    if svc.pid() is not None and answers():
        say(f"Pintu Data already runs at {url()}")
        return url()
    if svc.pid() is not None:
        svc.stop()
    if service.port_busy(HOST, settings.portal_port()):
        raise PortalError(
            f"{HOST}:{settings.portal_port()} is taken by another program: stop it, or set MUARA_PORTAL_PORT"
        )
    started = time.monotonic()
    args = [
        sys.executable,
        "-m",
        "uvicorn",
        "--factory",
        "muara.portal.app:create_app",
        "--host",
        HOST,
        "--port",
        str(settings.portal_port()),
        "--no-server-header",
    ]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    env.setdefault("MUARA_DATA_DIR", str(settings.data_dir()))
    try:
        svc.start(args, env=env, cwd=Path(settings.project_root()), ready=answers, timeout=START_TIMEOUT)
    except service.ServiceError as exc:
        raise PortalError(str(exc)) from exc
    say(f"Pintu Data answers at {url()} ({time.monotonic() - started:.0f} s)")
    return url()


def stop() -> bool:
    return _service().stop()


@dataclass(frozen=True)
class Status:
    url: str
    pid: int | None
    answers: bool

    def lines(self) -> list[str]:
        return [
            f"url: {self.url}",
            f"running: {'yes (pid ' + str(self.pid) + ')' if self.pid else 'no'}",
            f"answers: {'yes' if self.answers else 'no'}",
            f"log: {_service().log_file}",
        ]


def status() -> Status:
    return Status(url(), _service().pid(), answers())


def ensure_database() -> None:
    """The server running and the portal's tables there (``sql/muara/portal.sql``, applied by migrate)."""
    try:
        db.start()
        db.migrate()
    except db.DatabaseError as exc:
        raise PortalError(str(exc)) from exc
