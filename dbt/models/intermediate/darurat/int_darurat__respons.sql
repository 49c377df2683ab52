-- One row per emergency incident (latest version sent) with the target response time of its type and how
-- many minutes dispatch and arrival took. Judged on arrival only (nothing here depends on the as-of moment):
-- `tepat_waktu` is null for a false report and while the team has not arrived.

with

darurat as (

    select * from {{ ref('stg_raw__darurat') }}

),

jenis_darurat as (

    select * from {{ ref('jenis_darurat') }}

),

waktu as (

    select
        darurat.*,
        jenis_darurat.nama_jenis_darurat,
        jenis_darurat.target_respons_menit,
        extract(epoch from (darurat.waktu_dispatch - darurat.waktu_lapor)) / 60 as menit_dispatch,
        extract(epoch from (darurat.waktu_tiba - darurat.waktu_lapor)) / 60 as menit_respons
    from darurat
    left join jenis_darurat on darurat.kode_jenis_darurat = jenis_darurat.kode_jenis_darurat

),

final as (

    select
        nomor_kejadian,
        kode_jenis_darurat,
        nama_jenis_darurat,
        kode_opd,
        kode_kelurahan,
        kanal,
        status,
        waktu_lapor,
        waktu_dispatch,
        waktu_tiba,
        waktu_selesai,
        latitude,
        longitude,
        target_respons_menit,
        menit_dispatch,
        menit_respons,
        case
            when status = 'palsu' then null
            when menit_respons is null or target_respons_menit is null then null
            else menit_respons <= target_respons_menit
        end as tepat_waktu,
        _loaded_at
    from waktu

)

select * from final
