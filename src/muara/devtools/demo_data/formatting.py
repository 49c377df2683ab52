"""Cell values as each format holds them: dd/mm/yyyy text or Excel serial dates, ISO dates in JSON, decimal
commas and Ya/Tidak in CSV. Dates are rearranged as characters, not formatted one by one, to stay fast.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from muara.contract.model import Column


def _dmy(values: np.ndarray, with_time: bool) -> list[str | None]:
    """dd/mm/yyyy [HH:MM] text, vectorised by rearranging the characters of ISO strings."""
    iso = np.datetime_as_string(values.astype("datetime64[m]"), unit="m").astype("U16")
    chars = iso.view("U1").reshape(-1, 16)
    order = [8, 9, 4, 5, 6, 7, 0, 1, 2, 3, 10, 11, 12, 13, 14, 15] if with_time else [8, 9, 4, 5, 6, 7, 0, 1, 2, 3]
    out = chars[:, order]
    out[:, 2] = "/"
    out[:, 5] = "/"
    if with_time:
        out[:, 10] = " "
    text = np.ascontiguousarray(out).view(f"U{len(order)}").ravel().astype(object)
    text[np.isnat(values)] = None
    return text.tolist()


def _iso(values: np.ndarray, with_time: bool) -> list[str | None]:
    text = np.datetime_as_string(values, unit="s" if with_time else "D").astype(object)
    text[np.isnat(values)] = None
    return text.tolist()


def _excel_serial(values: np.ndarray) -> list[float | None]:
    secs = values.astype("datetime64[s]").astype(np.int64)
    serial = (secs / 86400.0 + 25569.0).astype(object)
    serial[np.isnat(values)] = None
    return serial.tolist()


def _numbers(values: np.ndarray, integer: bool, comma: bool) -> list[Any]:
    out: list[Any] = []
    for x in values.tolist():
        if x is None or x != x:
            out.append(None)
        elif integer or float(x).is_integer():
            out.append(str(int(x)) if comma else int(x))
        else:
            out.append(repr(float(x)).replace(".", ",") if comma else float(x))
    return out


def format_cells(col: Column, values: np.ndarray, fmt: str, excel_dates: bool) -> list[Any]:
    """One column of a chunk as the values a file of ``fmt`` holds."""
    lt = col.logical_type
    if lt == "timestamp" or lt == "date":
        values = values.astype("datetime64[s]" if lt == "timestamp" else "datetime64[D]")
        if fmt == "json":
            return _iso(values, lt == "timestamp")
        if fmt == "xlsx" and excel_dates:
            return _excel_serial(values)
        return _dmy(values, lt == "timestamp")
    if lt in ("integer", "number"):
        return _numbers(values, lt == "integer", comma=fmt == "csv")
    if lt == "boolean":
        if fmt == "csv":
            return [None if v is None else ("Ya" if v else "Tidak") for v in values.tolist()]
        return [None if v is None else bool(v) for v in values.tolist()]
    return values.tolist()
