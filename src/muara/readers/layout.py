"""What the format readers share: finding the header row, mapping it to the contract, and cutting chunks.

A header row is the row (within the first 30) that names the most contract columns, matched through
``Contract.header_map()`` (name, business name and aliases, ignoring case, spaces and punctuation). Chunks are
built from per-column value lists, fully blank rows dropped, and re-cut to exactly ``chunk_rows`` rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import chain
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from muara.contract.model import Contract, normalise_header
from muara.readers.types import Chunk, Layout, UnusableFile

HEADER_SEARCH_ROWS = 30  # the header must be within the first 30 rows/lines
MIN_HEADER_MATCHES = 2  # a header row names at least this many contract columns (fewer if the contract is smaller)


# ------------------------------------------------------------------------------------------ header matching


@dataclass(frozen=True)
class HeaderMatch:
    """A header row found in a file: per physical column, its text and the contract column it maps to."""

    index: int  # 0-based position of the (lower) header row among the rows searched
    texts: tuple[str, ...]  # header text per physical column ("" for an unnamed column)
    targets: tuple[str | None, ...]  # contract column per physical column, None when unknown/unnamed/duplicate
    matched: int
    #: (contract column, first header, its position, second header, its position) for a contract column that
    #: two header cells name: which one holds the data cannot be guessed
    duplicates: tuple[tuple[str, str, int, str, int], ...] = ()


def cell_text(value: Any) -> str:
    """A header cell as text: ``12.0`` -> ``12``; None -> ``""``; whitespace collapsed."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


def match_row(cells: Sequence[Any], above: Sequence[Any] | None, hmap: dict[str, str]) -> HeaderMatch:
    """Map one candidate header row, with the row above it for two-row (merged group) headers.

    Per column: the cell's own text if it matches; else the group text above (carried right over the merged
    area, e.g. "Waktu" over "Lapor" and "Selesai") joined with the cell's text; else, for an empty cell, the text
    directly above (a header cell merged down over both rows). ``matched`` counts the contract columns named by
    the row's own cells, so a row is never a header only because of the row above it.
    """
    own = [cell_text(c) for c in cells]
    raw_above = [cell_text(c) for c in above] if above is not None else []
    raw_above += [""] * (len(own) - len(raw_above))
    group = list(raw_above)
    for j in range(1, len(group)):
        if not group[j]:
            group[j] = group[j - 1]
    texts: list[str] = []
    targets: list[str | None] = []
    seen: dict[str, int] = {}
    duplicates: list[tuple[str, str, int, str, int]] = []
    matched = 0
    for j, text in enumerate(own):
        target: str | None = None
        label = text
        if text:
            target = hmap.get(normalise_header(text))
            if target is None and group[j]:
                combined = f"{group[j]} {text}"
                target = hmap.get(normalise_header(combined))
                if target is not None:
                    label = combined
            if target is not None and target not in seen:
                matched += 1
        elif raw_above[j]:
            label = raw_above[j]
            target = hmap.get(normalise_header(label))
        if target is not None and target in seen:
            first = seen[target]
            duplicates.append((target, texts[first], first + 1, label, j + 1))
            target = None
        if target is not None:
            seen[target] = j
        texts.append(label)
        targets.append(target)
    return HeaderMatch(
        index=-1, texts=tuple(texts), targets=tuple(targets), matched=matched, duplicates=tuple(duplicates)
    )


def find_header(rows: Sequence[Sequence[Any]], contract: Contract) -> HeaderMatch | None:
    """The row among ``rows`` that names the most contract columns (the earliest on a tie), or None."""
    hmap = contract.header_map()
    need = min(MIN_HEADER_MATCHES, len(contract.columns))
    best: HeaderMatch | None = None
    for i, row in enumerate(rows):
        m = match_row(row, rows[i - 1] if i > 0 else None, hmap)
        total = sum(t is not None for t in m.targets)
        if m.matched and total >= need and (best is None or total > best.matched):
            best = HeaderMatch(index=i, texts=m.texts, targets=m.targets, matched=total, duplicates=m.duplicates)
    return best


