-- The periods the OPD score is given for, per window, counted back from the as-of day in local time:
-- harian the last 35 days, mingguan the last 14 weeks, bulanan the last 13 months, triwulan the last 5
-- quarters (each including the running one). `tanggal_dinilai` is the day the backlog is read at: the
-- period's last day, or the as-of day for the running period.

with

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
        cast(periode.mulai as date) as periode_mulai,
        cast(periode.mulai + jendela.langkah as date) as periode_selesai,
        hari_ini.tanggal as hari_ini
    from jendela
    cross join hari_ini
    cross join lateral generate_series(
        date_trunc(jendela.satuan, hari_ini.tanggal) - jendela.langkah * (jendela.jumlah_periode - 1),
        date_trunc(jendela.satuan, hari_ini.tanggal),
        jendela.langkah
    ) as periode (mulai)

),

final as (

    select
        jendela,
        satuan,
        periode_mulai,
        periode_selesai,
        least(periode_selesai - 1, hari_ini) as tanggal_dinilai,
        hari_ini < periode_selesai as periode_berjalan
    from periode

)

select * from final
