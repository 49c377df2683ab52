-- One row per stage a permit application went through (from successive exports), with its length in
-- working days; the last stage of an open application runs until the as-of moment. The permit type's name,
-- the OPD's short name and when the application was filed (its latest version) ride along for reporting.

with

versi as (

    select * from {{ ref('snp_izin') }}

),

kalender as (

    select * from {{ ref('int_kalender_kerja') }}

),

jenis_izin as (

    select * from {{ ref('jenis_izin') }}

),

opd as (

    select * from {{ ref('dim_opd') }}

),

berurut as (

    select
        dbt_scd_id as kunci,
        nomor_permohonan,
        kode_jenis_izin,
        kode_opd,
        tahap,
        row_number() over (partition by nomor_permohonan order by dbt_valid_from, dbt_scd_id) as urutan,
        last_value(waktu_pengajuan) over (
            partition by nomor_permohonan
            order by dbt_valid_from, dbt_scd_id
            rows between unbounded preceding and unbounded following
        ) as waktu_pengajuan,
        greatest(coalesce(waktu_tahap, dbt_valid_from), waktu_pengajuan) as mulai_dilaporkan
    from versi

),

monoton as (

    -- stages in the order the exports brought them; a back-dated stage time never moves a stage earlier
    select
        berurut.*,
        max(berurut.mulai_dilaporkan) over (
            partition by berurut.nomor_permohonan
            order by berurut.urutan rows between unbounded preceding and current row
        ) as mulai
    from berurut

),

bertahap as (

    select
        monoton.*,
        coalesce(
            lead(monoton.mulai) over (partition by monoton.nomor_permohonan order by monoton.urutan),
            case when monoton.tahap not in ('terbit', 'ditolak', 'dicabut') then {{ as_of() }} end
        ) as selesai
    from monoton

),

final as (

    select
        bertahap.kunci,
        bertahap.nomor_permohonan,
        bertahap.urutan,
        bertahap.kode_jenis_izin,
        jenis_izin.nama_jenis_izin,
        bertahap.kode_opd,
        opd.singkatan as singkatan_opd,
        bertahap.waktu_pengajuan,
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
    left join jenis_izin on bertahap.kode_jenis_izin = jenis_izin.kode_jenis_izin
    left join opd on bertahap.kode_opd = opd.kode_opd

)

select * from final
