-- CCTV cameras per managing OPD per day for the CCTV dashboard; "the last day" counts back from the latest date
-- in the data.

with

harian as (

    select * from {{ ref('fct_cctv_opd_harian') }}

),

final as (

    select
        kunci,
        tanggal,
        max(tanggal) over () - tanggal as hari_ke_belakang,
        kode_opd,
        singkatan_opd as opd,
        jumlah_kamera,
        rata_uptime_persen,
        kamera_online,
        kamera_offline,
        kamera_rusak,
        kamera_perawatan,
        porsi_online
    from harian

)

select * from final
