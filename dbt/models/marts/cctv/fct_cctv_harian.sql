-- Uptime per camera per day (latest version sent by the OPD running the camera).

with

cctv as (

    select * from {{ ref('stg_raw__cctv') }}

),

final as (

    select
        kunci,
        kode_kamera,
        tanggal,
        kode_opd,
        nama_lokasi,
        kode_kelurahan,
        latitude,
        longitude,
        status,
        uptime_persen,
        durasi_offline_menit,
        status = 'online' as kamera_online,
        _batch_id,
        _loaded_at
    from cctv

)

select * from final
