-- A table, not a view like fct_aduan: it reads the view int_izin__sla, and dbt-postgres replaces a view by
-- renaming it and dropping the old one with cascade, which dropped a view built on it until the run rebuilt it,
-- so the Perizinan dashboard failed for minutes of every warehouse run. Permit standards count working days:
-- colours judged at each build (the warehouse DAG runs whenever new rows arrive) are fresh enough.
-- (fct_aduan stays a view, live between builds: it reads the incremental table int_aduan__sla, never swapped.)

-- One row per permit application, judged at the as-of moment like complaints:
--   hijau = finished (terbit / ditolak / dicabut), `terlambat` if after the service standard;
--   merah = open past the standard; kuning = open within it.
-- The OPD's short name and the kelurahan's names ride along for the Perizinan reporting model.

with

izin as (

    select * from {{ ref('int_izin__sla') }}

),

opd as (

    select * from {{ ref('dim_opd') }}

),

kelurahan as (

    select * from {{ ref('dim_kelurahan') }}

),

dinilai as (

    select
        izin.*,
        opd.singkatan as singkatan_opd,
        kelurahan.nama_kelurahan,
        kelurahan.nama_kecamatan,
        {{ as_of() }} as dihitung_pada
    from izin
    left join opd on izin.kode_opd = opd.kode_opd
    left join kelurahan on izin.kode_kelurahan = kelurahan.kode_kelurahan

),

final as (

    select
        nomor_permohonan,
        kode_jenis_izin,
        nama_jenis_izin,
        kode_opd,
        singkatan_opd,
        jalur,
        kode_kelurahan,
        nama_kelurahan,
        nama_kecamatan,
        tahap,
        waktu_pengajuan,
        waktu_verifikasi,
        waktu_tahap,
        waktu_terbit,
        waktu_tuntas,
        standar_hari_kerja,
        batas_waktu,
        sudah_selesai,
        case
            when sudah_selesai then waktu_tuntas > batas_waktu
            else dihitung_pada > batas_waktu
        end as terlambat,
        case
            when sudah_selesai then 'hijau'
            when dihitung_pada > batas_waktu then 'merah'
            else 'kuning'
        end as status_warna,
        round(cast(hari_kerja_ke_selesai as numeric), 2) as hari_kerja_ke_selesai,
        nilai_retribusi,
        dihitung_pada,
        _loaded_at
    from dinilai

)

select * from final
