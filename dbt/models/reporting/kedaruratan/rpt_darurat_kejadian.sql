-- Emergency incidents for Kedaruratan, with whether the team arrived within the target (the map's colours).

with

darurat as (

    select * from {{ ref('fct_darurat') }}

),

final as (

    select
        nomor_kejadian,
        kode_jenis_darurat,
        nama_jenis_darurat,
        kode_opd,
        singkatan_opd as opd,
        kode_kelurahan,
        nama_kelurahan,
        nama_kecamatan,
        kanal,
        status,
        waktu_lapor,
        waktu_tiba,
        latitude,
        longitude,
        target_respons_menit,
        menit_dispatch,
        menit_respons,
        tepat_waktu,
        case
            when status = 'palsu' then 'laporan palsu'
            when tepat_waktu then 'tepat waktu'
            when not tepat_waktu then 'lewat target'
            else 'belum tiba'
        end as ketepatan
    from darurat

)

select * from final
