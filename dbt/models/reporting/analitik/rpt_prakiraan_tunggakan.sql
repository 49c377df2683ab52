-- marts.fct_prakiraan_tunggakan column for column, as a contracted table Superset may read (Analitik & Prioritas).

with

sumber as (

    select * from {{ ref('fct_prakiraan_tunggakan') }}

),

final as (

    select
        kunci,
        kode_opd,
        singkatan,
        nama_opd,
        ukuran,
        tanggal_terakhir,
        tanggal_prakiraan,
        nilai_terakhir,
        prakiraan,
        batas_bawah,
        batas_atas,
        metode,
        jumlah_hari_riwayat,
        jumlah_titik_uji,
        mae_model,
        mae_naif,
        mase,
        lebih_baik_dari_naif,
        keterangan
    from sumber

)

select * from final
