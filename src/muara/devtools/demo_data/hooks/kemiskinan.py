"""kemiskinan: monthly poverty figures per kelurahan, scaled from the city's population and poverty rate."""

from __future__ import annotations

from datetime import timedelta

import numpy as np

from muara.devtools.demo_data.shapes import Ctx
from muara.devtools.demo_data.world import kota_row

POVERTY_RATE = {"53.71": 0.086, "32.78": 0.111, "21.71": 0.049, "16.71": 0.103, "64.71": 0.025}


def kemiskinan_table(ctx: Ctx, rng: np.random.Generator) -> dict[str, np.ndarray]:
    w = ctx.world
    first = w.anchor_day.replace(day=1)
    months = []
    for _ in range(3):
        first = (first - timedelta(days=1)).replace(day=1)
        months.append(first)
    periods = np.array(sorted(months), dtype="datetime64[D]")
    population = float(kota_row(w.code).get("jumlah_penduduk") or 400_000)
    size = population / len(w.kel_code) * rng.lognormal(0, 0.45)
    people = np.round(size * (1 + np.cumsum(rng.normal(0.001, 0.002, 3))))
    families = np.round(people / rng.uniform(3.4, 3.9))
    poor = np.round(
        people
        * min(0.35, POVERTY_RATE.get(w.code, 0.08) * rng.lognormal(0, 0.4))
        * (1 + np.cumsum(rng.normal(0, 0.01, 3)))
    )
    poor_families = np.minimum(np.round(poor / rng.uniform(3.6, 4.2)), families)
    return {
        "periode": periods,
        "jumlah_penduduk": people,
        "jumlah_kk": families,
        "penduduk_miskin": poor,
        "penduduk_miskin_ekstrem": np.round(poor * rng.uniform(0.03, 0.15)),
        "kk_miskin": poor_families,
        "penerima_pkh": np.round(poor_families * rng.uniform(0.4, 0.7)),
        "penerima_bpnt": np.round(poor_families * rng.uniform(0.6, 0.95)),
        "penerima_pbi_jk": np.minimum(np.round(poor * rng.uniform(1.8, 2.8)), people),
    }
