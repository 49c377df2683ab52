-- Every permit application (latest version) with its service standard in working days, the date it is
-- due (weekends, national holidays and cuti bersama skipped) and the working days it took.

with

izin as (

    select * from {{ ref('stg_raw__izin') }}

),

jenis as (

    select * from {{ ref('jenis_izin') }}

),

kalender as (

    select * from {{ ref('int_kalender_kerja') }}

),

dengan_standar as (

    select
        izin.*,
        jenis.nama_jenis_izin,
        jenis.standar_hari_kerja,
        izin.tahap in ('terbit', 'ditolak', 'dicabut') as sudah_selesai,
        case
            when izin.tahap = 'terbit' then coalesce(izin.waktu_terbit, izin.waktu_tahap)
            when izin.tahap in ('ditolak', 'dicabut') then izin.waktu_tahap
        end as waktu_tuntas
    from izin
    left join jenis on izin.kode_jenis_izin = jenis.kode_jenis_izin

),

final as (

    select
        dengan_standar.*,
        {{ tambah_hari_kerja('dengan_standar.waktu_pengajuan', 'kal_aju', 'kal_batas') }} as batas_waktu,
        case
            when dengan_standar.waktu_tuntas is not null
                then
                    {{ jam_kerja_antara(
                        'dengan_standar.waktu_pengajuan', 'kal_aju', 'dengan_standar.waktu_tuntas', 'kal_tuntas'
                    ) }}
                    / 24.0
        end as hari_kerja_ke_selesai
    from dengan_standar
    left join kalender as kal_aju
        on cast({{ waktu_lokal('dengan_standar.waktu_pengajuan') }} as date) = kal_aju.tanggal
    left join kalender as kal_batas
        on
            kal_batas.hari_kerja
            and kal_batas.hari_kerja_sebelum
            = {{ nomor_hari_kerja_tujuan('kal_aju', 'dengan_standar.standar_hari_kerja') }}
    left join kalender as kal_tuntas
        on cast({{ waktu_lokal('dengan_standar.waktu_tuntas') }} as date) = kal_tuntas.tanggal

)

select * from final
