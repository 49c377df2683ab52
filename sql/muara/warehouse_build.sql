-- One row per `dbt build` of the warehouse, written by dbt itself (the project's on-run-end hook,
-- dbt/macros/record_build.sql), whoever started it: the warehouse DAG, `muara warehouse build`, `make demo`.
-- The warehouse DAG's plan reads it: a `raw` Asset event older than the start of the last successful build of
-- everything is already in the warehouse, so it adds nothing to a run's selection. Applied by `muara db migrate`.
create schema if not exists muara;

create table if not exists muara.warehouse_build (
    invocation_id text primary key,
    started_at timestamptz not null,
    finished_at timestamptz not null default now(),
    full_build boolean not null,
    selection text,
    ok boolean not null,
    nodes integer not null,
    not_passed integer not null
);

create index if not exists warehouse_build_full_ok on muara.warehouse_build (started_at) where full_build and ok;
