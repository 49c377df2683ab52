"""kecelakaan: traffic accidents whose kind, vehicles and casualties go together, with police report numbers."""

from __future__ import annotations

import numpy as np

from muara.devtools.demo_data.seeding import pick_values
from muara.devtools.demo_data.shapes import Ctx
from muara.devtools.demo_data.values import concat_text, enum, nulls, roman_month, str_int, year_of
from muara.devtools.demo_data.vocabulary import LANDMARKS


def kecelakaan_fill(ctx: Ctx, rng: np.random.Generator, t: dict[str, np.ndarray]) -> None:
    c, w = ctx.contract, ctx.world
    n = len(t["_kel"])
    kind = enum(
        c.column("jenis_kecelakaan"),
        rng,
        n,
        {
            "tabrak_belakang": 0.25,
            "tabrak_samping": 0.2,
            "tunggal": 0.2,
            "tabrak_depan": 0.14,
            "tabrak_pejalan_kaki": 0.08,
            "beruntun": 0.05,
            "lainnya": 0.08,
        },
    )
    t["jenis_kecelakaan"] = kind
    vehicles = np.where(
        kind == "beruntun", rng.integers(3, 6, n), np.where(np.isin(kind, ("tunggal", "tabrak_pejalan_kaki")), 1, 2)
    )
    t["jumlah_kendaraan"] = nulls(vehicles.astype(float), rng, 0.05)
    t["meninggal_dunia"] = (rng.random(n) < 0.06).astype(float) + (rng.random(n) < 0.01)
    t["luka_berat"] = rng.poisson(0.4, n).astype(float)
    t["luka_ringan"] = rng.poisson(1.3, n).astype(float) + (kind == "beruntun")
    t["kerugian_materi"] = nulls(np.round(rng.lognormal(np.log(2.5e6), 0.9, n), -5), rng, 0.15)
    t["kondisi_jalan"] = nulls(
        enum(
            c.column("kondisi_jalan"),
            rng,
            n,
            {"kering": 0.62, "basah": 0.15, "licin": 0.05, "berlubang": 0.1, "tergenang": 0.04, "lainnya": 0.04},
        ),
        rng,
        0.2,
    )
    t["lokasi"] = concat_text(pick_values(rng, w.streets, n), " ", pick_values(rng, LANDMARKS, n))
    t["kode_kelurahan"] = nulls(w.kel_code[t["_kel"]], rng, 0.08)
    lat, lon = w.points(rng, t["_kel"])
    located = rng.random(n) < 0.75
    t["latitude"], t["longitude"] = np.where(located, lat, np.nan), np.where(located, lon, np.nan)


def kecelakaan_ids(ctx: Ctx, rng: np.random.Generator, idx: np.ndarray, when: np.ndarray) -> np.ndarray:
    seq = str_int(idx + 1, max(4, len(str(ctx.n_total))))
    if ctx.id_style % 2:
        return concat_text("LP/A/", seq, "/", roman_month(when), "/", year_of(when), f"/{ctx.sender}")
    return concat_text("LAKA-", year_of(when), f"-{ctx.sender}-", seq)
