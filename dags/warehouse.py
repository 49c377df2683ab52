"""
### warehouse: dbt over `dbt/` (raw -> staging -> intermediate -> marts), one Airflow task per dbt node

Cosmos renders every dbt seed, snapshot and model as its own task; a model's or seed's own tests (data and unit
tests) run in a task right after it, and a test that reads two nodes (`relationships`) in a task after both, so
no test ever reads a table that is not built yet and the grid shows which model broke. Sources are not rendered
(Cosmos' default): their tests repeat what is enforced before a row lands (`raw.*` columns by the GX suites from
the same contracts, the ledger by its table's constraints), and a freshness gate would stop the very marts that
report a late sender.

dbt runs in this environment (`ExecutionMode.LOCAL`) through dbtRunner, inside the task's own process instead
of a new `dbt` process per task: about 3x faster in `dag.test()` (`dbt_executable_path`, this venv's `dbt`, is
what the subprocess mode would run).

The profile comes from the Airflow connection `muara_warehouse` (`AIRFLOW_CONN_MUARA_WAREHOUSE`, set from
`muara db url`), so no password is written into `profiles.yml` or any other file; the connection's `schema`
field is the database, dbt's target schema is set here. The city's code and time zone are dbt vars from Muara's
settings (`MUARA_CITY`), the same ones `muara warehouse build` passes.

**Why the tasks come from `dbt/target/manifest.json` (`LoadMode.DBT_MANIFEST`).** The dag-processor parses this file
again every 30 seconds or so; rendering from a manifest is reading one JSON file, whereas `LoadMode.DBT_LS`
would start dbt at every parse. `make dbt-manifest` writes the manifest with `dbt parse` (no database needed);
`make demo` and `make test` run it first. After changing a model, run `make dbt-manifest` so the DAG shows it.

**Why it is scheduled on the `raw.*` Assets.** The ingest DAG emits `raw.<dataset>` only when a dataset received
rows, so the warehouse is rebuilt when there is something new, within a scheduler loop, and never on an idle
clock. Any dataset is enough (`raw.a | raw.b | ...`); `max_active_runs=1` keeps it to one build at a time:
events that arrive while a build runs wait in Airflow's queue, and the next single run covers them all (every
model reads every raw table it needs, so one run is complete). Asset-triggered runs have no logical date; the
colours are judged at the moment the run builds (`as_of` left empty).
"""

from __future__ import annotations

import functools
import operator
from datetime import datetime, timedelta

from airflow.sdk import Asset
from cosmos import (
    DbtDag,
    ExecutionConfig,
    ExecutionMode,
    InvocationMode,
    LoadMode,
    ProfileConfig,
    ProjectConfig,
    RenderConfig,
    TestBehavior,
)
from cosmos.profiles import PostgresUserPasswordProfileMapping

from muara.contract.datasets import DATASETS
from muara.warehouse import dbt as warehouse

RAW_ASSETS = [Asset(f"raw.{name}", group="muara") for name in DATASETS]  # the ones the ingest DAG emits

warehouse_dag = DbtDag(
    dag_id="warehouse",
    doc_md=__doc__,
    schedule=functools.reduce(operator.or_, RAW_ASSETS),
    start_date=datetime(2026, 1, 1),
    catchup=False,
    max_active_runs=1,
    default_args={"owner": "muara", "retries": 1, "retry_delay": timedelta(minutes=2)},
    tags=["muara", "warehouse"],
    project_config=ProjectConfig(
        dbt_project_path=warehouse.dbt_dir(),
        manifest_path=warehouse.manifest_path(),
        dbt_vars=warehouse.dbt_vars(),
        install_dbt_deps=False,  # no dbt packages: the dbt hub cannot be reached (PITFALLS.md)
    ),
    profile_config=ProfileConfig(
        profile_name="muara",
        target_name="default",
        profile_mapping=PostgresUserPasswordProfileMapping(
            conn_id=warehouse.AIRFLOW_CONN_ID,
            profile_args={"schema": warehouse.DBT_TARGET_SCHEMA},
        ),
    ),
    execution_config=ExecutionConfig(
        execution_mode=ExecutionMode.LOCAL,
        invocation_mode=InvocationMode.DBT_RUNNER,
        dbt_executable_path=warehouse.dbt_executable(),
    ),
    render_config=RenderConfig(
        load_method=LoadMode.DBT_MANIFEST,
        test_behavior=TestBehavior.AFTER_EACH,
        should_detach_multiple_parents_tests=True,
    ),
)
