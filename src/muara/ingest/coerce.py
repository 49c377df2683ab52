"""Type a chunk's values per the contract, and say in Bahasa Indonesia which cells could not be typed.

A value that cannot be converted becomes missing in the typed frame *and* yields a :class:`CellError`; nothing is
dropped silently. Missing stays missing (``None``, NaN, empty or blank text) and is not an error here: whether a
column may be empty is the validator's question.

Types produced, per contract logical type:

- ``string``  -> object dtype, ``str`` or ``None``. Text is kept as written except stripped; numbers from XLSX
  become text (``1001.0`` -> ``"1001"``). For a column with allowed values (``validValues``) or a code list, a
  value that equals exactly one allowed code once case, surrounding spaces and runs of spaces, ``_`` or ``-``
  are ignored is replaced by that code as written in the list (``Diproses `` -> ``diproses``, ``pupr`` ->
  ``PUPR``, ``Media Sosial`` -> ``media_sosial``, ``kec alak`` -> ``KEC-ALAK``). Anything else stays as written,
  for the validator to report.
- ``integer`` -> ``Int64``; ``number`` -> ``Float64`` (see :func:`_number_text` for how text is read).
- ``date``    -> ``datetime64[ns]``, naive, at midnight (a time given with a date is dropped; an offset is first
  applied, so ``2026-11-22T23:30:00Z`` in Kupang is 23 November).
- ``timestamp`` -> ``datetime64[ns, <city tz>]``: a time without an offset is city time; one with an offset (or
  ``Z``, ``WIB``, ``WITA``, ``WIT``) is converted to city time.
- ``boolean`` -> ``boolean``: ya/tidak, y/n, true/false, benar/salah, 1/0, yes/no (any case).

Formats accepted for dates are listed in :mod:`muara.ingest.coerce_dates`.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from muara.contract.model import Column, Contract
from muara.ingest import coerce_dates

__all__ = ["CellError", "coerce"]

_TRUE = frozenset({"ya", "y", "iya", "true", "benar", "1", "yes", "aktif"})
_FALSE = frozenset({"tidak", "tdk", "t", "n", "no", "false", "salah", "0", "bukan", "nonaktif", "tidak aktif"})
_CODE_KEY = re.compile(r"[\s_\-]+")
_INT64_DIGITS = 18


@dataclass
class CellError:
    """One value that could not be typed. ``position`` is the 0-based row position within the chunk."""

    position: int
    column: str
    value: str
    reason: str  # type_date | type_number | type_integer | type_boolean
    message: str
    fix: str


def coerce(
    frame: pd.DataFrame, contract: Contract, tz: ZoneInfo, *, headers: Mapping[str, str] | None = None
) -> tuple[pd.DataFrame, list[CellError]]:
    """The frame typed per contract, plus the cells that could not be typed (sorted by row, then column).

    ``headers`` maps a contract column to the header text the officer used (``Layout.columns`` inverted), so
    messages name the column as the officer knows it; without it the business name is used. Columns of the frame
    that are not in the contract are passed through unchanged.
    """
    out: dict[str, object] = {}
    errors: list[CellError] = []
    label = {c.name: c.business_name for c in contract.columns}
    label.update(headers or {})
    for name in frame.columns:
        if name not in label:
            out[name] = frame[name]
            continue
        col = contract.column(name)
        values = frame[name].to_numpy(dtype=object)
        typed, bad = _convert(values, col, tz)
        dtype = object if isinstance(typed, np.ndarray) and typed.dtype == object else None
        out[name] = pd.Series(typed, index=frame.index, name=name, dtype=dtype)
        for pos in np.flatnonzero(bad.mask):
            errors.append(_error(int(pos), col, label[name], values[pos], bad.reason, bool(bad.impossible[pos])))
    order = {c.name: i for i, c in enumerate(contract.columns)}
    errors.sort(key=lambda e: (e.position, order.get(e.column, 0)))
    return pd.DataFrame(out, index=frame.index), errors


@dataclass
class _Bad:
    mask: np.ndarray
    reason: str
    impossible: np.ndarray


def _convert(values: np.ndarray, col: Column, tz: ZoneInfo) -> tuple[object, _Bad]:
    n = len(values)
    none = np.zeros(n, dtype=bool)
    lt = col.logical_type
    if lt in ("date", "timestamp"):
        p = coerce_dates.parse(values)
        return _to_time(p, lt, tz), _Bad(p.failed, "type_date", p.impossible)
    if lt in ("integer", "number"):
        typed, bad = _to_number(values, col)
        return typed, _Bad(bad, f"type_{lt}", none)
    if lt == "boolean":
        typed, bad = _to_boolean(values)
        return typed, _Bad(bad, "type_boolean", none)
    return _to_text(values, col), _Bad(none, "", none)


# ---------------------------------------------------------------------------------------------------- text


def _to_text(values: np.ndarray, col: Column) -> np.ndarray:
    out = _stripped_strings(values)
    if out is None:  # numbers, dates or booleans among the values (a spreadsheet's cells): one by one
        out = np.empty(len(values), dtype=object)
        out[:] = [(v.strip() or None) if type(v) is str else _text(v) for v in values]
    canon = _canonical(col)
    if canon:
        mapping = {}
        for v in pd.unique(out):
            code = canon.get(_code_key(v)) if v is not None else None
            if code is not None and code != v:
                mapping[v] = code
        if mapping:
            out[:] = [mapping.get(v, v) if v is not None else None for v in out]
    return out


def _stripped_strings(values: np.ndarray) -> np.ndarray | None:
    """Text and blanks only (every CSV column, most others): stripped, empty -> None, in Arrow.

    Arrow's ``utf8_trim_whitespace`` strips exactly the characters ``str.strip()`` does (checked over every
    code point up to U+2FFFF). None when a value is not text, for :func:`_text` to render one by one.
    """
    try:
        arr = pa.array(values, type=pa.string(), from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return None
    trimmed = pc.utf8_trim_whitespace(arr)
    out: np.ndarray = pc.if_else(pc.equal(trimmed, ""), pa.scalar(None, pa.string()), trimmed).to_numpy(
        zero_copy_only=False
    )
    return out


def _text(v: object) -> str | None:
    if v is None:
        return None
    if type(v) is str:
        return v.strip() or None
    if isinstance(v, bool | np.bool_):
        return "true" if v else "false"
    if isinstance(v, float | np.floating):
        x = float(v)
        if math.isnan(x):
            return None
        return str(int(x)) if x.is_integer() and abs(x) < 1e18 else repr(x)
    if isinstance(v, dt.datetime):
        return v.isoformat(sep=" ")
    if isinstance(v, dt.date | dt.time):
        return v.isoformat()
    return str(v).strip() or None


def _code_key(text: str) -> str:
    return _CODE_KEY.sub("_", text.casefold()).strip("_")


def _canonical(col: Column) -> dict[str, str]:
    """Normalised key -> allowed code, for keys that point to exactly one code."""
    return _canonical_for(col.valid_values, col.code_list)


@cache
def _canonical_for(valid: tuple[str, ...] | None, code_list: str | None) -> dict[str, str]:
    codes: list[str] = list(valid or ())
    if code_list:
        try:
            from muara.contract import reference

            codes += reference.values(code_list)
        except Exception:  # the list or the city is not configured: keep values as written
            pass
    keys: dict[str, set[str]] = {}
    for code in codes:
        keys.setdefault(_code_key(code), set()).add(code)
    return {k: next(iter(v)) for k, v in keys.items() if len(v) == 1}


# --------------------------------------------------------------------------------------------------- numbers


def _to_number(values: np.ndarray, col: Column) -> tuple[pd.api.extensions.ExtensionArray, np.ndarray]:
    """Numbers from Python numbers and from text; see :func:`_number_text` for the text rules."""
    integer = col.logical_type == "integer"
    n = len(values)
    result = np.zeros(n, dtype=np.float64)
    exact = np.zeros(n, dtype=np.int64)  # integers from text, without passing through float
    use_exact = np.zeros(n, dtype=bool)
    missing = np.asarray(pd.isna(values), dtype=bool)
    bad = np.zeros(n, dtype=bool)
    text_idx: list[int] = []
    kinds = pd.api.types.infer_dtype(values, skipna=True)
    if kinds in ("string", "empty"):
        text_idx = np.flatnonzero(~missing).tolist()
    else:
        for i, v in enumerate(values):
            if missing[i]:
                continue
            if isinstance(v, str):
                text_idx.append(i)
            elif isinstance(v, bool | np.bool_) or not isinstance(v, int | float | np.integer | np.floating):
                bad[i] = True
            elif isinstance(v, int | np.integer) and abs(int(v)) < 2**63:
                exact[i], use_exact[i] = int(v), True
            else:
                result[i] = float(v)
    if text_idx:
        idx = np.asarray(text_idx, dtype=np.int64)
        vals, ints, is_int, empty, failed = _number_text(values[idx], integer, col.physical_type == "numeric(18,2)")
        result[idx] = vals
        exact[idx] = ints
        use_exact[idx] = is_int
        missing[idx[empty]] = True
        bad[idx[failed]] = True
    if integer:
        fine = ~missing & ~bad & ~use_exact
        frac = fine & ~(np.isfinite(result) & (np.floor(result) == result) & (np.abs(result) < 2**63))
        bad |= frac
        take = fine & ~frac
        exact[take] = result[take].astype(np.int64)
        mask = missing | bad
        return pd.arrays.IntegerArray(np.where(mask, 0, exact), mask), bad
    result = np.where(use_exact, exact.astype(np.float64), result)
    bad |= ~missing & ~bad & ~np.isfinite(result)
    mask = missing | bad
    return pd.arrays.FloatingArray(np.where(mask, 0.0, result), mask), bad


def _number_text(
    values: np.ndarray, integer: bool, rupiah: bool
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Indonesian number text, in bulk: (floats, exact ints, is-exact-int, empty, failed).

    Spaces (also non-breaking) are ignored, as are ``Rp``/``IDR`` in front and ``,-`` at the end. A comma is the
    decimal separator and dots group thousands (``1.234.567,50``); English ``1,234,567.50`` is read too when both
    separators or several comma groups show it. A single dot followed by exactly three digits (``1.234``) groups
    thousands in an integer column, in a Rupiah value (``Rp``) and in a ``numeric(18,2)`` column; elsewhere it is
    a decimal point (``-10.1718``). A lone comma is always decimal, so ``12,5`` in an integer column is an error.
    """
    n = len(values)
    floats = np.zeros(n, dtype=np.float64)
    ints = np.zeros(n, dtype=np.int64)
    is_int = np.zeros(n, dtype=bool)
    empty = np.zeros(n, dtype=bool)
    failed = np.zeros(n, dtype=bool)
    arr = pa.array(values, type=pa.string())
    # fast path for the plain forms most exports use: 123, -10,1718
    simple = r"^\s*-?\d{1,18}\s*$" if integer else r"^\s*-?\d+(?:,\d+)?\s*$"
    fast = pc.fill_null(pc.match_substring_regex(arr, simple), False).to_numpy(zero_copy_only=False)
    if fast.any():
        plain = pc.utf8_trim_whitespace(arr.filter(pa.array(fast)))
        if integer:
            ints[fast] = pc.cast(plain, pa.int64()).to_numpy(zero_copy_only=False)
            is_int[fast] = True
        else:
            floats[fast] = pc.cast(pc.replace_substring(plain, ",", "."), pa.float64()).to_numpy(zero_copy_only=False)
    slow = np.flatnonzero(~fast)
    if len(slow):
        f, i, ii, e, bad = _number_text_general(arr.take(pa.array(slow)), integer, rupiah)
        floats[slow], ints[slow], is_int[slow], empty[slow], failed[slow] = f, i, ii, e, bad
    return floats, ints, is_int, empty, failed


