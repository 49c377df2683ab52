-- Per service, the newest load behind the OPD score's measurements: the incremental fct_skor_opd_metrik
-- recomputes the periods holding anything loaded after the newest load it saw at its last run. A max over
-- _loaded_at reaches the index of the incremental int_aduan__sla rather than scanning the complaints.

with

aduan as (

    select * from {{ ref('int_aduan__sla') }}

),

izin as (

    select * from {{ ref('int_izin__sla') }}

),

darurat as (

    select * from {{ ref('int_darurat__respons') }}

),

final as (

    select
        'aduan' as layanan,
        max(_loaded_at) as data_sampai
    from aduan
    union all
    select
        'izin' as layanan,
        max(_loaded_at) as data_sampai
    from izin
    union all
    select
        'darurat' as layanan,
        max(_loaded_at) as data_sampai
    from darurat

)

select * from final
