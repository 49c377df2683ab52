{#-
  Working-day arithmetic on the calendar `int_kalender_kerja`, where every date carries
  `hari_kerja` (a working day: not a weekend, national holiday or cuti bersama) and
  `hari_kerja_sebelum` (how many working days come before it).

  Working time is counted on a clock that only runs on working days (all 24 hours of them):
      detik_kerja(t) = 86400 * hari_kerja_sebelum(date t) + (seconds since local midnight, if date t is a working day)
  so the working hours between two moments are a subtraction, and "t + N working days" is the moment whose
  working clock reads detik_kerja(t) + N * 86400: the Nth working day after t at the same local time, or
  00:00 of that day when t falls on a day off (the count starts the next working day).
  `kal` is the alias of the calendar row joined on the local date of `ts`.
-#}
{% macro detik_kerja(ts, kal) -%}
    (
        86400 * {{ kal }}.hari_kerja_sebelum
        + case
            when {{ kal }}.hari_kerja
                then extract(epoch from cast({{ waktu_lokal(ts) }} as time))
            else 0
        end
    )
{%- endmacro %}

{#- Working hours between two moments; each with the alias of its calendar row. -#}
{% macro jam_kerja_antara(ts_awal, kal_awal, ts_akhir, kal_akhir) -%}
    (({{ detik_kerja(ts_akhir, kal_akhir) }} - {{ detik_kerja(ts_awal, kal_awal) }}) / 3600.0)
{%- endmacro %}

{#- The working-day number to look up for "ts + n working days" (join the calendar on it, hari_kerja only). -#}
{% macro nomor_hari_kerja_tujuan(kal, n) -%}
    ({{ kal }}.hari_kerja_sebelum + {{ n }})
{%- endmacro %}

{#- The deadline itself, given the calendar row of the start (`kal`) and of the target day (`kal_tujuan`). -#}
{% macro tambah_hari_kerja(ts, kal, kal_tujuan) -%}
    (
        (
            {{ kal_tujuan }}.tanggal
            + case
                when {{ kal }}.hari_kerja then cast({{ waktu_lokal(ts) }} as time)
                else time '00:00'
            end
        ) at time zone {{ zona_waktu() }}
    )
{%- endmacro %}

{#- Hours between two moments on the wall clock. -#}
{% macro jam_antara(ts_awal, ts_akhir) -%}
    (extract(epoch from ({{ ts_akhir }} - {{ ts_awal }})) / 3600.0)
{%- endmacro %}
