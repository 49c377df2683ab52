-- Who held each complaint, and for how long: one row per complaint and OPD, summing the stages the OPD
-- held it (a complaint passed on by disposisi counts for each OPD in turn).

with

riwayat as (

    select * from {{ ref('fct_riwayat_aduan') }}

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
        round(sum(coalesce(durasi_jam, 0)), 2) as durasi_jam
    from riwayat
    group by nomor_aduan, kode_opd

)

select * from final
