-- Bus stops per kelurahan by condition, for Lalu Lintas dan Transportasi: fct_halte_kelurahan column for column.

with

halte as (

    select * from {{ ref('fct_halte_kelurahan') }}

),

final as (

    select
        kode_kelurahan,
        nama_kelurahan,
        kode_kecamatan,
        nama_kecamatan,
        jumlah_halte,
        halte_aktif,
        halte_baik,
        halte_rusak_ringan,
        halte_rusak_berat,
        halte_tidak_aktif,
        porsi_halte_baik,
        jumlah_rute,
        tanggal_pendataan_terakhir
    from halte

)

select * from final
