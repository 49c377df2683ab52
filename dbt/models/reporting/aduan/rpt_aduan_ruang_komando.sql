-- Complaints as the command room shows them: one row per complaint with its colour at build time, the OPD's
-- short name and the kelurahan's names (carried by fct_aduan).

with

aduan as (

    select * from {{ ref('fct_aduan') }}

),

final as (

    select
        nomor_aduan,
        kode_opd,
        singkatan_opd as opd,
        nama_opd,
        kode_kelurahan,
        nama_kelurahan,
        nama_kecamatan,
        kategori,
        nama_kategori,
        status,
        status_warna,
        alasan_warna,
        terlambat,
        sudah_selesai,
        -- 0 rather than null for a complaint not past its deadline (red because nobody handled it yet), so the red
        -- list, sorted by days overdue, does not start with empty cells (Postgres sorts nulls first descending)
        coalesce(hari_lewat_batas, 0) as hari_lewat_batas,
        jam_sejak_gerakan_terakhir,
        latitude,
        longitude,
        waktu_lapor,
        batas_waktu,
        dihitung_pada
    from aduan

)

select * from final
