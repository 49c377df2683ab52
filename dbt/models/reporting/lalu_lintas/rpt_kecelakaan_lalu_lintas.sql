-- Traffic accidents for Lalu Lintas dan Transportasi, with the severity the map colours them by.

with

kecelakaan as (

    select * from {{ ref('fct_kecelakaan') }}

),

final as (

    select
        nomor_kejadian,
        kode_opd,
        singkatan_opd as opd,
        waktu_kejadian,
        tanggal_kejadian,
        bulan_kejadian,
        jam_kejadian,
        kode_kelurahan,
        nama_kelurahan,
        nama_kecamatan,
        lokasi,
        latitude,
        longitude,
        jenis_kecelakaan,
        kondisi_jalan,
        meninggal_dunia,
        luka_berat,
        luka_ringan,
        jumlah_korban,
        fatal,
        case
            when meninggal_dunia > 0 then 'meninggal dunia'
            when luka_berat > 0 then 'luka berat'
            when luka_ringan > 0 then 'luka ringan'
            else 'tanpa korban'
        end as keparahan,
        kerugian_materi
    from kecelakaan

)

select * from final
