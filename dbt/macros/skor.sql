{#-
  CityScore (Boston): a metric scores actual/target when higher is better and target/actual when lower
  is better, capped at 1.25; 1 means exactly on target. A lower-is-better metric at 0 (no backlog, no
  wait) scores the cap. Null when there is nothing to measure.
-#}
{% macro skor_cityscore(nilai, target, arah, batas=1.25) -%}
    case
        when {{ nilai }} is null or {{ target }} is null then null
        when {{ arah }} = 'naik' and {{ target }} = 0 then {{ batas }}
        when {{ arah }} = 'naik' then least({{ batas }}, {{ nilai }} / {{ target }})
        when {{ nilai }} = 0 then {{ batas }}
        else least({{ batas }}, {{ target }} / {{ nilai }})
    end
{%- endmacro %}
