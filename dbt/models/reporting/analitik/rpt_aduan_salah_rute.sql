-- Complaints a confident routing suggestion would send elsewhere (fct_aduan.mungkin_salah_rute), with the
-- suggested category's name, for Analitik & Prioritas.

with

aduan as (

    select * from {{ ref('fct_aduan') }}

),

kategori as (

    select * from {{ ref('kategori_aduan') }}

),

final as (

    select
        aduan.nomor_aduan,
        aduan.kode_opd,
        aduan.singkatan_opd as opd,
        aduan.nama_kelurahan,
        aduan.nama_kecamatan,
        aduan.kategori,
        aduan.nama_kategori,
        aduan.kategori_saran,
        kategori.nama_kategori as nama_kategori_saran,
        aduan.opd_saran,
        aduan.keyakinan_saran,
        aduan.alasan_salah_rute,
        aduan.status,
        aduan.status_warna,
        aduan.sudah_selesai,
        aduan.waktu_lapor,
        aduan.hari_lewat_batas
    from aduan
    left join kategori on aduan.kategori_saran = kategori.kode_kategori
    where aduan.mungkin_salah_rute

)

select * from final
