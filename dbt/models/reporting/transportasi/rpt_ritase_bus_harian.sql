-- City bus trips and passengers per route per day, for Lalu Lintas dan Transportasi.

with

ritase as (

    select * from {{ ref('fct_ritase_harian') }}

),

final as (

    select
        kunci,
        tanggal,
        kode_opd,
        singkatan_opd as opd,
        kode_rute,
        jumlah_perjalanan,
        perjalanan_selesai,
        jumlah_armada,
        jumlah_penumpang,
        rata_menit_perjalanan,
        jarak_km
    from ritase

)

select * from final
