-- A table, not a view like most intermediate models: fct_lonjakan_aduan and five data tests read it, and as a
-- view each of them computed the whole zero-filled series again (about 55 s each over 1M complaints in
-- `muara bench warehouse`).
{{ config(materialized='table') }}

-- Complaint counts per kelurahan x category per week (and per day for the categories with a 24-hour SLA),
-- zero-filled, each judged against the series' own recent history with a Poisson control limit
-- (macros/lonjakan.sql). Parameters, chosen by simulating stable Poisson series of 0.2-8 complaints a period
-- (docs/analitik.md): a week against the 8 weeks before (at least 4 known), alpha 0.002: 2.7 % of stable
-- series are flagged at least once in 13 weeks, a tripling from 5 a week is caught 93 % of the time and from
-- 8 always; a day against the 28 days before (at least 14 known), alpha 0.001. The running week or day is judged
-- on what it has so far: it can only be under-counted, never flagged by being partial.
-- The series start at the first complaint the warehouse holds (earlier periods are unknown, not zero), at most
-- 13 months and a baseline back from the as-of day.

{%- set mingguan = var('lonjakan_mingguan') %}
{%- set harian = var('lonjakan_harian') %}

with

aduan as (

    select * from {{ ref('int_aduan__sla') }}

),

hari_ini as (

    select cast({{ waktu_lokal(as_of()) }} as date) as tanggal

),

dilaporkan as (

    select
        aduan.kode_kelurahan,
        aduan.kode_kategori,
        aduan.sla_satuan = 'jam' and aduan.sla_nilai <= 24 as kategori_24_jam,
        cast({{ waktu_lokal('aduan.waktu_lapor') }} as date) as tanggal
    from aduan
    cross join hari_ini
    where
        aduan.waktu_lapor <= {{ as_of() }}
        and cast({{ waktu_lokal('aduan.waktu_lapor') }} as date)
        >= hari_ini.tanggal - interval '13 months' - interval '{{ mingguan.dasar }} weeks'

),

rentang as (

    select
        min(dilaporkan.tanggal) as pertama,
        max(hari_ini.tanggal) as terakhir
    from dilaporkan
    cross join hari_ini

),

jendela as (

    select
        'mingguan' as jendela,
        cast(date_trunc('week', rentang.pertama) as date) as mulai,
        cast(date_trunc('week', rentang.terakhir) as date) as akhir,
        7 as langkah
    from rentang
    union all
    select
        'harian' as jendela,
        rentang.pertama as mulai,
        rentang.terakhir as akhir,
        1 as langkah
    from rentang

),

periode as (

    select
        jendela.jendela,
        cast(hari.hari as date) as periode_mulai,
        cast(hari.hari as date) + jendela.langkah as periode_selesai,
        (cast(hari.hari as date) - jendela.mulai) / jendela.langkah as urutan
    from jendela
    cross join lateral generate_series(jendela.mulai, jendela.akhir, jendela.langkah * interval '1 day') as hari (hari)

),

deret_ada as (

    select distinct
        case when kategori_24_jam then 'harian' end as harian,
        kode_kelurahan,
        kode_kategori
    from dilaporkan

),

deret as (

    select
        'mingguan' as jendela,
        kode_kelurahan,
        kode_kategori
    from deret_ada
    union
    select
        harian as jendela,
        kode_kelurahan,
        kode_kategori
    from deret_ada
    where harian is not null

),

jumlah_per_periode as (

    select
        deret.jendela,
        deret.kode_kelurahan,
        deret.kode_kategori,
        periode.periode_mulai,
        periode.periode_selesai,
        periode.urutan,
        md5(concat_ws('|', deret.jendela, deret.kode_kelurahan, deret.kode_kategori)) as deret,
        count(dilaporkan.tanggal) as jumlah
    from deret
    inner join periode on deret.jendela = periode.jendela
    left join dilaporkan
        on
            deret.kode_kelurahan = dilaporkan.kode_kelurahan
            and deret.kode_kategori = dilaporkan.kode_kategori
            and periode.periode_mulai <= dilaporkan.tanggal
            and periode.periode_selesai > dilaporkan.tanggal
    group by
        deret.jendela, deret.kode_kelurahan, deret.kode_kategori, periode.periode_mulai, periode.periode_selesai,
        periode.urutan

),

mingguan as (

    select * from jumlah_per_periode
    where jendela = 'mingguan'

),

harian as (

    select * from jumlah_per_periode
    where jendela = 'harian'

),

mingguan_dinilai as (

    {{ deteksi_lonjakan('mingguan', mingguan.dasar, mingguan.minimal, mingguan.alfa) }}

),

harian_dinilai as (

    {{ deteksi_lonjakan('harian', harian.dasar, harian.minimal, harian.alfa) }}

),

dinilai as (

    select * from mingguan_dinilai
    union all
    select * from harian_dinilai

),

final as (

    select
        md5(concat_ws('|', dinilai.jendela, dinilai.kode_kelurahan, dinilai.kode_kategori, dinilai.periode_mulai))
            as kunci,
        dinilai.jendela,
        dinilai.kode_kelurahan,
        dinilai.kode_kategori,
        dinilai.periode_mulai,
        dinilai.periode_selesai,
        hari_ini.tanggal < dinilai.periode_selesai as periode_berjalan,
        dinilai.jumlah,
        dinilai.harapan,
        dinilai.periode_dasar,
        dinilai.p_nilai,
        dinilai.lonjakan
    from dinilai
    cross join hari_ini
    where dinilai.periode_mulai >= hari_ini.tanggal - interval '13 months'

)

select * from final
