-- Every bed report, for the daily bed occupancy (BOR) trend of Tempat Tidur RS.

with

laporan as (

    select * from {{ ref('fct_tempat_tidur') }}

),

final as (

    select
        kunci,
        waktu_laporan,
        tanggal_laporan,
        kode_rs,
        nama_rs,
        kelas,
        kode_opd,
        singkatan_opd as opd,
        kapasitas,
        terisi,
        kosong,
        bor,
        penuh,
        antrean
    from laporan

)

select * from final
