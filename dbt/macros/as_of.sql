{#- The moment colours, deadlines passed and backlogs are judged at: var `as_of`, else now(). -#}
{% macro as_of() -%}
    {%- if var('as_of', '') -%}
        cast('{{ var("as_of") }}' as timestamptz)
    {%- else -%}
        now()
    {%- endif -%}
{%- endmacro %}

{#- The city's local time zone (IANA name), passed by `muara warehouse build`. -#}
{% macro zona_waktu() -%}
    '{{ var("zona_waktu") }}'
{%- endmacro %}

{#- Local wall-clock time of a timestamptz in the city. -#}
{% macro waktu_lokal(ts) -%}
    ({{ ts }} at time zone {{ zona_waktu() }})
{%- endmacro %}
