"""tempat_tidur: beds per hospital and class, reported each morning; occupied beds never exceed capacity."""

from __future__ import annotations

import numpy as np

from muara.devtools.demo_data.shapes import Ctx
from muara.devtools.demo_data.values import as_minutes, fits_column

HOSPITALS: dict[str, list[str]] = {
    "53.71": [
        "RSUD Prof. Dr. W.Z. Johannes",
        "RS Bhayangkara Drs. Titus Uly",
        "RS Tentara Wirasakti",
        "RS Siloam Kupang",
        "RS Leona",
        "RS Mamami",
        "RSIA Dedari",
        "RS Kartini",
    ],
}
GENERIC_HOSPITALS = [
    "RS Bhayangkara",
    "RS Siloam",
    "RS Hermina",
    "RS Muhammadiyah",
    "RS Islam",
    "RSIA Bunda",
    "RS Mitra Keluarga",
    "RS Santa Elisabeth",
    "RS Tentara",
]
BED_CLASSES = {  # capacity range, typical occupancy, chance a hospital has the class
    "vvip": ((2, 5), 0.45, 0.3),
    "vip": ((6, 16), 0.6, 0.8),
    "kelas_1": ((10, 26), 0.75, 1.0),
    "kelas_2": ((14, 32), 0.8, 1.0),
    "kelas_3": ((20, 56), 0.88, 1.0),
    "kris": ((10, 40), 0.8, 0.4),
    "icu": ((4, 14), 0.82, 0.9),
    "iccu": ((2, 8), 0.7, 0.4),
    "nicu": ((3, 12), 0.8, 0.6),
    "picu": ((2, 8), 0.65, 0.4),
    "hcu": ((4, 10), 0.75, 0.6),
    "isolasi": ((4, 14), 0.4, 0.7),
    "igd": ((8, 22), 0.7, 1.0),
}


def tempat_tidur_table(ctx: Ctx, rng: np.random.Generator) -> dict[str, np.ndarray]:
    c, w = ctx.contract, ctx.world
    opd = w.opd.get(ctx.sender, {})
    if opd.get("rumpun") == "rsud":  # a hospital reports itself
        names = [opd.get("singkatan") or opd.get("nama_opd") or ctx.sender]
        codes = [ctx.sender if fits_column(c.column("kode_rs"), ctx.sender) else f"{w.code.replace('.', '')}001"]
    else:
        names = HOSPITALS.get(w.code) or [f"{h} {w.city.name.replace('Kota ', '')}" for h in GENERIC_HOSPITALS[:7]]
        codes = [f"{w.code.replace('.', '')}{(11 + 7 * i):03d}" for i in range(len(names))]
    allowed = set(c.column("kelas").valid_values or BED_CLASSES)
    ent_code, ent_name, ent_class, ent_cap, ent_occ = [], [], [], [], []
    for code, name in zip(codes, names, strict=True):
        size = rng.uniform(0.6, 1.6)
        for cls, ((lo, hi), occ, have) in BED_CLASSES.items():
            if cls in allowed and (have >= 1.0 or rng.random() < have):
                ent_code.append(code)
                ent_name.append(name)
                ent_class.append(cls)
                ent_cap.append(max(1, round(rng.integers(lo, hi + 1) * size)))
                ent_occ.append(occ)
    days = w.day_list(30)
    e, d = len(ent_code), len(days)
    cap = np.array(ent_cap)[None, :] + rng.choice((-1, 0, 0, 0, 0, 0, 0, 0, 1), (d, e))
    cap = np.maximum(cap, 1)
    level = np.clip(np.array(ent_occ)[None, :] + np.cumsum(rng.normal(0, 0.03, (d, e)), axis=0), 0.05, 1.05)
    used = np.minimum(rng.binomial(cap, np.minimum(level, 1.0)), cap)
    queue = np.where(used >= cap, rng.poisson(1.6, (d, e)), rng.poisson(0.05, (d, e)))
    hosp_of = {code: i for i, code in enumerate(codes)}
    offset = np.array([hosp_of[x] * 7 % 50 for x in ent_code])[None, :]
    minute = 7 * 60 + offset + rng.integers(0, 9, (d, 1))  # each hospital reports all classes at once
    when = days[:, None].astype("datetime64[s]") + as_minutes(np.broadcast_to(minute, (d, e)))
    return {
        "waktu_laporan": when.ravel(),
        "kode_rs": np.tile(np.array(ent_code, dtype=object), d),
        "kelas": np.tile(np.array(ent_class, dtype=object), d),
        "nama_rs": np.tile(np.array(ent_name, dtype=object), d),
        "kapasitas": cap.ravel().astype(float),
        "terisi": used.ravel().astype(float),
        "antrean": np.where(rng.random(d * e) < 0.1, np.nan, queue.ravel().astype(float)),
    }