def layout_for(
    contract: Contract,
    path: Path,
    match: HeaderMatch,
    *,
    fmt: str,
    encoding: str | None = None,
    delimiter: str | None = None,
    sheet: str | None = None,
    header_row: int | None = None,
) -> Layout:
    """The :class:`Layout` of a matched header; raises ``duplicate_columns`` when two header cells name one
    contract column and ``missing_columns`` when a required column is absent."""
    if match.duplicates:
        where = f" (baris judul: baris {header_row})" if header_row else ""
        listed = "; ".join(
            f"'{contract.column(target).business_name}' disebut dua kali: '{a}' (kolom ke-{i}) dan '{b}' (kolom ke-{j})"
            for target, a, i, b, j in match.duplicates
        )
        raise UnusableFile(
            "duplicate_columns",
            f"Judul kolom di berkas '{path.name}'{_sheet_part(sheet)}{where} bentrok: {listed}. Muara tidak bisa "
            "menebak kolom mana yang berisi datanya.",
            "Hapus kolom yang berlebih, atau ganti judulnya dengan judul lain yang tidak dikenal kontrak, lalu kirim "
            "lagi.",
        )
    columns: dict[str, str] = {}
    unknown: list[str] = []
    for text, target in zip(unique_labels(match.texts), match.targets, strict=True):
        if target is not None:
            columns[text] = target
        elif text:
            unknown.append(text)
    present = set(columns.values())
    missing_required = [c for c in contract.columns if c.required and c.name not in present]
    if missing_required:
        where = f" (baris judul: baris {header_row})" if header_row else ""
        listed = "; ".join(
            f"'{c.business_name}' (judul yang diterima: {', '.join(dict.fromkeys(c.headers))})"
            for c in missing_required
        )
        found = ", ".join(t for t in match.texts if t) or "-"
        raise UnusableFile(
            "missing_columns",
            f"Kolom wajib tidak ditemukan di berkas '{path.name}'{_sheet_part(sheet)}: {listed}. "
            f"Judul kolom yang ada{where}: {found}.",
            "Tambahkan kolom tersebut dengan salah satu judul yang diterima di baris judul, isi datanya, "
            "lalu kirim ulang.",
        )
    return Layout(
        path=path,
        format=fmt,
        encoding=encoding,
        delimiter=delimiter,
        sheet=sheet,
        header_row=header_row,
        columns=columns,
        unknown_columns=tuple(unknown),
        missing_optional=tuple(c.name for c in contract.columns if c.name not in present),
    )


def unique_labels(texts: Sequence[str]) -> list[str]:
    """Header texts made unique so they can name DataFrame columns: the second "Status" becomes "Status (2)"."""
    out: list[str] = []
    seen: dict[str, int] = {}
    for t in texts:
        if not t:
            out.append("")
            continue
        n = seen.get(t, 0) + 1
        seen[t] = n
        out.append(t if n == 1 else f"{t} ({n})")
    return out


def no_header(path: Path, contract: Contract, where: str) -> UnusableFile:
    examples = ", ".join(c.business_name for c in contract.columns if c.required)
    return UnusableFile(
        "no_header",
        f"Baris judul kolom tidak ditemukan di {where} berkas '{path.name}'"
        f" (diperiksa {HEADER_SEARCH_ROWS} baris pertama).",
        f"Pastikan salah satu dari {HEADER_SEARCH_ROWS} baris pertama berisi judul kolom data {contract.title}, "
        f"misalnya: {examples}.",
    )


def no_rows(path: Path, sheet: str | None = None) -> UnusableFile:
    return UnusableFile(
        "no_rows",
        f"Berkas '{path.name}'{_sheet_part(sheet)} hanya berisi judul kolom, tanpa satu pun baris data.",
        "Periksa apakah ekspor sudah memilih periode yang benar. Bila memang tidak ada data, berkas tidak perlu "
        "dikirim.",
    )


def _sheet_part(sheet: str | None) -> str:
    return f" (lembar '{sheet}')" if sheet else ""


# ------------------------------------------------------------------------------------------ chunk building


