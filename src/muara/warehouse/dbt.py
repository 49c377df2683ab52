"""The warehouse: the working-day calendar seed and ``dbt build`` over ``dbt/`` with the project's profile.

``muara warehouse calendar`` writes ``dbt/seeds/hari_libur.csv`` from the ``holidays`` package: Indonesia's
national holidays (``public``) and the government's collective leave (``government``, *cuti bersama*), when
OPD offices are closed too. Nobody types a holiday by hand; a test keeps the file equal to what the pinned
package says.

``muara warehouse build`` runs ``dbt build`` (seeds, snapshots, models, tests) in a subprocess, with
the database from :mod:`muara.stack.postgres` passed through the environment (no password in ``profiles.yml``) and
the city's code and time zone as dbt vars, so one dbt project serves every city.
"""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from muara import settings

CALENDAR_FIRST_YEAR = 2020
CALENDAR_LAST_YEAR = 2030
CALENDAR_KINDS = {"public": "libur_nasional", "government": "cuti_bersama"}


class WarehouseError(RuntimeError):
    """The warehouse could not be built (dbt failed or could not start)."""


def dbt_dir() -> Path:
    return settings.project_root() / "dbt"


def calendar_path() -> Path:
    return dbt_dir() / "seeds" / "hari_libur.csv"


def render_calendar(first_year: int = CALENDAR_FIRST_YEAR, last_year: int = CALENDAR_LAST_YEAR) -> str:
    """Every Indonesian national holiday and cuti bersama day in the years, one row per date and kind."""
    import holidays

    rows: list[tuple[str, str, str]] = []
    years = range(first_year, last_year + 1)
    for category, kind in CALENDAR_KINDS.items():
        days = holidays.country_holidays("ID", years=years, categories=(category,), language="id")
        for day, names in days.items():
            rows.append((day.isoformat(), kind, names))
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["tanggal", "jenis", "nama_libur"])
    writer.writerows(sorted(rows))
    return buf.getvalue()


def write_calendar(path: Path | None = None) -> Path:
    path = path or calendar_path()
    path.write_text(render_calendar(), encoding="utf-8")
    return path


def dbt_executable() -> str:
    candidate = Path(sys.executable).with_name("dbt")
    return str(candidate) if candidate.exists() else "dbt"


def dbt_vars(as_of: datetime | None = None, city_code: str | None = None) -> dict[str, str]:
    """The vars every dbt command gets: which city, its time zone, and the as-of moment of the colours."""
    city = settings.city(city_code)
    out = {"kode_kota": city.code, "zona_waktu": city.tz_name}
    if as_of is not None:
        if as_of.tzinfo is None:
            as_of = as_of.replace(tzinfo=city.tz)
        out["as_of"] = as_of.isoformat()
    return out


def dbt_environment(database: str | None = None) -> dict[str, str]:
    from muara.stack import postgres as db

    env = dict(os.environ)
    env.update(db.dbt_env(database))
    env.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
    env.setdefault("DBT_PROFILES_DIR", str(dbt_dir()))
    # dbt's log beside Muara's other runtime files, not in the project (read-only in the production image)
    env.setdefault("DBT_LOG_PATH", str(settings.data_dir() / "dbt-logs"))
    return env


@dataclass(frozen=True)
class DbtResult:
    command: list[str]
    returncode: int
    seconds: float


def dbt_command(args: Sequence[str], project: Path, as_of: datetime | None = None) -> list[str]:
    """``dbt <args>`` on ``project`` with its own profiles.yml and the city's vars."""
    return [
        dbt_executable(),
        *args,
        "--project-dir",
        str(project),
        "--profiles-dir",
        str(project),
        "--vars",
        json.dumps(dbt_vars(as_of)),
    ]


