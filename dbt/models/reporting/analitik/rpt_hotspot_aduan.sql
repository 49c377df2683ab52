-- marts.fct_hotspot_aduan column for column, as a contracted table Superset may read (Analitik & Prioritas).

with

sumber as (

    select * from {{ ref('fct_hotspot_aduan') }}

),

final as (

    select
        kunci,
        bulan,
        kategori,
        nama_kategori,
        kode_opd,
        sel,
        latitude,
        longitude,
        jumlah,
        jumlah_sekitar,
        harapan_sekitar,
        gi_z,
        p_nilai,
        signifikan,
        kelas,
        jumlah_sel,
        ukuran_sel_m,
        keterangan
    from sumber

)

select * from final
