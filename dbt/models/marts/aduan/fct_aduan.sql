{{ config(materialized='view') }}

-- One row per complaint, coloured at the as-of moment (var as_of; without it, now(): the view is
-- evaluated when read, so the command room's colours are live between builds):
--   hijau  = closed (selesai / ditolak); `terlambat` says whether it closed after its deadline
--   merah  = not yet handled (no first response, or still waiting / only verified: no disposition),
--            or still open past its deadline
--   kuning = in progress within its deadline
-- The heavy lifting (deadlines on working days, durations) is in the incremental int_aduan__sla. The OPD's and
-- the kelurahan's names ride along, so what reads this model (the command room's reporting model) needs no
-- join of its own.
-- The router's suggestion (analitik.saran_rute, written by `muara analitik refresh` before dbt runs) rides along
-- when it read this very text (md5 of deskripsi): `mungkin_salah_rute` says a confident suggestion names
-- another category or another OPD than the complaint has. Left join: without suggestions nothing changes.

with

aduan as (

    select * from {{ ref('int_aduan__sla') }}

),

opd as (

    select * from {{ ref('dim_opd') }}

),

kelurahan as (

    select * from {{ ref('dim_kelurahan') }}

),

saran as (

    select * from {{ ref('stg_analitik__saran_rute') }}

),

dinilai as (

    select
        aduan.*,
        opd.singkatan as singkatan_opd,
        opd.nama_opd,
        kelurahan.nama_kelurahan,
        kelurahan.nama_kecamatan,
        saran.kategori_saran,
        saran.opd_saran,
        saran.keyakinan as keyakinan_saran,
        saran.perlu_ditinjau as saran_perlu_ditinjau,
        not aduan.sudah_selesai
        and (aduan.waktu_respons_pertama is null or aduan.status in ('menunggu', 'diverifikasi'))
            as belum_ditangani,
        {{ as_of() }} as dihitung_pada
    from aduan
    left join opd on aduan.kode_opd = opd.kode_opd
    left join kelurahan on aduan.kode_kelurahan = kelurahan.kode_kelurahan
    left join saran
        on
            aduan.nomor_aduan = saran.nomor_aduan
            and saran.md5_deskripsi = md5(coalesce(aduan.deskripsi, ''))

),

final as (

    select
        nomor_aduan,
        kode_opd,
        singkatan_opd,
        nama_opd,
        kode_kelurahan,
        nama_kelurahan,
        nama_kecamatan,
        kode_kategori as kategori,
        nama_kategori,
        kanal,
        status,
        latitude,
        longitude,
        waktu_lapor,
        waktu_respons_pertama,
        waktu_selesai,
        waktu_pembaruan,
        waktu_tuntas,
        sla_nilai,
        sla_satuan,
        batas_waktu,
        sudah_selesai,
        belum_ditangani,
        case
            when sudah_selesai then waktu_tuntas > batas_waktu
            else dihitung_pada > batas_waktu
        end as terlambat,
        case
            when sudah_selesai then 'hijau'
            when belum_ditangani then 'merah'
            when dihitung_pada > batas_waktu then 'merah'
            else 'kuning'
        end as status_warna,
        case
            when sudah_selesai and waktu_tuntas > batas_waktu then 'selesai_terlambat'
            when sudah_selesai then 'selesai_tepat_waktu'
            when belum_ditangani and dihitung_pada > batas_waktu then 'belum_ditangani_lewat_batas'
            when belum_ditangani then 'belum_ditangani'
            when dihitung_pada > batas_waktu then 'lewat_batas_waktu'
            else 'diproses_dalam_batas'
        end as alasan_warna,
        case
            when not sudah_selesai and dihitung_pada > batas_waktu
                then round(cast(extract(epoch from (dihitung_pada - batas_waktu)) / 86400.0 as numeric), 1)
        end as hari_lewat_batas,
        round(cast({{ jam_antara('waktu_lapor', 'waktu_respons_pertama') }} as numeric), 2) as jam_ke_respons_pertama,
        round(cast({{ jam_antara('waktu_lapor', 'waktu_tuntas') }} as numeric), 2) as jam_ke_selesai,
        round(cast(jam_kerja_ke_respons_pertama as numeric), 2) as jam_kerja_ke_respons_pertama,
        round(cast(jam_kerja_ke_selesai as numeric), 2) as jam_kerja_ke_selesai,
        round(
            cast(
                {{ jam_antara('coalesce(waktu_pembaruan, waktu_respons_pertama, waktu_lapor)', 'dihitung_pada') }}
                as numeric
            ),
            1
        ) as jam_sejak_gerakan_terakhir,
        kategori_saran,
        opd_saran,
        keyakinan_saran,
        coalesce(
            not saran_perlu_ditinjau and (kategori_saran <> kode_kategori or opd_saran <> kode_opd), false
        ) as mungkin_salah_rute,
        case
            when saran_perlu_ditinjau then null
            when opd_saran <> kode_opd then 'opd_berbeda'
            when kategori_saran <> kode_kategori then 'kategori_berbeda'
        end as alasan_salah_rute,
        dihitung_pada,
        _loaded_at
    from dinilai

)

select * from final
