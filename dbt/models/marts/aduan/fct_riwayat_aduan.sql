{{
    config(
        materialized='incremental',
        unique_key='nomor_aduan',
        incremental_strategy='delete+insert',
        on_schema_change='fail',
        indexes=[{'columns': ['kunci'], 'unique': true}, {'columns': ['nomor_aduan']}],
    )
}}

-- One row per stage a complaint went through, from the snapshot of successive exports: its status and
-- handling OPD, when it began and ended, how long it lasted, and whether the OPD changed from the stage
-- before (a disposisi / koordinasi hand-over). The running stage has no end and no duration yet (its
-- length so far is now - mulai); nothing depends on the as-of moment, so a run rewrites only the
-- complaints that got a new version.
-- A stage begins at the source's update time when it sent one (the first version: when the complaint was
-- reported), else when Muara loaded it; versions keep the order the exports brought them, and a late or
-- back-dated update time never moves a stage before the one it followed.

with

versi as (

    select snapshot_aduan.* from {{ ref('snp_aduan') }} as snapshot_aduan
    {% if is_incremental() %}
        where snapshot_aduan.nomor_aduan in (
                select baru.nomor_aduan from {{ ref('snp_aduan') }} as baru
                where
                    baru.dbt_updated_at
                    > (select coalesce(max(sudah._versi_dimuat), '-infinity') from {{ this }} as sudah)
            )
    {% endif %}

),

berurut as (

    select
        dbt_scd_id,
        nomor_aduan,
        status,
        kode_opd,
        dbt_updated_at,
        row_number() over (partition by nomor_aduan order by dbt_valid_from, dbt_scd_id) as urutan,
        case
            when row_number() over (partition by nomor_aduan order by dbt_valid_from, dbt_scd_id) = 1
                then coalesce(waktu_pembaruan, waktu_lapor)
            else coalesce(waktu_pembaruan, dbt_valid_from)
        end as mulai_dilaporkan
    from versi

),

monoton as (

    select
        berurut.*,
        max(berurut.mulai_dilaporkan) over (
            partition by berurut.nomor_aduan order by berurut.urutan rows between unbounded preceding and current row
        ) as mulai
    from berurut

),

bertetangga as (

    select
        monoton.*,
        lag(monoton.kode_opd) over (partition by monoton.nomor_aduan order by monoton.urutan) as kode_opd_sebelumnya,
        lead(monoton.mulai) over (partition by monoton.nomor_aduan order by monoton.urutan) as selesai
    from monoton

),

final as (

    select
        dbt_scd_id as kunci,
        nomor_aduan,
        urutan,
        status,
        kode_opd,
        kode_opd_sebelumnya,
        coalesce(kode_opd_sebelumnya <> kode_opd, false) as serah_terima,
        mulai,
        selesai,
        selesai is null and status not in ('selesai', 'ditolak') as tahap_berjalan,
        round(cast({{ jam_antara('mulai', 'selesai') }} as numeric), 2) as durasi_jam,
        dbt_updated_at as _versi_dimuat
    from bertetangga

)

select * from final
