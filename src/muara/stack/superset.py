"""Superset's lifecycle: prepare its metadata database, its admin and its key, start it, stop it, say how it is.

Superset 6.1 cannot live in Muara's environment (it needs SQLAlchemy < 2 and pandas < 2.2), so it has its own
locked one in ``superset/.venv`` (``make superset-install``). This module never imports Superset: it runs the
programs in ``superset/.venv/bin`` with an environment it builds itself (``SUPERSET_CONFIG_PATH`` pointing at
``superset/superset_config.py``, the secret key, the metadata database URL), never the caller's virtualenv.

What it keeps, under the data folder (``MUARA_DATA_DIR``, default ``data/``), so tests get their own:

- ``secrets/superset.key`` (0600): the secret key, generated once unless ``SUPERSET_SECRET_KEY`` is set. Losing
  it makes the database passwords Superset stored unreadable: keep it with the metadata database's backup.
- ``secrets/superset-admin.password`` (0600): the admin's password, generated once; ``up`` sets the admin's
  password to it every time, so the file is the truth.
- ``superset/``: ``SUPERSET_HOME``, the server's pid file, port and log (``superset.log``).

The metadata database is ``superset`` on Muara's Postgres (or ``MUARA_SUPERSET_DATABASE_URL``).
"""

from __future__ import annotations

import os
import secrets
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from muara import settings
from muara.stack import postgres as db
from muara.stack import service

SUPERSET_DB = "superset"
HOST = "127.0.0.1"
DEFAULT_PORT = 8088
ADMIN_USER = "admin"
START_TIMEOUT = 180.0  # seconds for /health to answer after the server process starts


class SupersetError(RuntimeError):
    """Superset cannot be prepared, started or stopped; the message says what to do."""


# --------------------------------------------------------------------------------------------------- paths
def project_dir() -> Path:
    """``superset/`` in the checkout: its pyproject, lock, config and (git-ignored) ``.venv``."""
    return settings.project_root() / "superset"


def venv_bin() -> Path:
    return project_dir() / ".venv" / "bin"


def config_path() -> Path:
    return project_dir() / "superset_config.py"


def home() -> Path:
    """Superset's runtime folder (``SUPERSET_HOME``, pid file, log): ``<data>/superset``."""
    return settings.data_dir() / "superset"


def secrets_dir() -> Path:
    return settings.data_dir() / "secrets"


def key_file() -> Path:
    return secrets_dir() / "superset.key"


def password_file() -> Path:
    return secrets_dir() / "superset-admin.password"


def pid_file() -> Path:
    return home() / "superset.pid"


def port_file() -> Path:
    return home() / "port"


def log_file() -> Path:
    return home() / "superset.log"


def port() -> int:
    """The running server's port (remembered by ``up``), else ``MUARA_SUPERSET_PORT``, else 8088."""
    try:
        return int(port_file().read_text().strip())
    except (FileNotFoundError, ValueError):
        return _wanted_port()


def _wanted_port() -> int:
    return int(os.environ.get("MUARA_SUPERSET_PORT") or DEFAULT_PORT)


def url() -> str:
    """Where Superset answers: ``MUARA_SUPERSET_URL`` for a Superset this module did not start (docker-compose's
    ``superset`` service, which ``muara superset provision`` then provisions), else the local one."""
    return (os.environ.get("MUARA_SUPERSET_URL") or f"http://{HOST}:{port()}").rstrip("/")


def database_url() -> str:
    """Superset's metadata database: ``MUARA_SUPERSET_DATABASE_URL``, else ``superset`` on Muara's server.
    ``postgresql://`` means psycopg2 for Superset's SQLAlchemy 1.4, which its environment has."""
    return os.environ.get("MUARA_SUPERSET_DATABASE_URL") or db.url(SUPERSET_DB)


