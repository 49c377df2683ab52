-- The stages permit applications went through and how long each took, for Perizinan's stage chart.

with

riwayat as (

    select * from {{ ref('fct_riwayat_izin') }}

),

final as (

    select
        kunci,
        nomor_permohonan,
        urutan,
        kode_jenis_izin,
        nama_jenis_izin,
        kode_opd,
        singkatan_opd as opd,
        tahap,
        mulai,
        selesai,
        durasi_hari_kerja,
        waktu_pengajuan
    from riwayat

)

select * from final
