-- Uptime per camera per day (latest version sent by the OPD running the camera).

with

cctv as (

    select * from {{ ref('stg_raw__cctv') }}

),

opd as (

    select * from {{ ref('dim_opd') }}

),

kelurahan as (

    select * from {{ ref('dim_kelurahan') }}

),

-- names for the reporting model that reads this one, so that it needs no join of its own
bernama as (

    select
        cctv.*,
        opd.singkatan as singkatan_opd,
        kelurahan.nama_kelurahan,
        kelurahan.nama_kecamatan
    from cctv
    left join opd on cctv.kode_opd = opd.kode_opd
    left join kelurahan on cctv.kode_kelurahan = kelurahan.kode_kelurahan

),

final as (

    select
        kunci,
        kode_kamera,
        tanggal,
        kode_opd,
        singkatan_opd,
        nama_lokasi,
        kode_kelurahan,
        nama_kelurahan,
        nama_kecamatan,
        latitude,
        longitude,
        status,
        uptime_persen,
        durasi_offline_menit,
        status = 'online' as kamera_online,
        _batch_id,
        _loaded_at
    from bernama

)

select * from final
