{{
    config(
        materialized='incremental',
        unique_key='nomor_aduan',
        incremental_strategy='delete+insert',
        on_schema_change='fail',
        indexes=[{'columns': ['kunci'], 'unique': true}, {'columns': ['nomor_aduan']}],
    )
}}

-- Who held each complaint, and for how long: one row per complaint and OPD, summing the finished stages
-- the OPD held it (a complaint passed on by disposisi counts for each OPD in turn). The OPD holding it now
-- has `memegang_sejak`: its time so far is now - memegang_sejak, added by whoever reads it at that moment.

with

riwayat as (

    select tahap.* from {{ ref('fct_riwayat_aduan') }} as tahap
    {% if is_incremental() %}
        where tahap.nomor_aduan in (
                select baru.nomor_aduan from {{ ref('fct_riwayat_aduan') }} as baru
                where baru._versi_dimuat
                    > (select coalesce(max(sudah._versi_dimuat), '-infinity') from {{ this }} as sudah)
            )
    {% endif %}

),

final as (

    select
        md5(concat_ws('|', nomor_aduan, kode_opd)) as kunci,
        nomor_aduan,
        kode_opd,
        min(mulai) as mulai_memegang,
        max(coalesce(selesai, mulai)) as terakhir_memegang,
        count(*) as jumlah_tahap,
        bool_or(tahap_berjalan) as masih_memegang,
        max(mulai) filter (where tahap_berjalan) as memegang_sejak,
        round(sum(coalesce(durasi_jam, 0)), 2) as durasi_jam_selesai,
        max(_versi_dimuat) as _versi_dimuat
    from riwayat
    group by nomor_aduan, kode_opd

)

select * from final
