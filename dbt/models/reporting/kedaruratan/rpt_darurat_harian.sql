-- Emergencies per OPD, type and day for Kedaruratan; "the last 30 days" count back from the latest date in the
-- data (hari_ke_belakang), not from today.

with

harian as (

    select * from {{ ref('fct_darurat_harian') }}

),

final as (

    select
        kunci,
        tanggal,
        max(tanggal) over () - tanggal as hari_ke_belakang,
        kode_opd,
        singkatan_opd as opd,
        kode_jenis_darurat,
        nama_jenis_darurat,
        target_respons_menit,
        jumlah_kejadian,
        kejadian_palsu,
        belum_tiba,
        respons_terukur,
        respons_tepat_waktu,
        porsi_tepat_waktu,
        median_menit_respons
    from harian

)

select * from final
