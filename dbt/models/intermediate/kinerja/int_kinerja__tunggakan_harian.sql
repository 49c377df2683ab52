{{ config(materialized='table') }}

-- Per service, OPD and day (up to the as-of day): how many items were open at the end of the day and
-- how many of those were past their deadline. Counted from day-level events (+1 when an item opens or
-- passes its deadline, -1 when it is finished) and a running sum, so history is one pass over the facts.

with

aduan as (

    select * from {{ ref('int_aduan__sla') }}

),

izin as (

    select * from {{ ref('int_izin__sla') }}

),

kalender as (

    select * from {{ ref('int_kalender_kerja') }}

),

item as (

    select
        'aduan' as layanan,
        kode_opd,
        waktu_lapor as masuk,
        batas_waktu as batas,
        case when waktu_tuntas <= {{ as_of() }} then waktu_tuntas end as tuntas
    from aduan
    where waktu_lapor <= {{ as_of() }}
    union all
    select
        'izin' as layanan,
        kode_opd,
        waktu_pengajuan as masuk,
        batas_waktu as batas,
        case when waktu_tuntas <= {{ as_of() }} then waktu_tuntas end as tuntas
    from izin
    where waktu_pengajuan <= {{ as_of() }}

),

hari as (

    select
        layanan,
        kode_opd,
        cast({{ waktu_lokal('masuk') }} as date) as hari_masuk,
        case when batas <= {{ as_of() }} then cast({{ waktu_lokal('batas') }} as date) end as hari_batas,
        cast({{ waktu_lokal('tuntas') }} as date) as hari_tuntas
    from item

),

peristiwa as (

    select
        hari.layanan,
        hari.kode_opd,
        e.tanggal,
        e.terbuka,
        e.terlambat
    from hari
    cross join
        lateral (
            values
            (hari.hari_masuk, 1, 0),
            (hari.hari_tuntas, -1, 0),
            (case when hari.hari_tuntas is null or hari.hari_tuntas > hari.hari_batas then hari.hari_batas end, 0, 1),
            (case when hari.hari_tuntas > hari.hari_batas then hari.hari_tuntas end, 0, -1)
        ) as e (tanggal, terbuka, terlambat)
    where e.tanggal is not null

),

per_hari as (

    select
        layanan,
        kode_opd,
        tanggal,
        sum(terbuka) as delta_terbuka,
        sum(terlambat) as delta_terlambat
    from peristiwa
    group by layanan, kode_opd, tanggal

),

rentang as (

    select
        layanan,
        kode_opd,
        min(tanggal) as awal
    from per_hari
    group by layanan, kode_opd

),

deret as (

    select
        rentang.layanan,
        rentang.kode_opd,
        kalender.tanggal
    from rentang
    inner join kalender
        on
            rentang.awal <= kalender.tanggal
            and kalender.tanggal <= cast({{ waktu_lokal(as_of()) }} as date)

),

final as (

    select
        md5(concat_ws('|', deret.layanan, deret.kode_opd, deret.tanggal)) as kunci,
        deret.layanan,
        deret.kode_opd,
        deret.tanggal,
        sum(coalesce(per_hari.delta_terbuka, 0)) over (
            partition by deret.layanan, deret.kode_opd order by deret.tanggal
        ) as jumlah_terbuka,
        sum(coalesce(per_hari.delta_terlambat, 0)) over (
            partition by deret.layanan, deret.kode_opd order by deret.tanggal
        ) as jumlah_terlambat
    from deret
    left join per_hari
        on
            deret.layanan = per_hari.layanan
            and deret.kode_opd = per_hari.kode_opd
            and deret.tanggal = per_hari.tanggal

)

select * from final
