-- Poverty per kelurahan per month for Kemiskinan; periode_terakhir marks each kelurahan's latest month.

with

kemiskinan as (

    select * from {{ ref('fct_kemiskinan') }}

),

final as (

    select
        kunci,
        periode,
        periode_terakhir,
        kode_kelurahan,
        nama_kelurahan,
        kode_kecamatan,
        nama_kecamatan,
        jumlah_penduduk,
        jumlah_kk,
        penduduk_miskin,
        penduduk_miskin_ekstrem,
        kk_miskin,
        penerima_pkh,
        penerima_bpnt,
        penerima_pbi_jk,
        porsi_penduduk_miskin,
        porsi_miskin_ekstrem,
        cakupan_pkh,
        cakupan_bpnt,
        cakupan_pbi_jk
    from kemiskinan

)

select * from final
