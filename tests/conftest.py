"""Shared fixtures. Tests talk to real things: the embedded Postgres, GX, dbt, datacontract-cli.

The tests get their own Postgres cluster (``data/postgres-test``) so they never touch the demo's, unless
``MUARA_DATABASE_URL`` points them at an existing server.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
MUARA = str(BIN / "muara")

os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
os.environ.pop("MUARA_CITY", None)  # tests state the city they mean
os.environ.pop("MUARA_HOME", None)
# where the tests keep their own Postgres cluster and Airflow home; MUARA_TEST_DIR lets two test runs on one
# checkout (say, two engineers' branches in worktrees) keep out of each other's way
TEST_DIR = Path(os.environ.get("MUARA_TEST_DIR") or ROOT / "data")
if not os.environ.get("MUARA_DATABASE_URL"):
    os.environ["MUARA_PG_DIR"] = str(TEST_DIR / "postgres-test")
# Airflow as the Makefile configures it, but with its own home so tests never touch the demo's
os.environ["AIRFLOW_HOME"] = str(TEST_DIR / "airflow-test")
os.environ["AIRFLOW__CORE__DAGS_FOLDER"] = str(ROOT / "dags")
os.environ["AIRFLOW__CORE__PLUGINS_FOLDER"] = str(TEST_DIR / "airflow-test" / "plugins")
os.environ["AIRFLOW__CORE__LOAD_EXAMPLES"] = "False"
os.environ["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN_CMD"] = f"{MUARA} db url --airflow --sqlalchemy -n"
os.environ.pop("AIRFLOW__DATABASE__SQL_ALCHEMY_CONN", None)
# the warehouse DAG's connection points at the test server once it is up (airflow_db), never at the demo's


#: the marker each test folder gives its tests (pyproject.toml describes them)
FOLDER_MARKERS = {
    "unit": "unit",
    "integration": "integration",
    "dags": "integration",
    "dbt": "integration",
    "e2e": "e2e",
}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test by its folder, so `pytest -m unit` is the fast set and no test goes unmarked."""
    for item in items:
        folder = Path(str(item.fspath)).relative_to(ROOT / "tests").parts[0]
        if folder not in FOLDER_MARKERS:
            raise pytest.UsageError(f"{item.nodeid}: tests live in one of tests/{{{', '.join(FOLDER_MARKERS)}}}/")
        item.add_marker(getattr(pytest.mark, FOLDER_MARKERS[folder]))


def run(
    *args: str, env: dict[str, str] | None = None, cwd: Path | None = None, check: bool = False
) -> subprocess.CompletedProcess[str]:
    """Run a command the way a person would, from the repository root unless told otherwise."""
    full_env = {**os.environ, **(env or {})}
    res = subprocess.run(list(args), capture_output=True, text=True, env=full_env, cwd=cwd or ROOT, timeout=600)
    if check and res.returncode != 0:
        raise AssertionError(f"{args} exited {res.returncode}\nstdout:\n{res.stdout}\nstderr:\n{res.stderr}")
    return res


def muara(*args: str, **kwargs: object) -> subprocess.CompletedProcess[str]:
    return run(MUARA, *args, **kwargs)  # type: ignore[arg-type]


@pytest.fixture(scope="session")
def pg() -> Iterator[object]:
    """The test Postgres, started (and stopped at the end if the tests started it), DDL applied."""
    from muara.stack import postgres as db

    was_running = db.status().running
    db.start()
    if db.external_url() is None:  # the tests' own cluster: start every session from empty warehouse tables
        import psycopg

        with psycopg.connect(db.url(), autocommit=True) as conn:
            conn.execute("drop schema if exists raw, quarantine, muara cascade")
        db.bootstrap()
    db.migrate()
    yield db
    if "airflow.settings" in sys.modules:  # close Airflow's pooled connections before the server goes away
        sys.modules["airflow.settings"].dispose_orm()
    if not was_running:
        db.stop()


def empty_warehouse() -> None:
    """Empty raw, quarantine, analitik and the ledger, and drop what dbt built, on the test server: a warehouse from
    nothing."""
    import psycopg

    from muara.stack import postgres as db

    with psycopg.connect(db.url(), autocommit=True) as conn:
        tables = conn.execute(
            "select format('%I.%I', table_schema, table_name) from information_schema.tables "
            "where table_schema in ('raw', 'quarantine', 'analitik') and table_type = 'BASE TABLE'"
        ).fetchall()
        conn.execute(f"truncate {', '.join(t[0] for t in tables)}, muara.ingest_batch")
        conn.execute("drop schema if exists snapshots, reporting, marts, intermediate, staging, referensi cascade")


@pytest.fixture
def project_copy(tmp_path: Path) -> Path:
    """A copy of the parts of the repository that contracts and generation read, as ``MUARA_HOME``."""
    dest = tmp_path / "repo"
    for part in ("schemas", "expectations", "sql", "dbt"):
        if (ROOT / part).exists():
            shutil.copytree(ROOT / part, dest / part, ignore=shutil.ignore_patterns("target", "logs"))
    shutil.copy(ROOT / "pyproject.toml", dest / "pyproject.toml")
    shutil.copytree(ROOT / "src", dest / "src", ignore=shutil.ignore_patterns("__pycache__"))
    return dest


@pytest.fixture(scope="session")
def dbt_manifest() -> Path:
    """``dbt/target/manifest.json``, which the warehouse DAG's plan reads (`make dbt-manifest`; a fresh clone has
    none). Written again every session, so it always holds the models as they are now."""
    from muara.warehouse import dbt as warehouse

    return warehouse.write_manifest()


@pytest.fixture(scope="session")
def airflow_db(pg: object, dbt_manifest: Path) -> Path:
    """Airflow's metadata database on the test server, migrated the way `make` does it (the warehouse DAG's plan
    reads the manifest, so it is written first)."""
    home = Path(os.environ["AIRFLOW_HOME"])
    home.mkdir(parents=True, exist_ok=True)
    run(str(BIN / "airflow"), "db", "migrate", check=True)
    return home
