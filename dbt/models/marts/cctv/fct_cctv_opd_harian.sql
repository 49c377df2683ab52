-- Cameras per operating OPD per day: how many reported, their average uptime and how many were online,
-- offline, broken or in maintenance at the end of the day.

with

cctv as (

    select * from {{ ref('fct_cctv_harian') }}

),

per_opd as (

    select
        tanggal,
        kode_opd,
        max(singkatan_opd) as singkatan_opd,
        count(*) as jumlah_kamera,
        avg(uptime_persen) as rata_uptime_persen,
        count(*) filter (where status = 'online') as kamera_online,
        count(*) filter (where status = 'offline') as kamera_offline,
        count(*) filter (where status = 'rusak') as kamera_rusak,
        count(*) filter (where status = 'perawatan') as kamera_perawatan
    from cctv
    group by tanggal, kode_opd

),

final as (

    select
        md5(concat_ws('|', cast(tanggal as text), kode_opd)) as kunci,
        tanggal,
        kode_opd,
        singkatan_opd,
        jumlah_kamera,
        rata_uptime_persen,
        kamera_online,
        kamera_offline,
        kamera_rusak,
        kamera_perawatan,
        cast(kamera_online as double precision) / nullif(jumlah_kamera, 0) as porsi_online
    from per_opd

)

select * from final
