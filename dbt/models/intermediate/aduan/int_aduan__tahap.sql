-- The stages a complaint went through, from the snapshot of successive exports: one row per version,
-- with when it began (the source's own update time when it sent one, else when Muara loaded it),
-- when the next began, and whether the handling OPD changed (a disposisi / koordinasi hand-over).

with

versi as (

    select * from {{ ref('snp_aduan') }}

),

berurut as (

    select
        nomor_aduan,
        status,
        kode_opd,
        greatest(coalesce(waktu_pembaruan, dbt_valid_from), waktu_lapor) as mulai,
        dbt_scd_id
    from versi

),

final as (

    select
        dbt_scd_id as kunci,
        nomor_aduan,
        row_number() over (partition by nomor_aduan order by mulai, dbt_scd_id) as urutan,
        status,
        kode_opd,
        lag(kode_opd) over (partition by nomor_aduan order by mulai, dbt_scd_id) as kode_opd_sebelumnya,
        mulai,
        lead(mulai) over (partition by nomor_aduan order by mulai, dbt_scd_id) as selesai
    from berurut

)

select * from final
