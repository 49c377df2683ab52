{{
    config(
        materialized='incremental',
        unique_key='kunci_periode',
        incremental_strategy='delete+insert',
        on_schema_change='fail',
        indexes=[{'columns': ['kunci'], 'unique': true}, {'columns': ['kunci_periode']}],
    )
}}

-- Each OPD's metrics per window and period, each scored the CityScore way against its target
-- (macros/skor.sql): share finished on time, median time to first response / to finish, and the share
-- of open work past its deadline, for complaints, permits and emergencies.
-- The running period is scored over a trailing window of its own length ending on the as-of day
-- (int_kinerja__periode.ukur_mulai), so the trend's last point is a whole period's worth, not a few hours.
-- Incremental by period: a run recomputes the running periods, the periods that were running at the last
-- run, and the periods ending after the earliest measurement loaded since then; finished periods stay as
-- scored, so the
-- table keeps the score history beyond the look-back of int_kinerja__periode. A complaint exported long
-- after it was reported changes past backlogs only at the next --full-refresh.

with

-- not materialized: read twice in an incremental run, and each read must keep its own filter
pengukuran as not materialized (

    select * from {{ ref('int_kinerja__pengukuran') }}

),

tunggakan as (

    select * from {{ ref('int_kinerja__tunggakan_harian') }}

),

semua_periode as (

    select * from {{ ref('int_kinerja__periode') }}

),

sasaran as (

    select * from {{ ref('target_kinerja') }}

),

data_sampai_layanan as (

    select * from {{ ref('int_kinerja__data_sampai') }}

),

data_sampai as (

    -- the newest load behind the measurements, whichever service it was
    select max(data_sampai) as waktu
    from data_sampai_layanan

),

