-- The stages a complaint went through, from the snapshot of successive exports: one row per version,
-- with when it began (the source's own update time when it sent one, else when Muara loaded it),
-- when the next began, and whether the handling OPD changed (a disposisi / koordinasi hand-over).

with

versi as (

    select * from {{ ref('snp_aduan') }}

),

berurut as (

    -- versions in the order the exports brought them; a stage begins at the source's update time when it
    -- sent one (the first version: when the complaint was reported), else when Muara loaded it
    select
        dbt_scd_id,
        nomor_aduan,
        status,
        kode_opd,
        row_number() over (partition by nomor_aduan order by dbt_valid_from, dbt_scd_id) as urutan,
        case
            when row_number() over (partition by nomor_aduan order by dbt_valid_from, dbt_scd_id) = 1
                then coalesce(waktu_pembaruan, waktu_lapor)
            else coalesce(waktu_pembaruan, dbt_valid_from)
        end as mulai_dilaporkan
    from versi

),

monoton as (

    -- a late or back-dated update time never moves a stage before the one it followed
    select
        berurut.*,
        max(mulai_dilaporkan) over (
            partition by nomor_aduan order by urutan rows between unbounded preceding and current row
        ) as mulai
    from berurut

),

final as (

    select
        dbt_scd_id as kunci,
        nomor_aduan,
        urutan,
        status,
        kode_opd,
        lag(kode_opd) over (partition by nomor_aduan order by urutan) as kode_opd_sebelumnya,
        mulai,
        lead(mulai) over (partition by nomor_aduan order by urutan) as selesai
    from monoton

)

select * from final
