-- The ledger: one row per file that reached Muara, whatever became of it. Written by hand (not generated:
-- it does not depend on any contract). Applied by `muara db migrate`; safe to run again.
create schema if not exists muara;

create table if not exists muara.ingest_batch (
    batch_id uuid primary key,
    sha256 text not null,
    dataset text not null,
    sender text not null,
    source_file text not null,
    file_bytes bigint not null,
    file_format text,
    contract_version text,
    kode_kota text not null,
    status text not null,
    reason text,
    rows_read bigint not null default 0,
    rows_loaded bigint not null default 0,
    rows_rejected bigint not null default 0,
    duplicate_of uuid references muara.ingest_batch (batch_id),
    started_at timestamptz not null,
    finished_at timestamptz,
    read_seconds double precision,
    validate_seconds double precision,
    load_seconds double precision,
    report_path text,
    data_docs_path text,
    archive_path text,
    error text,
    constraint ingest_batch_status check (status in ('loaded', 'partial', 'rejected', 'duplicate', 'failed')),
    -- every row read is accounted for
    constraint ingest_batch_rows_add_up check (rows_read = rows_loaded + rows_rejected)
);

-- migrations of a ledger made before a column or a status existed
alter table muara.ingest_batch add column if not exists error text;
alter table muara.ingest_batch drop constraint if exists ingest_batch_status;
alter table muara.ingest_batch add constraint ingest_batch_status
    check (status in ('loaded', 'partial', 'rejected', 'duplicate', 'failed'));

-- a file loads once: the same bytes from the same sender for the same dataset
create unique index if not exists ingest_batch_once
    on muara.ingest_batch (sha256, dataset, sender) where status in ('loaded', 'partial');
create index if not exists ingest_batch_sender on muara.ingest_batch (sender, dataset, started_at desc);

comment on table muara.ingest_batch is
    'Buku besar kiriman: satu baris per berkas (sha256, pengirim, dataset, jumlah baris, status, laporan).';
comment on column muara.ingest_batch.status is
    'loaded: semua baris masuk; partial: sebagian ditolak; rejected: tidak ada yang masuk; duplicate: berkas sama pernah dimuat; failed: Muara gagal memeriksanya (kesalahan di Muara, lihat error).';
comment on column muara.ingest_batch.error is
    'Untuk teknisi: jenis dan pesan kesalahan ketika status failed (tidak pernah ditampilkan ke petugas).';
