-- One row per measurement that feeds the OPD score: for each finished complaint, permit or emergency
-- response, the value of each metric it counts towards, the moment it counts at (which period it falls
-- in), and, for medians scored against the items' own SLA, that item's allowance.
--   tepat_waktu          1 if finished within its deadline, else 0 (averaged: the share on time)
--   median_*             a duration (hours, working days or minutes), its median compared with a target

with

aduan as (

    select * from {{ ref('fct_aduan') }}

),

izin as (

    select * from {{ ref('fct_izin') }}

),

darurat as (

    select * from {{ ref('fct_darurat') }}

),

aduan_tepat_waktu as (

    select
        'aduan' as layanan,
        'tepat_waktu' as metrik,
        kode_opd,
        nomor_aduan as nomor,
        waktu_tuntas as waktu,
        case when terlambat then 0.0 else 1.0 end as nilai,
        cast(null as numeric) as target_item
    from aduan
    where sudah_selesai and waktu_tuntas is not null

),

aduan_respons as (

    select
        'aduan' as layanan,
        'median_jam_respons_pertama' as metrik,
        kode_opd,
        nomor_aduan as nomor,
        waktu_respons_pertama as waktu,
        jam_ke_respons_pertama as nilai,
        cast(null as numeric) as target_item
    from aduan
    where waktu_respons_pertama is not null

),

aduan_selesai as (

    select
        'aduan' as layanan,
        'median_jam_selesai' as metrik,
        kode_opd,
        nomor_aduan as nomor,
        waktu_tuntas as waktu,
        jam_ke_selesai as nilai,
        cast({{ jam_antara('waktu_lapor', 'batas_waktu') }} as numeric) as target_item
    from aduan
    where sudah_selesai and waktu_tuntas is not null

),

izin_tepat_waktu as (

    select
        'izin' as layanan,
        'tepat_waktu' as metrik,
        kode_opd,
        nomor_permohonan as nomor,
        waktu_tuntas as waktu,
        case when terlambat then 0.0 else 1.0 end as nilai,
        cast(null as numeric) as target_item
    from izin
    where sudah_selesai and waktu_tuntas is not null

),

izin_terbit as (

    select
        'izin' as layanan,
        'median_hari_kerja_terbit' as metrik,
        kode_opd,
        nomor_permohonan as nomor,
        waktu_tuntas as waktu,
        hari_kerja_ke_selesai as nilai,
        cast(standar_hari_kerja as numeric) as target_item
    from izin
    where tahap = 'terbit' and waktu_tuntas is not null

),

darurat_tepat_waktu as (

    select
        'darurat' as layanan,
        'tepat_waktu' as metrik,
        kode_opd,
        nomor_kejadian as nomor,
        waktu_tiba as waktu,
        case when tepat_waktu then 1.0 else 0.0 end as nilai,
        cast(null as numeric) as target_item
    from darurat
    where tepat_waktu is not null

),

darurat_respons as (

    select
        'darurat' as layanan,
        'median_menit_respons' as metrik,
        kode_opd,
        nomor_kejadian as nomor,
        waktu_tiba as waktu,
        cast(menit_respons as numeric) as nilai,
        cast(target_respons_menit as numeric) as target_item
    from darurat
    where menit_respons is not null and status <> 'palsu'

),

final as (

    select * from aduan_tepat_waktu
    union all
    select * from aduan_respons
    union all
    select * from aduan_selesai
    union all
    select * from izin_tepat_waktu
    union all
    select * from izin_terbit
    union all
    select * from darurat_tepat_waktu
    union all
    select * from darurat_respons

)

select * from final
where waktu <= {{ as_of() }}
