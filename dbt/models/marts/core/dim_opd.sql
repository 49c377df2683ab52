-- The OPD registry of the configured city (var kode_kota).

with

opd as (

    select * from {{ ref('opd') }}

),

final as (

    select
        kode_opd,
        nama_opd,
        singkatan,
        rumpun,
        string_to_array(dataset_dikirim, ' ') as dataset_dikirim,
        kode_kota
    from opd
    where kode_kota = '{{ var("kode_kota") }}'

)

select * from final
