"""`muara db start | stop | status | url | migrate` against the real embedded Postgres (and an "external" one)."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest

from muara.contract import model as contract
from tests.conftest import ROOT, muara, run

pytestmark = pytest.mark.integration
LINEAGE = {"_batch_id", "_sender", "_source_file", "_row_number", "_loaded_at"}


def test_psql_connects_with_the_printed_url(pg: object) -> None:
    """The issue's own words: `muara db start && psql "$(muara db url)" -c 'select 1'`."""
    res = run(
        "bash", "-c", f"{ROOT}/.venv/bin/muara db start && psql \"$({ROOT}/.venv/bin/muara db url)\" -Atc 'select 1'"
    )
    assert res.returncode == 0, res.stderr
    assert res.stdout.strip().splitlines()[-1] == "1"


def test_server_listens_on_loopback_tcp_with_a_password(pg: object) -> None:
    url = muara("db", "url", check=True).stdout.strip()
    assert url.startswith("postgresql://postgres:") and "@127.0.0.1:" in url
    with psycopg.connect(url) as conn:
        assert conn.execute("show listen_addresses").fetchone() == ("127.0.0.1",)
        assert conn.execute("show unix_socket_directories").fetchone() == ("",)
        assert conn.execute("show password_encryption").fetchone() == ("scram-sha-256",)
    wrong = url.replace("postgres:", "postgres:salah", 1)
    with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
        psycopg.connect(wrong, connect_timeout=5)


def test_warehouse_and_airflow_databases_and_schemas_exist(pg: object) -> None:
    url = muara("db", "url", check=True).stdout.strip()
    with psycopg.connect(url) as conn:
        dbs = {r[0] for r in conn.execute("select datname from pg_database")}
        schemas = {r[0] for r in conn.execute("select nspname from pg_namespace")}
    assert {"muara", "airflow"} <= dbs
    assert {"raw", "quarantine", "muara"} <= schemas
    airflow = muara("db", "url", "--airflow", check=True).stdout.strip()
    assert airflow.endswith("/airflow") and airflow.rsplit("/", 1)[0] == url.rsplit("/", 1)[0]


def test_migrate_creates_raw_and_quarantine_tables_for_every_contract(pg: object) -> None:
    out = muara("db", "migrate", check=True).stdout  # a second time: idempotent
    contracts = contract.load_all()
    platform = list((ROOT / "sql" / "muara").glob("*.sql"))  # the ledger and the portal's tables
    assert f"applied {len(contracts) + len(platform)} DDL files" in out
    url = muara("db", "url", check=True).stdout.strip()
    with psycopg.connect(url) as conn:
        for name, c in contracts.items():
            cols = {
                r[0]: r[1]
                for r in conn.execute(
                    "select column_name, data_type from information_schema.columns where table_schema='raw' "
                    "and table_name=%s",
                    (name,),
                )
            }
            assert set(c.column_names) | LINEAGE == set(cols), name
            for col in c.columns:
                expected = {
                    "text": "text",
                    "bigint": "bigint",
                    "double precision": "double precision",
                    "date": "date",
                    "timestamptz": "timestamp with time zone",
                    "numeric(18,2)": "numeric",
                    "boolean": "boolean",
                    "integer": "integer",
                }[col.physical_type]
                assert cols[col.name] == expected, (name, col.name)
            q = {
                r[0]
                for r in conn.execute(
                    "select column_name from information_schema.columns where table_schema='quarantine' "
                    "and table_name=%s",
                    (name,),
                )
            }
            assert {"nilai_asli", "alasan", "_batch_id", "_row_number"} <= q, name


def test_required_columns_are_not_null_in_raw(pg: object) -> None:
    url = muara("db", "url", check=True).stdout.strip()
    with psycopg.connect(url) as conn, pytest.raises(psycopg.errors.NotNullViolation):
        conn.execute(
            "insert into raw.aduan (_batch_id, _sender, _source_file, _row_number) "
            "values (gen_random_uuid(), 'PUPR', 'x.csv', 1)"
        )


def test_lifecycle_keeps_port_and_data_across_restarts(own_cluster: dict[str, str]) -> None:
    env = own_cluster  # an empty, unstarted cluster of its own (tests/integration/conftest.py)
    assert muara("db", "status", env=env).returncode == 1
    assert "running: yes" in muara("db", "start", env=env, check=True).stdout
    url = muara("db", "url", env=env, check=True).stdout.strip()
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("create table muara.penanda (x int)")
        conn.execute("insert into muara.penanda values (42)")
    assert muara("db", "stop", env=env, check=True).stdout.strip() == "stopped"
    status = muara("db", "status", env=env)
    assert status.returncode == 1 and "running: no" in status.stdout
    assert muara("db", "stop", env=env, check=True).stdout.strip() == "not running"
    muara("db", "start", env=env, check=True)
    assert muara("db", "start", env=env, check=True).returncode == 0  # starting twice is fine
    assert muara("db", "url", env=env, check=True).stdout.strip() == url
    with psycopg.connect(url) as conn:
        assert conn.execute("select x from muara.penanda").fetchone() == (42,)
    assert (Path(env["MUARA_PG_DIR"]) / "password").stat().st_mode & 0o077 == 0


def test_external_server_is_used_and_never_started_or_stopped(pg: object, tmp_path: Path) -> None:
    base_url = muara("db", "url", check=True).stdout.strip()
    external = base_url.rsplit("/", 1)[0] + "/muara_luar"
    env = {"MUARA_DATABASE_URL": external, "MUARA_PG_DIR": str(tmp_path / "never-used")}
    out = muara("db", "start", env=env, check=True).stdout
    assert "mode: external" in out and "running: yes" in out and ":***@" in out
    assert not (tmp_path / "never-used").exists(), "an external URL must not initialise a cluster"
    assert muara("db", "url", env=env, check=True).stdout.strip() == external
    with psycopg.connect(external) as conn:
        assert {"raw", "quarantine", "muara"} <= {r[0] for r in conn.execute("select nspname from pg_namespace")}
    stop = muara("db", "stop", env=env, check=True).stdout
    assert "not Muara's to stop" in stop
    assert muara("db", "status", env=env).returncode == 0
    with psycopg.connect(base_url, autocommit=True) as conn:
        conn.execute("drop database muara_luar with (force)")


def test_unreachable_external_server_is_a_clear_error() -> None:
    env = {"MUARA_DATABASE_URL": "postgresql://muara:x@127.0.0.1:1/muara"}
    res = muara("db", "start", env=env)
    assert res.returncode == 2
    assert "cannot reach Postgres at postgresql://muara:***@127.0.0.1:1/postgres" in res.stderr
