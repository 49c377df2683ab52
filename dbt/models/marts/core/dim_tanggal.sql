with

kalender as (

    select * from {{ ref('int_kalender_kerja') }}

),

final as (

    select
        tanggal,
        cast(extract(year from tanggal) as integer) as tahun,
        cast(extract(quarter from tanggal) as integer) as triwulan,
        cast(extract(month from tanggal) as integer) as bulan,
        (array[
            'Januari', 'Februari', 'Maret', 'April', 'Mei', 'Juni',
            'Juli', 'Agustus', 'September', 'Oktober', 'November', 'Desember'
        ])[extract(month from tanggal)] as nama_bulan,
        cast(extract(isodow from tanggal) as integer) as hari_dalam_minggu,
        (array['Senin', 'Selasa', 'Rabu', 'Kamis', 'Jumat', 'Sabtu', 'Minggu'])[extract(isodow from tanggal)]
            as nama_hari,
        cast(date_trunc('week', tanggal) as date) as awal_minggu,
        cast(date_trunc('month', tanggal) as date) as awal_bulan,
        cast(date_trunc('quarter', tanggal) as date) as awal_triwulan,
        akhir_pekan,
        libur_nasional,
        cuti_bersama,
        nama_libur,
        hari_kerja,
        hari_kerja_sebelum
    from kalender

)

select * from final
