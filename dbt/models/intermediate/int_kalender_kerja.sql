{{
    config(
        materialized='table',
        indexes=[{'columns': ['tanggal'], 'unique': true}, {'columns': ['hari_kerja_sebelum']}],
    )
}}

-- Every date of the calendar years in seeds/hari_libur.csv, with whether it is a working day and how many
-- working days come before it (the working-day clock of macros/hari_kerja.sql).

with

libur as (

    select
        tanggal,
        bool_or(jenis = 'libur_nasional') as libur_nasional,
        bool_or(jenis = 'cuti_bersama') as cuti_bersama,
        string_agg(nama_libur, '; ' order by jenis desc, nama_libur asc) as nama_libur
    from {{ ref('hari_libur') }}
    group by tanggal

),

rentang as (

    select
        make_date(cast(extract(year from min(tanggal)) as integer), 1, 1) as awal,
        make_date(cast(extract(year from max(tanggal)) as integer), 12, 31) as akhir
    from libur

),

hari as (

    select cast(hari.tanggal as date) as tanggal
    from rentang
    cross join lateral generate_series(rentang.awal, rentang.akhir, interval '1 day') as hari (tanggal)

),

ditandai as (

    select
        hari.tanggal,
        extract(isodow from hari.tanggal) in (6, 7) as akhir_pekan,
        coalesce(libur.libur_nasional, false) as libur_nasional,
        coalesce(libur.cuti_bersama, false) as cuti_bersama,
        libur.nama_libur
    from hari
    left join libur on hari.tanggal = libur.tanggal

),

final as (

    select
        tanggal,
        akhir_pekan,
        libur_nasional,
        cuti_bersama,
        nama_libur,
        not(akhir_pekan or libur_nasional or cuti_bersama) as hari_kerja,
        coalesce(
            count(*) filter (where not (akhir_pekan or libur_nasional or cuti_bersama)) over (
                order by tanggal rows between unbounded preceding and 1 preceding
            ),
            0
        ) as hari_kerja_sebelum
    from ditandai

)

select * from final
