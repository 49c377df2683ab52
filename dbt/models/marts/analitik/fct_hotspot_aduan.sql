-- Hotspots: grid cells where a category's complaints cluster beyond chance in a month (Getis-Ord Gi*, written by
-- `muara analitik refresh`, src/muara/analytics/hotspot.py), with the category's name and OPD and a sentence.

with

hotspot as (

    select * from {{ ref('stg_analitik__hotspot') }}

),

kategori as (

    select * from {{ ref('kategori_aduan') }}

),

final as (

    select
        md5(concat_ws('|', hotspot.bulan, hotspot.kode_kategori, hotspot.sel)) as kunci,
        hotspot.bulan,
        hotspot.kode_kategori as kategori,
        kategori.nama_kategori,
        kategori.kode_opd_default as kode_opd,
        hotspot.sel,
        hotspot.latitude,
        hotspot.longitude,
        hotspot.jumlah,
        hotspot.jumlah_sekitar,
        hotspot.harapan_sekitar,
        hotspot.gi_z,
        hotspot.p_nilai,
        hotspot.signifikan,
        case when hotspot.signifikan then 'titik_panas' else 'biasa' end as kelas,
        hotspot.jumlah_sel,
        hotspot.ukuran_sel_m,
        concat(
            kategori.nama_kategori, ': ', hotspot.jumlah, ' aduan di kotak ', hotspot.ukuran_sel_m, ' m ini, ',
            hotspot.jumlah_sekitar, ' bersama 8 kotak sekitarnya (wajarnya ',
            replace(cast(round(cast(hotspot.harapan_sekitar as numeric), 1) as text), '.', ','), ')',
            case when hotspot.signifikan then '; titik panas' else '' end
        ) as keterangan,
        hotspot.dihitung_pada
    from hotspot
    left join kategori on hotspot.kode_kategori = kategori.kode_kategori

)

select * from final
