-- Gi* per grid cell, category and month, as muara analitik refresh wrote it.

with

source as (

    select * from {{ source('analitik', 'hotspot') }}

),

final as (

    select
        md5(concat_ws('|', bulan, kode_kategori, sel)) as kunci,
        bulan,
        kode_kategori,
        sel,
        latitude,
        longitude,
        jumlah,
        jumlah_sekitar,
        harapan_sekitar,
        gi_z,
        p_nilai,
        signifikan,
        jumlah_sel,
        ukuran_sel_m,
        dihitung_pada
    from source

)

select * from final
