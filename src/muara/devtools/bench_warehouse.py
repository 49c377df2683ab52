"""``muara bench warehouse``: a full ``muara warehouse build`` over N complaints against an incremental one
after 10,000 new rows (what the warehouse DAG builds after an ingest run of complaints: ``source:raw.aduan+`` and
the ledger's models, incremental models adding only the new rows), in the same run, on a database of its own
(``muara_bench``, dropped and recreated).

The complaints are generated in Postgres (``generate_series`` + a fixed ``setseed``) straight into
``raw.aduan``, with the city's real categories, OPDs and kelurahan, so every dbt test holds; what is measured
is dbt, not ingestion (``muara bench ingest`` measures that). Ages spread over a year, recent ones more often
still open, as a command center sees them. The 10,000 new rows are 8,000 new complaints and 2,000 new
versions of open ones (closed), loaded after the full build, as a day's exports would be.
"""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass
from typing import Any

BENCH_DB = "muara_bench"
DELTA_NEW = 8_000
DELTA_UPDATED = 2_000

_INSERT = """
insert into raw.aduan (
    nomor_aduan, kanal, kode_kategori, deskripsi, kode_opd, kode_kelurahan, latitude, longitude, status,
    waktu_lapor, waktu_respons_pertama, waktu_selesai, waktu_pembaruan,
    _batch_id, _sender, _source_file, _row_number, _loaded_at
)
with
acak as (
    select
        i,
        1 + floor(random() * cardinality(%(kategori)s::text[]))::int as k,
        1 + floor(random() * cardinality(%(kelurahan)s::text[]))::int as kel,
        %(umur_hari)s * power(random(), 2) as umur_hari,
        random() as r_tutup,
        random() as r_status,
        random() * 48 as jam_respons,
        random() * 240 as jam_selesai,
        (array['lapor', 'whatsapp', 'aplikasi', 'web', 'telepon'])[1 + floor(random() * 5)::int] as kanal,
        random() as r_lat,
        random() as r_lon
    from generate_series(%(awal)s::bigint, %(akhir)s::bigint) as i
),
berstatus as (
    select
        acak.*,
        %(sekarang)s::timestamptz - make_interval(secs => umur_hari * 86400) as lapor,
        case
            when r_tutup < least(0.97, 0.3 + umur_hari / 20.0)
                then case when r_status < 0.07 then 'ditolak' else 'selesai' end
            when r_status < 0.3 then 'menunggu'
            when r_status < 0.45 then 'diverifikasi'
            when r_status < 0.6 then 'didisposisi'
            else 'diproses'
        end as status
    from acak
)
select
    %(awalan)s || i,
    kanal,
    (%(kategori)s::text[])[k],
    'Aduan uji beban nomor ' || i,
    (%(opd)s::text[])[k],
    (%(kelurahan)s::text[])[kel],
    %(lat_min)s + r_lat * (%(lat_max)s - %(lat_min)s),
    %(lon_min)s + r_lon * (%(lon_max)s - %(lon_min)s),
    status,
    lapor,
    case when status not in ('menunggu', 'diverifikasi') then lapor + make_interval(secs => jam_respons * 3600) end,
    case
        when status in ('selesai', 'ditolak')
            then least(%(sekarang)s::timestamptz, lapor + make_interval(secs => (jam_respons + jam_selesai) * 3600))
    end,
    null,
    %(batch)s::uuid,
    (%(opd)s::text[])[k],
    'bench-warehouse.csv',
    i,
    now()
from berstatus
"""

_UPDATE_OPEN = """
insert into raw.aduan
select
    nomor_aduan, kanal, kode_kategori, deskripsi, kode_opd, kode_kelurahan, alamat, latitude, longitude, url_foto,
    nama_pelapor, nik_pelapor, telepon_pelapor, 'selesai', waktu_lapor,
    coalesce(waktu_respons_pertama, now() - interval '1 hour'), now(), now(),
    %(batch)s::uuid, _sender, 'bench-warehouse-delta.csv', row_number() over (), now()
from raw.aduan
where status not in ('selesai', 'ditolak')
order by nomor_aduan
limit %(n)s
"""


