"""``muara bench freshness``: seconds from a sent file to the command room, on the running stack (``make demo``).

Each run writes a new 100-row ``aduan`` export of one OPD (new complaint numbers, status ``menunggu``, reported a
few minutes ago) and sends it, either into the inbox (written beside it, then renamed in whole, as an upload
should) or through Pintu Data's push API with a sender's token. Then it measures, from the moment the file was
sent, the seconds until:

a. the ledger (``muara.ingest_batch``) has the file's row;
b. ``marts.fct_aduan`` holds its complaints;
c. Superset's chart-data API for Ruang Komando's colour chart ("Aduan per warna sekarang", as its viewers load
   it, cache included) counts them.

Nothing is triggered by hand: the inbox watcher starts the ingest DAG (for the portal's file too), its ``raw``
event starts the warehouse DAG; Superset keeps no chart cache. The goal is (c) at most 60 s, median of 3.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import statistics
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

ROWS = 100
SENDER = "PUPR"  # an OPD that answers complaints of several categories
COLOUR_CHART = "Aduan per warna sekarang"
TIMEOUT = 600.0
GOAL_SECONDS = 60.0
COLUMNS = [
    "nomor_aduan",
    "kanal",
    "kode_kategori",
    "deskripsi",
    "kode_opd",
    "kode_kelurahan",
    "latitude",
    "longitude",
    "status",
    "waktu_lapor",
]


class BenchError(RuntimeError):
    """The stack is not there or did not take the file in time; the message says which."""


@dataclass
class Timing:
    via: str
    file: str
    rows: int
    seconds: dict[str, float] = field(default_factory=dict)


def export_csv(stamp: str, rows: int = ROWS, sender: str = SENDER) -> bytes:
    """``rows`` new complaints of ``sender``'s categories, in the contract's own column names."""
    import random

    from muara import settings
    from muara.contract import reference

    city = settings.city()
    categories = [r["kode_kategori"] for r in reference.rows("kategori_aduan") if r["kode_opd_default"] == sender]
    kelurahan = sorted(reference.values("kelurahan.kode_kelurahan", city.code))
    box = city.bounds()
    rng = random.Random(stamp)
    now = datetime.now(city.tz).replace(microsecond=0)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for i in range(rows):
        writer.writerow(
            [
                f"SEGAR-{stamp}-{i:03d}",
                "whatsapp",
                rng.choice(categories),
                f"Uji kesegaran {stamp}: laporan warga nomor {i}",
                sender,
                rng.choice(kelurahan),
                f"{rng.uniform(box['latitude_min'], box['latitude_max']):.6f}",
                f"{rng.uniform(box['longitude_min'], box['longitude_max']):.6f}",
                "menunggu",
                (now - timedelta(minutes=rng.randint(1, 30))).isoformat(),
            ]
        )
    return out.getvalue().encode("utf-8")


def _send_inbox(name: str, body: bytes) -> None:
    from muara import settings
    from muara.ingest import inbox

    staging = settings.data_dir() / "tmp" / "bench-freshness"
    staging.mkdir(parents=True, exist_ok=True)
    (staging / name).write_bytes(body)
    dest = inbox.inbox_dir() / SENDER / "aduan" / name
    dest.parent.mkdir(parents=True, exist_ok=True)
    os.replace(staging / name, dest)


def _portal_token() -> str:
    """A push token for the bench's sender, created once and kept (0600) with the stack's other secrets."""
    from muara import settings
    from muara.portal import accounts
    from muara.portal import db as portal_db

    path = settings.data_dir() / "secrets" / "bench-freshness.token"
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    with portal_db.connect() as conn:
        token_id, secret = accounts.create_token(conn, SENDER, "muara bench freshness", by="bench")
        portal_db.audit(conn, "token_buat", sender=SENDER, client="bench", token=str(token_id))
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(secret + "\n")
    return secret


def _send_portal(name: str, body: bytes) -> None:
    import httpx

    from muara.stack import portal as portal_server

    answer = httpx.post(
        f"{portal_server.url()}/api/v1/kiriman",
        headers={"Authorization": f"Bearer {_portal_token()}"},
        data={"dataset": "aduan"},
        files={"file": (name, body, "text/csv")},
        timeout=60,
    )
    if answer.status_code >= 300:
        raise BenchError(f"Pintu Data answered {answer.status_code}: {answer.text[:500]}")


def _ledger_done(conn: Any, sha256: str) -> bool:
    """By the file's hash: the portal stores a pushed file under a name of its own."""
    row = conn.execute(
        "select count(*) from muara.ingest_batch where sender = %s and sha256 = %s and finished_at is not null",
        (SENDER, sha256),
    ).fetchone()
    return bool(row and row[0])


