"""kemacetan: a strided sample of observation points x 15-minute slots; congestion rises at peak hours and
speed, queue and volume/capacity follow the level."""

from __future__ import annotations

from datetime import date
from functools import cache

import numpy as np

from muara.devtools.demo_data.seeding import seeded_rng
from muara.devtools.demo_data.shapes import Ctx, Grid
from muara.devtools.demo_data.values import as_minutes, nulls
from muara.devtools.demo_data.world import PERIOD_DAYS, make_world


@cache
def kemacetan_grid(seed: int, city: str, anchor: date, sender: str, n: int) -> Grid:
    w = make_world(seed, city, anchor)
    rng = seeded_rng(seed, city, "kemacetan-points", sender)
    step, points = 15, int(rng.integers(16, 26))
    days = w.day_list(PERIOD_DAYS, include_anchor=False)
    while True:
        per_day = (21 * 60 - 6 * 60) // step
        if len(days) * per_day * points >= n:
            break
        step, points = (max(1, step // 3), points) if step > 1 else (step, points * 2)
    minutes = 6 * 60 + step * np.arange(per_day)
    times = (days[:, None].astype("datetime64[s]") + as_minutes(minutes)[None, :]).ravel()
    kel = w.kelurahan(rng, points)
    lat, lon = w.points(rng, kel, 0.004)
    roads = [r.removeprefix("Jl. ") for r in dict.fromkeys(w.streets)]
    cross = [(i, (i * 7 + 3) % len(roads)) for i in range(points)]
    name = np.array(
        [
            f"Simpang {roads[a % len(roads)]} – {roads[b if b != a % len(roads) else (b + 1) % len(roads)]}"
            if a % 3
            else f"Jl. {roads[a % len(roads)]}"
            for a, b in cross
        ],
        dtype=object,
    )
    return Grid(
        times=times,
        time_column="waktu_pengamatan",
        entities={
            "id_titik": np.array(
                [f"SMP-{i + 1:03d}" if i % 3 else f"TP-{i + 1:03d}" for i in range(points)], dtype=object
            ),
            "nama_ruas": name,
            "_kel": kel,
            "kode_kelurahan": w.kel_code[kel],
            "latitude": lat,
            "longitude": lon,
            "_busy": rng.uniform(0.3, 1.0, points),
        },
    )


def kemacetan_scaled(ctx: Ctx, n: int) -> Grid:
    w = ctx.world
    return kemacetan_grid(w.seed, w.code, w.anchor_day, ctx.sender, n)


LEVELS = ("lancar", "ramai_lancar", "padat", "macet", "macet_total")
LEVEL_SPEED = np.array([(35, 50), (25, 35), (15, 25), (5, 15), (0, 5)], dtype=float)
LEVEL_QUEUE = np.array([(0, 40), (30, 120), (100, 300), (250, 700), (600, 1500)], dtype=float)
LEVEL_VC = np.array([(0.3, 0.6), (0.6, 0.8), (0.8, 0.95), (0.95, 1.1), (1.1, 1.35)])


def kemacetan_fill(ctx: Ctx, rng: np.random.Generator, t: dict[str, np.ndarray]) -> None:
    c = ctx.contract
    n = len(t["_kel"])
    hour = (t["waktu_pengamatan"].astype("datetime64[m]").astype(np.int64) // 60) % 24
    peak = np.where(np.isin(hour, (7, 16, 17)), 1.0, np.where(np.isin(hour, (6, 8, 12, 13, 18)), 0.7, 0.35))
    score = t.pop("_busy") * peak + rng.normal(0, 0.15, n)
    level = np.digitize(score, (0.3, 0.5, 0.7, 0.9))
    names = np.array(
        [v if v in (c.column("tingkat").valid_values or LEVELS) else LEVELS[0] for v in LEVELS], dtype=object
    )
    t["tingkat"] = names[level]
    u = rng.random(n)
    t["kecepatan_rata_kmh"] = nulls(
        np.round(LEVEL_SPEED[level, 0] + u * np.ptp(LEVEL_SPEED, axis=1)[level], 1), rng, 0.05
    )
    t["panjang_antrian_m"] = nulls(
        np.round(LEVEL_QUEUE[level, 0] + u * np.ptp(LEVEL_QUEUE, axis=1)[level], -1), rng, 0.1
    )
    t["rasio_vc"] = nulls(np.round(LEVEL_VC[level, 0] + u * np.ptp(LEVEL_VC, axis=1)[level], 2), rng, 0.2)