@dataclass
class Step:
    name: str
    seconds: float
    note: str = ""


def _params(city_code: str, start: int, end: int, max_age_days: float) -> dict[str, Any]:
    from datetime import datetime

    from muara import settings
    from muara.contract import reference

    city = settings.city(city_code)
    categories = reference.rows("kategori_aduan")
    box = city.bounds()
    return {
        "kategori": [r["kode_kategori"] for r in categories],
        "opd": [r["kode_opd_default"] for r in categories],
        "kelurahan": sorted(reference.values("kelurahan.kode_kelurahan", city.code)),
        "umur_hari": max_age_days,
        "awal": start,
        "akhir": end,
        "awalan": "BENCH-",
        "sekarang": datetime.now(city.tz),
        "batch": str(uuid.uuid4()),
        "lat_min": box["latitude_min"],
        "lat_max": box["latitude_max"],
        "lon_min": box["longitude_min"],
        "lon_max": box["longitude_max"],
    }


def prepare(rows: int, city_code: str) -> None:
    """Drop and recreate the bench database with Muara's DDL and ``rows`` complaints in raw."""
    import psycopg

    from muara.stack import postgres as db

    db.start()
    db.fresh_database(BENCH_DB)
    with psycopg.connect(db.url(BENCH_DB), autocommit=True) as conn:
        conn.execute("select setseed(0.42)")
        conn.execute(_INSERT, _params(city_code, 1, rows, 365))
        conn.execute("analyze raw.aduan")


def add_delta(city_code: str, rows: int) -> None:
    import psycopg

    from muara.stack import postgres as db

    with psycopg.connect(db.url(BENCH_DB), autocommit=True) as conn:
        conn.execute(_INSERT, _params(city_code, rows + 1, rows + DELTA_NEW, 2))
        conn.execute(_UPDATE_OPEN, {"batch": str(uuid.uuid4()), "n": DELTA_UPDATED})
        conn.execute("analyze raw.aduan")


def _slowest(limit: int = 6) -> list[tuple[str, float]]:
    from muara.warehouse.dbt import dbt_dir

    results = json.loads((dbt_dir() / "target" / "run_results.json").read_text())["results"]
    ranked = sorted(((r["unique_id"], float(r["execution_time"])) for r in results), key=lambda t: -t[1])
    return [(name.split(".", 2)[-1], round(sec, 2)) for name, sec in ranked[:limit]]


def run(rows: int, city_code: str | None = None) -> dict[str, Any]:
    from muara import settings
    from muara.warehouse import dbt as warehouse
    from muara.warehouse import plan

    code = settings.city(city_code).code
    steps: list[Step] = []
    started = time.perf_counter()
    prepare(rows, code)
    steps.append(Step("load raw.aduan (generate_series)", time.perf_counter() - started, f"{rows} rows"))
    full = warehouse.build(full_refresh=True, database=BENCH_DB)
    steps.append(Step("full build (dbt build --full-refresh)", full.seconds, str(_slowest())))
    # what the warehouse DAG builds after an ingest run that loaded complaints (its plan for one raw event)
    touched = plan.selection(["aduan"])
    same = warehouse.build(database=BENCH_DB, select=touched)
    steps.append(Step("incremental build, nothing new", same.seconds, str(_slowest())))
    add_delta(code, rows)
    delta = warehouse.build(database=BENCH_DB, select=touched)
    steps.append(
        Step(
            "incremental build after 10,000 new rows",
            delta.seconds,
            f"{DELTA_NEW} new complaints + {DELTA_UPDATED} closed versions; select {' '.join(touched)}; {_slowest()}",
        )
    )
    return {
        "rows": rows,
        "steps": [s.__dict__ for s in steps],
        "incremental_vs_full": round(delta.seconds / full.seconds, 3),
    }
