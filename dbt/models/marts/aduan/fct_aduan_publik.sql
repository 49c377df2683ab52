{{ config(materialized='view') }}

-- What the public may read of each complaint, shaped for Open311 GeoReport v2 `requests` (the portal's
-- /open311/v2/ and /lapor/<id>): status, category, OPD, place, times and the SLA deadline (the same
-- batas_waktu fct_aduan shows), with the text, address and photo link that fct_aduan leaves out. No personal
-- column at all (name, NIK and phone stay in raw and staging as hashes and masks): a role for open data can be
-- granted this view alone. The text and address were already masked for NIKs, phone numbers and e-mails at
-- ingest. The colour and the OPD's and kelurahan's names are fct_aduan's; the portal reads them from there.

with

aduan as (

    select * from {{ ref('int_aduan__sla') }}

),

final as (

    select
        nomor_aduan,
        kode_kategori as kategori,
        nama_kategori,
        status,
        sudah_selesai,
        deskripsi,
        alamat,
        latitude,
        longitude,
        url_foto,
        kode_opd,
        kode_kelurahan,
        waktu_lapor,
        coalesce(waktu_pembaruan, waktu_tuntas, waktu_respons_pertama, waktu_lapor) as waktu_pembaruan,
        batas_waktu
    from aduan

)

select * from final
