-- Every CCTV camera per day for the CCTV dashboard; "the last day" counts back from the latest date in the data.

with

kamera as (

    select * from {{ ref('fct_cctv_harian') }}

),

final as (

    select
        kunci,
        tanggal,
        max(tanggal) over () - tanggal as hari_ke_belakang,
        kode_kamera,
        nama_lokasi,
        kode_opd,
        singkatan_opd as opd,
        kode_kelurahan,
        nama_kelurahan,
        nama_kecamatan,
        latitude,
        longitude,
        status,
        uptime_persen,
        durasi_offline_menit,
        kamera_online
    from kamera

)

select * from final
