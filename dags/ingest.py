"""
### ingest: every OPD and kelurahan export from the inbox into the warehouse

One generic DAG for every dataset and sender (the dataset list is generated from `schemas/`, never one DAG
per OPD). Each run:

1. **scan** `data/inbox/<sender>/<dataset>/` for files;
2. **load** each file (dynamic task mapping, one mapped task per file): read, coerce, validate with the GX
   suite generated from the contract, and in ONE transaction COPY good rows into `raw.<dataset>`, rejected
   rows into `quarantine.<dataset>` with every reason, and the ledger row into `muara.ingest_batch`; write
   the officer's report (Bahasa Indonesia) under `data/reports/<sender>/`; then archive the file next to
   its ledger id. A file sent twice loads once (`duplicate`), so reruns and retries are safe;
3. **announce** `raw.<dataset>` as an Asset event for every dataset that received rows, which schedules the
   warehouse DAG, even when another file's load failed; **all_loaded** fails the run when any load failed every
   retry (a database fault: the file stays in the inbox for the next run), so the run's colour tells.

**Arrival: a short schedule (every 2 minutes), on purpose.** An officer needs an answer within minutes,
and a scan is one directory listing. An `AssetWatcher` only accepts event triggers such as the standard
provider's `FileDeleteTrigger`, which deletes the file it saw (we must keep it until it is archived with
its ledger entry); a deferrable file sensor also polls, holds a triggerer slot, and still needs a run to
map over files. `max_active_runs=1` keeps two scans from taking the same file; the ledger's unique
(sha256, sender, dataset) index would stop a double load anyway.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from airflow.sdk import Asset, dag, task

from muara.contract.datasets import DATASETS

RAW_ASSETS = {name: Asset(f"raw.{name}", group="muara") for name in DATASETS}


@dag(
    dag_id="ingest",
    doc_md=__doc__,
    schedule="*/2 * * * *",
    start_date=datetime(2026, 1, 1),
    catchup=False,
    max_active_runs=1,
    default_args={"owner": "muara", "retries": 2, "retry_delay": timedelta(minutes=1)},
    tags=["muara", "ingest"],
)
def ingest() -> None:
    @task
    def scan() -> list[dict[str, str]]:
        from muara.ingest import inbox

        return [p.as_dict() for p in inbox.pending(DATASETS)]

    @task(map_index_template="{{ item['sender'] }}/{{ item['dataset'] }}")
    def load(item: dict[str, str]) -> dict[str, object]:
        from muara.ingest.pipeline import ingest_pending

        return ingest_pending(item)

    results = load.expand(item=scan())

    @task
    def all_loaded(loaded: list[dict[str, object]]) -> int:
        """The run's own colour: the announce tasks run whatever the loads did (``all_done``), so without this leaf
        a file whose load failed every retry (a database down for minutes) would leave the run green."""
        return len(loaded or [])

    all_loaded(results)

    for name, asset in RAW_ASSETS.items():

        @task(task_id=f"announce_{name}", outlets=[asset], trigger_rule="all_done")
        def announce(loaded: list[dict[str, object]], dataset: str = name) -> int:
            """Emit the Asset event only when this dataset received rows in this run."""
            from airflow.sdk.exceptions import AirflowSkipException

            rows = sum(int(r["rows_loaded"]) for r in loaded or [] if r and r["dataset"] == dataset)  # type: ignore[call-overload]
            if rows == 0:
                raise AirflowSkipException(f"no new rows for raw.{dataset}")
            return rows

        announce(results)


ingest()
