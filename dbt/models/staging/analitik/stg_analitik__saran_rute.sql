-- The router's suggestion per complaint, as muara analitik refresh wrote it.

with

source as (

    select * from {{ source('analitik', 'saran_rute') }}

),

final as (

    select
        nomor_aduan,
        md5_deskripsi,
        kategori_saran,
        kategori_saran_2,
        kategori_saran_3,
        opd_saran,
        keyakinan,
        perlu_ditinjau,
        ambang,
        dihitung_pada
    from source

)

select * from final
