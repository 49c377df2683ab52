-- marts.fct_prioritas_aduan column for column, as a contracted table Superset may read (Analitik & Prioritas).

with

sumber as (

    select * from {{ ref('fct_prioritas_aduan') }}

),

final as (

    select
        kunci,
        bulan,
        bulan_berjalan,
        kode_kelurahan,
        nama_kelurahan,
        nama_kecamatan,
        kategori,
        nama_kategori,
        kode_opd,
        jumlah,
        jumlah_terlambat,
        porsi_terlambat,
        rata_rata_3_bulan,
        harapan,
        pertumbuhan,
        jumlah_lonjakan,
        skor,
        peringkat,
        alasan
    from sumber

)

select * from final