# ------------------------------------------------------------------------------------------------- secrets
def secret_file(path: Path, nbytes: int) -> str:
    """Read a generated secret, creating it (0600, folder 0700) the first time."""
    path.parent.mkdir(parents=True, exist_ok=True)
    os.chmod(path.parent, 0o700)
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_urlsafe(nbytes) + "\n")
    os.chmod(path, 0o600)
    value = path.read_text().strip()
    if not value:
        raise SupersetError(f"{path} is empty: delete it and run `muara superset up` again")
    return value


def secret_key() -> str:
    return os.environ.get("SUPERSET_SECRET_KEY") or secret_file(key_file(), 48)


def admin_password() -> str:
    """``SUPERSET_ADMIN_PASSWORD`` when set (docker-compose's .env), else the generated one."""
    return os.environ.get("SUPERSET_ADMIN_PASSWORD") or secret_file(password_file(), 18)


# ---------------------------------------------------------------------------------------------- processes
def _env() -> dict[str, str]:
    """The environment Superset's programs run in: Superset's venv first on PATH, none of Muara's."""
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME")}
    env.update(
        {
            "PATH": f"{venv_bin()}{os.pathsep}{env.get('PATH', '')}",
            "VIRTUAL_ENV": str(venv_bin().parent),
            "SUPERSET_CONFIG_PATH": str(config_path()),
            "SUPERSET_HOME": str(home()),
            "SUPERSET_SECRET_KEY": secret_key(),
            "SUPERSET_DATABASE_URI": database_url(),
            "FLASK_APP": "superset",
            "SUPERSET_LOAD_EXAMPLES": "no",
            "PYTHONUNBUFFERED": "1",
        }
    )
    return env


def check_installed() -> None:
    if not (venv_bin() / "superset").exists():
        raise SupersetError(f"Superset is not installed in {venv_bin().parent}: run `make superset-install`")


def _superset(*args: str, quiet_secret: str | None = None) -> None:
    """Run ``superset <args>`` from Superset's venv, its output appended to the log; fail with its tail."""
    shown = " ".join(a if a != quiet_secret else "***" for a in args)
    home().mkdir(parents=True, exist_ok=True)
    with log_file().open("a", encoding="utf-8") as log:
        log.write(f"\n=== {time.strftime('%Y-%m-%d %H:%M:%S')} superset {shown}\n")
        log.flush()
        res = subprocess.run(
            [str(venv_bin() / "superset"), *args],
            env=_env(),
            cwd=home(),
            stdout=log,
            stderr=subprocess.STDOUT,
            text=True,
            check=False,
            timeout=900,
        )
    if res.returncode != 0:
        tail = log_file().read_text(encoding="utf-8", errors="replace")[-3000:]
        raise SupersetError(f"`superset {shown}` exited {res.returncode}; the log ({log_file()}) ends:\n{tail}")


def ensure_database() -> bool:
    """Create the metadata database if it is missing (on Muara's server). Returns True when it was created."""
    import psycopg
    from psycopg import sql

    if os.environ.get("MUARA_SUPERSET_DATABASE_URL"):
        return False  # an existing database someone else provides
    try:
        with psycopg.connect(db.url("postgres"), autocommit=True) as conn:
            if conn.execute("select 1 from pg_database where datname = %s", (SUPERSET_DB,)).fetchone():
                return False
            conn.execute(sql.SQL("create database {}").format(sql.Identifier(SUPERSET_DB)))
            return True
    except psycopg.Error as exc:
        raise SupersetError(
            f"cannot create database {SUPERSET_DB} on {db.redact(db.url('postgres'))}: {exc}. Create it yourself, "
            "or set MUARA_SUPERSET_DATABASE_URL to an existing one."
        ) from exc


def _admin_exists() -> bool:
    import psycopg

    with psycopg.connect(database_url()) as conn:
        found = conn.execute(
            "select 1 from information_schema.tables where table_name = 'ab_user' and table_schema = 'public'"
        ).fetchone()
        if not found:
            return False
        return conn.execute("select 1 from ab_user where username = %s", (ADMIN_USER,)).fetchone() is not None


