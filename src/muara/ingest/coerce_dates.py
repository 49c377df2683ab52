"""Dates and times the way Indonesian officers write them, parsed in bulk with Arrow's RE2 regexes.

Accepted, case-insensitive, surrounding spaces ignored:

- day first: ``22/11/2026``, ``22-11-2026``, ``22.11.2026``, two-digit years (``22/11/26`` -> 2026)
- ISO: ``2026-11-22``, ``2026/11/22``, ``2026-11-22T14:05:00``, fractions of a second
- month names, Indonesian or English, full or short, old spellings too: ``22 Nov 2026``, ``22 Nopember 2026``,
  ``22-Des-2026``, ``Senin, 22 November 2026`` (a weekday in front is ignored)
- a time after any of these: ``14:05``, ``14:05:09``, ``14.05`` (dot as separator), with ``pukul``/``jam``/``pkl``
  in between or not
- an offset after the time: ``Z``, ``+08:00``, ``+0800``, ``+08``, or the zone words ``WIB`` (+07:00),
  ``WITA`` (+08:00), ``WIT`` (+09:00)
- Excel serial day numbers, as numbers or numeric text, between 10000 and 99999 (1927-05-18 .. 2173-10-14);
  a bare ``2026`` is not a date. Fractions are times of day, rounded to the second.
- ``datetime``/``date`` objects (calamine gives them for date-formatted XLSX cells)

Result per value: wall-clock nanoseconds since 1970 (``NaT`` when missing or failed), and, for values that carried
an offset, that offset in minutes; :mod:`muara.ingest.coerce` turns these into city time.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

NAT = np.iinfo(np.int64).min
NS_PER_SECOND = 1_000_000_000
NS_PER_DAY = 86_400 * NS_PER_SECOND
EXCEL_EPOCH_DAYS = 25_569  # serial of 1970-01-01 in Excel's 1900 date system
SERIAL_MIN, SERIAL_MAX = 10_000, 100_000
YEAR_MIN, YEAR_MAX = 1900, 2200

_MONTHS: dict[int, tuple[str, ...]] = {
    1: ("januari", "january", "jan"),
    2: ("februari", "pebruari", "february", "feb", "peb"),
    3: ("maret", "march", "mar"),
    4: ("april", "apr"),
    5: ("mei", "may"),
    6: ("juni", "june", "jun"),
    7: ("juli", "july", "jul"),
    8: ("agustus", "august", "agu", "agt", "ags", "aug"),
    9: ("september", "sept", "sep"),
    10: ("oktober", "october", "okt", "oct"),
    11: ("nopember", "november", "nop", "nov"),
    12: ("desember", "december", "des", "dec"),
}
_WEEKDAYS = "senin|selasa|rabu|kamis|jum'?at|sabtu|minggu|ahad|mon|tue|wed|thu|fri|sat|sun"
_TIME = r"(?:[ t]+(?P<H>\d{1,2})[:.](?P<M>\d{2})(?:[:.](?P<S>\d{2})(?:[.,](?P<f>\d{1,9}))?)?)?"
_ZONE = r"\s*(?P<z>z|[+-]\d{2}(?::?\d{2})?)?"
_PATTERNS = (
    rf"^(?P<y>\d{{4}})[-/](?P<m>\d{{1,2}})[-/](?P<d>\d{{1,2}}){_TIME}{_ZONE}$",
    rf"^(?P<d>\d{{1,2}})[/.-](?P<m>\d{{1,2}})[/.-](?P<y>\d{{4}}|\d{{2}}){_TIME}{_ZONE}$",
    rf"^(?P<d>\d{{1,2}})[ ./-]*m(?P<m>\d{{2}})m[ ./,-]*(?P<y>\d{{4}}){_TIME}{_ZONE}$",
)
_FIELDS = ("y", "m", "d", "H", "M", "S", "f", "z")


@dataclass
class Parsed:
    """Per value: local wall time in ns (NAT when not a time), offset in minutes (only where ``has_offset``),
    ``failed`` (a value was there but is not a date) and ``impossible`` (it looked like a date but is not on
    the calendar, e.g. 31/02/2026 or 25:00)."""

    wall: np.ndarray
    offset: np.ndarray
    has_offset: np.ndarray
    failed: np.ndarray
    impossible: np.ndarray


def parse(values: np.ndarray) -> Parsed:
    n = len(values)
    out = Parsed(
        wall=np.full(n, NAT, dtype=np.int64),
        offset=np.zeros(n, dtype=np.int64),
        has_offset=np.zeros(n, dtype=bool),
        failed=np.zeros(n, dtype=bool),
        impossible=np.zeros(n, dtype=bool),
    )
    if pd.api.types.infer_dtype(values, skipna=True) in ("string", "empty"):
        _parse_strings(values, np.flatnonzero(~pd.isna(values)), out)
        return out
    str_idx: list[int] = []
    for i, v in enumerate(values):
        if v is None:
            continue
        if isinstance(v, str):
            str_idx.append(i)
        elif isinstance(v, bool):
            out.failed[i] = True
        elif isinstance(v, dt.datetime | pd.Timestamp):
            _set_datetime(out, i, v)
        elif isinstance(v, dt.date):
            out.wall[i] = (v.toordinal() - dt.date(1970, 1, 1).toordinal()) * NS_PER_DAY
        elif isinstance(v, int | float | np.integer | np.floating):
            if isinstance(v, float | np.floating) and math.isnan(v):
                continue
            _set_serial(out, i, float(v))
        elif isinstance(v, np.datetime64):
            if not np.isnat(v):
                out.wall[i] = v.astype("datetime64[ns]").astype(np.int64)
        else:  # time of day only, durations, anything else
            out.failed[i] = True
    if str_idx:
        _parse_strings(values, np.asarray(str_idx, dtype=np.int64), out)
    return out


def _set_datetime(out: Parsed, i: int, v: dt.datetime) -> None:
    ts = pd.Timestamp(v)
    if ts.tzinfo is not None:
        off = ts.utcoffset()
        out.offset[i] = int(off.total_seconds() // 60) if off is not None else 0
        out.has_offset[i] = True
        ts = ts.tz_localize(None)
    out.wall[i] = ts.as_unit("ns").value


def _set_serial(out: Parsed, i: int, serial: float) -> None:
    if SERIAL_MIN <= serial < SERIAL_MAX:
        out.wall[i] = round((serial - EXCEL_EPOCH_DAYS) * 86_400) * NS_PER_SECOND
    else:
        out.failed[i] = True


def _parse_strings(values: np.ndarray, idx: np.ndarray, out: Parsed) -> None:
    if not len(idx):
        return
    text = pc.utf8_trim_whitespace(pa.array(values[idx], type=pa.string()))
    present = pc.fill_null(pc.not_equal(text, ""), False).to_numpy(zero_copy_only=False)
    if not present.all():
        idx, text = idx[present], text.filter(pa.array(present))
    todo = np.ones(len(idx), dtype=bool)
    # the fixed-width forms most exports use are sliced, not regex-extracted (several times faster)
    for pattern, spans in _FAST:
        rest = np.flatnonzero(todo)
        if not len(rest):
            return
        sub = text if len(rest) == len(text) else text.take(pa.array(rest))
        hit = pc.match_substring_regex(sub, pattern).to_numpy(zero_copy_only=False)
        if hit.any():
            got = pc.utf8_rpad(sub.filter(pa.array(hit)), 19, "0")  # a missing time reads as 00:00:00
            parts = {
                k: pc.cast(pc.utf8_slice_codeunits(got, a, b), pa.int64()).to_numpy(zero_copy_only=False)
                for k, (a, b) in spans.items()
            }
            _assemble(parts, None, idx[rest[hit]], out)
            todo[rest[hit]] = False
    rest = np.flatnonzero(todo)
    if not len(rest):
        return
    # everything else: lower case, words normalised, the general patterns, then Excel serial numbers
    sub_idx = idx[rest]
    words = _normalise_words(pc.utf8_lower(text.take(pa.array(rest))))
    left = np.ones(len(rest), dtype=bool)
    _try_patterns(words, sub_idx, left, out, _PATTERNS)
    more = np.flatnonzero(left)
    if len(more):
        serial = pc.replace_substring(words.take(pa.array(more)), ",", ".")
        is_num = pc.match_substring_regex(serial, r"^\d{5}(\.\d+)?$").to_numpy(zero_copy_only=False)
        nums = pc.cast(serial.filter(pa.array(is_num)), pa.float64()).to_pylist()
        for j, x in zip(more[is_num], nums, strict=True):
            _set_serial(out, int(sub_idx[j]), float(x))
        left[more[is_num]] = False
    out.failed[sub_idx[left]] = True


_FAST: tuple[tuple[str, dict[str, tuple[int, int]]], ...] = (
    (
        r"^\d\d[/.-]\d\d[/.-]\d{4}(?: \d\d[:.]\d\d(?:[:.]\d\d)?)?$",
        {"d": (0, 2), "m": (3, 5), "y": (6, 10), "H": (11, 13), "M": (14, 16), "S": (17, 19)},
    ),
    (
        r"^\d{4}-\d\d-\d\d(?:[Tt ]\d\d:\d\d(?::\d\d)?)?$",
        {"y": (0, 4), "m": (5, 7), "d": (8, 10), "H": (11, 13), "M": (14, 16), "S": (17, 19)},
    ),
)


def _normalise_words(text: pa.Array) -> pa.Array:
    """Weekdays and 'pukul' dropped, zone words to offsets, month names to ``mNNm`` markers."""
    text = pc.replace_substring_regex(text, r"\s+", " ")
    text = pc.replace_substring_regex(text, rf"^(?:{_WEEKDAYS})[a-z]*\.?\s*,?\s*", "")
    text = pc.replace_substring_regex(text, r"\s*,?\s*\b(?:pukul|pkl\.?|jam)\s*", " ")
    for word, offset in (("wita", "+08:00"), ("wib", "+07:00"), ("wit", "+09:00")):
        text = pc.replace_substring_regex(text, rf"\s*\b{word}\b", offset)
    for number, names in _MONTHS.items():
        text = pc.replace_substring_regex(text, rf"\b(?:{'|'.join(names)})\b\.?", f"m{number:02d}m")
    return text


def _try_patterns(text: pa.Array, idx: np.ndarray, todo: np.ndarray, out: Parsed, patterns: tuple[str, ...]) -> None:
    for pattern in patterns:
        rest = np.flatnonzero(todo)
        if not len(rest):
            return
        sub = text if len(rest) == len(text) else text.take(pa.array(rest))
        got = pc.extract_regex(sub, pattern)
        hit = got.is_valid().to_numpy(zero_copy_only=False)
        if not hit.any():
            continue
        fields = {name: got.field(name).filter(pa.array(hit)) for name in _FIELDS}
        parts = {k: _ints(fields[k]) for k in ("y", "m", "d", "H", "M", "S")}
        two_digit = pc.equal(pc.utf8_length(fields["y"]), 2).to_numpy(zero_copy_only=False)
        parts["y"] = np.where(two_digit, 2000 + parts["y"], parts["y"])
        parts["us"] = _ints(pc.utf8_slice_codeunits(pc.utf8_rpad(fields["f"], 6, "0"), 0, 6))
        _assemble(parts, fields["z"], idx[rest[hit]], out)
        todo[rest[hit]] = False


def _ints(a: pa.Array) -> np.ndarray:
    filled = pc.if_else(pc.equal(a, ""), "0", a)
    return pc.cast(filled, pa.int64()).to_numpy(zero_copy_only=False).astype(np.int64, copy=False)


_DAYS_IN_MONTH = np.array([0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31], dtype=np.int64)


def days_from_civil(y: np.ndarray, m: np.ndarray, d: np.ndarray) -> np.ndarray:
    """Days since 1970-01-01 of a proleptic Gregorian date, in integer arithmetic (H. Hinnant's algorithm)."""
    y = y - (m <= 2)
    era = y // 400
    yoe = y - era * 400
    doy = (153 * ((m + 9) % 12) + 2) // 5 + d - 1
    return era * 146_097 + yoe * 365 + yoe // 4 - yoe // 100 + doy - 719_468


def _assemble(parts: dict[str, np.ndarray], zone: pa.Array | None, where: np.ndarray, out: Parsed) -> None:
    y, m, d, hh, mm, ss = (parts[k] for k in ("y", "m", "d", "H", "M", "S"))
    us = parts.get("us")
    leap = (y % 4 == 0) & ((y % 100 != 0) | (y % 400 == 0))
    dim = _DAYS_IN_MONTH[np.clip(m, 0, 12)] + ((m == 2) & leap)
    ok = (
        (y >= YEAR_MIN) & (y <= YEAR_MAX) & (m >= 1) & (m <= 12) & (d >= 1) & (d <= dim)
        & (hh <= 23) & (mm <= 59) & (ss <= 59)
    )  # fmt: skip
    seconds = days_from_civil(y, m, d) * 86_400 + hh * 3_600 + mm * 60 + ss
    wall = seconds * NS_PER_SECOND + (us * 1_000 if us is not None else 0)
    out.wall[where[ok]] = wall[ok]
    out.impossible[where[~ok]] = True
    out.failed[where[~ok]] = True
    if zone is None:
        return
    has_zone = pc.not_equal(zone, "").to_numpy(zero_copy_only=False) & ok
    if has_zone.any():
        zones = zone.filter(pa.array(has_zone)).to_pylist()
        out.offset[where[has_zone]] = [_offset_minutes(z) for z in zones]
        out.has_offset[where[has_zone]] = True


def _offset_minutes(z: str) -> int:
    if z == "z":
        return 0
    sign = -1 if z[0] == "-" else 1
    digits = z[1:].replace(":", "")
    return sign * (int(digits[:2]) * 60 + (int(digits[2:4]) if len(digits) >= 4 else 0))
