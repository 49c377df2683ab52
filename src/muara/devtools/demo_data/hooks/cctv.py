"""cctv: cameras per day, with outages, broken spells and maintenance that explain status and uptime."""

from __future__ import annotations

import numpy as np

from muara.devtools.demo_data.seeding import pick_values
from muara.devtools.demo_data.shapes import Ctx
from muara.devtools.demo_data.values import sender_slug


def _cameras(ctx: Ctx, rng: np.random.Generator, count: int) -> dict[str, np.ndarray]:
    w = ctx.world
    kel = w.kelurahan(rng, count)
    lat, lon = w.points(rng, kel, 0.004)
    place = pick_values(
        rng,
        [f"Simpang {s.removeprefix('Jl. ')}" for s in w.streets]
        + [f"{s} {m}" for s in w.streets[:6] for m in ("depan Pasar", "Taman Kota", "Bundaran")],
        count,
    )
    return {"kel": kel, "lat": lat, "lon": lon, "place": place}


def cctv_table(ctx: Ctx, rng: np.random.Generator) -> dict[str, np.ndarray]:
    w = ctx.world
    count = int(rng.integers(12, 30))
    cams = _cameras(ctx, rng, count)
    prefix = "ATCS" if "HUB" in ctx.sender else "CCTV"
    codes = np.array(
        [f"{prefix}-{sender_slug(ctx.sender).upper()[:8]}-{i + 1:03d}" for i in range(count)], dtype=object
    )
    days = w.day_list(30, include_anchor=False)
    d = len(days)
    reliability = rng.beta(8, 1.2, count)[None, :]
    off = np.where(rng.random((d, count)) > reliability, rng.exponential(240, (d, count)), 0.0)
    broken = np.zeros((d, count), dtype=bool)  # a broken camera stays broken for days
    for j in np.flatnonzero(rng.random(count) < 0.2).tolist():
        s = int(rng.integers(0, d))
        broken[s : s + int(rng.integers(2, 12)), j] = True
    service = ~broken & (rng.random((d, count)) < 0.01)
    off = np.where(broken, 1440.0, np.where(service, np.maximum(off, rng.uniform(60, 300, (d, count))), off))
    off = np.minimum(np.round(off), 1440)
    status = np.where(broken, "rusak", np.where(service, "perawatan", np.where(off >= 720, "offline", "online")))
    ravel = lambda a: np.tile(a, d)  # noqa: E731 - entity attributes repeat every day
    return {
        "kode_kamera": ravel(codes),
        "tanggal": np.repeat(days, count),
        "nama_lokasi": ravel(cams["place"]),
        "_kel": ravel(cams["kel"]),
        "kode_kelurahan": ravel(w.kel_code[cams["kel"]]),
        "latitude": ravel(cams["lat"]),
        "longitude": ravel(cams["lon"]),
        "status": status.ravel().astype(object),
        "uptime_persen": np.round(100 * (1440 - off.ravel()) / 1440, 1),
        "durasi_offline_menit": off.ravel(),
    }
