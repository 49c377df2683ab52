-- The OPD scorecard as Kinerja OPD shows it: fct_skor_opd column for column, as a contracted table Superset
-- may read.

with

skor as (

    select * from {{ ref('fct_skor_opd') }}

),

final as (

    select
        kunci,
        kode_opd,
        nama_opd,
        singkatan,
        jendela,
        periode_mulai,
        periode_selesai,
        periode_berjalan,
        skor,
        peringkat,
        jumlah_metrik,
        skor_aduan,
        skor_izin,
        skor_darurat,
        porsi_aduan_tepat_waktu,
        median_jam_respons_pertama,
        median_jam_selesai,
        porsi_tunggakan_terlambat,
        aduan_selesai
    from skor

)

select * from final
