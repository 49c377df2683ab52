"""izin: permit applications of each kind, one timeline per application; the stage is wherever that timeline
stands at export time, and only paid permits pass through payment."""

from __future__ import annotations

import numpy as np

from muara.contract import reference
from muara.devtools.demo_data.seeding import norm, pick_values
from muara.devtools.demo_data.shapes import Ctx
from muara.devtools.demo_data.values import (
    as_minutes,
    concat_text,
    daytime,
    enum,
    nat_where,
    nulls,
    only_where,
    roman_month,
    str_int,
    year_of,
    ymd,
)

PAID_PERMITS = {"pbg": 6e6, "izin_reklame": 3e6, "slf": 1.5e6, "izin_trayek": 7.5e5, "pkkpr": 2e6}
BUSINESS_PERMITS = ("nib", "toko", "apotek", "klinik", "slhs", "sppl", "reklame")


def izin_fill(ctx: Ctx, rng: np.random.Generator, t: dict[str, np.ndarray]) -> None:
    c = ctx.contract
    n = len(t["_kel"])
    kinds = reference.rows("jenis_izin")
    codes = np.array([r["kode_jenis_izin"] for r in kinds], dtype=object)
    days = np.array([float(r.get("standar_hari_kerja") or 5) for r in kinds])
    p = norm([6.0 if "nib" in code else 2.5 if code in ("pbg", "sppl") else 1.0 for code in codes])
    k = rng.choice(len(codes), size=n, p=p)
    t["kode_jenis_izin"] = codes[k]
    t["jalur"] = enum(
        c.column("jalur"), rng, n, {"oss": 0.35, "mpp": 0.33, "online": 0.17, "loket": 0.1, "jemput_bola": 0.05}
    )
    business = np.array([any(b in code for b in BUSINESS_PERMITS) for code in codes])[k]
    companies = concat_text(
        pick_values(rng, ("CV ", "PT ", "UD ", "Toko "), n),
        pick_values(
            rng,
            (
                "Maju Jaya",
                "Sinar Timor",
                "Berkat Abadi",
                "Karya Mandiri",
                "Sumber Rejeki",
                "Flobamora Sejahtera",
                "Cahaya Baru",
                "Mitra Usaha",
            ),
            n,
        ),
    )
    t["nama_pemohon"] = nulls(np.where(business & (rng.random(n) < 0.4), companies, t["nama_pemohon"]), rng, 0.05)
    t["nik_pemohon"] = nulls(t["nik_pemohon"], rng, 0.15)
    t["telepon_pemohon"] = nulls(t["telepon_pemohon"], rng, 0.1)
    nib = concat_text("91", str_int(rng.integers(0, 10**11, n), 11))
    t["nib"] = only_where(business, nib)
    _izin_timeline(ctx, rng, t, codes, days, k)


def _izin_timeline(
    ctx: Ctx, rng: np.random.Generator, t: dict[str, np.ndarray], codes: np.ndarray, days: np.ndarray, k: np.ndarray
) -> None:
    """One timeline per application (row ``i`` is of kind ``codes[k[i]]``, with a standard of ``days[k[i]]``
    working days); the stage is wherever the timeline stands at export time."""
    n = len(k)
    sub = t["waktu_pengajuan"]
    std_h = days[k] * 24 * 7 / 5
    check_start = daytime(sub + as_minutes(rng.uniform(5, 240, n)), rng)
    verified = daytime(check_start + as_minutes(60 * rng.lognormal(np.log(20), 0.8, n)), rng)
    review_end = daytime(verified + as_minutes(60 * std_h * rng.lognormal(np.log(0.45), 0.6, n)), rng)
    paid = np.array([code in PAID_PERMITS for code in codes])[k]
    issued = daytime(
        review_end + np.where(paid, as_minutes(60 * rng.lognormal(np.log(30), 0.7, n)), np.timedelta64(0, "s")), rng
    )
    revoke_at = daytime(issued + as_minutes(60 * 24 * rng.uniform(1, 20, n)), rng)
    now = ctx.world.anchor
    refused = rng.random(n) < 0.05
    revoked = ~refused & (rng.random(n) < 0.015) & (revoke_at <= now)
    stage = np.select(
        [check_start > now, verified > now, review_end > now, issued > now],
        ["diajukan", "verifikasi", "kajian_teknis", "pembayaran"],
        default=np.where(refused, "ditolak", np.where(revoked, "dicabut", "terbit")),
    )
    stage = np.where((stage == "pembayaran") & ~paid, "kajian_teknis", stage)
    t["tahap"] = stage.astype(object)
    t["waktu_verifikasi"] = nat_where(verified <= now, verified)
    t["waktu_tahap"] = np.select(
        [
            stage == "diajukan",
            stage == "verifikasi",
            stage == "kajian_teknis",
            stage == "pembayaran",
            stage == "dicabut",
        ],
        [sub, check_start, verified, review_end, revoke_at],
        default=issued,
    )
    granted = (stage == "terbit") | (stage == "dicabut")
    t["waktu_terbit"] = nat_where(granted, issued)
    short = np.array([code.split("_")[0].upper()[:6] for code in codes], dtype=object)[k]
    number = concat_text("503/", short, "/", str_int(rng.integers(1, 9999, n), 4), f"/{ctx.sender}/", year_of(sub))
    t["nomor_izin"] = only_where(granted, number)
    base = np.array([PAID_PERMITS.get(code, 0.0) for code in codes])[k]
    fee = np.round(base * rng.lognormal(0, 0.6, n), -3)
    t["nilai_retribusi"] = np.where(stage == "diajukan", np.nan, fee)


def izin_ids(ctx: Ctx, rng: np.random.Generator, idx: np.ndarray, when: np.ndarray) -> np.ndarray:
    seq = str_int(idx + 1, max(5, len(str(ctx.n_total))))
    oss = concat_text("I-", ymd(when), str_int(when.astype("datetime64[m]").astype(np.int64) % 1440, 4), seq)
    local = concat_text("503/", seq, f"/{ctx.sender}/", roman_month(when), "/", year_of(when))
    return np.where(ctx.id_style % 2 == 0, local, np.where(np.arange(len(idx)) % 3 == 0, oss, local))
