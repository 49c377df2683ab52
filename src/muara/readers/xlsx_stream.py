"""Streaming rows of an XLSX sheet too big to load whole, with openpyxl's read-only mode.

Used by :mod:`muara.readers.xlsx_reader` only when its memory plan says calamine would pass the budget. openpyxl
parses the sheet XML as a stream and keeps one row at a time; the shared strings are held (their size was checked
before). The sheet's declared ``<dimension>`` is ignored (``reset_dimensions``): a file that claims ``A1:XFD1048576``
would otherwise make every row 16,384 cells wide. Gaps between rows come back as empty rows, so Excel row numbers
stay right.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from muara.readers.types import not_a_table


def sheet_rows(path: Path) -> Callable[[str], Iterator[list[Any]] | None]:
    """A function giving the rows (lists of values) of the named sheet from its row 1, or None when it is empty."""
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True, keep_links=False)
    except Exception as exc:  # openpyxl raises KeyError, ValueError, zipfile and XML errors for broken files
        raise not_a_table(path, f"berkas Excel rusak ({type(exc).__name__})") from exc

    def rows(name: str) -> Iterator[list[Any]] | None:
        ws = wb[name]
        ws.reset_dimensions()
        it = ws.iter_rows(values_only=True)
        first = next(it, None)
        if first is None:
            return None
        return _lists(first, it)

    return rows


def _lists(first: tuple[Any, ...], rest: Iterator[tuple[Any, ...]]) -> Iterator[list[Any]]:
    yield list(first)
    for row in rest:
        yield list(row)
