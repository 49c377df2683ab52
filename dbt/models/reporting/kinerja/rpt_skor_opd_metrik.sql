-- Score per metric per OPD for Kinerja OPD's detail table. fct_skor_opd_metrik carries no OPD names and belongs
-- to the scorecard's own folder, so the short name comes from dim_opd here.

with

metrik as (

    select * from {{ ref('fct_skor_opd_metrik') }}

),

opd as (

    select * from {{ ref('dim_opd') }}

),

final as (

    select
        metrik.kunci,
        metrik.kode_opd,
        opd.singkatan as opd,
        opd.nama_opd,
        metrik.jendela,
        metrik.periode_mulai,
        metrik.periode_berjalan,
        metrik.layanan,
        metrik.metrik,
        metrik.nama_metrik,
        metrik.satuan,
        metrik.arah,
        metrik.jumlah_item,
        metrik.nilai,
        metrik.nilai_target,
        metrik.skor_metrik
    from metrik
    left join opd on metrik.kode_opd = opd.kode_opd

)

select * from final
