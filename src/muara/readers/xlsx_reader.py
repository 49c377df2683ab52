"""XLSX exports, read with python-calamine after the zip directory has been checked.

An XLSX is a zip of XML. Before any XML is parsed the central directory is read (cheap, no inflation): a total
uncompressed size over the limit, or an entry that inflates more than 200 times its stored size, is refused as a
zip bomb. Only then does calamine open the workbook.

The sheet: the first visible worksheet whose name matches one of the contract's ``sheetAliases`` (or the dataset
name), ignoring case, spaces and punctuation, and that has a header; else the first worksheet with a header. The
header is the row among the first 30 that names the most contract columns (title rows above it are skipped; a
group header merged across columns in the row above is combined with the sub-headers below it).

Memory, bounded before anything is parsed. calamine is fast but loads a whole sheet into its own (Rust) structure
(about 1.8 bytes per byte of sheet XML) and every shared string. So the zip directory gives the size of each
worksheet's XML and of the shared-strings table, and the worksheets are counted (a streaming inflate, C speed):

- more rows than Excel's own cap (1,048,576), more cells than ``MUARA_MAX_XLSX_CELLS`` (33,554,432: a million
  rows of 32 columns), or a shared-strings table that alone would pass the memory budget
  (``MUARA_XLSX_MEMORY_MB``, 768) is refused, the limit named, before any XML is parsed;
- a workbook whose estimated cost fits the budget is read with calamine;
- a bigger one is streamed with openpyxl's read-only mode (a row at a time; about ten times slower), with the row
  cap enforced again while reading.
"""

from __future__ import annotations

import os
import zipfile
from collections.abc import Callable, Iterator
from itertools import islice
from pathlib import Path
from typing import Any

import numpy as np
from python_calamine import CalamineError, CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

from muara.contract.model import Contract, normalise_header
from muara.readers.layout import (
    CHUNK_BYTES,
    HEADER_SEARCH_ROWS,
    ChunkBuilder,
    HeaderMatch,
    clean_text_values,
    find_header,
    layout_for,
    no_header,
    peek_rows,
    rebatch,
)
from muara.readers.types import MAX_COMPRESSION_RATIO, Chunk, Layout, UnusableFile, format_mb, not_a_table

RATIO_MIN_BYTES = 1024 * 1024  # entries smaller than this are not judged by their compression ratio
EXCEL_MAX_ROWS = 1_048_576  # what Excel itself can hold in one sheet
DEFAULT_MEMORY_MB = 768
SHEET_COST = 2.0  # calamine's resident bytes per byte of sheet XML (measured: 178 MB of XML, 326 MB RSS)
STRINGS_COST = 3.0  # Python or Rust strings per byte of sharedStrings.xml (tags gone, object headers added)
COUNT_ABOVE = 4 * 1024 * 1024  # sheets smaller than this cannot hold more rows than Excel's cap worth counting
DEFAULT_MAX_CELLS = 32 * 1024 * 1024  # a million rows of 32 columns; MUARA_MAX_XLSX_CELLS
_ROW_TAGS = (b"<row ", b"<row>", b":row ", b":row>")
_CELL_TAGS = (b"<c ", b"<c>", b":c ", b":c>")
_FIX_BOMB = (
    "Simpan ulang dari Excel sebagai .xlsx biasa atau kirim sebagai CSV. Bila datanya memang sangat besar, pecah "
    "menjadi beberapa berkas (misalnya per bulan)."
)


def open_xlsx(
    path: Path, contract: Contract, *, chunk_rows: int, max_uncompressed: int
) -> tuple[Layout, Iterator[Chunk]]:
    check_zip(path, max_uncompressed)
    stream = _plan_memory(path, _memory_budget())
    try:
        wb = CalamineWorkbook.from_path(str(path))
    except (CalamineError, ValueError, OSError) as exc:
        raise not_a_table(path, f"berkas Excel rusak atau terkunci ({exc})") from exc
    if stream:
        from muara.readers import xlsx_stream

        open_rows: Callable[[str], Iterator[list[Any]] | None] = xlsx_stream.sheet_rows(path)
    else:
        open_rows = _calamine_rows(path, wb)
    name, rows, match = _choose_sheet(path, wb, contract, open_rows)
    header_row = match.index + 1  # rows start at Excel row 1 (both readers yield from the sheet's first row)
    layout = layout_for(contract, path, match, fmt="xlsx", sheet=name, header_row=header_row)
    builder = ChunkBuilder(contract, match)
    return layout, peek_rows(_chunks(path, rows, header_row, builder, chunk_rows, measure=stream), path, name)


def _memory_budget() -> int:
    raw = os.environ.get("MUARA_XLSX_MEMORY_MB", "").strip()
    return int(float(raw) * 1024 * 1024) if raw else DEFAULT_MEMORY_MB * 1024 * 1024


