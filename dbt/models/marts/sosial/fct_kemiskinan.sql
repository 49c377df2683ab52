-- Poverty per kelurahan per month: the counts as sent, the poverty rates, how far the social assistance
-- programmes reach the poor, and which row is each kelurahan's latest period at the as-of moment.

with

kemiskinan as (

    select * from {{ ref('stg_raw__kemiskinan') }}

),

kelurahan as (

    select * from {{ ref('dim_kelurahan') }}

),

ditandai as (

    select
        kemiskinan.*,
        kemiskinan.periode = max(kemiskinan.periode) filter (
            where kemiskinan.periode <= cast({{ waktu_lokal(as_of()) }} as date)
        ) over (partition by kemiskinan.kode_kelurahan) as periode_terakhir
    from kemiskinan

),

final as (

    select
        ditandai.kunci,
        ditandai.periode,
        ditandai.kode_kelurahan,
        kelurahan.nama_kelurahan,
        kelurahan.kode_kecamatan,
        kelurahan.nama_kecamatan,
        coalesce(ditandai.periode_terakhir, false) as periode_terakhir,
        ditandai.jumlah_penduduk,
        ditandai.jumlah_kk,
        ditandai.penduduk_miskin,
        ditandai.penduduk_miskin_ekstrem,
        ditandai.kk_miskin,
        ditandai.penerima_pkh,
        ditandai.penerima_bpnt,
        ditandai.penerima_pbi_jk,
        cast(ditandai.penduduk_miskin as double precision)
        / nullif(ditandai.jumlah_penduduk, 0) as porsi_penduduk_miskin,
        cast(ditandai.penduduk_miskin_ekstrem as double precision)
        / nullif(ditandai.jumlah_penduduk, 0) as porsi_miskin_ekstrem,
        cast(ditandai.kk_miskin as double precision) / nullif(ditandai.jumlah_kk, 0) as porsi_kk_miskin,
        cast(ditandai.penerima_pkh as double precision) / nullif(ditandai.kk_miskin, 0) as cakupan_pkh,
        cast(ditandai.penerima_bpnt as double precision) / nullif(ditandai.kk_miskin, 0) as cakupan_bpnt,
        cast(ditandai.penerima_pbi_jk as double precision)
        / nullif(ditandai.penduduk_miskin, 0) as cakupan_pbi_jk,
        cast(ditandai.penerima_pbi_jk as double precision)
        / nullif(ditandai.jumlah_penduduk, 0) as porsi_penduduk_pbi_jk,
        ditandai._batch_id,
        ditandai._loaded_at
    from ditandai
    left join kelurahan on ditandai.kode_kelurahan = kelurahan.kode_kelurahan

)

select * from final
