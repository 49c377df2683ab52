-- One row per traffic accident (latest version sent), with its local date, month and hour and its casualties.

with

kecelakaan as (

    select * from {{ ref('stg_raw__kecelakaan') }}

),

final as (

    select
        nomor_kejadian,
        kode_opd,
        waktu_kejadian,
        cast({{ waktu_lokal('waktu_kejadian') }} as date) as tanggal_kejadian,
        cast(date_trunc('month', {{ waktu_lokal('waktu_kejadian') }}) as date) as bulan_kejadian,
        cast(extract(hour from {{ waktu_lokal('waktu_kejadian') }}) as integer) as jam_kejadian,
        kode_kelurahan,
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
    from kecelakaan

)

select * from final
