-- Attendance per OPD per day from the e-presensi recap: the counts as sent, and each status as a rate.
-- hadir, izin, sakit, cuti, dinas_luar and tanpa_keterangan split jumlah_pegawai, so their rates use
-- jumlah_pegawai; terlambat and pulang_cepat are part of hadir, so theirs use hadir.

with

absensi as (

    select * from {{ ref('stg_raw__absensi') }}

),

tanggal as (

    select * from {{ ref('dim_tanggal') }}

),

opd as (

    select * from {{ ref('dim_opd') }}

),

final as (

    select
        absensi.kunci,
        absensi.tanggal,
        absensi.kode_opd,
        opd.singkatan as singkatan_opd,
        opd.nama_opd,
        tanggal.hari_kerja,
        absensi.jumlah_pegawai,
        absensi.hadir,
        absensi.jumlah_pegawai - absensi.hadir as tidak_hadir,
        absensi.terlambat,
        absensi.pulang_cepat,
        absensi.izin,
        absensi.sakit,
        absensi.cuti,
        absensi.dinas_luar,
        absensi.tanpa_keterangan,
        cast(absensi.hadir as double precision) / nullif(absensi.jumlah_pegawai, 0) as tingkat_kehadiran,
        cast(absensi.hadir + coalesce(absensi.dinas_luar, 0) as double precision)
        / nullif(absensi.jumlah_pegawai, 0) as tingkat_kehadiran_dengan_dl,
        cast(absensi.terlambat as double precision) / nullif(absensi.hadir, 0) as porsi_terlambat,
        cast(absensi.pulang_cepat as double precision) / nullif(absensi.hadir, 0) as porsi_pulang_cepat,
        cast(absensi.izin as double precision) / nullif(absensi.jumlah_pegawai, 0) as porsi_izin,
        cast(absensi.sakit as double precision) / nullif(absensi.jumlah_pegawai, 0) as porsi_sakit,
        cast(absensi.cuti as double precision) / nullif(absensi.jumlah_pegawai, 0) as porsi_cuti,
        cast(absensi.dinas_luar as double precision) / nullif(absensi.jumlah_pegawai, 0) as porsi_dinas_luar,
        cast(absensi.tanpa_keterangan as double precision)
        / nullif(absensi.jumlah_pegawai, 0) as porsi_tanpa_keterangan,
        absensi._batch_id,
        absensi._loaded_at
    from absensi
    left join tanggal on absensi.tanggal = tanggal.tanggal
    left join opd on absensi.kode_opd = opd.kode_opd

)

select * from final
