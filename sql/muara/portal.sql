-- Pintu Data, the officers' portal and push API (src/muara/portal): accounts, sessions, API tokens, the files
-- received and the audit trail. Written by hand like the ledger; applied by `muara db migrate`; safe to rerun.
create schema if not exists portal;

-- one login per OPD / kelurahan (opd_pupr, kel_53_71_04_1011), named officers, and admin (sender null)
create table if not exists portal.account (
    username text primary key,
    sender text,
    role text not null default 'petugas',
    password_hash text not null,
    created_at timestamptz not null default now(),
    password_set_at timestamptz not null default now(),
    active boolean not null default true,
    constraint account_role check (role in ('petugas', 'admin')),
    constraint account_sender check ((role = 'admin') = (sender is null))
);

-- a session is a random id in an HttpOnly cookie; only its sha256 is kept, so a database leak logs nobody in
create table if not exists portal.session (
    id_hash text primary key,
    username text not null references portal.account (username) on delete cascade,
    csrf text not null,
    created_at timestamptz not null default now(),
    expires_at timestamptz not null
);

-- API tokens per sender: stored as sha256 (a token is 256 random bits, shown once)
create table if not exists portal.token (
    id uuid primary key,
    sender text not null,
    token_hash text not null unique,
    label text,
    created_by text,
    created_at timestamptz not null default now(),
    revoked_at timestamptz,
    last_used_at timestamptz
);

-- failed logins (known names or not) and the lock they lead to: 5 failures in 15 minutes lock 15 minutes
create table if not exists portal.login_lock (
    username text primary key,
    failures timestamptz[] not null default '{}',
    locked_until timestamptz
);

-- every file that came through the portal or the API. stored_name is the generated name it has in the inbox,
-- and so the ledger's source_file (muara.ingest_batch): that is the link to what became of it
create table if not exists portal.kiriman (
    id uuid primary key,
    sender text not null,
    dataset text not null,
    original_name text not null,
    stored_name text not null unique,
    sha256 text not null,
    file_bytes bigint not null,
    via text not null,
    username text,
    token_id uuid,
    state text not null,
    check_exit integer,
    check_answer jsonb,
    received_at timestamptz not null default now(),
    sent_at timestamptz,
    trigger text,
    constraint kiriman_via check (via in ('portal', 'api')),
    constraint kiriman_state check (state in ('diperiksa', 'diterima')),
    constraint kiriman_trigger check (trigger in ('dipicu', 'antre'))
);
create index if not exists kiriman_sender on portal.kiriman (sender, received_at desc);

-- who did what, when, from where: logins, uploads, sends, token use; never a file's content or a password
create table if not exists portal.audit (
    id bigserial primary key,
    at timestamptz not null default now(),
    username text,
    sender text,
    action text not null,
    detail jsonb not null default '{}',
    client text
);
create index if not exists audit_at on portal.audit (at desc);

comment on table portal.kiriman is
    'Berkas yang masuk lewat Pintu Data (portal atau API): nama asli sebagai data, nama tersimpan = source_file di muara.ingest_batch.';
comment on table portal.audit is
    'Jejak audit Pintu Data: masuk, unggah, kirim, pemakaian token (siapa, kapan, apa, dari mana).';

-- citizens' reports taken by Open311 (kanal aplikasi) or the /lapor form (kanal web), src/muara/portal/warga:
-- what the public may see before the pipeline has built the row, and what duplicate detection compares. No name,
-- phone or e-mail; the description and address with NIKs, phone numbers and e-mails masked; texts compared by
-- keyed hashes. The report itself reaches raw.aduan through the OPD's inbox (file `berkas`).
create table if not exists portal.laporan_warga (
    id text primary key,
    created_at timestamptz not null default now(),
    client text not null,
    kanal text not null,
    service_code text not null,
    kode_opd text not null,
    dirute_oleh text not null,
    keyakinan_rute double precision,
    kode_kelurahan text not null,
    kelurahan_dari text not null,
    lat double precision,
    long double precision,
    alamat text,
    deskripsi text not null,
    media_url text,
    deskripsi_hash text not null,
    alamat_hash text,
    berkas text not null,
    constraint laporan_warga_kanal check (kanal in ('aplikasi', 'web')),
    constraint laporan_warga_rute check (dirute_oleh in ('rute', 'kategori'))
);
create index if not exists laporan_warga_dup on portal.laporan_warga (deskripsi_hash, created_at desc);
create index if not exists laporan_warga_created on portal.laporan_warga (created_at desc);

-- API keys of Open311 client apps (`muara portal token create --client NAME`): sha256 only, like portal.token,
-- but a table of their own, so a client key never passes as an OPD's sender token, nor the other way round
create table if not exists portal.client_token (
    id uuid primary key,
    client text not null,
    token_hash text not null unique,
    label text,
    created_by text,
    created_at timestamptz not null default now(),
    revoked_at timestamptz,
    last_used_at timestamptz
);

comment on table portal.laporan_warga is
    'Laporan warga lewat Open311 dan formulir /lapor: bagian publik (tanpa nama, NIK, telepon) dan hash untuk deteksi duplikat.';
