-- Who sent what and when, for Kepatuhan Data: keadaan = on time, late or never sent; jam_lewat_toleransi > 0
-- means late.

with

kiriman as (

    select * from {{ ref('fct_kepatuhan_kiriman') }}

),

final as (

    select
        kunci,
        dataset,
        jenis_pengirim,
        pengirim,
        nama_pengirim,
        kode_opd,
        singkatan_opd as opd,
        kode_kelurahan,
        nama_kelurahan,
        nama_kecamatan,
        frekuensi_jam,
        toleransi_jam,
        batas_jam_lokal,
        waktu_kiriman_terakhir,
        round(cast(jam_sejak_kiriman_terakhir as numeric), 1) as jam_sejak_kiriman_terakhir,
        round(cast(jam_sejak_kiriman_terakhir - toleransi_jam as numeric), 1) as jam_lewat_toleransi,
        pernah_mengirim,
        terlambat,
        case
            when not pernah_mengirim then 'belum pernah mengirim'
            when terlambat then 'terlambat'
            else 'tepat waktu'
        end as keadaan,
        waktu_berkas_terakhir,
        status_berkas_terakhir,
        berkas_30_hari,
        berkas_ditolak_30_hari,
        berkas_duplikat_30_hari,
        baris_dibaca_30_hari,
        baris_dimuat_30_hari,
        baris_ditolak_30_hari,
        porsi_ditolak,
        dihitung_pada
    from kiriman

)

select * from final
