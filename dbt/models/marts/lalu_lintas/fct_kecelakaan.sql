-- One row per traffic accident (latest version sent), with its local date, month and hour and its casualties.

with

kecelakaan as (

    select * from {{ ref('stg_raw__kecelakaan') }}

),

opd as (

    select * from {{ ref('dim_opd') }}

),

kelurahan as (

    select * from {{ ref('dim_kelurahan') }}

),

-- names for the reporting model that reads this one, so that it needs no join of its own
bernama as (

    select
        kecelakaan.*,
        opd.singkatan as singkatan_opd,
        kelurahan.nama_kelurahan,
        kelurahan.nama_kecamatan
    from kecelakaan
    left join opd on kecelakaan.kode_opd = opd.kode_opd
    left join kelurahan on kecelakaan.kode_kelurahan = kelurahan.kode_kelurahan

),

final as (

    select
        nomor_kejadian,
        kode_opd,
        singkatan_opd,
        waktu_kejadian,
        cast({{ waktu_lokal('waktu_kejadian') }} as date) as tanggal_kejadian,
        cast(date_trunc('month', {{ waktu_lokal('waktu_kejadian') }}) as date) as bulan_kejadian,
        cast(extract(hour from {{ waktu_lokal('waktu_kejadian') }}) as integer) as jam_kejadian,
        kode_kelurahan,
        nama_kelurahan,
        nama_kecamatan,
        lokasi,
        latitude,
        longitude,
        jenis_kecelakaan,
        kondisi_jalan,
        jumlah_kendaraan,
        meninggal_dunia,
        luka_berat,
        luka_ringan,
        meninggal_dunia + luka_berat + luka_ringan as jumlah_korban,
        meninggal_dunia > 0 as fatal,
        kerugian_materi,
        _batch_id,
        _loaded_at
    from bernama

)

select * from final
