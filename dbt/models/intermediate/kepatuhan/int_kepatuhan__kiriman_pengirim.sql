-- What each sender delivered per dataset in the configured city up to the as-of moment: the last file of any
-- kind, the last file that brought data, and the files and rows of the 30 days before as_of.

with

ingest_batch as (

    select * from {{ ref('stg_muara__ingest_batch') }}

),

sampai_as_of as (

    select
        *,
        started_at > {{ as_of() }} - interval '30 days' as dalam_30_hari,
        row_number() over (partition by sender, dataset order by started_at desc) as urutan_terbaru
    from ingest_batch
    where kode_kota = '{{ var("kode_kota") }}'
        and started_at <= {{ as_of() }}

),

per_pengirim as (

    select
        sender,
        dataset,
        max(started_at) as waktu_berkas_terakhir,
        max(started_at) filter (where data_masuk) as waktu_kiriman_terakhir,
        min(status) filter (where urutan_terbaru = 1) as status_berkas_terakhir,
        count(*) filter (where dalam_30_hari) as berkas_30_hari,
        count(*) filter (where dalam_30_hari and status = 'rejected') as berkas_ditolak_30_hari,
        count(*) filter (where dalam_30_hari and status = 'duplicate') as berkas_duplikat_30_hari,
        coalesce(sum(rows_read) filter (where dalam_30_hari), 0) as baris_dibaca_30_hari,
        coalesce(sum(rows_loaded) filter (where dalam_30_hari), 0) as baris_dimuat_30_hari,
        coalesce(sum(rows_rejected) filter (where dalam_30_hari), 0) as baris_ditolak_30_hari
    from sampai_as_of
    group by sender, dataset

),

final as (

    select
        md5(concat_ws('|', sender, dataset)) as kunci,
        sender as pengirim,
        dataset,
        waktu_berkas_terakhir,
        status_berkas_terakhir,
        waktu_kiriman_terakhir,
        berkas_30_hari,
        berkas_ditolak_30_hari,
        berkas_duplikat_30_hari,
        cast(baris_dibaca_30_hari as bigint) as baris_dibaca_30_hari,
        cast(baris_dimuat_30_hari as bigint) as baris_dimuat_30_hari,
        cast(baris_ditolak_30_hari as bigint) as baris_ditolak_30_hari
    from per_pengirim

)

select * from final
