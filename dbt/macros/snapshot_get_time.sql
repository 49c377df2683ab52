{#- Snapshots stamp times as timestamptz like every other time in the warehouse (dbt-postgres's default is a
    naive UTC timestamp, which would mix with the timestamptz columns the snapshots track). -#}
{% macro postgres__snapshot_get_time() -%}
    {{ current_timestamp() }}
{%- endmacro %}
