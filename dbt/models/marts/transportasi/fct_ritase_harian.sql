-- Bus trips per route per operating day: trips run and completed, vehicles, passengers, distance and the
-- average trip time of completed trips (departure to arrival).

with

ritase as (

    select * from {{ ref('stg_raw__ritase_bus') }}

),

opd as (

    select * from {{ ref('dim_opd') }}

),

perjalanan as (

    select
        tanggal,
        kode_opd,
        kode_rute,
        nomor_armada,
        waktu_berangkat,
        waktu_tiba,
        jumlah_penumpang,
        jarak_km,
        extract(epoch from (waktu_tiba - waktu_berangkat)) / 60.0 as menit_perjalanan
    from ritase

),

per_hari as (

    select
        tanggal,
        kode_opd,
        kode_rute,
        count(*) as jumlah_perjalanan,
        count(waktu_tiba) as perjalanan_selesai,
        count(distinct nomor_armada) as jumlah_armada,
        cast(sum(jumlah_penumpang) as bigint) as jumlah_penumpang,
        cast(avg(jumlah_penumpang) as double precision) as rata_penumpang_per_perjalanan,
        cast(avg(menit_perjalanan) as double precision) as rata_menit_perjalanan,
        cast(sum(jarak_km) as double precision) as jarak_km,
        min(waktu_berangkat) as berangkat_pertama,
        max(waktu_berangkat) as berangkat_terakhir
    from perjalanan
    group by tanggal, kode_opd, kode_rute

),

-- names for the reporting model that reads this one, so that it needs no join of its own
bernama as (

    select
        per_hari.*,
        opd.singkatan as singkatan_opd
    from per_hari
    left join opd on per_hari.kode_opd = opd.kode_opd

),

final as (

    select
        md5(concat_ws('|', cast(tanggal as text), kode_opd, kode_rute)) as kunci,
        tanggal,
        kode_opd,
        singkatan_opd,
        kode_rute,
        jumlah_perjalanan,
        perjalanan_selesai,
        jumlah_armada,
        jumlah_penumpang,
        rata_penumpang_per_perjalanan,
        rata_menit_perjalanan,
        jarak_km,
        berangkat_pertama,
        berangkat_terakhir
    from bernama

)

select * from final
