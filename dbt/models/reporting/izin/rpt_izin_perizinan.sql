-- Permit applications as the Perizinan (MPP) dashboard shows them: colour, stage, OPD and kelurahan names.

with

izin as (

    select * from {{ ref('fct_izin') }}

),

final as (

    select
        nomor_permohonan,
        kode_jenis_izin,
        nama_jenis_izin,
        kode_opd,
        singkatan_opd as opd,
        jalur,
        kode_kelurahan,
        nama_kelurahan,
        nama_kecamatan,
        tahap,
        status_warna,
        terlambat,
        sudah_selesai,
        standar_hari_kerja,
        hari_kerja_ke_selesai,
        nilai_retribusi,
        waktu_pengajuan,
        batas_waktu,
        waktu_tuntas
    from izin

)

select * from final
