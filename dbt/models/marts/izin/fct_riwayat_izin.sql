-- One row per stage a permit application went through (from successive exports), with its length in
-- working days; the last stage of an open application runs until the as-of moment.

with

versi as (

    select * from {{ ref('snp_izin') }}

),

kalender as (

    select * from {{ ref('int_kalender_kerja') }}

),

berurut as (

    select
        dbt_scd_id as kunci,
        nomor_permohonan,
        kode_jenis_izin,
        kode_opd,
        tahap,
        greatest(coalesce(waktu_tahap, dbt_valid_from), waktu_pengajuan) as mulai
    from versi

),

bertahap as (

    select
        berurut.*,
        row_number() over (partition by nomor_permohonan order by mulai, kunci) as urutan,
        coalesce(
            lead(mulai) over (partition by nomor_permohonan order by mulai, kunci),
            case when tahap not in ('terbit', 'ditolak', 'dicabut') then {{ as_of() }} end
        ) as selesai
    from berurut

),

final as (

    select
        bertahap.kunci,
        bertahap.nomor_permohonan,
        bertahap.urutan,
        bertahap.kode_jenis_izin,
        bertahap.kode_opd,
        bertahap.tahap,
        bertahap.mulai,
        bertahap.selesai,
        round(
            cast(
                {{ jam_kerja_antara('bertahap.mulai', 'kal_mulai', 'bertahap.selesai', 'kal_selesai') }} / 24.0
                as numeric
            ),
            2
        ) as durasi_hari_kerja
    from bertahap
    left join kalender as kal_mulai
        on cast({{ waktu_lokal('bertahap.mulai') }} as date) = kal_mulai.tanggal
    left join kalender as kal_selesai
        on cast({{ waktu_lokal('bertahap.selesai') }} as date) = kal_selesai.tanggal

)

select * from final
