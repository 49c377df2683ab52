"""halte: bus stops on the operator's routes, placed in kelurahan, with their condition at the last survey."""

from __future__ import annotations

import numpy as np

from muara.devtools.demo_data.hooks.ritase_bus import bus_fleet
from muara.devtools.demo_data.seeding import pick_values
from muara.devtools.demo_data.shapes import Ctx
from muara.devtools.demo_data.values import concat_text, enum, nulls
from muara.devtools.demo_data.vocabulary import LANDMARKS
from muara.devtools.demo_data.world import PERIOD_DAYS


def halte_table(ctx: Ctx, rng: np.random.Generator) -> dict[str, np.ndarray]:
    c, w = ctx.contract, ctx.world
    count = int(rng.integers(30, 49))
    fleet = bus_fleet(w.seed, w.code, w.anchor_day, ctx.sender)
    kel = w.kelurahan(rng, count)
    lat, lon = w.points(rng, kel, 0.003)
    route = rng.integers(0, len(fleet.routes), count)
    second = rng.integers(0, len(fleet.routes), count)
    routes = np.where(
        (rng.random(count) < 0.3) & (second != route),
        fleet.routes[route] + ", " + fleet.routes[second],
        fleet.routes[route],
    )
    codes = np.array([f"HLT-{fleet.routes[r]}-{i + 1:03d}" for i, r in enumerate(route.tolist())], dtype=object)
    names = concat_text(
        "Halte ",
        pick_values(
            rng,
            [s.removeprefix("Jl. ") for s in w.streets]
            + [m.removeprefix("depan ").removeprefix("dekat ") for m in LANDMARKS],
            count,
        ),
    )
    seen = w.start.astype("datetime64[D]") + rng.integers(0, PERIOD_DAYS, count)
    return {
        "kode_halte": codes,
        "nama_halte": names,
        "_kel": kel,
        "kode_kelurahan": w.kel_code[kel],
        "alamat": concat_text(pick_values(rng, w.streets, count), " ", pick_values(rng, LANDMARKS, count)),
        "latitude": lat,
        "longitude": lon,
        "kode_rute": nulls(routes, rng, 0.05),
        "kondisi": enum(
            c.column("kondisi"),
            rng,
            count,
            {"baik": 0.6, "rusak_ringan": 0.25, "rusak_berat": 0.1, "tidak_aktif": 0.05},
        ),
        "tanggal_pendataan": np.sort(seen),
    }
