-- The periods the OPD score is given for, per window, counted back from the as-of day in local time:
-- harian the last 35 days, mingguan the last 14 weeks, bulanan the last 13 months, triwulan the last 5
-- quarters (each including the running one). `tanggal_dinilai` is the day the backlog is read at: the
-- period's last day, or the as-of day for the running period. `ukur_mulai` .. `ukur_selesai` (exclusive) are the
-- days whose measurements score the period: the period's own, except for the running period, which is scored
-- over the trailing window of the same length ending on the as-of day (issue 16, item 6).
-- The periods are the days of the working-day calendar (int_kalender_kerja, the project's one date spine)
-- that start one: the score covers the calendar's years, as deadlines and backlogs do.

with

kalender as (

    select * from {{ ref('int_kalender_kerja') }}

),

jendela as (

    select *
    from (
        values
        ('harian', 'day', interval '1 day', 35),
        ('mingguan', 'week', interval '1 week', 14),
        ('bulanan', 'month', interval '1 month', 13),
        ('triwulan', 'quarter', interval '3 months', 5)
    ) as jendela (jendela, satuan, langkah, jumlah_periode)

),

hari_ini as (

    select cast({{ waktu_lokal(as_of()) }} as date) as tanggal

),

periode as (

    select
        jendela.jendela,
        jendela.satuan,
        kalender.tanggal as periode_mulai,
        cast(kalender.tanggal + jendela.langkah as date) as periode_selesai,
        hari_ini.tanggal as hari_ini
    from jendela
    cross join hari_ini
    inner join kalender
        on
            kalender.tanggal
            between date_trunc(jendela.satuan, hari_ini.tanggal) - jendela.langkah * (jendela.jumlah_periode - 1)
            and hari_ini.tanggal
            and kalender.tanggal = date_trunc(jendela.satuan, kalender.tanggal)

),

final as (

    select
        md5(concat_ws('|', jendela, periode_mulai)) as kunci_periode,
        jendela,
        satuan,
        periode_mulai,
        periode_selesai,
        least(periode_selesai - 1, hari_ini) as tanggal_dinilai,
        hari_ini < periode_selesai as periode_berjalan,
        -- the days measured: the period itself, or for the running period a trailing window of the same length
        -- ending today (a week that started this morning is scored on the last 7 days, never on a few hours)
        case
            when hari_ini < periode_selesai then hari_ini + 1 - (periode_selesai - periode_mulai)
            else periode_mulai
        end as ukur_mulai,
        case when hari_ini < periode_selesai then hari_ini + 1 else periode_selesai end as ukur_selesai
    from periode

)

select * from final
