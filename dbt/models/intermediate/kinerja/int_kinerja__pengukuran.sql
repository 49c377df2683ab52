-- One row per measurement that feeds the OPD score: for each finished complaint, permit or emergency
-- response, the value of each metric it counts towards, the moment it counts at (which period it falls
-- in, as a local date), and, for medians scored against the items' own SLA, that item's allowance.
--   tepat_waktu          1 if finished within its deadline, else 0 (averaged: the share on time)
--   median_*             a duration (hours, working days or minutes), its median compared with a target
-- Read from the intermediate models the marts are built on (int_aduan__sla, int_izin__sla,
-- int_darurat__respons), not from the marts: durations are rounded as fct_aduan and fct_izin show them.
-- Each fact is read once and fanned out with a lateral VALUES list (a CTE read three times would be
-- materialised by Postgres).

with

aduan as (

    select * from {{ ref('int_aduan__sla') }}

),

izin as (

    select * from {{ ref('int_izin__sla') }}

),

darurat as (

    select * from {{ ref('int_darurat__respons') }}

),

dari_aduan as (

    select
        'aduan' as layanan,
        m.metrik,
        aduan.kode_opd,
        aduan.nomor_aduan as nomor,
        m.waktu,
        m.nilai,
        m.target_item,
        aduan._loaded_at
    from aduan
    cross join lateral (
        values
        (
            'tepat_waktu',
            case when aduan.sudah_selesai then aduan.waktu_tuntas end,
            -- finished after its deadline (counted only when finished)
            case when aduan.waktu_tuntas > aduan.batas_waktu then 0.0 else 1.0 end,
            cast(null as numeric)
        ),
        (
            'median_jam_respons_pertama',
            aduan.waktu_respons_pertama,
            round(cast({{ jam_antara('aduan.waktu_lapor', 'aduan.waktu_respons_pertama') }} as numeric), 2),
            cast(null as numeric)
        ),
        (
            'median_jam_selesai',
            case when aduan.sudah_selesai then aduan.waktu_tuntas end,
            round(cast({{ jam_antara('aduan.waktu_lapor', 'aduan.waktu_tuntas') }} as numeric), 2),
            cast({{ jam_antara('aduan.waktu_lapor', 'aduan.batas_waktu') }} as numeric)
        )
    ) as m (metrik, waktu, nilai, target_item)

),

dari_izin as (

    select
        'izin' as layanan,
        m.metrik,
        izin.kode_opd,
        izin.nomor_permohonan as nomor,
        m.waktu,
        m.nilai,
        m.target_item,
        izin._loaded_at
    from izin
    cross join lateral (
        values
        (
            'tepat_waktu',
            case when izin.sudah_selesai then izin.waktu_tuntas end,
            case when izin.waktu_tuntas > izin.batas_waktu then 0.0 else 1.0 end,
            cast(null as numeric)
        ),
        (
            'median_hari_kerja_terbit',
            case when izin.tahap = 'terbit' then izin.waktu_tuntas end,
            round(cast(izin.hari_kerja_ke_selesai as numeric), 2),
            cast(izin.standar_hari_kerja as numeric)
        )
    ) as m (metrik, waktu, nilai, target_item)

),

dari_darurat as (

    select
        'darurat' as layanan,
        m.metrik,
        darurat.kode_opd,
        darurat.nomor_kejadian as nomor,
        m.waktu,
        m.nilai,
        m.target_item,
        darurat._loaded_at
    from darurat
    cross join lateral (
        values
        (
            'tepat_waktu',
            -- arrived: counts when the team arrived; not arrived and past its target: a miss, counted the
            -- moment the target passed (so a team that never comes is not left out of the score)
            case
                when darurat.tepat_waktu is not null then darurat.waktu_tiba
                when
                    darurat.status <> 'palsu'
                    and darurat.waktu_tiba is null
                    and darurat.waktu_lapor + make_interval(mins => darurat.target_respons_menit) <= {{ as_of() }}
                    then darurat.waktu_lapor + make_interval(mins => darurat.target_respons_menit)
            end,
            case when darurat.tepat_waktu then 1.0 else 0.0 end,
            cast(null as numeric)
        ),
        (
            'median_menit_respons',
            case when darurat.status <> 'palsu' then darurat.waktu_tiba end,
            cast(darurat.menit_respons as numeric),
            cast(darurat.target_respons_menit as numeric)
        )
    ) as m (metrik, waktu, nilai, target_item)

),

semua as (

    select * from dari_aduan
    union all
    select * from dari_izin
    union all
    select * from dari_darurat

),

final as (

    select
        md5(concat_ws('|', layanan, metrik, nomor)) as kunci,
        layanan,
        metrik,
        kode_opd,
        nomor,
        waktu,
        cast({{ waktu_lokal('waktu') }} as date) as tanggal,
        nilai,
        target_item,
        _loaded_at
    from semua
    where waktu is not null and nilai is not null and waktu <= {{ as_of() }}

)

select * from final
