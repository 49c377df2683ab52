-- Each OPD's open and overdue complaints a week ahead, with the backtest, as muara analitik refresh wrote it.

with

source as (

    select * from {{ source('analitik', 'prakiraan_tunggakan') }}

),

final as (

    select
        md5(concat_ws('|', kode_opd, ukuran, tanggal_prakiraan)) as kunci,
        kode_opd,
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
        dihitung_pada
    from source

)

select * from final
