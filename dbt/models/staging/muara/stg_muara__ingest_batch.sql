-- The ingest ledger, one row per received file, as the marts read it (no paths: they only matter on the
-- ingest host).

with

source as (

    select * from {{ source('muara', 'ingest_batch') }}

),

final as (

    select
        batch_id,
        kode_kota,
        dataset,
        sender,
        source_file,
        file_format,
        file_bytes,
        sha256,
        contract_version,
        status,
        reason,
        duplicate_of,
        rows_read,
        rows_loaded,
        rows_rejected,
        status in ('loaded', 'partial') as data_masuk,
        started_at,
        finished_at,
        read_seconds,
        validate_seconds,
        load_seconds
    from source

)

select * from final
