"""aduan: complaints in each OPD's own categories, with texts that name a place, and a status that follows the
response and closing times (older complaints are more often done)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache

import numpy as np

from muara.contract import reference
from muara.devtools.demo_data.seeding import pick_values, random_weights, seeded_rng
from muara.devtools.demo_data.shapes import Ctx
from muara.devtools.demo_data.values import (
    as_minutes,
    concat_text,
    daytime,
    enum,
    latest_of,
    nat_where,
    nulls,
    str_int,
    year_of,
    ymd,
)
from muara.devtools.demo_data.vocabulary import ADUAN_TEXTS, LANDMARKS
from muara.devtools.demo_data.world import World, make_world


@dataclass(frozen=True)
class _Categories:
    codes: np.ndarray
    p: np.ndarray
    sla_hours: np.ndarray
    texts: tuple[np.ndarray, ...]


def _sla_hours(row: dict[str, str]) -> float:
    value = float(row.get("sla_nilai") or 5)
    unit = row.get("sla_satuan") or "hari_kerja"
    return value if unit == "jam" else value * 24 * (7 / 5 if unit == "hari_kerja" else 1)


def aduan_weight(w: World, sender: str) -> float:
    own = sum(1 for r in reference.rows("kategori_aduan") if r.get("kode_opd_default") == sender)
    return 1.0 + 1.5 * own if own else 0.6


@cache
def aduan_categories(seed: int, city: str, anchor: date, sender: str) -> _Categories:
    """The sender's categories (those routed to it by default; any, for an OPD without its own) and texts."""
    w = make_world(seed, city, anchor)
    rows = reference.rows("kategori_aduan")
    own = [r for r in rows if r.get("kode_opd_default") == sender] or rows
    rng = seeded_rng(seed, city, "aduan-texts", sender)
    texts = []
    for r in own:
        code = r["kode_kategori"]
        templates = next(
            (tpl for key, tpl in ADUAN_TEXTS if key in code),
            (f"Mohon ditindaklanjuti: {r.get('nama_kategori', code).lower()}{{lok}}.",),
        )
        pool = []
        for _ in range(48):
            kel = w.kel_name[int(rng.integers(len(w.kel_name)))]
            lok = (
                f" di {rng.choice(w.streets)}",
                f" {rng.choice(LANDMARKS)}",
                f" di Kel. {kel}",
                f" di {rng.choice(w.addresses)}",
                f" {rng.choice(LANDMARKS)} Kel. {kel}",
            )[int(rng.integers(5))]
            text = str(rng.choice(templates)).format(lok=lok)
            pool.append(text + (" Mohon segera ditindaklanjuti, terima kasih." if rng.random() < 0.3 else ""))
        texts.append(np.array(pool, dtype=object))
    return _Categories(
        codes=np.array([r["kode_kategori"] for r in own], dtype=object),
        p=random_weights(rng, len(own), 2.0),
        sla_hours=np.array([_sla_hours(r) for r in own]),
        texts=tuple(texts),
    )


def aduan_fill(ctx: Ctx, rng: np.random.Generator, t: dict[str, np.ndarray]) -> None:
    c, w = ctx.contract, ctx.world
    n = len(t["_kel"])
    cats = aduan_categories(w.seed, w.code, w.anchor_day, ctx.sender)
    k = rng.choice(len(cats.codes), size=n, p=cats.p)
    t["kode_kategori"] = cats.codes[k]
    desc = np.empty(n, dtype=object)
    for j in np.unique(k).tolist():
        sel = k == j
        desc[sel] = cats.texts[j][rng.integers(len(cats.texts[j]), size=int(sel.sum()))]
    t["deskripsi"] = desc
    t["kanal"] = enum(
        c.column("kanal"),
        rng,
        n,
        {
            "lapor": 0.24,
            "whatsapp": 0.3,
            "aplikasi": 0.14,
            "web": 0.08,
            "telepon": 0.09,
            "media_sosial": 0.08,
            "langsung": 0.05,
            "email": 0.02,
        },
    )
    lat, lon = w.points(rng, t["_kel"])
    located = rng.random(n) < 0.7
    t["latitude"], t["longitude"] = np.where(located, lat, np.nan), np.where(located, lon, np.nan)
    t["alamat"] = nulls(pick_values(rng, w.addresses, n), rng, 0.15)
    t["url_foto"] = nulls(
        concat_text(
            f"https://lapor.{w.slug}kota.go.id/foto/",
            ymd(t["waktu_lapor"]),
            "/",
            str_int(rng.integers(10**7, 10**8, n)),
            ".jpg",
        ),
        rng,
        0.45,
    )
    t["nama_pelapor"] = nulls(t["nama_pelapor"], rng, 0.2)
    t["nik_pelapor"] = nulls(t["nik_pelapor"], rng, 0.45)
    t["telepon_pelapor"] = nulls(t["telepon_pelapor"], rng, 0.3)
    _aduan_status(ctx, rng, t, cats.sla_hours[k])


def _aduan_status(ctx: Ctx, rng: np.random.Generator, t: dict[str, np.ndarray], sla: np.ndarray) -> None:
    """The status follows the times: a complaint is answered after a delay, closed after another (both scaled
    by its category's SLA in hours, ``sla``); whatever has not happened by the export time is still open, so
    older complaints are more often done."""
    w = ctx.world
    n = len(sla)
    lapor = t["waktu_lapor"]
    resp = daytime(lapor + as_minutes(60 * rng.lognormal(np.log(np.minimum(8.0, 0.3 * sla)), 1.1, n)), rng)
    closed = daytime(resp + as_minutes(60 * rng.lognormal(np.log(0.7 * sla), 0.9, n)), rng)
    rejected = rng.random(n) < 0.05
    closed = np.where(rejected, resp + as_minutes(60 * rng.lognormal(np.log(4.0), 0.8, n)), closed)
    responded = (rng.random(n) >= 0.08) & (resp <= w.anchor)
    done = responded & (closed <= w.anchor)
    waiting = pick_values(rng, ("menunggu", "diverifikasi"), n, (0.65, 0.35))
    working = pick_values(rng, ("didisposisi", "diproses"), n, (0.3, 0.7))
    t["status"] = np.where(done, np.where(rejected, "ditolak", "selesai"), np.where(responded, working, waiting))
    t["waktu_respons_pertama"] = nat_where(responded, resp)
    t["waktu_selesai"] = nat_where(done, closed)
    touched = latest_of(lapor, t["waktu_respons_pertama"], t["waktu_selesai"])
    t["waktu_pembaruan"] = np.minimum(touched + as_minutes(rng.exponential(90, n)), w.anchor)


def aduan_ids(ctx: Ctx, rng: np.random.Generator, idx: np.ndarray, when: np.ndarray) -> np.ndarray:
    seq = str_int(idx + 1, max(6, len(str(ctx.n_total))))
    style = ctx.id_style % 3
    if style == 0:
        return concat_text(f"ADU/{ctx.sender}/", year_of(when), "/", seq)
    if style == 1:
        return concat_text("LPR-", year_of(when), f"-{ctx.sender}-", seq)
    return concat_text(f"{ctx.sender}-", ymd(when), "-", seq)