class ChunkBuilder:
    """Turns per-physical-column value lists into :class:`Chunk` objects under the layout's names."""

    def __init__(self, contract: Contract, match: HeaderMatch) -> None:
        labels = unique_labels(match.texts)
        by_target = {t: j for j, t in enumerate(match.targets) if t is not None}
        self.known: list[tuple[str, int]] = [
            (c.name, by_target[c.name]) for c in contract.columns if c.name in by_target
        ]
        self.unknown: list[tuple[str, int]] = [
            (labels[j], j) for j, t in enumerate(match.targets) if t is None and labels[j]
        ]

    def build(
        self,
        columns: Sequence[Sequence[Any]],
        row_numbers: np.ndarray,
        overflow: tuple[str, Sequence[Any] | None] | None = None,
        oversized: bool = False,
        nbytes: int = 0,
    ) -> Chunk | None:
        """A chunk from cleaned columns (indexed by physical column), fully blank rows dropped; None if empty.

        ``overflow`` is an optional (label, values) extra column, added only when it holds a value (CSV rows with
        more fields than the header)."""
        n = len(row_numbers)
        frame = object_frame({name: _col(columns, j, n) for name, j in self.known}, n)
        extras = {name: _col(columns, j, n) for name, j in self.unknown}
        if overflow is not None and overflow[1] is not None and any(v is not None for v in overflow[1]):
            extras[overflow[0]] = overflow[1]
        extra = object_frame(extras, n) if extras else None
        blank = frame.isna().all(axis=1).to_numpy(copy=True)
        if extra is not None:
            blank &= extra.isna().all(axis=1).to_numpy()
        if blank.all():
            return None
        rows = np.asarray(row_numbers, dtype=np.int64)
        if blank.any():
            keep = ~blank
            frame = frame.loc[keep].reset_index(drop=True)
            extra = extra.loc[keep].reset_index(drop=True) if extra is not None else None
            rows = rows[keep]
        return Chunk(frame=frame, row_numbers=rows, extra=extra, oversized=oversized, nbytes=nbytes * len(rows) // n)


def _col(columns: Sequence[Sequence[Any]], j: int, n: int) -> Sequence[Any]:
    return columns[j] if j < len(columns) else [None] * n


def object_frame(data: dict[str, Sequence[Any]], n: int) -> pd.DataFrame:
    """A DataFrame of object columns (pandas 3 would otherwise infer its ``str`` dtype and turn None into NaN)."""
    cols = {}
    for name, values in data.items():
        arr = values if isinstance(values, np.ndarray) and values.dtype == object else _obj_array(values)
        cols[name] = pd.Series(arr, dtype=object, copy=False)
    return pd.DataFrame(cols, index=pd.RangeIndex(n), copy=False)


def _obj_array(values: Sequence[Any]) -> np.ndarray:
    arr = np.empty(len(values), dtype=object)
    arr[:] = list(values)
    return arr


def clean_text_values(values: Iterable[Any]) -> list[Any]:
    """Strip text and turn empty text into None; other values (numbers, dates from XLSX/JSON) are kept."""
    return [(v.strip() or None) if type(v) is str else v for v in values]


CHUNK_BYTES = 64 * 1024 * 1024  # a chunk of wide rows of long text is cut before it holds more than this


def rebatch(chunks: Iterable[Chunk], chunk_rows: int, max_bytes: int = CHUNK_BYTES) -> Iterator[Chunk]:
    """Re-cut chunks so each holds exactly ``chunk_rows`` rows (the last one fewer), copying each row once; when the
    reader measured its rows (``Chunk.nbytes``), a chunk is also cut before it holds ``max_bytes`` of text."""
    buf: list[Chunk] = []
    held, weight = 0, 0.0
    for c in chunks:
        n, used = len(c.row_numbers), 0
        per_row = c.nbytes / n if n else 0.0
        while used < n:
            room = chunk_rows - held
            if per_row:
                room = min(room, max(1, int((max_bytes - weight) // per_row)))
            take = min(room, n - used)
            buf.append(c if (used, take) == (0, n) else _slice(c, used, used + take))
            used += take
            held += take
            weight += take * per_row
            if held >= chunk_rows or (per_row and weight + per_row > max_bytes):
                out, buf, held, weight = _concat(buf), [], 0, 0.0  # drop the pieces before handing the chunk out
                yield out
                del out
    if held:
        out, buf = _concat(buf), []
        yield out


def _concat(chunks: list[Chunk]) -> Chunk:
    if len(chunks) == 1:
        return chunks[0]
    extra = None
    if any(c.extra is not None for c in chunks):
        parts = [c.extra if c.extra is not None else pd.DataFrame(index=c.frame.index) for c in chunks]
        extra = pd.concat(parts, ignore_index=True).astype(object)
        extra = extra.where(extra.notna(), None)
    return Chunk(
        frame=pd.concat([c.frame for c in chunks], ignore_index=True),
        row_numbers=np.concatenate([c.row_numbers for c in chunks]),
        extra=extra,
        oversized=any(c.oversized for c in chunks),
        nbytes=sum(c.nbytes for c in chunks),
    )


def _slice(c: Chunk, start: int, stop: int) -> Chunk:
    return Chunk(
        frame=c.frame.iloc[start:stop].reset_index(drop=True),
        row_numbers=c.row_numbers[start:stop],
        extra=c.extra.iloc[start:stop].reset_index(drop=True) if c.extra is not None else None,
        oversized=c.oversized,
        nbytes=c.nbytes * (stop - start) // max(len(c.row_numbers), 1),
    )


def peek_rows(chunks: Iterator[Chunk], path: Path, sheet: str | None = None) -> Iterator[Chunk]:
    """Read up to the first non-empty chunk now, so a header-only file raises ``no_rows`` before returning."""
    for first in chunks:
        if len(first.row_numbers):
            return chain([first], chunks)
    raise no_rows(path, sheet)
