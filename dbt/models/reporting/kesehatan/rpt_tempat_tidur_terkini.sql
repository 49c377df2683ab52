-- The latest bed report per hospital and class, for Tempat Tidur RS (hours since the report to one decimal).

with

terkini as (

    select * from {{ ref('fct_tempat_tidur_terkini') }}

),

final as (

    select
        kunci,
        kode_rs,
        nama_rs,
        kelas,
        kode_opd,
        singkatan_opd as opd,
        waktu_laporan,
        round(cast(jam_sejak_laporan as numeric), 1) as jam_sejak_laporan,
        kapasitas,
        terisi,
        kosong,
        bor,
        penuh,
        antrean
    from terkini

)

select * from final
