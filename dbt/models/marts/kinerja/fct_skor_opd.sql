-- The OPD report card: per OPD, window (harian, mingguan, bulanan, triwulan) and period, `skor` is the
-- mean of the OPD's metric scores (CityScore: 1 = on target, above 1 beating it, capped at 1.25), with
-- the score per service and the complaint figures leadership asks about first, and a rank per period.

with

metrik as (

    select * from {{ ref('fct_skor_opd_metrik') }}

),

opd as (

    select * from {{ ref('dim_opd') }}

),

per_opd as (

    select
        kode_opd,
        jendela,
        periode_mulai,
        max(periode_selesai) as periode_selesai,
        bool_or(periode_berjalan) as periode_berjalan,
        avg(skor_metrik) as skor,
        count(skor_metrik) as jumlah_metrik,
        avg(skor_metrik) filter (where layanan = 'aduan') as skor_aduan,
        avg(skor_metrik) filter (where layanan = 'izin') as skor_izin,
        avg(skor_metrik) filter (where layanan = 'darurat') as skor_darurat,
        max(nilai) filter (where layanan = 'aduan' and metrik = 'tepat_waktu') as porsi_aduan_tepat_waktu,
        max(nilai) filter (where layanan = 'aduan' and metrik = 'median_jam_respons_pertama')
            as median_jam_respons_pertama,
        max(nilai) filter (where layanan = 'aduan' and metrik = 'median_jam_selesai') as median_jam_selesai,
        max(nilai) filter (where layanan = 'aduan' and metrik = 'porsi_tunggakan_terlambat')
            as porsi_tunggakan_terlambat,
        sum(jumlah_item) filter (where layanan = 'aduan' and metrik = 'tepat_waktu') as aduan_selesai
    from metrik
    group by kode_opd, jendela, periode_mulai
    having count(skor_metrik) > 0

),

final as (

    select
        md5(concat_ws('|', per_opd.kode_opd, per_opd.jendela, per_opd.periode_mulai)) as kunci,
        per_opd.kode_opd,
        opd.nama_opd,
        opd.singkatan,
        per_opd.jendela,
        per_opd.periode_mulai,
        per_opd.periode_selesai,
        per_opd.periode_berjalan,
        cast(round(cast(per_opd.skor as numeric), 4) as double precision) as skor,
        rank() over (partition by per_opd.jendela, per_opd.periode_mulai order by per_opd.skor desc) as peringkat,
        per_opd.jumlah_metrik,
        cast(round(cast(per_opd.skor_aduan as numeric), 4) as double precision) as skor_aduan,
        cast(round(cast(per_opd.skor_izin as numeric), 4) as double precision) as skor_izin,
        cast(round(cast(per_opd.skor_darurat as numeric), 4) as double precision) as skor_darurat,
        per_opd.porsi_aduan_tepat_waktu,
        per_opd.median_jam_respons_pertama,
        per_opd.median_jam_selesai,
        per_opd.porsi_tunggakan_terlambat,
        coalesce(per_opd.aduan_selesai, 0) as aduan_selesai
    from per_opd
    left join opd on per_opd.kode_opd = opd.kode_opd

)

select * from final
