{#-
  Every non-null value of the column lies between min_value and max_value (inclusive). Either bound may be
  left out. Rates (porsi_*, tingkat_*, bor) use it with 0 and 1; nulls (nothing to divide by) pass.
-#}
{% test rentang_nilai(model, column_name, min_value=none, max_value=none) %}

select {{ column_name }} as nilai
from {{ model }}
where {{ column_name }} is not null
    and (
        false
        {%- if min_value is not none %}
        or {{ column_name }} < {{ min_value }}
        {%- endif %}
        {%- if max_value is not none %}
        or {{ column_name }} > {{ max_value }}
        {%- endif %}
    )

{% endtest %}
