"""darurat: emergency calls, where minutes matter: dispatch, arrival around the type's target time, handling,
and the occasional hoax call."""

from __future__ import annotations

import numpy as np

from muara.contract import reference
from muara.devtools.demo_data.seeding import pick_values, random_weights, seeded_rng
from muara.devtools.demo_data.shapes import Ctx
from muara.devtools.demo_data.values import (
    as_minutes,
    concat_text,
    enum,
    nat_where,
    nulls,
    roman_month,
    str_int,
    year_of,
    ymd,
)
from muara.devtools.demo_data.world import World


def darurat_weight(w: World, sender: str) -> float:
    own = sum(1 for r in reference.rows("jenis_darurat") if r.get("kode_opd") == sender)
    return 1.0 + own


def darurat_fill(ctx: Ctx, rng: np.random.Generator, t: dict[str, np.ndarray]) -> None:
    c, w = ctx.contract, ctx.world
    n = len(t["_kel"])
    kinds = [r for r in reference.rows("jenis_darurat") if r.get("kode_opd") == ctx.sender] or reference.rows(
        "jenis_darurat"
    )
    codes = np.array([r["kode_jenis_darurat"] for r in kinds], dtype=object)
    target = np.array([float(r.get("target_respons_menit") or 30) for r in kinds])
    k = rng.choice(len(codes), size=n, p=random_weights(seeded_rng(w.seed, "darurat", ctx.sender), len(codes), 2.0))
    t["kode_jenis_darurat"] = codes[k]
    t["kanal"] = enum(
        c.column("kanal"),
        rng,
        n,
        {
            "panggilan_112": 0.45,
            "tombol_panik": 0.14,
            "telepon": 0.15,
            "whatsapp": 0.1,
            "aplikasi": 0.07,
            "radio": 0.06,
            "langsung": 0.03,
        },
    )
    t["kode_kelurahan"] = nulls(w.kel_code[t["_kel"]], rng, 0.03)
    t["alamat"] = nulls(pick_values(rng, w.addresses, n), rng, 0.1)
    lat, lon = w.points(rng, t["_kel"])
    located = (rng.random(n) < 0.5) | (t["kanal"] == "tombol_panik")
    t["latitude"], t["longitude"] = np.where(located, lat, np.nan), np.where(located, lon, np.nan)
    t["nama_pelapor"] = nulls(t["nama_pelapor"], rng, 0.35)
    t["telepon_pelapor"] = nulls(t["telepon_pelapor"], rng, 0.15)

    # minutes matter here: dispatch within minutes, arrival around the type's target, then handling
    call = t["waktu_lapor"]
    dispatch = call + as_minutes(rng.lognormal(np.log(2.5), 0.5, n))
    arrive = dispatch + as_minutes(rng.lognormal(np.log(0.6 * target[k]), 0.45, n))
    finish = arrive + as_minutes(rng.lognormal(np.log(70), 0.7, n))
    hoax = rng.random(n) < 0.04
    finish = np.where(hoax, call + as_minutes(rng.uniform(3, 20, n)), finish)
    now = w.anchor
    sent = ~hoax & (dispatch <= now)
    there = sent & (arrive <= now)
    closed = (finish <= now) & (there | hoax)
    t["status"] = np.select(
        [hoax & closed, closed, there, sent], ["palsu", "selesai", "di_lokasi", "didispatch"], default="diterima"
    ).astype(object)
    t["waktu_dispatch"] = nat_where(sent, dispatch)
    t["waktu_tiba"] = nat_where(there, arrive)
    t["waktu_selesai"] = nat_where(closed, finish)


def darurat_ids(ctx: Ctx, rng: np.random.Generator, idx: np.ndarray, when: np.ndarray) -> np.ndarray:
    seq = str_int(idx + 1, max(5, len(str(ctx.n_total))))
    if ctx.id_style % 2:
        return concat_text(f"{ctx.sender}/", year_of(when), "/", roman_month(when), "/", seq)
    return concat_text("112-", ymd(when), f"-{ctx.sender}-", seq)
