"""`muara db backup` and `muara db restore`: a backup restored into a fresh server holds every row and ledger
entry; backups are private and the oldest beyond the count kept are removed; the nightly DAG runs it."""

from __future__ import annotations

import stat
from datetime import datetime, timedelta
from pathlib import Path

import psycopg
import pytest

from muara.stack import backup
from muara.stack import postgres as db
from tests.conftest import ROOT, muara

COUNTS = """
select format('%I.%I', table_schema, table_name) from information_schema.tables
where table_schema in ('raw', 'quarantine', 'muara') and table_type = 'BASE TABLE' order by 1
"""


def _counts(url: str) -> dict[str, int]:
    with psycopg.connect(url) as conn:
        tables = [r[0] for r in conn.execute(COUNTS)]
        return {t: conn.execute(f"select count(*) from {t}").fetchone()[0] for t in tables}


def test_a_backup_restored_into_a_fresh_server_holds_every_row_and_ledger_entry(
    airflow_db: Path, tmp_path: Path, own_cluster: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from muara.devtools.demo_data import write_demo_data
    from muara.ingest.pipeline import ingest_file

    monkeypatch.setenv("MUARA_DATA_DIR", str(tmp_path / "data"))
    files = write_demo_data(tmp_path / "inbox", rows=300, datasets=["aduan", "izin"], workers=1)
    for f in files[:4]:
        ingest_file(f.path, f.dataset, f.sender, write_report=False)
    before = _counts(db.url())
    assert before["muara.ingest_batch"] >= 4 and before["raw.aduan"] + before["quarantine.aduan"] > 0

    res = muara("db", "backup", "--keep", "2", env={"MUARA_DATA_DIR": str(tmp_path / "data")}, check=True)
    assert "warehouse:" in res.stdout and "airflow:" in res.stdout
    (folder,) = [p for p in (tmp_path / "data" / "backups").iterdir() if p.is_dir()]
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in folder.glob("*.dump"))

    muara("db", "start", env=own_cluster, check=True)
    restored = muara("db", "restore", str(folder), env=own_cluster, check=True)
    assert "restored warehouse, airflow" in restored.stdout
    fresh_url = muara("db", "url", env=own_cluster, check=True).stdout.strip()
    assert fresh_url != db.url()
    assert _counts(fresh_url) == before
    ledger = "select batch_id, sha256, status, rows_read, rows_loaded from muara.ingest_batch order by 1"
    with psycopg.connect(fresh_url) as restored, psycopg.connect(db.url()) as original:
        assert restored.execute(ledger).fetchall() == original.execute(ledger).fetchall()
    airflow = db.with_database(fresh_url, "airflow")
    with psycopg.connect(airflow) as conn:
        assert conn.execute("select count(*) from alembic_version").fetchone() == (1,)


def test_only_the_newest_backups_are_kept(pg: object, tmp_path: Path) -> None:
    start = datetime(2026, 12, 1, 1, 0)
    for day in range(3):
        backup.backup(keep=2, root=tmp_path, now=start + timedelta(days=day))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["20261202T010000", "20261203T010000"]
    with pytest.raises(ValueError):
        backup.backup(keep=0, root=tmp_path)


def test_the_nightly_dag_backs_up(airflow_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """dag.test() of the housekeeping DAG: one run, one new backup folder with the warehouse's dump."""
    import importlib.util

    monkeypatch.setenv("MUARA_DATA_DIR", str(tmp_path / "data"))
    spec = importlib.util.spec_from_file_location("housekeeping_dag", ROOT / "dags" / "housekeeping.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    dag = module.housekeeping()
    run = dag.test()
    assert run.state == "success"
    (folder,) = (tmp_path / "data" / "backups").iterdir()
    assert (folder / "warehouse.dump").stat().st_size > 0
