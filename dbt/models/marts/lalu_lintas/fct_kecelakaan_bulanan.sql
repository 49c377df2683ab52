-- Accidents per kelurahan per month (local time). Accidents without a kelurahan are kept in a row whose
-- kode_kelurahan is null, so a month's rows add up to the city's total.

with

kecelakaan as (

    select * from {{ ref('fct_kecelakaan') }}

),

kelurahan as (

    select * from {{ ref('dim_kelurahan') }}

),

per_bulan as (

    select
        bulan_kejadian as bulan,
        kode_kelurahan,
        count(*) as jumlah_kecelakaan,
        count(*) filter (where fatal) as kecelakaan_fatal,
        cast(sum(meninggal_dunia) as bigint) as meninggal_dunia,
        cast(sum(luka_berat) as bigint) as luka_berat,
        cast(sum(luka_ringan) as bigint) as luka_ringan,
        cast(sum(jumlah_korban) as bigint) as jumlah_korban,
        sum(kerugian_materi) as kerugian_materi,
        count(kerugian_materi) as kecelakaan_dengan_taksiran_kerugian
    from kecelakaan
    group by bulan_kejadian, kode_kelurahan

),

final as (

    select
        md5(concat_ws('|', cast(per_bulan.bulan as text), coalesce(per_bulan.kode_kelurahan, '-'))) as kunci,
        per_bulan.bulan,
        per_bulan.kode_kelurahan,
        kelurahan.kode_kecamatan,
        per_bulan.jumlah_kecelakaan,
        per_bulan.kecelakaan_fatal,
        per_bulan.meninggal_dunia,
        per_bulan.luka_berat,
        per_bulan.luka_ringan,
        per_bulan.jumlah_korban,
        per_bulan.kerugian_materi,
        per_bulan.kecelakaan_dengan_taksiran_kerugian
    from per_bulan
    left join kelurahan on per_bulan.kode_kelurahan = kelurahan.kode_kelurahan

)

select * from final
