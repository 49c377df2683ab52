"""Column values made with numpy, a chunk at a time: text and number helpers, NIK, phone numbers, plates,
strings matching a pattern, the time helpers the dataset hooks share, and the checks IDs and file names need.

Generators work on whole arrays (object arrays for text, ``datetime64`` for times), never row by row; a
pattern is sampled once into a small pool that rows are picked from.
"""

from __future__ import annotations

from functools import reduce
from typing import Any

import numpy as np

from muara.contract.model import Column
from muara.devtools.demo_data.seeding import norm, pick_values
from muara.devtools.demo_data.vocabulary import PHONE_PREFIXES, ROMAN
from muara.devtools.demo_data.world import World

_S = np.timedelta64(1, "s")


def as_seconds(x: np.ndarray | float) -> np.ndarray:
    return np.asarray(np.round(x), dtype=np.int64) * _S


def str_int(x: np.ndarray, width: int = 0) -> np.ndarray:
    s = np.asarray(x, dtype=np.int64).astype(str)
    return (np.char.zfill(s, width) if width else s).astype(object)


def concat_text(*parts: Any) -> np.ndarray:
    return reduce(lambda a, b: a + b, parts)


def nulls(values: np.ndarray, rng: np.random.Generator, share: float) -> np.ndarray:
    """Blank a share of an optional column, in the column's own null."""
    mask = rng.random(len(values)) < share
    if values.dtype == object:
        values = values.copy()
        values[mask] = None
        return values
    if values.dtype.kind == "M":
        return np.where(mask, np.datetime64("NaT"), values)
    return np.where(mask, np.nan, values.astype(float))


def fake_nik(w: World, rng: np.random.Generator, kel_idx: np.ndarray) -> np.ndarray:
    n = len(kel_idx)
    day = rng.integers(1, 29, n) + np.where(rng.random(n) < 0.5, 40, 0)  # women: day + 40
    tail = day * 10**8 + rng.integers(1, 13, n) * 10**6 + rng.integers(50, 105, n) % 100 * 10**4
    tail += rng.integers(1, 999, n)
    head = int(w.code.replace(".", "")) * 10**12 + w.kel_kec[kel_idx].astype(np.int64) * 10**10
    return str_int(head + tail)


def fake_phone(rng: np.random.Generator, n: int) -> np.ndarray:
    return pick_values(rng, PHONE_PREFIXES, n) + str_int(rng.integers(10**6, 10**8, n), 7)


def fake_plates(w: World, rng: np.random.Generator, n: int, spaced: bool = True) -> np.ndarray:
    letters = np.array(list("ABCDEFGHJKLMNPRSTUVWXYZ"), dtype=object)
    suffix = pick_values(rng, letters, n) + pick_values(rng, letters, n)
    sep = " " if spaced else ""
    return w.plate + sep + str_int(rng.integers(1000, 9999, n)) + sep + suffix


def regex_samples(pattern: str, rng: np.random.Generator, k: int) -> list[str]:
    """Strings matching a simple regex (classes, repeats, groups, alternation), for columns without a hook."""
    import re
    import re._parser as sre

    alnum = [chr(c) for c in range(48, 58)] + [chr(c) for c in range(65, 91)] + [chr(c) for c in range(97, 123)]

    def chars_in(items: list[Any]) -> list[str]:
        pool: list[str] = []
        negate = False
        for op, av in items:
            name = str(op)
            if name == "NEGATE":
                negate = True
            elif name == "LITERAL":
                pool.append(chr(av))
            elif name == "RANGE":
                pool.extend(chr(c) for c in range(av[0], av[1] + 1))
            elif name == "CATEGORY":
                cat = str(av)
                pool.extend([chr(c) for c in range(48, 58)] if "DIGIT" in cat else alnum)
        return [c for c in alnum if c not in pool] if negate else pool or alnum

    def emit(tokens: Any) -> str:
        out = []
        for op, av in tokens:
            name = str(op)
            if name == "LITERAL":
                out.append(chr(av))
            elif name == "ANY":
                out.append(str(rng.choice(alnum)))
            elif name == "IN":
                pool = chars_in(av)
                out.append(pool[int(rng.integers(len(pool)))])
            elif name in ("MAX_REPEAT", "MIN_REPEAT"):
                lo, hi, sub = av
                hi = min(hi, lo + 4) if hi != sre.MAXREPEAT else lo + 4
                out.extend(emit(sub) for _ in range(int(rng.integers(lo, hi + 1))))
            elif name == "SUBPATTERN":
                out.append(emit(av[-1]))
            elif name == "BRANCH":
                alts = av[1]
                out.append(emit(alts[int(rng.integers(len(alts)))]))
            elif name == "CATEGORY":
                out.append(str(rng.integers(10)))
        return "".join(out)

    parsed = sre.parse(pattern)
    compiled = re.compile(pattern)
    samples = [s for s in (emit(parsed) for _ in range(k * 3)) if compiled.fullmatch(s)][:k]
    if not samples:
        raise ValueError(f"cannot make demo values for pattern {pattern!r}")
    return samples


def sender_slug(sender: str) -> str:
    return "".join(ch for ch in sender.lower() if ch.isalnum() or ch == "-")


def fits_column(col: Column, value: str) -> bool:
    import re

    if col.pattern and not re.fullmatch(col.pattern, value):
        return False
    return not ((col.max_length and len(value) > col.max_length) or (col.min_length and len(value) < col.min_length))


def enum(col: Column, rng: np.random.Generator, n: int, weights: dict[str, float]) -> np.ndarray:
    """Allowed values of ``col`` with realistic weights (values the hook does not know get a small share)."""
    values = list(col.valid_values or weights)
    p = norm([weights.get(v, 0.02) for v in values])
    return pick_values(rng, values, n, p)


def ymd(ts: np.ndarray) -> np.ndarray:
    return np.char.replace(np.datetime_as_string(ts, unit="D"), "-", "").astype(object)


def year_of(ts: np.ndarray) -> np.ndarray:
    return str_int(ts.astype("datetime64[Y]").astype(np.int64) + 1970)


def roman_month(ts: np.ndarray) -> np.ndarray:
    return np.array(ROMAN, dtype=object)[ts.astype("datetime64[M]").astype(np.int64) % 12 + 1]


def as_minutes(x: np.ndarray) -> np.ndarray:
    """Durations in minutes (float) as whole-minute timedeltas."""
    return np.asarray(np.round(x), dtype=np.int64) * np.timedelta64(60, "s")


def only_where(mask: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Text values where ``mask`` holds, blank elsewhere."""
    out = values.astype(object)
    out[~mask] = None
    return out


def nat_where(mask: np.ndarray, values: np.ndarray) -> np.ndarray:
    return np.where(mask, values, np.datetime64("NaT"))


def latest_of(*cols: np.ndarray) -> np.ndarray:
    return reduce(np.fmax, cols)


def daytime(ts: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Move officer actions that fall at night to the next morning (07:00-09:00)."""
    day = ts.astype("datetime64[D]")
    hour = (ts - day).astype("timedelta64[h]").astype(np.int64)
    morning = as_minutes(7 * 60 + rng.uniform(0, 120, len(ts)))
    return np.where(hour >= 21, day + np.timedelta64(1, "D") + morning, np.where(hour < 7, day + morning, ts)).astype(
        ts.dtype
    )
