{#-
  The primary key of a model made of several columns: no column of it is null and no combination occurs
  twice (what unique + not_null say for a one-column key), without storing a surrogate column.
-#}
{% test kunci_gabungan(model, columns) %}

with

kunci as (

    select
        {{ columns | join(', ') }},
        count(*) as jumlah
    from {{ model }}
    group by {{ columns | join(', ') }}

)

select *
from kunci
where
    jumlah > 1
    {% for column in columns %}
        or {{ column }} is null
    {% endfor %}

{% endtest %}