def _number_text_general(
    arr: pa.Array, integer: bool, rupiah: bool
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    t = pc.utf8_lower(arr)
    t = pc.replace_substring_regex(t, r"[\s\x{00a0}\x{202f}]+", "")
    has_rp = pc.match_substring_regex(t, r"^[-+]?(?:rp|idr)").to_numpy(zero_copy_only=False)
    t = pc.replace_substring_regex(t, r"^([-+]?)(?:rp|idr)\.?", r"\1")
    t = pc.replace_substring_regex(t, r"[.,]-$", "")
    t = pc.replace_substring_regex(t, r"^\+", "")
    single_dot = pc.match_substring_regex(t, r"^[-+]?\d{1,3}\.\d{3}$").to_numpy(zero_copy_only=False)
    dot_groups = pc.match_substring_regex(t, r"^[-+]?\d{1,3}(?:\.\d{3})+(?:,\d+)?$").to_numpy(zero_copy_only=False)
    dot_groups &= ~single_dot | integer | rupiah | has_rp
    comma_groups = pc.match_substring_regex(t, r"^[-+]?\d{1,3}(?:,\d{3}){2,}$|^[-+]?\d{1,3}(?:,\d{3})+\.\d+$")
    no_dots = pc.replace_substring(t, ".", "")
    no_commas = pc.replace_substring(t, ",", "")
    plain = pc.replace_substring(t, ",", ".")
    cleaned = pc.if_else(
        pa.array(dot_groups), pc.replace_substring(no_dots, ",", "."), pc.if_else(comma_groups, no_commas, plain)
    )
    empty = pc.equal(cleaned, "").to_numpy(zero_copy_only=False)
    is_int = pc.match_substring_regex(cleaned, rf"^[-+]?\d{{1,{_INT64_DIGITS}}}$").to_numpy(zero_copy_only=False)
    is_num = pc.match_substring_regex(cleaned, r"^[-+]?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?$").to_numpy(
        zero_copy_only=False
    )
    null = pa.scalar(None, pa.string())
    floats = pc.fill_null(pc.cast(pc.if_else(pa.array(is_num), cleaned, null), pa.float64()), 0.0)
    ints = pc.fill_null(pc.cast(pc.if_else(pa.array(is_int), cleaned, null), pa.int64()), 0)
    return (
        floats.to_numpy(zero_copy_only=False),
        ints.to_numpy(zero_copy_only=False),
        is_int,
        empty,
        ~is_num & ~empty,
    )


# -------------------------------------------------------------------------------------------------- booleans


def _to_boolean(values: np.ndarray) -> tuple[pd.api.extensions.ExtensionArray, np.ndarray]:
    n = len(values)
    data = np.zeros(n, dtype=bool)
    mask = np.zeros(n, dtype=bool)
    bad = np.zeros(n, dtype=bool)
    for i, v in enumerate(values):
        if v is None or (isinstance(v, float) and math.isnan(v)):
            mask[i] = True
        elif isinstance(v, bool | np.bool_) or (isinstance(v, int | float | np.integer | np.floating) and v in (0, 1)):
            data[i] = bool(v)
        elif isinstance(v, str) and not v.strip():
            mask[i] = True
        elif isinstance(v, str) and " ".join(v.casefold().split()) in _TRUE:
            data[i] = True
        elif isinstance(v, str) and " ".join(v.casefold().split()) in _FALSE:
            data[i] = False
        else:
            mask[i] = bad[i] = True
    return pd.arrays.BooleanArray(data, mask), bad


# ----------------------------------------------------------------------------------------------------- times


def _to_time(p: coerce_dates.Parsed, logical_type: str, tz: ZoneInfo) -> pd.Series:
    wall = p.wall
    valid = wall != coerce_dates.NAT
    local = valid & ~p.has_offset
    utc = np.full(len(wall), coerce_dates.NAT, dtype=np.int64)
    if local.any():
        idx = pd.DatetimeIndex(wall[local].view("datetime64[ns]")).tz_localize(tz, ambiguous="NaT", nonexistent="NaT")
        utc[local] = idx.asi8
    fixed = valid & p.has_offset
    if fixed.any():
        utc[fixed] = wall[fixed] - p.offset[fixed] * 60 * coerce_dates.NS_PER_SECOND
    aware = pd.DatetimeIndex(utc.view("datetime64[ns]")).tz_localize("UTC").tz_convert(tz)
    if logical_type == "timestamp":
        return pd.Series(aware)
    local_wall = aware.tz_localize(None).asi8
    days = np.where(
        local_wall == coerce_dates.NAT, local_wall, local_wall // coerce_dates.NS_PER_DAY * coerce_dates.NS_PER_DAY
    )
    return pd.Series(days.view("datetime64[ns]"))


# ---------------------------------------------------------------------------------------------------- errors


def _error(pos: int, col: Column, header: str, value: object, reason: str, impossible: bool) -> CellError:
    shown = _shown(value)
    if reason == "type_date":
        kind = "Tanggal" if col.logical_type == "date" else "Waktu"
        what = "tidak ada di kalender" if impossible else "tidak dikenali"
        message = f"{kind} '{shown}' di kolom '{header}' {what}."
        if col.logical_type == "date":
            fix = "Tulis tanggal sebagai dd/mm/yyyy, misalnya 22/11/2026."
        else:
            fix = "Tulis waktu sebagai dd/mm/yyyy jj:mm (waktu setempat), misalnya 22/11/2026 14:05."
    elif reason == "type_integer":
        message = f"Nilai '{shown}' di kolom '{header}' harus bilangan bulat."
        fix = "Tulis bilangan bulat tanpa koma desimal dan tanpa huruf, misalnya 12 atau 1.234."
    elif reason == "type_boolean":
        message = f"Nilai '{shown}' di kolom '{header}' harus Ya atau Tidak."
        fix = "Tulis Ya atau Tidak."
    else:
        message = f"Angka '{shown}' di kolom '{header}' tidak dikenali."
        if col.physical_type == "numeric(18,2)":
            fix = "Tulis nilai rupiah dengan titik ribuan dan koma desimal, misalnya 1.234.567,50."
        else:
            fix = "Tulis angka tanpa huruf, dengan koma sebagai tanda desimal, misalnya -10,1718."
    return CellError(position=pos, column=col.name, value=shown, reason=reason, message=message, fix=fix)


def _shown(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value)
