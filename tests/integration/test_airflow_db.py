"""Airflow's metadata database lives on the same server, in its own database, migrated by set-up."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest

from tests.conftest import BIN, muara, run

pytestmark = pytest.mark.integration


def test_airflow_metadata_is_migrated_in_its_own_database(airflow_db: Path) -> None:
    res = run(str(BIN / "airflow"), "db", "check-migrations", "-t", "0")
    assert res.returncode == 0, res.stdout + res.stderr
    url = muara("db", "url", "--airflow", check=True).stdout.strip()
    assert url.endswith("/airflow")
    with psycopg.connect(url) as conn:
        tables = {r[0] for r in conn.execute("select table_name from information_schema.tables")}
    assert {"dag", "dag_run", "task_instance", "asset", "alembic_version"} <= tables
    warehouse = muara("db", "url", check=True).stdout.strip()
    with psycopg.connect(warehouse) as conn:
        in_warehouse = {
            r[0] for r in conn.execute("select table_name from information_schema.tables where table_schema = 'public'")
        }
    assert "dag_run" not in in_warehouse, "Airflow's tables must not land in the warehouse database"