def ensure_admin() -> str:
    """Create the admin, or set its password back to the one in the password file. Returns what it did."""
    password = admin_password()
    if _admin_exists():
        _superset("fab", "reset-password", "--username", ADMIN_USER, "--password", password, quiet_secret=password)
        return f"admin user {ADMIN_USER!r}: password set from {password_file()}"
    _superset(
        "fab",
        "create-admin",
        "--username",
        ADMIN_USER,
        "--firstname",
        "Admin",
        "--lastname",
        "Muara",
        "--email",
        "admin@muara.invalid",
        "--password",
        password,
        quiet_secret=password,
    )
    return f"admin user {ADMIN_USER!r}: created (password in {password_file()})"


# ------------------------------------------------------------------------------------------------- server
def _service() -> service.Service:
    return service.Service("Superset", pid_file(), log_file(), marker="gunicorn")


def _read_pid() -> int | None:
    return _service().pid()


def healthy(timeout: float = 3.0) -> bool:
    return service.answers(f"{url()}/health", timeout, check=lambda body: body.strip() == b"OK")


def _start_server() -> int:
    p = _wanted_port()
    if service.port_busy(HOST, p):
        raise SupersetError(
            f"{HOST}:{p} is taken by another program: stop it, or set MUARA_SUPERSET_PORT to a free port"
        )
    home().mkdir(parents=True, exist_ok=True)
    port_file().write_text(f"{p}\n")
    args = [
        str(venv_bin() / "gunicorn"),
        "--bind",
        f"{HOST}:{p}",
        "--workers",
        os.environ.get("MUARA_SUPERSET_WORKERS", "2"),
        "--worker-class",
        "gthread",
        "--threads",
        "4",
        "--timeout",
        "120",
        "--limit-request-line",
        "0",
        "--limit-request-field_size",
        "0",
        "--access-logfile",
        "-",
        "--error-logfile",
        "-",
        # gunicorn 27 opens a control socket at ~/.gunicorn/gunicorn.ctl by default: one per user, so the demo's
        # and the tests' servers would fight over it, and nothing here uses it
        "--no-control-socket",
        "superset.app:create_app()",
    ]
    try:
        return _service().start(
            args,
            env=_env(),
            cwd=home(),
            ready=lambda: healthy(timeout=5.0),
            timeout=START_TIMEOUT,
            hint=f" at {url()}/health",
        )
    except service.ServiceError as exc:
        raise SupersetError(str(exc)) from exc


@dataclass(frozen=True)
class Status:
    url: str
    user: str
    password: str | None
    pid: int | None
    answers: bool

    def lines(self) -> list[str]:
        return [
            f"url: {self.url}",
            f"user: {self.user}",
            f"password: {self.password or '(not generated yet: run `muara superset up`)'}",
            f"running: {'yes (pid ' + str(self.pid) + ')' if self.pid else 'no'}",
            f"answers: {'yes' if self.answers else 'no'} ({self.url}/health)",
            f"log: {log_file()}",
        ]


def status() -> Status:
    pw = password_file().read_text().strip() if password_file().exists() else None
    return Status(url=url(), user=ADMIN_USER, password=pw, pid=_read_pid(), answers=healthy())


def up(say: Callable[[str], object] = print) -> Status:
    """Prepare everything and start the server; when it already runs and answers, leave it be."""
    check_installed()
    if _read_pid() is not None and healthy():
        say(f"Superset already runs at {url()}")
        return status()
    if _read_pid() is not None:  # a server that does not answer: start over rather than run two
        stop()
    try:
        db.start()
    except db.DatabaseError as exc:
        raise SupersetError(str(exc)) from exc
    secret_key()
    if ensure_database():
        say(f"created database {SUPERSET_DB}")
    say("migrating the metadata database (superset db upgrade) ...")
    _superset("db", "upgrade")
    say(ensure_admin())
    say("syncing roles and permissions (superset init) ...")
    _superset("init")
    say(f"starting Superset on {HOST}:{_wanted_port()} ...")
    _start_server()
    return status()


def stop(timeout: float = 30.0) -> bool:
    """Stop the server (SIGTERM to its process group, SIGKILL after ``timeout``). False when none ran."""
    return _service().stop(timeout)
