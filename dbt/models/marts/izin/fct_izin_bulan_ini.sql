-- Permits of the month of the as-of moment: per permit type and current stage, how many applications,
-- how many are past the service standard, and the median working days spent in each stage.

with

izin as (

    select * from {{ ref('fct_izin') }}

),

riwayat as (

    select * from {{ ref('fct_riwayat_izin') }}

),

bulan_ini as (

    select *
    from izin
    where
        date_trunc('month', {{ waktu_lokal('waktu_pengajuan') }})
        = date_trunc('month', {{ waktu_lokal(as_of()) }})
        and waktu_pengajuan <= {{ as_of() }}

),

per_tahap as (

    select
        kode_jenis_izin,
        tahap,
        count(*) as jumlah_permohonan,
        count(*) filter (where terlambat) as jumlah_terlambat
    from bulan_ini
    group by kode_jenis_izin, tahap

),

lama_tahap as (

    select
        riwayat.kode_jenis_izin,
        riwayat.tahap,
        percentile_cont(0.5) within group (order by riwayat.durasi_hari_kerja) as median_hari_kerja_di_tahap
    from riwayat
    inner join bulan_ini on riwayat.nomor_permohonan = bulan_ini.nomor_permohonan
    group by riwayat.kode_jenis_izin, riwayat.tahap

),

final as (

    select
        md5(concat_ws('|', per_tahap.kode_jenis_izin, per_tahap.tahap)) as kunci,
        cast(date_trunc('month', {{ waktu_lokal(as_of()) }}) as date) as bulan,
        per_tahap.kode_jenis_izin,
        per_tahap.tahap,
        per_tahap.jumlah_permohonan,
        per_tahap.jumlah_terlambat,
        round(cast(lama_tahap.median_hari_kerja_di_tahap as numeric), 2) as median_hari_kerja_di_tahap
    from per_tahap
    left join lama_tahap
        on
            per_tahap.kode_jenis_izin = lama_tahap.kode_jenis_izin
            and per_tahap.tahap = lama_tahap.tahap

)

select * from final
