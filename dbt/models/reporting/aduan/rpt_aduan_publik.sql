-- Complaints for the public dashboard ("Aduan Warga — Publik", open to anyone without a login): counts only, per
-- month of report, OPD, kelurahan, category, status and colour. No complaint number, no text, no point, no
-- person: the one dataset Superset's Public role may read (src/muara/dashboards/provision.py). Counted from the
-- command room's own rows, so the public sees the same colours and OPDs as Ruang Komando, only summed (and
-- fct_aduan keeps fewer than 3 leaf children, the project evaluator's fan-out rule).

with

aduan as (

    select * from {{ ref('rpt_aduan_ruang_komando') }}

),

final as (

    select
        cast(date_trunc('month', {{ waktu_lokal('waktu_lapor') }}) as date) as bulan,
        date_trunc('month', {{ waktu_lokal('waktu_lapor') }})
        = date_trunc('month', {{ waktu_lokal(as_of()) }}) as bulan_berjalan,
        kode_opd,
        opd,
        nama_opd,
        nama_kecamatan,
        nama_kelurahan,
        nama_kategori,
        status,
        status_warna,
        cast(count(*) as integer) as jumlah,
        cast(count(*) filter (where sudah_selesai) as integer) as jumlah_selesai,
        cast(count(*) filter (where not terlambat) as integer) as jumlah_tepat_waktu,
        max(dihitung_pada) as dihitung_pada
    from aduan
    group by 1, 2, 3, 4, 5, 6, 7, 8, 9, 10

)

select
    -- names, not codes, are what the public dataset carries: a kelurahan's name is unique within its kecamatan
    -- (the five cities' schemas/reference/kelurahan.csv), a category's name among the categories
    md5(concat_ws('|', bulan, kode_opd, nama_kecamatan, nama_kelurahan, nama_kategori, status, status_warna))
        as kunci,
    *
from final
