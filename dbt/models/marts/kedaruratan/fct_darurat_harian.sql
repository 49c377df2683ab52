-- Emergencies per handling OPD per type per local day of the report: counts, median response time and the
-- share of measured responses within the type's target. False reports count as incidents but not in times.

with

darurat as (

    select * from {{ ref('fct_darurat') }}

),

kejadian as (

    select
        *,
        cast({{ waktu_lokal('waktu_lapor') }} as date) as tanggal
    from darurat

),

per_hari as (

    select
        tanggal,
        kode_opd,
        kode_jenis_darurat,
        max(singkatan_opd) as singkatan_opd,
        max(nama_jenis_darurat) as nama_jenis_darurat,
        max(target_respons_menit) as target_respons_menit,
        count(*) as jumlah_kejadian,
        count(*) filter (where status = 'palsu') as kejadian_palsu,
        count(*) filter (where status <> 'palsu' and waktu_tiba is null) as belum_tiba,
        count(tepat_waktu) as respons_terukur,
        count(*) filter (where tepat_waktu) as respons_tepat_waktu,
        percentile_cont(0.5) within group (order by menit_respons) filter (
            where status <> 'palsu'
        ) as median_menit_respons,
        percentile_cont(0.5) within group (order by menit_dispatch) filter (
            where status <> 'palsu'
        ) as median_menit_dispatch
    from kejadian
    group by tanggal, kode_opd, kode_jenis_darurat

),

final as (

    select
        md5(concat_ws('|', cast(tanggal as text), kode_opd, kode_jenis_darurat)) as kunci,
        tanggal,
        kode_opd,
        singkatan_opd,
        kode_jenis_darurat,
        nama_jenis_darurat,
        target_respons_menit,
        jumlah_kejadian,
        kejadian_palsu,
        belum_tiba,
        respons_terukur,
        respons_tepat_waktu,
        cast(respons_tepat_waktu as double precision) / nullif(respons_terukur, 0) as porsi_tepat_waktu,
        median_menit_respons,
        median_menit_dispatch
    from per_hari

)

select * from final
