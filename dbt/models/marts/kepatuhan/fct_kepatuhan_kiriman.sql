-- Delivery compliance: one row per sender and dataset that the schedule (seed jadwal_kiriman) expects in the
-- configured city, including senders that never sent anything. A sender is late when no file with data
-- (loaded or partial) arrived within frekuensi_jam + 12 hours before the as-of moment.

with

jadwal as (

    select * from {{ ref('jadwal_kiriman') }}

),

kiriman as (

    select * from {{ ref('int_kepatuhan__kiriman_pengirim') }}

),

opd as (

    select * from {{ ref('dim_opd') }}

),

kelurahan as (

    select * from {{ ref('dim_kelurahan') }}

),

jadwal_kota as (

    select
        kode_kota,
        dataset,
        jenis_pengirim,
        pengirim,
        frekuensi_jam,
        batas_jam_lokal,
        frekuensi_jam + 12 as toleransi_jam
    from jadwal
    where kode_kota = '{{ var("kode_kota") }}'

),

final as (

    select
        md5(concat_ws('|', jadwal_kota.pengirim, jadwal_kota.dataset)) as kunci,
        jadwal_kota.kode_kota,
        jadwal_kota.dataset,
        jadwal_kota.jenis_pengirim,
        jadwal_kota.pengirim,
        coalesce(opd.nama_opd, kelurahan.nama_kelurahan) as nama_pengirim,
        case when jadwal_kota.jenis_pengirim = 'opd' then jadwal_kota.pengirim end as kode_opd,
        opd.singkatan as singkatan_opd,
        case when jadwal_kota.jenis_pengirim = 'kelurahan' then jadwal_kota.pengirim end as kode_kelurahan,
        kelurahan.nama_kelurahan,
        kelurahan.nama_kecamatan,
        jadwal_kota.frekuensi_jam,
        jadwal_kota.toleransi_jam,
        jadwal_kota.batas_jam_lokal,
        kiriman.waktu_kiriman_terakhir,
        cast({{ jam_antara('kiriman.waktu_kiriman_terakhir', as_of()) }} as double precision)
            as jam_sejak_kiriman_terakhir,
        kiriman.waktu_kiriman_terakhir is not null as pernah_mengirim,
        coalesce(
            kiriman.waktu_kiriman_terakhir
            < {{ as_of() }} - make_interval(hours => jadwal_kota.toleransi_jam),
            true
        ) as terlambat,
        kiriman.waktu_berkas_terakhir,
        kiriman.status_berkas_terakhir,
        coalesce(kiriman.berkas_30_hari, 0) as berkas_30_hari,
        coalesce(kiriman.berkas_ditolak_30_hari, 0) as berkas_ditolak_30_hari,
        coalesce(kiriman.berkas_duplikat_30_hari, 0) as berkas_duplikat_30_hari,
        coalesce(kiriman.baris_dibaca_30_hari, 0) as baris_dibaca_30_hari,
        coalesce(kiriman.baris_dimuat_30_hari, 0) as baris_dimuat_30_hari,
        coalesce(kiriman.baris_ditolak_30_hari, 0) as baris_ditolak_30_hari,
        cast(kiriman.baris_ditolak_30_hari as double precision)
        / nullif(kiriman.baris_dibaca_30_hari, 0) as porsi_ditolak,
        {{ as_of() }} as dihitung_pada
    from jadwal_kota
    left join kiriman
        on jadwal_kota.pengirim = kiriman.pengirim
            and jadwal_kota.dataset = kiriman.dataset
    left join opd
        on jadwal_kota.jenis_pengirim = 'opd'
            and jadwal_kota.pengirim = opd.kode_opd
    left join kelurahan
        on jadwal_kota.jenis_pengirim = 'kelurahan'
            and jadwal_kota.pengirim = kelurahan.kode_kelurahan

)

select * from final
