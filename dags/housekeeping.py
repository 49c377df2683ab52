"""
### housekeeping: the nightly backup

Every night at 01:00 (the city's quiet hour) `pg_dump` writes the warehouse (raw, quarantine, the ledger, the
marts) and Airflow's metadata into `data/backups/<time>/` and keeps the newest seven (`muara db backup` does the
same by hand, `muara db restore <folder>` brings one back). A failed dump fails the task, which retries; the
backups already kept are never touched by a failed run.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from airflow.sdk import dag, task


@dag(
    dag_id="housekeeping",
    doc_md=__doc__,
    schedule="0 1 * * *",
    start_date=datetime(2026, 1, 1),
    catchup=False,
    max_active_runs=1,
    default_args={"owner": "muara", "retries": 2, "retry_delay": timedelta(minutes=10)},
    tags=["muara", "housekeeping"],
)
def housekeeping() -> None:
    @task
    def backup() -> dict[str, str]:
        from muara.stack import backup

        done = backup.backup()
        return {name: str(path) for name, path in done.dumps.items()}

    backup()


housekeeping()
