"""The city every dataset shares: the export day and period, kelurahan and their places, OPD, people, holidays.

Times end at a fixed anchor derived from the seed, never at ``now()``. The world is built once per (seed, city,
anchor) and cached, so all datasets of a run agree on the same busy kelurahan, names and addresses.
"""

from __future__ import annotations

import csv
from datetime import date, datetime, time, timedelta
from functools import cache

import numpy as np

from muara import settings
from muara.contract import reference
from muara.devtools.demo_data.seeding import pick_values, random_weights, seeded_rng, stable_hash
from muara.devtools.demo_data.vocabulary import (
    CITY_STREETS,
    COMMON_STREETS,
    COMMON_SURNAMES,
    FIRST_NAMES,
    LANDMARKS,
    PLATE_PREFIX,
    REGIONAL_NAMES,
)

PERIOD_DAYS = 60  # event times span this many days before the anchor
ANCHOR_EARLIEST = date(2026, 2, 2)
ANCHOR_SPREAD_DAYS = 120
EXPORT_HOUR = 8  # exports are made at 08:00 local time on the anchor day


def anchor_date(seed: int) -> date:
    """The day the demo exports are made (at 08:00): fixed per seed, never ``now()``.

    It is capped at yesterday so that no generated time is in the future, even on a machine whose clock is
    earlier than the fixed range (then, and only then, the output depends on the date)."""
    day = ANCHOR_EARLIEST + timedelta(days=stable_hash("anchor", seed) % ANCHOR_SPREAD_DAYS)
    return min(day, date.today() - timedelta(days=1))


class World:
    """Everything about the city that every dataset shares: period, kelurahan, OPDs, word pools."""

    def __init__(self, seed: int, city_code: str, anchor: date) -> None:
        self.seed = seed
        self.city = settings.city(city_code)
        self.code = self.city.code
        self.province = self.code[:2]
        self.anchor_day = anchor
        self.anchor = np.datetime64(datetime.combine(anchor, time(EXPORT_HOUR, 0)), "s")
        self.start = self.anchor - np.timedelta64(PERIOD_DAYS, "D")
        rng = seeded_rng(seed, self.code, "world")

        kel = reference.kelurahan(self.code)
        if not kel:
            raise ValueError(f"no kelurahan for city {self.code} in schemas/reference/kelurahan.csv")
        self.kel_code = np.array([r["kode_kelurahan"] for r in kel], dtype=object)
        self.kel_name = np.array([r["nama_kelurahan"] for r in kel], dtype=object)
        self.kel_kec = np.array([int(r["kode_kecamatan"].rsplit(".", 1)[-1]) for r in kel])
        self.kel_index = {c: i for i, c in enumerate(self.kel_code)}
        self.kel_p = random_weights(rng, len(kel), 1.5)
        # pseudo-centroids: each kecamatan a sector around the centre, its kelurahan spread inside it
        radius = 0.5 * np.sqrt(_kota_area(self.code)) / 111.0
        kecs = sorted(set(self.kel_kec.tolist()))
        angle0 = {k: 2 * np.pi * i / len(kecs) for i, k in enumerate(kecs)}
        ang = np.array([angle0[k] for k in self.kel_kec]) + rng.uniform(0, 2 * np.pi / len(kecs), len(kel))
        dist = radius * np.sqrt(rng.uniform(0.02, 1.0, len(kel)))
        self.kel_lat = self.city.centre_lat + dist * np.sin(ang)
        self.kel_lon = self.city.centre_lon + dist * np.cos(ang)
        self.unknown_kel = self._unknown_kelurahan(rng)

        self.opd = {r["kode_opd"]: r for r in reference.opd(self.code)}
        first = FIRST_NAMES + REGIONAL_NAMES.get(self.province, ([], []))[0] * 2
        last = COMMON_SURNAMES + REGIONAL_NAMES.get(self.province, ([], []))[1] * 2
        k = 4096
        names = pick_values(rng, first, k) + " " + pick_values(rng, last, k)
        middle = rng.random(k) < 0.2
        names[middle] = pick_values(rng, first, int(middle.sum())) + " " + names[middle]
        self.names = names
        self.streets = CITY_STREETS.get(self.code, []) * 3 + COMMON_STREETS
        self.addresses = self._addresses(rng, k)
        self.plate = PLATE_PREFIX.get(self.province, "B")
        self.slug = self.city.name.replace("Kota ", "").lower().replace(" ", "")

    def _unknown_kelurahan(self, rng: np.random.Generator) -> np.ndarray:
        known = set(self.kel_code.tolist())
        out = []
        for kec in range(1, 40):
            for d in (1099, 1050, 2001, 1031):
                code = f"{self.code}.{kec:02d}.{d}"
                if code not in known:
                    out.append(code)
        return pick_values(rng, out, 64)

    def _addresses(self, rng: np.random.Generator, k: int) -> np.ndarray:
        street = pick_values(rng, self.streets, k)
        num = rng.integers(1, 180, k).astype(str).astype(object)
        rt = np.char.zfill(rng.integers(1, 25, k).astype(str), 3).astype(object)
        rw = np.char.zfill(rng.integers(1, 12, k).astype(str), 3).astype(object)
        mark = pick_values(rng, LANDMARKS, k)
        style = rng.integers(0, 4, k)
        out = np.where(style == 0, street + " No. " + num, street + " " + mark)
        out = np.where(style == 2, street + " RT " + rt + "/RW " + rw, out)
        return np.where(
            style == 3,
            "Gg. "
            + pick_values(rng, ("Mawar", "Melati", "Kenanga", "Flamboyan", "Cempaka"), k)
            + ", "
            + street
            + " "
            + mark,
            out,
        )

    def kelurahan(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """Kelurahan indexes, some kelurahan far busier than others."""
        return rng.choice(len(self.kel_code), size=n, p=self.kel_p)

    def points(
        self, rng: np.random.Generator, kel_idx: np.ndarray, spread: float = 0.006
    ) -> tuple[np.ndarray, np.ndarray]:
        lat = self.kel_lat[kel_idx] + rng.normal(0, spread, len(kel_idx))
        lon = self.kel_lon[kel_idx] + rng.normal(0, spread, len(kel_idx))
        return np.round(lat, 6), np.round(lon, 6)

    def opd_name(self, code: str) -> str:
        return self.opd.get(code, {}).get("nama_opd") or code

    def day_list(self, days: int, working: bool = False, include_anchor: bool = True) -> np.ndarray:
        last = self.anchor_day if include_anchor else self.anchor_day - timedelta(days=1)
        out = [last - timedelta(days=i) for i in range(days)]
        if working:
            hol = _holidays(last.year - 1, last.year)
            out = [d for d in out if d.weekday() < 5 and d not in hol]
        return np.array(sorted(out), dtype="datetime64[D]")


@cache
def make_world(seed: int, city_code: str, anchor: date) -> World:
    return World(seed, city_code, anchor)


@cache
def _holidays(y0: int, y1: int) -> frozenset[date]:
    try:
        import holidays

        return frozenset(holidays.country_holidays("ID", years=range(y0, y1 + 1)))
    except Exception:  # the package is optional here: weekends alone are a fair approximation
        return frozenset()


@cache
def kota_row(code: str) -> dict[str, str]:
    with (settings.reference_dir() / "kota.csv").open(encoding="utf-8", newline="") as f:
        return next((r for r in csv.DictReader(f) if r["kode_kota"] == code), {})


def _kota_area(code: str) -> float:
    return float(kota_row(code).get("luas_km2") or 150.0)
