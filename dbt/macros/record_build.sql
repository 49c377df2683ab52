{#- The project's on-run-end hook: one row in muara.warehouse_build per `dbt build` (sql/muara/warehouse_build.sql
    says who reads it). A build of everything is one with no --select, --exclude or --selector; it is ok when no
    node errored, failed or was skipped. A database whose ledger predates the table gets a log line, not an error. -#}
{% macro record_build(results) %}
    {%- if execute and flags.WHICH == 'build' -%}
        {%- set table = adapter.get_relation(database=target.database, schema='muara', identifier='warehouse_build') -%}
        {%- if table is none -%}
            {{ log("muara.warehouse_build is missing (run `muara db migrate`): this build is not recorded", info=true) }}
        {%- else -%}
            {%- set args = invocation_args_dict -%}
            {%- set chosen = (args.get('select') or []) | list + (args.get('exclude') or []) | list -%}
            {%- set full = (chosen | length == 0) and not args.get('selector') -%}
            {%- set bad = results | selectattr('status', 'in', ['error', 'fail', 'skipped', 'runtime error']) | list -%}
            insert into muara.warehouse_build (invocation_id, started_at, full_build, selection, ok, nodes, not_passed)
            values (
                '{{ invocation_id }}',
                '{{ run_started_at.isoformat() }}'::timestamptz,
                {{ 'true' if full else 'false' }},
                {{ "'" ~ (chosen | join(' ') | replace("'", "''")) ~ "'" if chosen else 'null' }},
                {{ 'true' if bad | length == 0 else 'false' }},
                {{ results | length }},
                {{ bad | length }}
            )
        {%- endif -%}
    {%- endif -%}
{% endmacro %}
