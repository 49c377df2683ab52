{{ config(materialized='view') }}

-- What the public may read of each complaint, shaped for Open311 GeoReport v2 `requests` (the portal's
-- /open311/v2/ and /lapor/<id>): status, category, OPD, place, times and the SLA deadline, with the text,
-- address and photo link that fct_aduan leaves out. No personal column at all (name, NIK and phone stay in
-- raw and staging as hashes and masks): a role for open data can be granted this view alone. The text and
-- address were already masked for NIKs, phone numbers and e-mails at ingest. A view over the fact, so the
-- status colour is live between builds like fct_aduan's.

with

aduan as (

    select * from {{ ref('fct_aduan') }}

),

teks as (

    select
        nomor_aduan,
        deskripsi,
        alamat,
        url_foto
    from {{ ref('int_aduan__sla') }}

),

final as (

    select
        aduan.nomor_aduan,
        aduan.kategori,
        aduan.nama_kategori,
        aduan.status,
        aduan.status_warna,
        aduan.sudah_selesai,
        teks.deskripsi,
        teks.alamat,
        aduan.latitude,
        aduan.longitude,
        teks.url_foto,
        aduan.kode_opd,
        aduan.nama_opd,
        aduan.kode_kelurahan,
        aduan.nama_kelurahan,
        aduan.waktu_lapor,
        coalesce(aduan.waktu_pembaruan, aduan.waktu_tuntas, aduan.waktu_respons_pertama, aduan.waktu_lapor)
            as waktu_pembaruan,
        aduan.batas_waktu
    from aduan
    inner join teks on aduan.nomor_aduan = teks.nomor_aduan

)

select * from final
