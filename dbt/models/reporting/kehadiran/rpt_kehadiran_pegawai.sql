-- Attendance per OPD per day for Kehadiran Pegawai. "The last working day" and "the last 30 days" count back
-- from the latest date in the data, not from today, so the dashboard still shows data when an export is late.

with

kehadiran as (

    select * from {{ ref('fct_kehadiran_harian') }}

),

final as (

    select
        kunci,
        tanggal,
        kode_opd,
        singkatan_opd as opd,
        nama_opd,
        hari_kerja,
        tanggal = max(tanggal) filter (where hari_kerja) over () as hari_kerja_terakhir,
        max(tanggal) over () - tanggal as hari_ke_belakang,
        jumlah_pegawai,
        hadir,
        tidak_hadir,
        terlambat,
        pulang_cepat,
        izin,
        sakit,
        cuti,
        dinas_luar,
        tanpa_keterangan,
        tingkat_kehadiran
    from kehadiran

)

select * from final
