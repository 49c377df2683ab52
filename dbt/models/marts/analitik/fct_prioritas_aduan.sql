-- Policy priorities: per month, kelurahan x category problems ranked by a score a mayor can read back:
--   skor (0-100) = 40 x volume's percentile among the month's problems
--                + 25 x growth's percentile (the month's count / the mean of the 3 months before)
--                + 25 x the share of the month's complaints past their deadline (closed late or still open late)
--                + 10 if the problem had at least one spike (fct_lonjakan_aduan) that month
-- Only problems with at least 3 complaints in the month are ranked. The running month is compared with the
-- same share of its history (the 3-month mean times the part of the month gone), never with whole months.
-- Months before the warehouse's first complaint are unknown, not zero: the mean is over known months only.

with

aduan as (

    select * from {{ ref('fct_aduan') }}

),

lonjakan as (

    select * from {{ ref('fct_lonjakan_aduan') }}

),

kategori as (

    select * from {{ ref('kategori_aduan') }}

),

kelurahan as (

    select * from {{ ref('dim_kelurahan') }}

),

hari_ini as (

    select cast({{ waktu_lokal(as_of()) }} as date) as tanggal

),

per_bulan as (

    select
        kode_kelurahan,
        kategori,
        cast(date_trunc('month', {{ waktu_lokal('waktu_lapor') }}) as date) as bulan,
        count(*) as jumlah,
        count(*) filter (where terlambat) as jumlah_terlambat
    from aduan
    where waktu_lapor <= dihitung_pada
    group by 1, 2, 3

),

bulan_pertama as (

    -- the first whole month the warehouse knows: a month it holds only the end of is no history to compare with
    select
        case
            when min({{ waktu_lokal('waktu_lapor') }}) = date_trunc('month', min({{ waktu_lokal('waktu_lapor') }}))
                then cast(date_trunc('month', min({{ waktu_lokal('waktu_lapor') }})) as date)
            else cast(date_trunc('month', min({{ waktu_lokal('waktu_lapor') }})) + interval '1 month' as date)
        end as bulan
    from aduan

),

dengan_riwayat as (

    select
        kini.kode_kelurahan,
        kini.kategori,
        kini.bulan,
        kini.jumlah,
        kini.jumlah_terlambat,
        greatest(0, least(3, (
            extract(year from age(kini.bulan, bulan_pertama.bulan)) * 12
            + extract(month from age(kini.bulan, bulan_pertama.bulan))
        ))) as bulan_dikenal,
        coalesce(sum(lalu.jumlah), 0) as jumlah_3_bulan
    from per_bulan as kini
    cross join bulan_pertama
    left join per_bulan as lalu
        on
            kini.kode_kelurahan = lalu.kode_kelurahan
            and kini.kategori = lalu.kategori
            and kini.bulan - interval '3 months' <= lalu.bulan
            and bulan_pertama.bulan <= lalu.bulan
            and kini.bulan > lalu.bulan
    where kini.jumlah >= 3
    group by 1, 2, 3, 4, 5, 6

),

lonjakan_per_bulan as (

    select
        kode_kelurahan,
        kategori,
        cast(date_trunc('month', periode_mulai) as date) as bulan,
        count(*) as jumlah_lonjakan
    from lonjakan
    where lonjakan
    group by 1, 2, 3

),

