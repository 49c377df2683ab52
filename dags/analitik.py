"""
### analitik: hotspots and backlog forecasts every morning, and the routing suggestions they stand on

The Python steps of issue 16 that dbt-postgres cannot run (`src/muara/analytics/warehouse.py`, the same functions as
`muara analitik refresh`), each writing its table in the schema `analitik`, then one dbt build of the marts that
read those tables:

1. `saran`: the router (`muara rute`) over every complaint whose description it has not read yet (`raw.aduan`).
   The warehouse DAG runs it on every ingest (its `saran_rute` task); this daily run catches up on anything missed; the
   flag `mungkin_salah_rute` in `marts.fct_aduan` (a view) shows the suggestions as soon as they are written.
2. `hotspot`: Getis-Ord Gi* per category and month over `marts.fct_aduan`.
3. `prakiraan`: each OPD's open and overdue complaints a week ahead, with the backtest against naive.
4. `marts`: `dbt build` of the models downstream of the three `analitik` sources (their tests included).

**Why daily, at 06:00 in the city's time zone.** Hotspots are per month and the forecast is per day at 00:00: one run
before the command room opens is enough, and it needs the night's warehouse. Trigger it by hand after a big
correction. The time zone is the configured city's (`MUARA_CITY`), read as the warehouse DAG reads its dbt vars.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from airflow.sdk import dag, task
from airflow.timetables.trigger import CronTriggerTimetable

from muara import settings

CITY_TZ = settings.city().tz_name


@dag(
    dag_id="analitik",
    doc_md=__doc__,
    schedule=CronTriggerTimetable("0 6 * * *", timezone=CITY_TZ),
    start_date=datetime(2026, 1, 1),
    catchup=False,
    max_active_runs=1,
    default_args={"owner": "muara", "retries": 1, "retry_delay": timedelta(minutes=5)},
    tags=["muara", "warehouse"],
)
def analitik() -> None:
    @task
    def saran() -> int:
        from muara.analytics import warehouse as analitik

        return analitik.refresh_saran()

    @task
    def hotspot() -> int:
        from muara.analytics import warehouse as analitik

        return analitik.refresh_hotspot()

    @task
    def prakiraan() -> int:
        from muara.analytics import warehouse as analitik

        return analitik.refresh_forecast()

    @task
    def marts() -> float:
        from muara.warehouse import dbt as warehouse

        selection = ["stg_analitik__saran_rute+", "stg_analitik__hotspot+", "stg_analitik__prakiraan_tunggakan+"]
        return warehouse.build(select=selection).seconds

    steps = saran()
    done = [hotspot(), prakiraan()]
    steps >> done  # type: ignore[operator]
    done >> marts()  # type: ignore[operator]


analitik()
