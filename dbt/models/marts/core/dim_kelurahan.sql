-- The kelurahan (and desa) of the configured city (var kode_kota), from the Kemendagri code list.

with

kelurahan as (

    select * from {{ ref('kelurahan') }}

),

final as (

    select
        kode_kelurahan,
        nama_kelurahan,
        kode_kecamatan,
        nama_kecamatan,
        jenis,
        kode_kota,
        nama_kota
    from kelurahan
    where kode_kota = '{{ var("kode_kota") }}'

)

select * from final