def run_dbt(
    args: Sequence[str],
    *,
    as_of: datetime | None = None,
    database: str | None = None,
    project_dir: Path | None = None,
    check: bool = True,
) -> DbtResult:
    """Run ``dbt <args>`` against Muara's database; output streams to the terminal (or the task log)."""
    import time

    project = project_dir or dbt_dir()
    command = dbt_command(args, project, as_of)
    started = time.perf_counter()
    proc = subprocess.run(command, cwd=project, env=dbt_environment(database), check=False)
    result = DbtResult(command, proc.returncode, time.perf_counter() - started)
    if check and proc.returncode != 0:
        raise WarehouseError(f"dbt {' '.join(args)} failed with exit code {proc.returncode}")
    return result


def threads() -> int:
    """dbt's threads: one per core (``MUARA_DBT_THREADS`` overrides). More only queue on the same CPUs."""
    return int(os.environ.get("MUARA_DBT_THREADS") or os.cpu_count() or 2)


def build(
    *,
    as_of: datetime | None = None,
    full_refresh: bool = False,
    select: Sequence[str] = (),
    database: str | None = None,
    project_dir: Path | None = None,
    target_path: Path | None = None,
    check: bool = True,
    extra: Sequence[str] = (),
) -> DbtResult:
    """``dbt build``: seeds, snapshots, models and every test, in dependency order, in one dbt process with a
    thread per core. ``target_path`` keeps this build's run_results.json apart (the warehouse DAG's retry reads it).
    """
    args = ["build", "--threads", str(threads())]
    if full_refresh:
        args.append("--full-refresh")
    if select:
        args += ["--select", *select]
    if target_path is not None:
        args += ["--target-path", str(target_path)]
    args += list(extra)
    return run_dbt(args, as_of=as_of, database=database, project_dir=project_dir, check=check)


def retry(*, target_path: Path, database: str | None = None, check: bool = True) -> DbtResult:
    """``dbt retry``: run again only the nodes that errored or were skipped in the build whose results are in
    ``target_path`` (with that build's selection and flags)."""
    return run_dbt(
        ["retry", "--threads", str(threads()), "--target-path", str(target_path)], database=database, check=check
    )


def run_results(target_path: Path) -> dict[str, Any] | None:
    """The last dbt command's ``run_results.json`` in ``target_path`` (None when there is none)."""
    try:
        return dict(json.loads((target_path / "run_results.json").read_text(encoding="utf-8")))
    except (FileNotFoundError, ValueError):
        return None


def summarise(results: dict[str, Any] | None) -> dict[str, Any]:
    """Counts per status and the nodes that did not pass, from a ``run_results.json``."""
    if not results:
        return {"nodes": 0, "status": {}, "not_passed": []}
    status: dict[str, int] = {}
    not_passed = []
    for r in results.get("results", []):
        status[r["status"]] = status.get(r["status"], 0) + 1
        if r["status"] not in ("success", "pass", "no-op"):
            not_passed.append(f"{r['unique_id']}: {r['status']}")
    return {
        "nodes": len(results.get("results", [])),
        "status": status,
        "not_passed": not_passed,
        "seconds": round(float(results.get("elapsed_time") or 0), 1),
    }


# ------------------------------------------------------------------------------ the Airflow warehouse DAG
def manifest_path(project_dir: Path | None = None) -> Path:
    return (project_dir or dbt_dir()) / "target" / "manifest.json"


def write_manifest(project_dir: Path | None = None) -> Path:
    """``dbt parse``: write ``target/manifest.json``, which the warehouse DAG's plan reads (the relations a complete
    warehouse holds) and the dashboards bundle takes its columns from.

    No database is needed (``profiles.yml`` falls back to its defaults and parsing never connects), so a fresh
    clone can write it before any server exists; the vars are the ones the DAG runs with."""
    project = project_dir or dbt_dir()
    command = dbt_command(["parse"], project)
    env = {**os.environ, "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    proc = subprocess.run(command, cwd=project, env=env, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise WarehouseError(f"dbt parse failed with exit code {proc.returncode}:\n{proc.stdout}{proc.stderr}")
    return manifest_path(project)
