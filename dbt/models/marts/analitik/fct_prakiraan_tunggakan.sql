-- Each OPD's open and overdue complaints a week ahead (written by `muara analitik refresh`,
-- src/muara/analytics/prakiraan.py), with the backtest's error against the naive forecast, and a sentence.

with

prakiraan as (

    select * from {{ ref('stg_analitik__prakiraan_tunggakan') }}

),

opd as (

    select * from {{ ref('dim_opd') }}

),

final as (

    select
        md5(concat_ws('|', prakiraan.kode_opd, prakiraan.ukuran, prakiraan.tanggal_prakiraan)) as kunci,
        prakiraan.kode_opd,
        opd.singkatan,
        opd.nama_opd,
        prakiraan.ukuran,
        prakiraan.tanggal_terakhir,
        prakiraan.tanggal_prakiraan,
        prakiraan.nilai_terakhir,
        prakiraan.prakiraan,
        prakiraan.batas_bawah,
        prakiraan.batas_atas,
        prakiraan.metode,
        prakiraan.jumlah_hari_riwayat,
        prakiraan.jumlah_titik_uji,
        prakiraan.mae_model,
        prakiraan.mae_naif,
        prakiraan.mase,
        coalesce(prakiraan.mase < 1, false) as lebih_baik_dari_naif,
        concat(
            coalesce(opd.singkatan, prakiraan.kode_opd), ': ',
            case prakiraan.ukuran when 'terbuka' then 'aduan terbuka ' else 'aduan lewat batas ' end,
            round(cast(prakiraan.nilai_terakhir as numeric)), ' sekarang, sekitar ',
            round(cast(prakiraan.prakiraan as numeric)), ' sepekan lagi (',
            round(cast(prakiraan.batas_bawah as numeric)), '-', round(cast(prakiraan.batas_atas as numeric)), ')',
            case
                when prakiraan.mase is null then ''
                else '; galat uji ' || replace(cast(round(cast(prakiraan.mase as numeric), 2) as text), '.', ',')
                    || 'x galat tebakan "sama dengan hari ini"'
            end
        ) as keterangan,
        prakiraan.dihitung_pada
    from prakiraan
    left join opd on prakiraan.kode_opd = opd.kode_opd

)

select * from final