diukur as (

    select
        dengan_riwayat.*,
        dengan_riwayat.bulan = cast(date_trunc('month', hari_ini.tanggal) as date) as bulan_berjalan,
        case
            when dengan_riwayat.bulan = cast(date_trunc('month', hari_ini.tanggal) as date)
                then
                    (hari_ini.tanggal - dengan_riwayat.bulan + 1)
                    / cast(extract(day from dengan_riwayat.bulan + interval '1 month' - interval '1 day') as numeric)
            else 1
        end as bagian_bulan,
        case
            when dengan_riwayat.bulan_dikenal > 0
                then dengan_riwayat.jumlah_3_bulan / cast(dengan_riwayat.bulan_dikenal as numeric)
        end as rata_rata_3_bulan,
        dengan_riwayat.jumlah_terlambat / cast(dengan_riwayat.jumlah as numeric) as porsi_terlambat,
        coalesce(lonjakan_per_bulan.jumlah_lonjakan, 0) as jumlah_lonjakan
    from dengan_riwayat
    cross join hari_ini
    left join lonjakan_per_bulan
        on
            dengan_riwayat.kode_kelurahan = lonjakan_per_bulan.kode_kelurahan
            and dengan_riwayat.kategori = lonjakan_per_bulan.kategori
            and dengan_riwayat.bulan = lonjakan_per_bulan.bulan
    where dengan_riwayat.bulan >= cast(date_trunc('month', hari_ini.tanggal) - interval '12 months' as date)

),

tumbuh as (

    select
        diukur.*,
        diukur.rata_rata_3_bulan * diukur.bagian_bulan as harapan,
        diukur.jumlah / greatest(diukur.rata_rata_3_bulan * diukur.bagian_bulan, 1) as pertumbuhan
    from diukur

),

dinilai as (

    select
        tumbuh.*,
        100 * (
            0.40 * percent_rank() over (partition by tumbuh.bulan order by tumbuh.jumlah)
            + 0.25 * percent_rank() over (partition by tumbuh.bulan order by coalesce(tumbuh.pertumbuhan, 1))
            + 0.25 * tumbuh.porsi_terlambat
            + 0.10 * case when tumbuh.jumlah_lonjakan > 0 then 1 else 0 end
        ) as skor
    from tumbuh

),

final as (

    select
        md5(concat_ws('|', dinilai.bulan, dinilai.kode_kelurahan, dinilai.kategori)) as kunci,
        dinilai.bulan,
        dinilai.bulan_berjalan,
        dinilai.kode_kelurahan,
        kelurahan.nama_kelurahan,
        kelurahan.nama_kecamatan,
        dinilai.kategori,
        kategori.nama_kategori,
        kategori.kode_opd_default as kode_opd,
        dinilai.jumlah,
        dinilai.jumlah_terlambat,
        cast(round(dinilai.porsi_terlambat, 3) as double precision) as porsi_terlambat,
        cast(round(dinilai.rata_rata_3_bulan, 2) as double precision) as rata_rata_3_bulan,
        cast(round(dinilai.harapan, 2) as double precision) as harapan,
        cast(round(dinilai.pertumbuhan, 2) as double precision) as pertumbuhan,
        dinilai.jumlah_lonjakan,
        cast(round(cast(dinilai.skor as numeric), 1) as double precision) as skor,
        rank() over (partition by dinilai.bulan order by dinilai.skor desc, dinilai.jumlah desc) as peringkat,
        concat(
            kategori.nama_kategori, ' di ', coalesce(kelurahan.nama_kelurahan, dinilai.kode_kelurahan), ': ',
            dinilai.jumlah, ' aduan',
            case when dinilai.bulan_berjalan then ' sejauh ini' else '' end,
            case
                when dinilai.rata_rata_3_bulan is null then ', belum ada riwayat'
                else ', ' || replace(cast(round(dinilai.pertumbuhan, 1) as text), '.', ',') || 'x rata-rata '
                    || dinilai.bulan_dikenal || ' bulan'
            end,
            ', ', round(100 * dinilai.porsi_terlambat), ' % lewat batas waktu',
            case when dinilai.jumlah_lonjakan > 0 then ', ' || dinilai.jumlah_lonjakan || ' lonjakan' else '' end
        ) as alasan
    from dinilai
    left join kategori on dinilai.kategori = kategori.kode_kategori
    left join kelurahan on dinilai.kode_kelurahan = kelurahan.kode_kelurahan

)

select * from final