def _plan_memory(path: Path, budget: int) -> bool:
    """Refuse a workbook that cannot be read within ``budget`` bytes whatever the reader; else say whether it must
    be streamed (True) rather than loaded whole by calamine (False). Reads the zip directory and counts the rows
    of the big worksheets; parses no XML."""
    with zipfile.ZipFile(path) as z:
        infos = z.infolist()
        sheets = [i for i in infos if i.filename.startswith("xl/worksheets/") and i.filename.endswith(".xml")]
        strings = sum(i.file_size for i in infos if i.filename.lower() == "xl/sharedstrings.xml")
        if strings * STRINGS_COST > budget:
            raise UnusableFile(
                "xlsx_too_large_uncompressed",
                f"Berkas Excel '{path.name}' menyimpan {format_mb(strings)} teks bersama (shared strings); untuk "
                f"dibaca butuh memori melebihi batas {format_mb(budget)} (MUARA_XLSX_MEMORY_MB).",
                "Kirim data ini sebagai CSV (Simpan Sebagai 'CSV UTF-8'), atau pecah menjadi beberapa berkas.",
            )
        max_cells = _max_cells()
        for info in sheets:
            if info.file_size <= COUNT_ABOVE:
                continue
            rows, cells = _count(z, info)
            if rows > EXCEL_MAX_ROWS:
                raise _too_many_rows(path, f"sebuah lembarnya memiliki {_n(rows)} baris")
            if cells > max_cells:
                raise UnusableFile(
                    "too_many_rows",
                    f"Berkas Excel '{path.name}' ditolak: sebuah lembarnya memiliki {_n(cells)} sel, melebihi batas "
                    f"{_n(max_cells)} sel (MUARA_MAX_XLSX_CELLS).",
                    "Hapus kolom dan lembar yang tidak diminta, pecah data menjadi beberapa berkas (misalnya per "
                    "bulan), atau kirim sebagai CSV.",
                )
    biggest = max((i.file_size for i in sheets), default=0)
    return biggest * SHEET_COST + strings * STRINGS_COST > budget


def _max_cells() -> int:
    raw = os.environ.get("MUARA_MAX_XLSX_CELLS", "").strip()
    return int(raw) if raw else DEFAULT_MAX_CELLS


def _count(z: zipfile.ZipFile, info: zipfile.ZipInfo) -> tuple[int, int]:
    """Row and cell elements in a worksheet's XML, counted while inflating it in blocks (no XML parsed, bounded
    memory). The last 4 bytes of a block are carried into the next, so a tag cut by the edge is found; tags wholly
    inside those 4 bytes were already counted and are taken off again."""
    rows = cells = 0
    tail = b""
    with z.open(info) as f:
        while block := f.read(8 * 1024 * 1024):
            data = tail + block
            rows += sum(data.count(t) for t in _ROW_TAGS)
            cells += sum(data.count(t) for t in _CELL_TAGS)
            if tail:  # tags wholly inside the carried bytes were counted with the previous block
                rows -= sum(tail.count(t) for t in _ROW_TAGS)
                cells -= sum(tail.count(t) for t in _CELL_TAGS)
            tail = data[-4:]
    return rows, cells


def _too_many_rows(path: Path, what: str) -> UnusableFile:
    return UnusableFile(
        "too_many_rows",
        f"Berkas Excel '{path.name}' ditolak: {what}, melebihi batas Excel {_n(EXCEL_MAX_ROWS)} baris per lembar.",
        "Pecah data menjadi beberapa berkas (misalnya per bulan), atau kirim sebagai CSV.",
    )


