"""The mistakes officers really make, put into a small share of rows so validation has something to catch.

Each spoilt row gets one kind, chosen among those the contract makes possible; the counts are reported per file.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import numpy as np

from muara.devtools.demo_data.shapes import Ctx

MISTAKE_KINDS = ("unknown_kelurahan", "bad_date", "missing_required", "duplicate_id", "closed_before_opened")
MISTAKE_SHARE = 0.01
BAD_DATES = ("31/02/2026", "30/02/2026", "kemarin", "32/01/2026", "00/00/0000", "2026-13-01", "tgl 5", "15/13/2025")


def apply_mistakes(
    ctx: Ctx, rng: np.random.Generator, t: dict[str, np.ndarray], k: int
) -> tuple[dict[str, dict[int, str]], Counter[str]]:
    """Spoil ``k`` rows the way officers do; returns text overrides (bad dates) and counts by kind.

    Long on purpose: which mistakes fit a row and the making of the chosen one draw from one random stream in
    one order (the demo's bytes depend on it); split, the halves would pass the stream and five candidate lists
    between them."""
    c, w = ctx.contract, ctx.world
    n = len(next(iter(t.values())))
    overrides: dict[str, dict[int, str]] = {}
    counts: Counter[str] = Counter()
    k = min(k, n - 1) if n > 1 else 0
    if k <= 0:
        return overrides, counts
    rows = rng.choice(n, size=k, replace=False)
    clean = np.setdiff1d(np.arange(n), rows)
    pk = set(c.primary_key)
    kel_cols = [col.name for col in c.columns if col.code_list == "kelurahan.kode_kelurahan"]
    timed = [col for col in c.columns if col.logical_type in ("date", "timestamp")]
    date_cols = [x.name for x in sorted(timed, key=lambda x: (x.name in pk, not x.required))]
    req = [x.name for x in c.columns if x.required and x.name not in pk and x.name != c.owner_column]
    req = req or [x.name for x in c.columns if x.required and x.name != c.owner_column]
    for i in rows.tolist():
        options = []
        if kel_cols:
            options.append("unknown_kelurahan")
        dated = [d for d in date_cols if not _is_null(t[d][i])]
        if dated:
            options.append("bad_date")
        if req:
            options.append("missing_required")
        if pk and len(clean):
            options.append("duplicate_id")
        rules = [r for r in c.rules if _rule_spoilable(t, r, i)]
        if rules:
            options.append("closed_before_opened")
        kind = options[int(rng.integers(len(options)))]
        if kind == "unknown_kelurahan":
            col = kel_cols[int(rng.integers(len(kel_cols)))]
            t[col][i] = w.unknown_kel[int(rng.integers(len(w.unknown_kel)))]
        elif kind == "bad_date":
            overrides.setdefault(dated[0], {})[i] = BAD_DATES[int(rng.integers(len(BAD_DATES)))]
        elif kind == "missing_required":
            col = req[int(rng.integers(len(req)))]
            t[col][i] = _null_of(t[col])
        elif kind == "duplicate_id":
            j = int(clean[int(rng.integers(len(clean)))])
            for name in t:
                t[name][i] = t[name][j]
        else:
            r = rules[int(rng.integers(len(rules)))]
            a, b = t[r.column_a], t[r.column_b]
            if a.dtype.kind == "M":
                unit = np.datetime_data(a.dtype)[0]
                back = (
                    np.timedelta64(int(rng.integers(1, 72)), "h")
                    if unit != "D"
                    else np.timedelta64(int(rng.integers(1, 5)), "D")
                )
                a[i] = b[i] - back.astype(a.dtype.str.replace("M8", "m8"))
            else:
                b[i] = a[i] + int(rng.integers(1, 6))
        counts[kind] += 1
    return overrides, counts


def _rule_spoilable(t: dict[str, np.ndarray], r: Any, i: int) -> bool:
    a, b = t.get(r.column_a), t.get(r.column_b)
    if a is None or b is None:
        return False
    return not _is_null(b[i]) if a.dtype.kind == "M" else not _is_null(a[i])


def _is_null(v: Any) -> bool:
    return v is None or (isinstance(v, float) and v != v) or (isinstance(v, np.datetime64) and np.isnat(v))


def _null_of(arr: np.ndarray) -> Any:
    if arr.dtype == object:
        return None
    if arr.dtype.kind == "M":
        return np.datetime64("NaT")
    return np.nan
