-- One row per stage a complaint went through (from successive exports): how long it stayed there and
-- whether it was handed over to another OPD (disposisi / koordinasi). The last stage of an open
-- complaint runs until the as-of moment.

with

tahap as (

    select * from {{ ref('int_aduan__tahap') }}

),

final as (

    select
        kunci,
        nomor_aduan,
        urutan,
        status,
        kode_opd,
        kode_opd_sebelumnya,
        coalesce(kode_opd_sebelumnya <> kode_opd, false) as serah_terima,
        mulai,
        selesai,
        selesai is null and status not in ('selesai', 'ditolak') as tahap_berjalan,
        round(
            cast(
                {{ jam_antara('mulai', "coalesce(selesai, case when status not in ('selesai', 'ditolak') then " ~ as_of() ~ " end)") }}
                as numeric
            ),
            2
        ) as durasi_jam
    from tahap

)

select * from final