{% if is_incremental() %}

    sebelumnya as (

        select
            coalesce(max(_data_sampai), '-infinity') as data_sampai,
            array_agg(distinct kunci_periode) filter (where periode_berjalan) as periode_berjalan_dulu
        from {{ this }}

    ),

    baru as (

        -- the earliest day holding a measurement loaded since the last run (the _loaded_at filter reaches
        -- the facts' indexes)
        select min(pengukuran.tanggal) as tanggal_awal
        from pengukuran
        where pengukuran._loaded_at > (select sebelumnya.data_sampai from sebelumnya)

    ),

{% endif %}

periode as (

    select semua_periode.*
    from semua_periode
    {% if is_incremental() %}
        cross join sebelumnya
        where
            semua_periode.periode_berjalan
            or md5(concat_ws('|', semua_periode.jendela, semua_periode.periode_mulai))
            = any(coalesce(sebelumnya.periode_berjalan_dulu, cast(array[] as text[])))
            or semua_periode.periode_selesai > (select baru.tanggal_awal from baru)
    {% endif %}

),

jendela as (

    select
        jendela,
        satuan,
        min(periode_mulai) as awal
    from periode
    group by jendela, satuan

),

diukur_semua as (

    -- each measurement once per window (4 rows) from that window's first period on, grouped by the period
    -- it falls in; the (small) result is matched to the periods being computed afterwards
    select
        jendela.jendela,
        cast((date_trunc(jendela.satuan, pengukuran.tanggal)) as date) as periode_mulai,
        pengukuran.layanan,
        pengukuran.metrik,
        pengukuran.kode_opd,
        count(*) as jumlah_item,
        avg(pengukuran.nilai) as rata_rata,
        percentile_cont(0.5) within group (order by pengukuran.nilai)
        filter (where pengukuran.metrik <> 'tepat_waktu') as median,
        percentile_cont(0.5) within group (order by pengukuran.target_item)
        filter (where pengukuran.target_item is not null) as median_target_item
    from pengukuran
    inner join jendela on pengukuran.tanggal >= jendela.awal
    group by
        jendela.jendela,
        cast(date_trunc(jendela.satuan, pengukuran.tanggal) as date),
        pengukuran.layanan,
        pengukuran.metrik,
        pengukuran.kode_opd

),

diukur_berjalan as (

    -- the running period over its trailing window (int_kinerja__periode.ukur_mulai): the same number of days
    -- as a whole period, so its score is comparable with the finished ones instead of collapsing on a few hours
    select
        periode.jendela,
        periode.periode_mulai,
        pengukuran.layanan,
        pengukuran.metrik,
        pengukuran.kode_opd,
        count(*) as jumlah_item,
        avg(pengukuran.nilai) as rata_rata,
        percentile_cont(0.5) within group (order by pengukuran.nilai)
        filter (where pengukuran.metrik <> 'tepat_waktu') as median,
        percentile_cont(0.5) within group (order by pengukuran.target_item)
        filter (where pengukuran.target_item is not null) as median_target_item
    from pengukuran
    inner join periode
        on
            periode.periode_berjalan
            and pengukuran.tanggal >= periode.ukur_mulai
            and pengukuran.tanggal < periode.ukur_selesai
    group by
        periode.jendela,
        periode.periode_mulai,
        pengukuran.layanan,
        pengukuran.metrik,
        pengukuran.kode_opd

),

diukur as (

    select diukur_semua.*
    from diukur_semua
    inner join periode
        on
            diukur_semua.jendela = periode.jendela
            and diukur_semua.periode_mulai = periode.periode_mulai
    where not periode.periode_berjalan
    union all
    select * from diukur_berjalan

),

nilai_periode as (

    select
        jendela,
        periode_mulai,
        layanan,
        metrik,
        kode_opd,
        jumlah_item,
        case when metrik = 'tepat_waktu' then rata_rata else median end as nilai,
        median_target_item
    from diukur

),

nilai_tunggakan as (

    select
        periode.jendela,
        periode.periode_mulai,
        tunggakan.layanan,
        'porsi_tunggakan_terlambat' as metrik,
        tunggakan.kode_opd,
        tunggakan.jumlah_terbuka as jumlah_item,
        case
            when tunggakan.jumlah_terbuka > 0
                then cast((tunggakan.jumlah_terlambat) as numeric) / tunggakan.jumlah_terbuka
            else 0
        end as nilai,
        cast(null as double precision) as median_target_item
    from tunggakan
    inner join periode on tunggakan.tanggal = periode.tanggal_dinilai

),

gabungan as (

    select * from nilai_periode
    union all
    select * from nilai_tunggakan

),

final as (

    select
        md5(
            concat_ws(
                '|', gabungan.kode_opd, gabungan.jendela, gabungan.periode_mulai, gabungan.layanan, gabungan.metrik
            )
        ) as kunci,
        md5(concat_ws('|', gabungan.jendela, gabungan.periode_mulai)) as kunci_periode,
        gabungan.kode_opd,
        gabungan.jendela,
        gabungan.periode_mulai,
        periode.periode_selesai,
        periode.periode_berjalan,
        gabungan.layanan,
        gabungan.metrik,
        sasaran.nama_metrik,
        sasaran.satuan,
        sasaran.arah,
        gabungan.jumlah_item,
        cast((round(cast((gabungan.nilai) as numeric), 4)) as double precision) as nilai,
        cast((round(cast((coalesce(sasaran.target, gabungan.median_target_item)) as numeric), 4)) as double precision)
            as nilai_target,
        cast(
            round(
                cast(
                    {{ skor_cityscore(
                        'gabungan.nilai', 'coalesce(sasaran.target, gabungan.median_target_item)', 'sasaran.arah'
                    ) }}
                    as numeric
                ),
                4
            ) as double precision
        ) as skor_metrik,
        (select data_sampai.waktu from data_sampai) as _data_sampai
    from gabungan
    inner join periode
        on
            gabungan.jendela = periode.jendela
            and gabungan.periode_mulai = periode.periode_mulai
    inner join sasaran
        on
            gabungan.layanan = sasaran.layanan
            and gabungan.metrik = sasaran.metrik

)

select * from final
