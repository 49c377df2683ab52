-- The latest report of every hospital and care class at the as-of moment, with how old that report is.

with

tempat_tidur as (

    select * from {{ ref('fct_tempat_tidur') }}

),

sampai_as_of as (

    select
        *,
        row_number() over (
            partition by kode_rs, kelas
            order by waktu_laporan desc
        ) as urutan
    from tempat_tidur
    where waktu_laporan <= {{ as_of() }}

),

final as (

    select
        md5(concat_ws('|', kode_rs, kelas)) as kunci,
        kode_rs,
        nama_rs,
        kelas,
        kode_opd,
        singkatan_opd,
        waktu_laporan,
        tanggal_laporan,
        cast({{ jam_antara('waktu_laporan', as_of()) }} as double precision) as jam_sejak_laporan,
        kapasitas,
        terisi,
        kosong,
        bor,
        penuh,
        antrean,
        {{ as_of() }} as dihitung_pada,
        _loaded_at
    from sampai_as_of
    where urutan = 1

)

select * from final