def _in_mart(conn: Any, stamp: str) -> int:
    row = conn.execute(
        "select count(*) from marts.fct_aduan where nomor_aduan like %s", (f"SEGAR-{stamp}-%",)
    ).fetchone()
    return int(row[0]) if row else 0


class _Superset:
    """Ruang Komando's colour chart through the chart-data API, as the admin."""

    def __init__(self) -> None:
        from muara.dashboards.provision import Api
        from muara.stack import superset as server

        if not server.healthy():
            raise BenchError(f"Superset does not answer at {server.url()}: run `make demo` first")
        self.api = Api(server.url(), server.ADMIN_USER, server.admin_password())
        found: Any = self.api.call("GET", "/api/v1/chart/?q=(columns:!(id,slice_name),page_size:100)")
        ids = [c["id"] for c in found.get("result", []) if c["slice_name"] == COLOUR_CHART]
        if not ids:
            raise BenchError(f"no chart {COLOUR_CHART!r} in Superset: run `muara superset provision`")
        self.chart = ids[0]

    def total(self) -> int:
        body: Any = self.api.call("GET", f"/api/v1/chart/{self.chart}/data/")
        data = body["result"][0]["data"]
        return int(sum(float(next(v for k, v in row.items() if k != "status_warna") or 0) for row in data))


def one_run(via: str, conn: Any, superset: _Superset, say: Callable[[str], object]) -> Timing:
    stamp = datetime.now().strftime("%m%d%H%M%S") + uuid.uuid4().hex[:4]
    name = f"segar_{stamp}.csv"
    body = export_csv(stamp)
    digest = hashlib.sha256(body).hexdigest()
    before = superset.total()
    timing = Timing(via, name, ROWS)
    started = time.monotonic()
    (_send_inbox if via == "inbox" else _send_portal)(name, body)
    while len(timing.seconds) < 3:
        elapsed = time.monotonic() - started
        if elapsed > TIMEOUT:
            raise BenchError(f"after {TIMEOUT:.0f} s only {sorted(timing.seconds)} of a, b, c for {name}")
        if "a_ledger" not in timing.seconds and _ledger_done(conn, digest):
            timing.seconds["a_ledger"] = round(time.monotonic() - started, 1)
        if "b_mart" not in timing.seconds and _in_mart(conn, stamp) >= ROWS:
            timing.seconds["b_mart"] = round(time.monotonic() - started, 1)
        if "b_mart" in timing.seconds and "c_superset" not in timing.seconds and superset.total() >= before + ROWS:
            timing.seconds["c_superset"] = round(time.monotonic() - started, 1)
        time.sleep(0.5)
    say(
        f"  {via:<6} {name}: ledger {timing.seconds['a_ledger']:5.1f} s, fct_aduan {timing.seconds['b_mart']:5.1f} s, "
        f"Superset {timing.seconds['c_superset']:5.1f} s"
    )
    return timing


def run(
    runs: int = 3, via: tuple[str, ...] = ("inbox", "portal"), say: Callable[[str], object] = print
) -> dict[str, Any]:
    import psycopg

    from muara.stack import airflow as airflow_server
    from muara.stack import postgres as db

    if not airflow_server.healthy():
        raise BenchError(f"Airflow is not healthy at {airflow_server.url()}: run `make demo` first")
    superset = _Superset()
    timings: list[Timing] = []
    with psycopg.connect(db.url(), autocommit=True) as conn:
        for way in via:
            for _ in range(runs):
                timings.append(one_run(way, conn, superset, say))
    medians = {
        way: {
            k: statistics.median(t.seconds[k] for t in timings if t.via == way)
            for k in ("a_ledger", "b_mart", "c_superset")
        }
        for way in via
    }
    worst = max(m["c_superset"] for m in medians.values())
    return {
        "runs": [t.__dict__ for t in timings],
        "median": medians,
        "goal_seconds": GOAL_SECONDS,
        "passed": worst <= GOAL_SECONDS,
        "cpus": os.cpu_count(),
    }
