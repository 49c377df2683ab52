-- Congestion hotspots of the last 30 days for Lalu Lintas dan Transportasi (speeds and queues rounded for reading).

with

titik as (

    select * from {{ ref('fct_titik_kemacetan') }}

),

final as (

    select
        peringkat,
        id_titik,
        nama_ruas,
        kode_opd,
        singkatan_opd as opd,
        kode_kelurahan,
        nama_kelurahan,
        nama_kecamatan,
        latitude,
        longitude,
        jumlah_pengamatan,
        porsi_padat_ke_atas,
        porsi_macet_ke_atas,
        round(cast(rata_kecepatan_kmh as numeric), 1) as rata_kecepatan_kmh,
        round(cast(rata_panjang_antrian_m as numeric), 1) as rata_panjang_antrian_m,
        maks_panjang_antrian_m,
        round(cast(rata_rasio_vc as numeric), 2) as rata_rasio_vc,
        tingkat_terakhir,
        pengamatan_terakhir
    from titik

)

select * from final
