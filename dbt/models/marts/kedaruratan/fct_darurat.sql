-- One row per emergency incident (latest version sent) with its response times against the target of its
-- type, as int_darurat__respons judges them (the OPD score reads that model too, so both agree by
-- construction), and the names the reporting model shows. Keep its columns and meanings stable.

with

respons as (

    select * from {{ ref('int_darurat__respons') }}

),

opd as (

    select * from {{ ref('dim_opd') }}

),

kelurahan as (

    select * from {{ ref('dim_kelurahan') }}

),

final as (

    select
        respons.nomor_kejadian,
        respons.kode_jenis_darurat,
        respons.nama_jenis_darurat,
        respons.kode_opd,
        opd.singkatan as singkatan_opd,
        respons.kode_kelurahan,
        kelurahan.nama_kelurahan,
        kelurahan.nama_kecamatan,
        respons.kanal,
        respons.status,
        respons.waktu_lapor,
        respons.waktu_dispatch,
        respons.waktu_tiba,
        respons.waktu_selesai,
        respons.latitude,
        respons.longitude,
        respons.target_respons_menit,
        respons.menit_dispatch,
        respons.menit_respons,
        respons.tepat_waktu,
        respons._loaded_at
    from respons
    left join opd on respons.kode_opd = opd.kode_opd
    left join kelurahan on respons.kode_kelurahan = kelurahan.kode_kelurahan

)

select * from final
