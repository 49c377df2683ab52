"""Rows of one sender's export, a chunk at a time, from the contract alone.

Keys and event times first, then a plausible, valid value for every other column (from its type, code list,
allowed values, pattern and name), then the dataset's hook, then the pair rules made to hold. Row ``i`` depends
only on the sender's stream and ``i``, so any chunk can be made without the others.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import cache

import numpy as np

from muara.contract import model as contracts
from muara.contract import reference
from muara.contract.model import Column, Contract
from muara.devtools.demo_data.hooks import model_for
from muara.devtools.demo_data.seeding import pick_values, random_weights, seeded_rng
from muara.devtools.demo_data.shapes import DAY_HOURS, Ctx
from muara.devtools.demo_data.values import (
    as_seconds,
    concat_text,
    fake_nik,
    fake_phone,
    fits_column,
    nulls,
    regex_samples,
    sender_slug,
    str_int,
    year_of,
)
from muara.devtools.demo_data.vocabulary import GENERIC_REMARKS
from muara.devtools.demo_data.world import PERIOD_DAYS, World, make_world


@cache
def grid_table(dataset: str, sender: str, city: str, seed: int, anchor: date) -> dict[str, np.ndarray]:
    c = contracts.get(dataset)
    w = make_world(seed, city, anchor)
    model = model_for(c)
    assert model.grid is not None
    ctx = Ctx(c, w, sender, 0, model)
    return model.grid(ctx, seeded_rng(seed, city, dataset, sender, "grid"))


def make_rows(ctx: Ctx, rng: np.random.Generator, idx: np.ndarray) -> dict[str, np.ndarray]:
    """Rows ``idx`` of the sender's export: keys, then generic values per column, then the dataset hook."""
    c, w, m = ctx.contract, ctx.world, ctx.model
    t: dict[str, np.ndarray] = {}
    if m.kind == "grid" and m.scaled_grid is None:
        table = grid_table(c.name, ctx.sender, w.code, w.seed, w.anchor_day)
        t.update({k: v[idx] for k, v in table.items()})
    elif m.scaled_grid is not None:
        grid = m.scaled_grid(ctx, ctx.n_total)
        # an evenly strided subset of the grid: sorted, unique keys, computable chunk by chunk
        stride = grid.size / max(ctx.n_total, 1)
        cell = np.floor((idx + rng.random(len(idx))) * stride).astype(np.int64)
        n_ent = len(next(iter(grid.entities.values())))
        t[grid.time_column] = grid.times[cell // n_ent]
        t.update({k: v[cell % n_ent] for k, v in grid.entities.items()})
    else:
        main = _event_time_column(c)
        if main is not None:
            times = _event_times(ctx, rng, idx)
            t[main] = times.astype("datetime64[D]") if c.column(main).logical_type == "date" else times
    if "_kel" not in t:
        t["_kel"] = w.kelurahan(rng, len(idx))
    key = c.primary_key[0] if m.kind == "events" else None
    for col in c.columns:
        if col.name not in t and col.name != key:
            t[col.name] = _generic(ctx, col, rng, t)
    if m.fill is not None:
        m.fill(ctx, rng, t)
    if key is not None:  # numbered last: IDs often carry the event's date
        when = t.get(_event_time_column(c) or "", np.full(len(idx), w.anchor))
        t[key] = (m.ids or _default_ids)(ctx, rng, idx, when)
    _repair_rules(c, t, w)
    t.pop("_kel", None)
    return t


def _event_time_column(c: Contract) -> str | None:
    """The column that says when the event happened: the first required timestamp (else date)."""
    timed = [col for col in c.columns if col.logical_type in ("timestamp", "date")]
    timed.sort(key=lambda col: (not col.required, col.logical_type != "timestamp"))
    return timed[0].name if timed else None


def _event_times(ctx: Ctx, rng: np.random.Generator, idx: np.ndarray) -> np.ndarray:
    """Event times over the period, in row order, following an hour-of-day and weekday profile.

    Row i of n takes the (i + u)/n quantile of the intensity, so times are sorted and a chunk needs no
    other chunk."""
    w, m = ctx.world, ctx.model
    hours = np.array(m.hours or DAY_HOURS, dtype=float)
    start = w.start.astype("datetime64[h]")
    bins = start + np.arange(PERIOD_DAYS * 24)
    weekday = (bins.astype("datetime64[D]").astype(np.int64) + 3) % 7  # 0 = Monday
    hour = (bins.astype(np.int64)) % 24
    inten = hours[hour] * np.where(weekday >= 5, m.weekend, 1.0)
    cum = np.concatenate([[0.0], np.cumsum(inten)])
    cum /= cum[-1]
    u = (idx + rng.random(len(idx))) / max(ctx.n_total, 1)
    b = np.clip(np.searchsorted(cum, u, side="right") - 1, 0, len(bins) - 1)
    frac = (u - cum[b]) / np.maximum(cum[b + 1] - cum[b], 1e-12)
    secs = np.clip(frac, 0, 0.9999) * 3600
    ts = bins[b].astype("datetime64[s]") + as_seconds(secs // 60 * 60)
    return np.minimum(ts, w.anchor - np.timedelta64(1, "m"))


def _generic(ctx: Ctx, col: Column, rng: np.random.Generator, t: dict[str, np.ndarray]) -> np.ndarray:
    """A plausible, valid value for any contract column, from its type, code list, pattern and name."""
    w, c = ctx.world, ctx.contract
    n = len(t["_kel"])
    name = col.name
    kel = t["_kel"]
    if name == c.owner_column:
        return np.full(n, ctx.sender, dtype=object)
    if col.code_list == "kelurahan.kode_kelurahan":
        out = w.kel_code[kel]
        return out if col.required else nulls(out, rng, 0.05)
    if col.code_list:
        values = reference.values(col.code_list, w.code)
        return pick_values(rng, values, n, random_weights(seeded_rng(w.seed, c.name, name, "p"), len(values)))
    if col.valid_values:
        allowed = col.valid_values
        out = pick_values(rng, allowed, n, random_weights(seeded_rng(w.seed, c.name, name, "p"), len(allowed), 2.0))
        return out if col.required else nulls(out, rng, 0.1)
    if col.logical_type in ("timestamp", "date"):
        main = _event_time_column(c)
        if main in t and main != name:
            delay = rng.lognormal(np.log(6 * 3600), 1.0, n)
            out = np.minimum(t[main].astype("datetime64[s]") + as_seconds(delay // 60 * 60), w.anchor)
        else:
            out = w.start + as_seconds(rng.uniform(0, PERIOD_DAYS * 86400, n) // 60 * 60)
        if col.logical_type == "date":
            out = out.astype("datetime64[D]")
        return out if col.required else nulls(out, rng, 0.2)
    if col.logical_type in ("integer", "number"):
        return _generic_number(ctx, col, rng, t)
    if col.logical_type == "boolean":
        return np.where(rng.random(n) < 0.8, True, False).astype(object)
    out = _generic_text(ctx, col, rng, t)
    return out if col.required else nulls(out, rng, 0.1)


def _generic_number(ctx: Ctx, col: Column, rng: np.random.Generator, t: dict[str, np.ndarray]) -> np.ndarray:
    w = ctx.world
    n = len(t["_kel"])
    words = set(col.name.lower().split("_"))
    if words & {"lat", "latitude", "lintang"}:
        return w.points(rng, t["_kel"])[0]
    if words & {"lon", "lng", "long", "longitude", "bujur"}:
        return w.points(rng, t["_kel"])[1]
    lo = col.minimum if col.minimum is not None else 0.0
    hi = col.maximum
    example = next((float(e) for e in col.examples if isinstance(e, (int, float)) and e), None)
    out: np.ndarray
    if example is not None:
        out = example * rng.lognormal(0, 0.5, n)
    elif hi is not None:
        out = rng.uniform(lo, hi, n)
    else:
        out = lo + rng.poisson(3, n)
    out = np.clip(out, lo, hi if hi is not None else np.inf)
    if col.logical_type == "integer":
        out = np.round(out)
    elif example is not None and example >= 1000:
        out = np.round(out, -3)
    else:
        out = np.round(out, 2)
    return out if col.required else nulls(out, rng, 0.1)


def _generic_text(ctx: Ctx, col: Column, rng: np.random.Generator, t: dict[str, np.ndarray]) -> np.ndarray:
    w = ctx.world
    n = len(t["_kel"])
    lname = col.name.lower()
    kind = col.pii.kind if col.pii else ""
    if kind == "nik":
        return fake_nik(w, rng, t["_kel"])
    if kind == "telepon":
        return fake_phone(rng, n)
    if kind == "nama":
        return pick_values(rng, w.names, n)
    if kind == "email":
        return concat_text(
            pick_values(rng, ("budi", "siti", "warga", "yohan", "rina"), n),
            str_int(rng.integers(1, 999, n)),
            "@",
            pick_values(rng, ("gmail.com", "yahoo.co.id"), n),
        )
    if col.pattern and col.pattern.startswith("^https?"):
        return concat_text(
            f"https://{w.slug}kota.go.id/{ctx.contract.name}/", str_int(rng.integers(1, 10**7, n)), ".jpg"
        )
    if any(k in lname for k in ("alamat", "lokasi", "ruas")):
        return pick_values(rng, w.addresses, n)
    if any(k in lname for k in ("deskripsi", "keterangan", "catatan", "uraian")):
        return pick_values(rng, GENERIC_REMARKS, n)
    if col.pattern:
        pool = regex_samples(col.pattern, seeded_rng(w.seed, ctx.contract.name, col.name, "re"), 64)
        return pick_values(rng, pool, n)
    if col.examples:
        return pick_values(rng, [str(e) for e in col.examples], n)
    if "nama" in lname:
        return pick_values(rng, w.names, n)
    return pick_values(rng, ("ya", "tidak", "lainnya"), n)


def _default_ids(ctx: Ctx, rng: np.random.Generator, idx: np.ndarray, when: np.ndarray) -> np.ndarray:
    """Sequence numbers in the first common layout the key column's pattern and length accept."""
    col = ctx.contract.column(ctx.contract.primary_key[0])
    prefix = ctx.contract.name[:4].upper()
    width = max(6, len(str(ctx.n_total)))
    layouts: list[Callable[[np.ndarray, np.ndarray], np.ndarray]] = [
        lambda seq, year: concat_text(f"{prefix}/{ctx.sender}/", year, "/", seq),
        lambda seq, year: concat_text(f"{prefix}-{sender_slug(ctx.sender).upper()}-", seq),
        lambda seq, year: concat_text(f"{sender_slug(ctx.sender).upper()}", seq),
        lambda seq, year: seq,
    ]
    probe = str_int(np.array([1, 10**width - 1]), width), np.array(["2026", "2026"], dtype=object)
    for layout in layouts:
        sample = layout(*probe)
        if all(fits_column(col, str(v)) for v in sample):
            return layout(str_int(idx + 1, width), year_of(when))
    raise ValueError(f"{ctx.contract.name}.{col.name}: no ID layout fits pattern {col.pattern!r}; add an ids hook")


def _repair_rules(c: Contract, t: dict[str, np.ndarray], w: World) -> None:
    """Make every pair rule hold where both values are present (hooks do; this catches generic columns)."""
    for _ in range(4):
        changed = False
        for r in c.rules:
            a, b = t.get(r.column_a), t.get(r.column_b)
            if a is None or b is None:
                continue
            bad = (a < b) if r.or_equal else (a <= b)
            if a.dtype.kind == "M":
                bad &= ~np.isnat(a) & ~np.isnat(b)
            if not bad.any():
                continue
            changed = True
            if a.dtype.kind == "M":
                step = np.timedelta64(0 if r.or_equal else 1, "m").astype(
                    f"timedelta64[{np.datetime_data(a.dtype)[0]}]"
                )
                t[r.column_a] = np.where(bad, np.minimum(b + step, w.anchor.astype(a.dtype)), a)
            else:
                t[r.column_a] = np.where(bad, b + (0 if r.or_equal else 1), a)
        if not changed:
            return
