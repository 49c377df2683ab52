"""
### warehouse: dbt over `dbt/` (raw -> staging -> intermediate -> marts), once per burst of new data

**When it runs.** On the one `raw` Asset the ingest DAG updates once per ingest run that loaded rows (its extra
names the datasets, `{"datasets": ["aduan", "opd"]}`), nightly at 01:30 city time, and on demand. Events that
arrive while a build runs wait in Airflow's queue and the next single run consumes them all (`max_active_runs=1`):
one run per burst, never one per dataset.

**What it builds** (`bangun`'s plan, `muara.warehouse.plan`). A run started by data builds only what the new rows
touch: `source:raw.<dataset>+` for each dataset the events name, plus `source:muara.ingest_batch+` (every ingest
writes the ledger the delivery-compliance marts read). The nightly run, a manual run with `penuh=true`, and any run
that finds a manifest relation missing from the database (a fresh server, a model a deploy added) build everything,
which also refreshes the seeds and the day-based colours of complaints no file touched; a manual run may name its
own dbt selection (`pilih`, e.g. `+fct_aduan`). Events older than the start of the last successful build of
everything (`muara.warehouse_build`, written by dbt's on-run-end hook) are in the warehouse already and select
nothing; a run with only such events is skipped. The plan is in the task's log and XCom.

**How** (`bangun`, which also makes the plan: one task process fewer on the way to the screen). One `dbt build`
process for the whole selection, seeds, snapshots, models and every data and unit test in dependency order, with
one dbt thread per core (`MUARA_DBT_THREADS`). The grid shows one task; its log lists every node dbt ran with its
status and time, and its XCom holds the plan and the counts. Cosmos' per-model tasks (`ExecutionMode.WATCHER`)
were weighed against this: each of ~150 consumer tasks is a new process that imports Airflow and Cosmos and
renders the DAG again (4.6 CPU-seconds measured on these 2 cores), far more than the whole demo build (40 s). Every
run builds in one target folder (`data/dbt-target`), so dbt's partial parsing carries over. A retry runs
`dbt retry` on the failed attempt's `run_results.json` (kept in `data/dbt-runs/<run>/`): only the nodes that
errored or were skipped run again, with the same selection.

**Beside it** (`saran_rute`), the complaint router suggests a category and OPD for every complaint whose
description is new or changed (`muara.analytics.warehouse.refresh_saran`), so a complaint sent to the wrong OPD is
flagged `mungkin_salah_rute` in `fct_aduan` within the same run; the daily `analitik` DAG does the rest of issue
16's Python steps.

**Then** the dashboards show the new rows on their next load: Superset keeps no chart-data cache
(`superset/superset_config.py` says why). The `marts` Asset is emitted after every successful build for whatever
reads the marts next.

The database is Muara's own (`muara db url`, `MUARA_DATABASE_URL` in production), passed to dbt through the
environment `dbt/profiles.yml` reads, never written into a file; the city's code and time zone are dbt vars.
Colours are judged at the moment the run builds.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from airflow.sdk import Asset, AssetOrTimeSchedule, CronTriggerTimetable, Param, dag, task

from muara import settings

RAW = Asset("raw", group="muara")  # the one the ingest DAG emits, once per run that loaded rows
MARTS = Asset("marts", group="muara")
NIGHTLY = "30 1 * * *"  # the full build, city time


@dag(
    dag_id="warehouse",
    doc_md=__doc__,
    schedule=AssetOrTimeSchedule(timetable=CronTriggerTimetable(NIGHTLY, timezone=settings.city().tz_name), assets=RAW),
    start_date=datetime(2026, 1, 1),
    catchup=False,
    max_active_runs=1,
    default_args={"owner": "muara", "retries": 2, "retry_delay": timedelta(minutes=1)},
    params={
        "penuh": Param(False, type="boolean", description="Build the whole warehouse, not only what new data touched.")
    },
    tags=["muara", "warehouse"],
)
def warehouse() -> None:
    @task(outlets=[MARTS])
    def bangun(**context: Any) -> dict[str, Any]:
        """The plan (what the new data touches, or everything), then one dbt build of it; on a retry, ``dbt retry``
        of what failed or was skipped. The plan and the counts per status are the task's XCom."""
        import logging

        from muara.stack import postgres as db
        from muara.warehouse import dbt as dbt_
        from muara.warehouse import plan, runs

        events = context.get("triggering_asset_events") or {}
        try:
            raw = [(e.timestamp, e.extra) for e in events[RAW]]
        except KeyError:  # a scheduled or manual run
            raw = []
        params = context.get("params") or {}
        chosen = plan.plan(
            raw,
            manifest_file=dbt_.manifest_path(),
            url=db.url(),
            full=bool(params.get("penuh")),
            select=str(params.get("pilih") or "").split(),
        )
        logging.getLogger(__name__).info(
            "%d raw event(s); %s; select: %s", len(raw), chosen.why, " ".join(chosen.select) or "(all)"
        )
        if chosen.skip:  # skipped, not success: no `marts` event for marts that did not change
            from airflow.sdk.exceptions import AirflowSkipException

            raise AirflowSkipException(chosen.why)
        summary = runs.build_for_run(chosen.as_dict(), run_id=context["run_id"], try_number=context["ti"].try_number)
        return {"plan": chosen.as_dict(), **summary}

    @task
    def saran_rute() -> int:
        """Routing suggestions (``muara rute``) for complaints whose description is new or changed, beside the
        build: ``fct_aduan`` (a view) flags a complaint ``mungkin_salah_rute`` as soon as its suggestion is written,
        without delaying the build the screen waits for; the reporting tables carry it from the next build."""
        from muara.analytics import warehouse as analitik

        return analitik.refresh_saran()

    bangun()
    saran_rute()


warehouse_dag = warehouse()
