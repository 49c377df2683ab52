"""kecelakaan: traffic accidents whose kind, vehicles and casualties go together, with police report numbers."""

from __future__ import annotations

import numpy as np

from muara.devtools.demo_data.seeding import _pick
from muara.devtools.demo_data.shapes import _Ctx
from muara.devtools.demo_data.values import _cat, _enum, _nulls, _roman_month, _str_int, _year
from muara.devtools.demo_data.vocabulary import LANDMARKS


def _kecelakaan_fill(ctx: _Ctx, rng: np.random.Generator, t: dict[str, np.ndarray]) -> None:
    c, w = ctx.contract, ctx.world
    n = len(t["_kel"])
    kind = _enum(
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
    t["jumlah_kendaraan"] = _nulls(vehicles.astype(float), rng, 0.05)
    t["meninggal_dunia"] = (rng.random(n) < 0.06).astype(float) + (rng.random(n) < 0.01)
    t["luka_berat"] = rng.poisson(0.4, n).astype(float)
    t["luka_ringan"] = rng.poisson(1.3, n).astype(float) + (kind == "beruntun")
    t["kerugian_materi"] = _nulls(np.round(rng.lognormal(np.log(2.5e6), 0.9, n), -5), rng, 0.15)
    t["kondisi_jalan"] = _nulls(
        _enum(
            c.column("kondisi_jalan"),
            rng,
            n,
            {"kering": 0.62, "basah": 0.15, "licin": 0.05, "berlubang": 0.1, "tergenang": 0.04, "lainnya": 0.04},
        ),
        rng,
        0.2,
    )
    t["lokasi"] = _cat(_pick(rng, w.streets, n), " ", _pick(rng, LANDMARKS, n))
    t["kode_kelurahan"] = _nulls(w.kel_code[t["_kel"]], rng, 0.08)
    lat, lon = w.points(rng, t["_kel"])
    located = rng.random(n) < 0.75
    t["latitude"], t["longitude"] = np.where(located, lat, np.nan), np.where(located, lon, np.nan)


def _kecelakaan_ids(ctx: _Ctx, rng: np.random.Generator, idx: np.ndarray, when: np.ndarray) -> np.ndarray:
    seq = _str_int(idx + 1, max(4, len(str(ctx.n_total))))
    if ctx.id_style % 2:
        return _cat("LP/A/", seq, "/", _roman_month(when), "/", _year(when), f"/{ctx.sender}")
    return _cat("LAKA-", _year(when), f"-{ctx.sender}-", seq)
