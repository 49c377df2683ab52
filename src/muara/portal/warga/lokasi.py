"""Which kelurahan a citizen's report lies in, when the reporter did not pick one.

There is no official kelurahan boundary or centre file in ``schemas/reference/``, so the sources are tried in
this order, each only if it has an answer:

1. ``kelurahan_titik.csv`` (columns ``kode_kelurahan,lat,lon``; ``MUARA_KELURAHAN_TITIK`` or
   ``schemas/reference/kelurahan_titik.csv``): the nearest centre to the point;
2. the warehouse: the median point of each kelurahan's located complaints in ``marts.fct_aduan`` (at least
   ``MIN_POINTS`` of them), the nearest to the point; cached for ``CACHE_SECONDS``;
3. the address: a kelurahan name of this city written in ``address_string`` as whole words (the longest name
   first, so "Oebufu" does not win over "Oebufu Baru"-like longer names).

A point further than ``MAX_KM`` from every centre is not guessed.
"""

from __future__ import annotations

import csv
import math
import os
import re
import time
from pathlib import Path
from typing import Any

from muara import settings
from muara.contract import reference

MIN_POINTS = 3
CACHE_SECONDS = 600.0
#: a point further than this from every known centre is not given a kelurahan by distance
MAX_KM = 8.0
_WORDS = re.compile(r"[^a-z0-9]+")
_cache: dict[str, tuple[float, dict[str, tuple[float, float]]]] = {}


def titik_file() -> Path:
    return Path(os.environ.get("MUARA_KELURAHAN_TITIK") or settings.reference_dir() / "kelurahan_titik.csv")


def km_between(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine), in kilometres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(a)))


def city_kelurahan() -> dict[str, str]:
    """This city's kelurahan: code -> name."""
    return {r["kode_kelurahan"]: r["nama_kelurahan"] for r in reference.kelurahan()}


def _file_centres() -> dict[str, tuple[float, float]]:
    path = titik_file()
    if not path.is_file():
        return {}
    known = city_kelurahan()
    out = {}
    with path.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            try:
                code, lat, lon = row["kode_kelurahan"].strip(), float(row["lat"]), float(row["lon"])
            except (KeyError, TypeError, ValueError):
                continue
            if code in known:
                out[code] = (lat, lon)
    return out


WAREHOUSE_SQL = """
select kode_kelurahan,
       percentile_cont(0.5) within group (order by latitude) as lat,
       percentile_cont(0.5) within group (order by longitude) as lon
from marts.fct_aduan
where latitude is not null and longitude is not null and kode_kelurahan is not null
group by kode_kelurahan
having count(*) >= %s
"""


def _warehouse_centres(conn: Any) -> dict[str, tuple[float, float]]:
    hit = _cache.get("warehouse")
    if hit and hit[0] > time.monotonic():
        return hit[1]
    known = city_kelurahan()
    try:
        with conn.transaction():  # a failed read (no warehouse built yet) must not spoil the caller's connection
            rows = conn.execute(WAREHOUSE_SQL, (MIN_POINTS,)).fetchall()
    except Exception:
        rows = []
    centres = {r["kode_kelurahan"]: (float(r["lat"]), float(r["lon"])) for r in rows if r["kode_kelurahan"] in known}
    _cache["warehouse"] = (time.monotonic() + CACHE_SECONDS, centres)
    return centres


def nearest(centres: dict[str, tuple[float, float]], lat: float, lon: float) -> str | None:
    best = min(centres.items(), key=lambda kv: km_between(lat, lon, *kv[1]), default=None)
    if best is None or km_between(lat, lon, *best[1]) > MAX_KM:
        return None
    return best[0]


def _words(text: str) -> str:
    return " " + " ".join(_WORDS.sub(" ", text.casefold()).split()) + " "


def from_address(address: str) -> str | None:
    """The kelurahan whose name appears in the address as whole words; the longest name wins; None if none or
    if two different kelurahan of the same length match (ambiguous)."""
    text = _words(address)
    hits = [(len(name), code) for code, name in city_kelurahan().items() if _words(name) in text]
    if not hits:
        return None
    hits.sort(reverse=True)
    if len(hits) > 1 and hits[0][0] == hits[1][0]:
        return None
    return hits[0][1]


def find(conn: Any, lat: float | None, lon: float | None, address: str | None) -> tuple[str | None, str]:
    """The kelurahan for a point and/or an address, and which source said so (``titik``, ``gudang``,
    ``alamat``; ``""`` when none could)."""
    if lat is not None and lon is not None:
        if (code := nearest(_file_centres(), lat, lon)) is not None:
            return code, "titik"
        if (code := nearest(_warehouse_centres(conn), lat, lon)) is not None:
            return code, "gudang"
    if address and (code := from_address(address)) is not None:
        return code, "alamat"
    return None, ""
