"""
### ingest: every OPD and kelurahan export from the inbox into the warehouse

One generic DAG for every dataset and sender (the dataset list is generated from `schemas/`, never one DAG
per OPD). Each run:

1. **scan** `data/inbox/<sender>/<dataset>/` for files and deal them, oldest first, into at most one batch per
   core (`MUARA_INGEST_WORKERS`);
2. **load** each batch in one task (dynamic task mapping): for each file, read, coerce, validate against the
   contract, and in ONE transaction COPY good rows into `raw.<dataset>`, rejected rows into
   `quarantine.<dataset>` with every reason, and the ledger row into `muara.ingest_batch`; write the officer's
   report (Bahasa Indonesia) under `data/reports/<sender>/`; then archive the file next to its ledger id. One
   process loads many files, so the libraries are imported once per batch, not once per file; the GX Data Docs
   pages wait for **render_docs**, which renders them all in one process after the loads (GX's import costs more
   than a small file's whole ingest, and the warehouse need not wait for it). A file that fails
   (a database fault) does not stop the others; the task then fails and its retry takes the files still in the
   inbox. A file sent twice loads once (`duplicate`), so reruns and retries are safe;
3. **announce** one `raw` Asset event when any dataset received rows in this run (whatever the loads did), its
   extra naming the datasets and rows, from the ledger: the warehouse DAG builds once per ingest run, only what
   those datasets touch; **all_loaded** fails the run when any load failed every retry (the file stays in the
   inbox for the next run), so the run's colour tells.

**Arrival: seconds, not a clock.** The `inbox` Asset has a watcher (`muara.ingest.watch.InboxTrigger`) in
Airflow's triggerer: it lists the inbox every 2 seconds and fires when a file has landed and stopped growing, so a
run starts within seconds. Pintu Data (the officers' portal) writes an upload into the inbox and starts nothing
itself: the watcher is the one starter, so a file never queues a second run. A run every 15 minutes is the
safety net for a triggerer that was down. `max_active_runs=1` keeps two runs from taking the same file; the
ledger's unique (sha256, sender, dataset) index would stop a double load anyway.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from airflow.sdk import Asset, AssetOrTimeSchedule, AssetWatcher, CronTriggerTimetable, dag, task

from muara import settings
from muara.contract.datasets import DATASETS
from muara.ingest.watch import InboxTrigger

INBOX = Asset("inbox", group="muara", watchers=[AssetWatcher(name="inbox_watcher", trigger=InboxTrigger())])
RAW = Asset("raw", group="muara")  # one event per run that loaded rows; extra: {"datasets": [...], "rows": {...}}
SAFETY_NET = "*/15 * * * *"


@dag(
    dag_id="ingest",
    doc_md=__doc__,
    schedule=AssetOrTimeSchedule(
        timetable=CronTriggerTimetable(SAFETY_NET, timezone=settings.city().tz_name), assets=INBOX
    ),
    start_date=datetime(2026, 1, 1),
    catchup=False,
    max_active_runs=1,
    default_args={"owner": "muara", "retries": 2, "retry_delay": timedelta(minutes=1)},
    tags=["muara", "ingest"],
)
def ingest() -> None:
    @task
    def scan() -> list[list[dict[str, str]]]:
        from muara.ingest import batches, inbox

        return batches.deal([p.as_dict() for p in inbox.pending(DATASETS)])

    @task(map_index_template="{{ batch | length }} berkas")
    def load(batch: list[dict[str, str]]) -> list[dict[str, object]]:
        from muara.ingest import batches

        return batches.load_batch(batch, docs_later=True)

    results = load.expand(batch=scan())

    @task(trigger_rule="all_done")
    def render_docs() -> int:
        """The GX Data Docs pages of this run's files, in one process after the loads (GX's import alone costs
        ~4-5 CPU-seconds: paid once here, not by the loads the warehouse waits for)."""
        from muara import settings
        from muara.ingest.gx_docs import render_pending

        return len(render_pending(settings.data_dir() / "reports"))

    results >> render_docs()

    @task
    def all_loaded(loaded: list[list[dict[str, object]]]) -> int:
        """The run's own colour: announce runs whatever the loads did (``all_done``), so without this leaf a file
        whose load failed every retry (a database down for minutes) would leave the run green."""
        return sum(len(b or []) for b in loaded or [])

    all_loaded(results)

    @task(outlets=[RAW], trigger_rule="all_done")
    def announce(**context: Any) -> dict[str, int]:
        """Emit one ``raw`` event naming the datasets that received rows since this run started (from the ledger,
        so a file loaded by an attempt that later failed on another file counts too); skip when none did."""
        from airflow.sdk.exceptions import AirflowSkipException

        from muara.ingest import batches

        rows = batches.rows_loaded_since(context["dag_run"].start_date)
        if not rows:
            raise AirflowSkipException("no dataset received rows in this run")
        context["outlet_events"][RAW].extra = {"datasets": sorted(rows), "rows": rows}
        return rows

    results >> announce()


ingest()
