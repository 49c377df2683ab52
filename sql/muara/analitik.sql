-- Analitik: what the Python steps of src/muara/analytics/warehouse.py write (`muara analitik refresh`), and dbt
-- reads as the source `analitik` (dbt/models/staging/analitik). Written by hand like the ledger; applied by
-- `muara db migrate`; safe to rerun. Each refresh replaces its rows in one transaction.
create schema if not exists analitik;

-- the router's suggestion per complaint (muara rute over raw.aduan's latest version of each nomor_aduan);
-- md5_deskripsi ties it to the text it read: a corrected description makes it stale until the next refresh
create table if not exists analitik.saran_rute (
    nomor_aduan text primary key,
    md5_deskripsi text not null,
    kategori_saran text,
    kategori_saran_2 text,
    kategori_saran_3 text,
    opd_saran text,
    keyakinan double precision not null,
    perlu_ditinjau boolean not null,
    ambang double precision not null,
    dihitung_pada timestamptz not null default now()
);

-- Getis-Ord Gi* per grid cell, category and month (one row per cell with at least one complaint that month)
create table if not exists analitik.hotspot (
    bulan date not null,
    kode_kategori text not null,
    sel text not null,
    latitude double precision not null,
    longitude double precision not null,
    jumlah integer not null,
    jumlah_sekitar integer not null,
    harapan_sekitar double precision not null,
    gi_z double precision not null,
    p_nilai double precision not null,
    signifikan boolean not null,
    jumlah_sel integer not null,
    ukuran_sel_m integer not null,
    dihitung_pada timestamptz not null default now(),
    primary key (bulan, kode_kategori, sel)
);

-- open and overdue complaints per OPD a week ahead, and the forecast's rolling-origin backtest against naive
create table if not exists analitik.prakiraan_tunggakan (
    kode_opd text not null,
    ukuran text not null,
    tanggal_terakhir date not null,
    tanggal_prakiraan date not null,
    nilai_terakhir double precision not null,
    prakiraan double precision not null,
    batas_bawah double precision not null,
    batas_atas double precision not null,
    metode text not null,
    jumlah_hari_riwayat integer not null,
    jumlah_titik_uji integer not null,
    mae_model double precision,
    mae_naif double precision,
    mase double precision,
    dihitung_pada timestamptz not null default now(),
    primary key (kode_opd, ukuran, tanggal_prakiraan),
    constraint prakiraan_ukuran check (ukuran in ('terbuka', 'terlambat'))
);

-- the daily history the forecast read (backlog at 00:00 city time), drawn next to the forecast
create table if not exists analitik.riwayat_tunggakan (
    kode_opd text not null,
    ukuran text not null,
    tanggal date not null,
    nilai double precision not null,
    dihitung_pada timestamptz not null default now(),
    primary key (kode_opd, ukuran, tanggal),
    constraint riwayat_ukuran check (ukuran in ('terbuka', 'terlambat'))
);
