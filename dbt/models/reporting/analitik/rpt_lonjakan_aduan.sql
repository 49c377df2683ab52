-- marts.fct_lonjakan_aduan column for column, as a contracted table Superset may read (Analitik & Prioritas).

with

sumber as (

    select * from {{ ref('fct_lonjakan_aduan') }}

),

final as (

    select
        kunci,
        jendela,
        periode_mulai,
        periode_selesai,
        periode_berjalan,
        kode_kelurahan,
        nama_kelurahan,
        nama_kecamatan,
        kategori,
        nama_kategori,
        kode_opd,
        jumlah,
        harapan,
        periode_dasar,
        rasio,
        p_nilai,
        sekali_dalam,
        lonjakan,
        alasan
    from sumber

)

select * from final