def _n(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def _calamine_rows(path: Path, wb: CalamineWorkbook) -> Callable[[str], Iterator[list[Any]] | None]:
    def rows(name: str) -> Iterator[list[Any]] | None:
        try:
            sheet = wb.get_sheet_by_name(name)
        except CalamineError as exc:
            raise not_a_table(path, f"lembar '{name}' rusak ({exc})") from exc
        return None if sheet.start is None else sheet.iter_rows()

    return rows


def check_zip(path: Path, max_uncompressed: int) -> None:
    """Refuse an XLSX whose zip directory declares too much inflated data, before any of it is inflated."""
    try:
        with zipfile.ZipFile(path) as z:
            infos = z.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise not_a_table(path, f"berkas Excel rusak ({exc})") from exc
    total = sum(i.file_size for i in infos)
    if total > max_uncompressed:
        raise UnusableFile(
            "xlsx_too_large_uncompressed",
            f"Isi berkas Excel '{path.name}' jika dibuka berukuran {format_mb(total)}, melebihi batas "
            f"{format_mb(max_uncompressed)}.",
            _FIX_BOMB,
        )
    stored = sum(i.compress_size for i in infos)
    for info in infos:
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size >= RATIO_MIN_BYTES and ratio > MAX_COMPRESSION_RATIO:
            raise UnusableFile(
                "xlsx_too_large_uncompressed",
                f"Berkas Excel '{path.name}' tidak wajar: bagian '{info.filename}' membesar {ratio:,.0f} kali "
                f"saat dibuka (batas {MAX_COMPRESSION_RATIO} kali), sehingga ditolak demi keamanan.",
                _FIX_BOMB,
            )
    if total >= RATIO_MIN_BYTES and total / max(stored, 1) > MAX_COMPRESSION_RATIO:
        raise UnusableFile(
            "xlsx_too_large_uncompressed",
            f"Berkas Excel '{path.name}' tidak wajar: isinya membesar {total / max(stored, 1):,.0f} kali saat "
            f"dibuka (batas {MAX_COMPRESSION_RATIO} kali), sehingga ditolak demi keamanan.",
            _FIX_BOMB,
        )


def _choose_sheet(
    path: Path, wb: CalamineWorkbook, contract: Contract, open_rows: Callable[[str], Iterator[list[Any]] | None]
) -> tuple[str, Iterator[list[Any]], HeaderMatch]:
    """The sheet to read, its row iterator positioned after the header, and the header match. ``open_rows`` gives
    a sheet's rows from its first row (None for an empty sheet)."""
    wanted = {normalise_header(a) for a in (*contract.sheet_aliases, contract.name, contract.title)}
    metas = [m for m in wb.sheets_metadata if m.typ == SheetTypeEnum.WorkSheet]
    visible = [m.name for m in metas if m.visible == SheetVisibleEnum.Visible]
    hidden = [m.name for m in metas if m.visible != SheetVisibleEnum.Visible]
    named = [n for n in visible if normalise_header(n) in wanted]
    order = named + [n for n in visible if n not in named] + hidden
    any_data = False
    for name in order:
        rows = open_rows(name)
        if rows is None:
            continue
        any_data = True
        head = [clean_text_values(r) for r in islice(rows, HEADER_SEARCH_ROWS)]
        match = find_header(head, contract)
        if match is not None:
            after = head[match.index + 1 :]
            return name, _chain_rows(after, rows), match
    if not any_data:
        aliases = ", ".join(f"'{a}'" for a in contract.sheet_aliases) or f"'{contract.name}'"
        raise UnusableFile(
            "no_sheet",
            f"Berkas Excel '{path.name}' tidak memiliki lembar (sheet) yang berisi data.",
            f"Letakkan data di lembar pertama atau di lembar bernama {aliases}, lalu kirim ulang.",
        )
    where = f"lembar {', '.join(repr(n) for n in order)} pada"
    raise no_header(path, contract, where)


def _chain_rows(first: list[list[Any]], rest: Iterator[list[Any]]) -> Iterator[list[Any]]:
    yield from first
    for row in rest:
        yield clean_text_values(row)


def _chunks(
    path: Path, rows: Iterator[list[Any]], header_row: int, builder: ChunkBuilder, chunk_rows: int, *, measure: bool
) -> Iterator[Chunk]:
    """Chunks of exactly ``chunk_rows`` non-blank rows (the last fewer); Excel row numbers start after the header.
    A sheet that runs past Excel's row cap is refused (the counting in :func:`_plan_memory` can be fooled). When
    ``measure`` (a streamed sheet, which may be wide and long), a block also ends at ``CHUNK_BYTES`` of text."""

    def blocks() -> Iterator[tuple[list[list[Any]], int]]:
        if not measure:
            while block := list(islice(rows, chunk_rows)):
                yield block, 0
            return
        block, weight = [], 0
        for r in rows:
            block.append(r)
            weight += sum(len(v) for v in r if isinstance(v, str)) + 8 * len(r)
            if len(block) >= chunk_rows or weight >= CHUNK_BYTES:
                yield block, weight
                block, weight = [], 0
        if block:
            yield block, weight

    def built() -> Iterator[Chunk]:
        next_row = header_row + 1
        for block, weight in blocks():
            if next_row + len(block) - 1 > EXCEL_MAX_ROWS:
                raise _too_many_rows(path, "lembarnya memiliki lebih banyak baris")
            numbers = np.arange(next_row, next_row + len(block), dtype=np.int64)
            next_row += len(block)
            width = max(len(r) for r in block)
            padded = block if all(len(r) == width for r in block) else [r + [None] * (width - len(r)) for r in block]
            chunk = builder.build([list(c) for c in zip(*padded, strict=True)], numbers, nbytes=weight)
            if chunk is not None:
                yield chunk

    return rebatch(built(), chunk_rows)
