"""Backups: the warehouse database (raw, quarantine, the ledger ``muara.ingest_batch``, staging and marts) and
Airflow's metadata, each with ``pg_dump`` in its custom format, one folder per backup under ``data/backups/``
(0700, files 0600: the raw tables hold what officers sent), the newest ``keep`` kept; and the restore of such a
folder into a server, a fresh one included.

``pg_dump``/``pg_restore`` come from the embedded Postgres wheel (the same major version as the server). The
password reaches them in ``PGPASSWORD``, never on a command line other users could read. Owners and grants are
left out (``--no-owner --no-privileges``): the restoring server has its own roles, and `muara superset
provision` grants Superset's read-only role again.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from urllib.parse import unquote, urlsplit, urlunsplit

from muara import settings
from muara.stack import postgres as db

DEFAULT_KEEP = 7
#: what each backup holds, by file name: the warehouse and Airflow's metadata
DATABASES = ("warehouse", "airflow")


class BackupError(RuntimeError):
    """A dump or a restore failed; the message carries what pg_dump or pg_restore said."""


def backups_dir() -> Path:
    return settings.data_dir() / "backups"


def _urls() -> dict[str, str]:
    return {"warehouse": db.url(), "airflow": db.airflow_url()}


def _client(url: str) -> tuple[str, dict[str, str]]:
    """The URL without its password, and an environment that carries the password instead."""
    parts = urlsplit(url)
    env = {**os.environ}
    if parts.password:
        env["PGPASSWORD"] = unquote(parts.password)
    netloc = parts.netloc.rsplit("@", 1)
    host = netloc[-1]
    user = (parts.username or db.SERVER_USER) + "@"
    return urlunsplit((parts.scheme, user + host, parts.path, parts.query, parts.fragment)), env


def _exists(url: str) -> bool:
    import psycopg

    try:
        with psycopg.connect(url, connect_timeout=5):
            return True
    except psycopg.OperationalError:
        return False


def _run(args: list[str], env: dict[str, str], what: str) -> None:
    proc = subprocess.run(args, env=env, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise BackupError(f"{what} failed (exit {proc.returncode}): {proc.stderr.strip()[-2000:]}")


@dataclass(frozen=True)
class Backup:
    folder: Path
    dumps: dict[str, Path]


def _private_folder(path: Path) -> Path:
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    path.chmod(0o700)
    return path


def backup(keep: int = DEFAULT_KEEP, root: Path | None = None, now: datetime | None = None) -> Backup:
    """Dump every database that exists into a new folder, then keep the newest ``keep`` folders."""
    if keep < 1:
        raise ValueError("keep must be at least 1")
    root = _private_folder(root or backups_dir())
    stamp = (now or datetime.now(settings.city().tz)).strftime("%Y%m%dT%H%M%S")
    folder = _private_folder(root / stamp)
    dumps: dict[str, Path] = {}
    for name, url in _urls().items():
        if not _exists(url):
            continue
        target, env = _client(url)
        path = folder / f"{name}.dump"
        args = [str(db.server_program("pg_dump")), "--format=custom", "--no-owner", "--no-privileges", f"--file={path}"]
        _run([*args, f"--dbname={target}"], env, f"pg_dump of {db.redact(url)}")
        path.chmod(0o600)
        dumps[name] = path
    if "warehouse" not in dumps:
        raise BackupError(f"the warehouse at {db.redact(db.url())} cannot be reached: nothing was backed up")
    manifest = {"created": stamp, "databases": {k: v.name for k, v in dumps.items()}}
    (folder / "backup.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    _prune(root, keep)
    return Backup(folder, dumps)


def _prune(root: Path, keep: int) -> list[Path]:
    sets = sorted(p for p in root.iterdir() if p.is_dir() and (p / "backup.json").exists())
    old = sets[:-keep]
    for path in old:
        shutil.rmtree(path)
    return old


def restore(folder: Path) -> list[str]:
    """Restore a backup folder into this server's databases (created when missing); returns what was restored."""
    import psycopg
    from psycopg import sql

    manifest = json.loads((folder / "backup.json").read_text(encoding="utf-8"))
    done = []
    for name, file in manifest["databases"].items():
        url = _urls()[name]
        database = urlsplit(url).path.lstrip("/")
        with psycopg.connect(db.with_database(url, "postgres"), autocommit=True) as conn:
            if not conn.execute("select 1 from pg_database where datname = %s", (database,)).fetchone():
                conn.execute(sql.SQL("create database {}").format(sql.Identifier(database)))
        target, env = _client(url)
        args = [str(db.server_program("pg_restore")), "--clean", "--if-exists", "--no-owner", "--no-privileges"]
        _run([*args, "--exit-on-error", f"--dbname={target}", str(folder / file)], env, f"pg_restore of {file}")
        done.append(name)
    return done
