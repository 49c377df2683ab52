-- Congestion hotspots: every observation point over the 30 days before the as-of moment, with how often it
-- was dense or jammed, its speeds and queues, and a rank (1 = most often jammed).

with

kemacetan as (

    select * from {{ ref('stg_raw__kemacetan') }}

),

opd as (

    select * from {{ ref('dim_opd') }}

),

kelurahan as (

    select * from {{ ref('dim_kelurahan') }}

),

jendela as (

    select
        *,
        row_number() over (partition by id_titik order by waktu_pengamatan desc) as urutan_terbaru
    from kemacetan
    where waktu_pengamatan > {{ as_of() }} - interval '30 days'
        and waktu_pengamatan <= {{ as_of() }}

),

per_titik as (

    select
        id_titik,
        count(*) as jumlah_pengamatan,
        count(*) filter (where tingkat = 'lancar') as pengamatan_lancar,
        count(*) filter (where tingkat = 'ramai_lancar') as pengamatan_ramai_lancar,
        count(*) filter (where tingkat = 'padat') as pengamatan_padat,
        count(*) filter (where tingkat = 'macet') as pengamatan_macet,
        count(*) filter (where tingkat = 'macet_total') as pengamatan_macet_total,
        cast(avg(kecepatan_rata_kmh) as double precision) as rata_kecepatan_kmh,
        cast(avg(panjang_antrian_m) as double precision) as rata_panjang_antrian_m,
        cast(max(panjang_antrian_m) as double precision) as maks_panjang_antrian_m,
        cast(avg(rasio_vc) as double precision) as rata_rasio_vc,
        min(waktu_pengamatan) as pengamatan_pertama,
        max(waktu_pengamatan) as pengamatan_terakhir
    from jendela
    group by id_titik

),

porsi as (

    select
        per_titik.*,
        cast(per_titik.pengamatan_padat as double precision) / per_titik.jumlah_pengamatan as porsi_padat,
        cast(per_titik.pengamatan_macet as double precision) / per_titik.jumlah_pengamatan as porsi_macet,
        cast(per_titik.pengamatan_macet_total as double precision) / per_titik.jumlah_pengamatan as porsi_macet_total,
        cast(per_titik.pengamatan_macet + per_titik.pengamatan_macet_total as double precision)
        / per_titik.jumlah_pengamatan as porsi_macet_ke_atas,
        cast(
            per_titik.pengamatan_padat
            + per_titik.pengamatan_macet
            + per_titik.pengamatan_macet_total as double precision
        )
        / per_titik.jumlah_pengamatan as porsi_padat_ke_atas
    from per_titik

),

final as (

    select
        porsi.id_titik,
        terbaru.nama_ruas,
        terbaru.kode_opd,
        opd.singkatan as singkatan_opd,
        terbaru.kode_kelurahan,
        kelurahan.nama_kelurahan,
        kelurahan.nama_kecamatan,
        terbaru.latitude,
        terbaru.longitude,
        porsi.jumlah_pengamatan,
        porsi.pengamatan_lancar,
        porsi.pengamatan_ramai_lancar,
        porsi.pengamatan_padat,
        porsi.pengamatan_macet,
        porsi.pengamatan_macet_total,
        porsi.porsi_padat,
        porsi.porsi_macet,
        porsi.porsi_macet_total,
        porsi.porsi_macet_ke_atas,
        porsi.porsi_padat_ke_atas,
        porsi.rata_kecepatan_kmh,
        porsi.rata_panjang_antrian_m,
        porsi.maks_panjang_antrian_m,
        porsi.rata_rasio_vc,
        row_number() over (
            order by
                porsi.porsi_macet_ke_atas desc,
                porsi.porsi_padat_ke_atas desc,
                porsi.rata_kecepatan_kmh asc nulls last,
                porsi.id_titik asc
        ) as peringkat,
        porsi.pengamatan_pertama,
        porsi.pengamatan_terakhir,
        terbaru.tingkat as tingkat_terakhir,
        {{ as_of() }} - interval '30 days' as awal_jendela,
        {{ as_of() }} as dihitung_pada
    from porsi
    inner join jendela as terbaru
        on porsi.id_titik = terbaru.id_titik
            and terbaru.urutan_terbaru = 1
    left join opd on terbaru.kode_opd = opd.kode_opd
    left join kelurahan on terbaru.kode_kelurahan = kelurahan.kode_kelurahan

)

select * from final
