-- Bus stops per kelurahan by condition, for every kelurahan of the city (0 where there is no stop), from the
-- latest version of every stop in Dishub's monthly list.

with

halte as (

    select * from {{ ref('stg_raw__halte') }}

),

kelurahan as (

    select * from {{ ref('dim_kelurahan') }}

),

rute as (

    select
        halte.kode_kelurahan,
        count(distinct trim(rute_halte.kode_rute)) as jumlah_rute
    from halte
    cross join lateral unnest(string_to_array(halte.kode_rute, ',')) as rute_halte (kode_rute)
    where halte.kondisi <> 'tidak_aktif'
    group by halte.kode_kelurahan

),

per_kelurahan as (

    select
        kode_kelurahan,
        count(*) as jumlah_halte,
        count(*) filter (where kondisi = 'baik') as halte_baik,
        count(*) filter (where kondisi = 'rusak_ringan') as halte_rusak_ringan,
        count(*) filter (where kondisi = 'rusak_berat') as halte_rusak_berat,
        count(*) filter (where kondisi = 'tidak_aktif') as halte_tidak_aktif,
        max(tanggal_pendataan) as tanggal_pendataan_terakhir
    from halte
    group by kode_kelurahan

),

final as (

    select
        kelurahan.kode_kelurahan,
        kelurahan.nama_kelurahan,
        kelurahan.kode_kecamatan,
        kelurahan.nama_kecamatan,
        coalesce(per_kelurahan.jumlah_halte, 0) as jumlah_halte,
        coalesce(per_kelurahan.jumlah_halte - per_kelurahan.halte_tidak_aktif, 0) as halte_aktif,
        coalesce(per_kelurahan.halte_baik, 0) as halte_baik,
        coalesce(per_kelurahan.halte_rusak_ringan, 0) as halte_rusak_ringan,
        coalesce(per_kelurahan.halte_rusak_berat, 0) as halte_rusak_berat,
        coalesce(per_kelurahan.halte_tidak_aktif, 0) as halte_tidak_aktif,
        cast(per_kelurahan.halte_baik as double precision)
        / nullif(per_kelurahan.jumlah_halte, 0) as porsi_halte_baik,
        coalesce(rute.jumlah_rute, 0) as jumlah_rute,
        per_kelurahan.tanggal_pendataan_terakhir
    from kelurahan
    left join per_kelurahan on kelurahan.kode_kelurahan = per_kelurahan.kode_kelurahan
    left join rute on kelurahan.kode_kelurahan = rute.kode_kelurahan

)

select * from final
