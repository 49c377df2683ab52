"""ritase_bus: each operator's fleet (routes, buses, plates) and its trips, fuller at peak hours.

The fleet is also where ``halte`` takes its routes from."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache

import numpy as np

from muara.devtools.demo_data.seeding import random_weights, seeded_rng
from muara.devtools.demo_data.shapes import Ctx
from muara.devtools.demo_data.values import as_minutes, concat_text, fake_plates, nat_where, nulls, str_int, ymd
from muara.devtools.demo_data.world import make_world


@dataclass(frozen=True)
class _Fleet:
    routes: np.ndarray
    route_km: np.ndarray
    route_p: np.ndarray
    bus_route: np.ndarray  # route index per bus
    plates: np.ndarray


@cache
def bus_fleet(seed: int, city: str, anchor: date, sender: str) -> _Fleet:
    w = make_world(seed, city, anchor)
    rng = seeded_rng(seed, city, "fleet", sender)
    r = int(rng.integers(4, 8))
    buses = int(rng.integers(4, 7)) * r
    return _Fleet(
        routes=np.array([f"K{i + 1}" for i in range(r)], dtype=object),
        route_km=np.round(rng.uniform(9, 28, r), 1),
        route_p=random_weights(rng, r, 3.0),
        bus_route=rng.integers(0, r, buses),
        plates=fake_plates(w, rng, buses, spaced=True),
    )


def ritase_fill(ctx: Ctx, rng: np.random.Generator, t: dict[str, np.ndarray]) -> None:
    w = ctx.world
    n = len(t["_kel"])
    fleet = bus_fleet(w.seed, w.code, w.anchor_day, ctx.sender)
    route = rng.choice(len(fleet.routes), size=n, p=fleet.route_p)
    bus = np.empty(n, dtype=np.int64)
    for j in np.unique(route).tolist():
        sel = route == j
        own = np.flatnonzero(fleet.bus_route == j)
        own = own if len(own) else np.arange(len(fleet.plates))
        bus[sel] = own[rng.integers(len(own), size=int(sel.sum()))]
    plates = fleet.plates[bus]
    if ctx.id_style % 3 == 0:  # this operator types plates without spaces
        plates = np.char.replace(plates.astype(str), " ", "").astype(object)
    t["kode_rute"] = fleet.routes[route]
    t["nomor_armada"] = plates
    start = t["waktu_berangkat"]
    t["tanggal"] = start.astype("datetime64[D]")
    km = fleet.route_km[route]
    t["jarak_km"] = nulls(np.round(km + rng.normal(0, 0.3, n), 1), rng, 0.1)
    arrive = start + as_minutes(60 * km / rng.uniform(14, 24, n))
    t["waktu_tiba"] = nat_where((arrive <= w.anchor) & (rng.random(n) > 0.03), arrive)
    hour = (start.astype("datetime64[h]").astype(np.int64)) % 24
    peak = np.isin(hour, (6, 7, 16, 17))
    t["jumlah_penumpang"] = np.minimum(rng.poisson(np.where(peak, 34, 15)), 60).astype(float)


def ritase_ids(ctx: Ctx, rng: np.random.Generator, idx: np.ndarray, when: np.ndarray) -> np.ndarray:
    seq = str_int(idx + 1, max(6, len(str(ctx.n_total))))
    if ctx.id_style % 2:
        return concat_text("TRIP/", ymd(when), f"/{ctx.sender}/", seq)
    return concat_text(f"{ctx.sender}-", ymd(when), "-", seq)
