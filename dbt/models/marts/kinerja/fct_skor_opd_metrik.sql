-- Each OPD's metrics per window and period, each scored the CityScore way against its target
-- (macros/skor.sql): share finished on time, median time to first response / to finish, and the share
-- of open work past its deadline, for complaints, permits and emergencies.

with

pengukuran as (

    select * from {{ ref('int_kinerja__pengukuran') }}

),

tunggakan as (

    select * from {{ ref('int_kinerja__tunggakan_harian') }}

),

periode as (

    select * from {{ ref('int_kinerja__periode') }}

),

target as (

    select * from {{ ref('target_kinerja') }}

),

awal_jendela as (

    select
        jendela,
        satuan,
        min(periode_mulai) as awal
    from periode
    group by jendela, satuan

),

diukur as (

    select
        awal_jendela.jendela,
        cast(date_trunc(awal_jendela.satuan, {{ waktu_lokal('pengukuran.waktu') }}) as date) as periode_mulai,
        pengukuran.layanan,
        pengukuran.metrik,
        pengukuran.kode_opd,
        count(*) as jumlah_item,
        avg(pengukuran.nilai) as rata_rata,
        percentile_cont(0.5) within group (order by pengukuran.nilai) as median,
        percentile_cont(0.5) within group (order by pengukuran.target_item) as median_target_item
    from pengukuran
    inner join awal_jendela
        on cast({{ waktu_lokal('pengukuran.waktu') }} as date) >= awal_jendela.awal
    group by 1, 2, 3, 4, 5

),

nilai_periode as (

    select
        jendela,
        periode_mulai,
        layanan,
        metrik,
        kode_opd,
        jumlah_item,
        case when metrik = 'tepat_waktu' then rata_rata else median end as nilai,
        median_target_item
    from diukur

),

nilai_tunggakan as (

    select
        periode.jendela,
        periode.periode_mulai,
        tunggakan.layanan,
        'porsi_tunggakan_terlambat' as metrik,
        tunggakan.kode_opd,
        tunggakan.jumlah_terbuka as jumlah_item,
        case
            when tunggakan.jumlah_terbuka > 0
                then cast(tunggakan.jumlah_terlambat as numeric) / tunggakan.jumlah_terbuka
            else 0
        end as nilai,
        cast(null as double precision) as median_target_item
    from tunggakan
    inner join periode on tunggakan.tanggal = periode.tanggal_dinilai

),

semua as (

    select * from nilai_periode
    union all
    select * from nilai_tunggakan

),

final as (

    select
        md5(concat_ws('|', semua.kode_opd, semua.jendela, semua.periode_mulai, semua.layanan, semua.metrik))
            as kunci,
        semua.kode_opd,
        semua.jendela,
        semua.periode_mulai,
        periode.periode_selesai,
        periode.periode_berjalan,
        semua.layanan,
        semua.metrik,
        target.nama_metrik,
        target.satuan,
        target.arah,
        semua.jumlah_item,
        cast(round(cast(semua.nilai as numeric), 4) as double precision) as nilai,
        cast(round(cast(coalesce(target.target, semua.median_target_item) as numeric), 4) as double precision)
            as target,
        cast(
            round(
                cast(
                    {{ skor_cityscore('semua.nilai', 'coalesce(target.target, semua.median_target_item)', 'target.arah') }}
                    as numeric
                ),
                4
            ) as double precision
        ) as skor_metrik
    from semua
    inner join periode
        on
            semua.jendela = periode.jendela
            and semua.periode_mulai = periode.periode_mulai
    inner join target
        on
            semua.layanan = target.layanan
            and semua.metrik = target.metrik

)

select * from final
