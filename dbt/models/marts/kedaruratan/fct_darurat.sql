-- One row per emergency incident (latest version sent) with its response times against the target of its
-- type. The OPD score reads this model: keep its columns and meanings stable.

with

darurat as (

    select * from {{ ref('stg_raw__darurat') }}

),

jenis_darurat as (

    select * from {{ ref('jenis_darurat') }}

),

opd as (

    select * from {{ ref('dim_opd') }}

),

kelurahan as (

    select * from {{ ref('dim_kelurahan') }}

),

waktu as (

    select
        darurat.*,
        jenis_darurat.nama_jenis_darurat,
        jenis_darurat.target_respons_menit,
        extract(epoch from (darurat.waktu_dispatch - darurat.waktu_lapor)) / 60 as menit_dispatch,
        extract(epoch from (darurat.waktu_tiba - darurat.waktu_lapor)) / 60 as menit_respons
    from darurat
    left join jenis_darurat on darurat.kode_jenis_darurat = jenis_darurat.kode_jenis_darurat

),

-- names for the reporting model that reads this one, so that it needs no join of its own
bernama as (

    select
        waktu.*,
        opd.singkatan as singkatan_opd,
        kelurahan.nama_kelurahan,
        kelurahan.nama_kecamatan
    from waktu
    left join opd on waktu.kode_opd = opd.kode_opd
    left join kelurahan on waktu.kode_kelurahan = kelurahan.kode_kelurahan

),

final as (

    select
        nomor_kejadian,
        kode_jenis_darurat,
        nama_jenis_darurat,
        kode_opd,
        singkatan_opd,
        kode_kelurahan,
        nama_kelurahan,
        nama_kecamatan,
        kanal,
        status,
        waktu_lapor,
        waktu_dispatch,
        waktu_tiba,
        waktu_selesai,
        latitude,
        longitude,
        target_respons_menit,
        menit_dispatch,
        menit_respons,
        case
            when status = 'palsu' then null
            when menit_respons is null or target_respons_menit is null then null
            else menit_respons <= target_respons_menit
        end as tepat_waktu,
        _loaded_at
    from bernama

)

select * from final
