-- Bed occupancy per hospital and care class at every report: empty beds, bed occupancy rate (BOR) and queue.

with

tempat_tidur as (

    select * from {{ ref('stg_raw__tempat_tidur') }}

),

opd as (

    select * from {{ ref('dim_opd') }}

),

-- names for the reporting model that reads this one, so that it needs no join of its own
bernama as (

    select
        tempat_tidur.*,
        opd.singkatan as singkatan_opd
    from tempat_tidur
    left join opd on tempat_tidur.kode_opd = opd.kode_opd

),

final as (

    select
        kunci,
        waktu_laporan,
        cast({{ waktu_lokal('waktu_laporan') }} as date) as tanggal_laporan,
        kode_rs,
        nama_rs,
        kelas,
        kode_opd,
        singkatan_opd,
        kapasitas,
        terisi,
        greatest(kapasitas - terisi, 0) as kosong,
        cast(terisi as double precision) / nullif(kapasitas, 0) as bor,
        kapasitas <= terisi as penuh,
        antrean,
        _batch_id,
        _loaded_at
    from bernama

)

select * from final
