-- Bed occupancy per hospital and care class at every report: empty beds, bed occupancy rate (BOR) and queue.

with

tempat_tidur as (

    select * from {{ ref('stg_raw__tempat_tidur') }}

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
        kapasitas,
        terisi,
        greatest(kapasitas - terisi, 0) as kosong,
        cast(terisi as double precision) / nullif(kapasitas, 0) as bor,
        kapasitas <= terisi as penuh,
        antrean,
        _batch_id,
        _loaded_at
    from tempat_tidur

)

select * from final
