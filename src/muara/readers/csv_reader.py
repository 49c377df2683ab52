"""CSV exports: encoding, delimiter and header detection, then streaming with ``pyarrow.csv.open_csv``.

How a CSV is understood, in order:

1. Encoding. A BOM decides (UTF-8, UTF-16 LE/BE); UTF-16 without a BOM is recognised by its zero bytes. Otherwise
   the whole file is checked once, in blocks: strict UTF-8 if it decodes, else Windows-1252 (what Excel on an
   Indonesian Windows writes) if none of its five undefined bytes occur, else Latin-1. Zero bytes or many
   control characters mean the file is not text.
2. Header and delimiter. The first 30 lines are parsed with each of ``,`` ``;`` tab ``|``; the delimiter and the
   line that name the most contract columns win (title lines above the header are skipped).
3. Body. pyarrow's streaming reader reads from the byte after the header, all columns as strings, quoted newlines
   allowed. Rows with too few fields are padded, rows with too many keep the overflow in ``extra`` (column
   ``(kolom tanpa judul)``), so no record is lost.
4. Row numbers. pyarrow does not report line numbers, so :mod:`muara.readers.csv_lines` walks the same bytes
   alongside it and gives each record the physical line it starts on, the way a text editor counts.
5. Long fields (officers paste base64 photos into cells). The encoding pass also measures the longest record
   (quote parity at each line end). pyarrow needs a block larger than any record, so the block grows to fit it,
   up to four times the field limit (``MUARA_MAX_FIELD_MB``, 16); big batches are cut into slices of about 1 MiB
   before they become Python objects, so memory stays bounded. A field over the limit becomes a
   :class:`~muara.readers.types.OversizedValue` and only its row is rejected, naming the column. A single record
   larger than the biggest block is refused with its line and the limit, before anything is parsed.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from muara.contract.model import Contract
from muara.readers.csv_lines import LineScanner
from muara.readers.layout import (
    HEADER_SEARCH_ROWS,
    ChunkBuilder,
    HeaderMatch,
    find_header,
    layout_for,
    no_header,
    no_rows,
    peek_rows,
    rebatch,
)
from muara.readers.types import (
    FIX_PASTED,
    Chunk,
    Layout,
    OversizedValue,
    UnusableFile,
    field_limit,
    format_mb,
    not_a_table,
)

DELIMITERS = (",", ";", "\t", "|")
SAMPLE_BYTES = 1024 * 1024  # the header must be within the first MiB
SCAN_BLOCK = 8 * 1024 * 1024
ARROW_BLOCK = 1024 * 1024  # larger blocks make pyarrow read further ahead (more memory), not faster
SLICE_BYTES = 1024 * 1024  # a batch from a big block becomes Python objects this much at a time
OVERFLOW_COLUMN = "(kolom tanpa judul)"
_CP1252_UNDEFINED = (b"\x81", b"\x8d", b"\x8f", b"\x90", b"\x9d")
_LINES = re.compile(r"[^\r\n]*(?:\r\n|\n|\r)|[^\r\n]+$")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_ENCODING_FIX = (
    "Buka berkas di Excel lalu pilih Simpan Sebagai 'CSV UTF-8 (Comma delimited)' (atau ekspor ulang dari "
    "aplikasi), lalu kirim lagi."
)


def open_csv(path: Path, contract: Contract, head: bytes, *, chunk_rows: int) -> tuple[Layout, Iterator[Chunk]]:
    enc, longest = _detect_encoding(path, head)
    limit = field_limit()
    block = _block_for(path, longest, limit)
    sample_text, whole = _sample(path, enc)
    if len(_CONTROL.findall(sample_text[:100_000])) > max(5, len(sample_text[:100_000]) // 100):
        raise not_a_table(path, "isinya berisi banyak karakter kendali, bukan teks")
    match, delimiter, header_line, header_end_line = _find_header(sample_text, contract, path)
    lines = _LINES.findall(sample_text)
    body_offset = enc.bom + len("".join(lines[:header_end_line]).encode(enc.codec))
    layout = layout_for(
        contract, path, match, fmt="csv", encoding=enc.name, delimiter=delimiter, header_row=header_line
    )
    if body_offset >= path.stat().st_size or (whole and not "".join(lines[header_end_line:]).strip()):
        raise no_rows(path)
    fields_limit = limit if longest.bytes > limit else None  # no field can be longer than its record
    reader = _BodyReader(path, enc, delimiter, body_offset, header_end_line + 1, len(match.texts), block, fields_limit)
    builder = ChunkBuilder(contract, match)
    built = (
        builder.build(cols, rows, overflow=(OVERFLOW_COLUMN, extra), oversized=big, nbytes=nbytes)
        for cols, rows, extra, big, nbytes in reader
    )
    chunks = (c for c in built if c is not None)
    return layout, peek_rows(rebatch(chunks, chunk_rows), path)


# ------------------------------------------------------------------------------------------------ encoding


class _Encoding:
    def __init__(self, name: str, codec: str, bom: int, unit: str) -> None:
        self.name = name  # what Layout reports
        self.codec = codec  # Python codec for the text after the BOM
        self.bom = bom  # BOM length in bytes
        self.unit = unit  # numpy dtype of one code unit: "u1", "<u2", ">u2"


def _detect_encoding(path: Path, head: bytes) -> tuple[_Encoding, _Longest]:
    """The encoding, and the longest record seen while checking it (one pass over the file)."""
    if head.startswith(codecs.BOM_UTF8):
        enc = _Encoding("utf-8-sig", "utf-8", 3, "u1")
    elif head.startswith(codecs.BOM_UTF16_LE):
        enc = _Encoding("utf-16-le", "utf-16-le", 2, "<u2")
    elif head.startswith(codecs.BOM_UTF16_BE):
        enc = _Encoding("utf-16-be", "utf-16-be", 2, ">u2")
    elif b"\x00" in head:
        even, odd = head[0::2], head[1::2]
        if odd.count(0) > 0.9 * len(odd) and even.count(0) < 0.1 * len(even):
            enc = _Encoding("utf-16-le", "utf-16-le", 0, "<u2")
        elif even.count(0) > 0.9 * len(even) and odd.count(0) < 0.1 * len(odd):
            enc = _Encoding("utf-16-be", "utf-16-be", 0, ">u2")
        else:
            raise _nul_byte(path, head[: head.index(b"\x00")].count(b"\n") + 1)
    else:
        return _scan_8bit(path)
    return enc, _check_decodes(path, enc)


def _nul_byte(path: Path, line: int) -> UnusableFile:
    """A NUL byte: binary data, or a stray one pasted into a text export; the officer is told where."""
    return UnusableFile(
        "not_a_table",
        f"Berkas '{path.name}' berisi byte nol (NUL, karakter tak terlihat) di baris {line}: itu data biner, "
        "bukan teks CSV.",
        f"Buka berkas dengan penyunting teks, periksa baris {line} dan hapus karakter aneh di sana, atau ekspor ulang "
        "dari aplikasi sebagai CSV atau Excel (.xlsx), lalu kirim lagi.",
    )


def _scan_8bit(path: Path) -> tuple[_Encoding, _Longest]:
    """UTF-8 if the whole file decodes strictly, else Windows-1252 if it can, else Latin-1."""
    utf8 = codecs.getincrementaldecoder("utf-8")()
    utf8_ok, cp1252_ok = True, True
    lines = 0
    longest = _Longest("u1")
    with path.open("rb") as f:
        while block := f.read(SCAN_BLOCK):
            if b"\x00" in block:
                raise _nul_byte(path, lines + block[: block.index(b"\x00")].count(b"\n") + 1)
            lines += block.count(b"\n")
            longest.feed(block)
            if utf8_ok and not block.isascii():
                try:
                    utf8.decode(block)
                except UnicodeDecodeError:
                    utf8_ok = False
            if not utf8_ok and cp1252_ok:
                cp1252_ok = not any(b in block for b in _CP1252_UNDEFINED)
    if utf8_ok:
        try:
            utf8.decode(b"", final=True)
        except UnicodeDecodeError:
            utf8_ok = False
    longest.close()
    if utf8_ok:
        return _Encoding("utf-8", "utf-8", 0, "u1"), longest
    if cp1252_ok:
        return _Encoding("cp1252", "cp1252", 0, "u1"), longest
    # Latin-1 would "decode" anything, but the bytes Windows-1252 leaves undefined are C1 control codes there,
    # never text: the file is in an encoding we cannot name (Shift-JIS, EBCDIC, ...), so say so.
    raise _unknown_8bit(path)


def _unknown_8bit(path: Path) -> UnusableFile:
    return UnusableFile(
        "encoding",
        f"Teks berkas {path.name} memakai pengodean huruf yang tidak dikenali (bukan UTF-8 dan bukan Windows-1252),"
        " sehingga isinya akan terbaca sebagai huruf acak.",
        _ENCODING_FIX,
    )


def _check_decodes(path: Path, enc: _Encoding) -> _Longest:
    """A BOM promises an encoding; text that breaks the promise cannot be read reliably."""
    dec = codecs.getincrementaldecoder(enc.codec)()
    lines = 1
    longest = _Longest(enc.unit)
    with path.open("rb") as f:
        f.seek(enc.bom)
        while block := f.read(SCAN_BLOCK):
            longest.feed(block)
            try:
                text = dec.decode(block)
            except UnicodeDecodeError as exc:
                line = lines + dec.decode(block[: exc.start], final=False).count("\n") if exc.start else lines
                raise _bad_text(path, enc, line) from exc
            lines += text.count("\n")
        try:
            dec.decode(b"", final=True)
        except UnicodeDecodeError as exc:
            raise _bad_text(path, enc, lines) from exc
    longest.close()
    return longest


def _bad_text(path: Path, enc: _Encoding, line: int) -> UnusableFile:
    what = "UTF-8" if enc.codec == "utf-8" else "UTF-16"
    return UnusableFile(
        "encoding",
        f"Huruf di berkas '{path.name}' tidak bisa dibaca: berkas ditandai sebagai teks {what}, tetapi di sekitar "
        f"baris {line} ada karakter yang bukan {what}.",
        _ENCODING_FIX,
    )


def _sample(path: Path, enc: _Encoding) -> tuple[str, bool]:
    """The first MiB as text (a cut multi-byte character at the end is dropped) and whether it is the whole file."""
    with path.open("rb") as f:
        f.seek(enc.bom)
        raw = f.read(SAMPLE_BYTES)
        whole = not f.read(1)
    if enc.unit != "u1" and len(raw) % 2:
        raw = raw[:-1]
    text = codecs.getincrementaldecoder(enc.codec)(errors="strict").decode(raw, final=whole)
    return text, whole


# ------------------------------------------------------------------------------------------------ long records


class _Longest:
    """The longest record of a file, measured block by block: a line end closes a record when the quotes before it
    are balanced (RFC 4180 quoting: a doubled quote counts twice, so parity is enough). ``bytes`` and the physical
    ``line`` it starts on."""

    def __init__(self, unit: str) -> None:
        self.dtype = np.dtype(unit)
        self.pos = 0  # code units seen
        self.quotes = 0  # parity of the quotes seen
        self.lines = 0  # line ends seen
        self.last_end, self.last_end_line = -1, 0  # where the open record began (after this unit / line)
        self.units, self.line = 0, 1
        self.odd = b""

    def feed(self, block: bytes) -> None:
        data = self.odd + block
        cut = len(data) - len(data) % self.dtype.itemsize
        self.odd = data[cut:]
        a = np.frombuffer(data[:cut], dtype=self.dtype)
        nl = np.flatnonzero(a == 10)
        q = np.flatnonzero(a == 34)
        closed = ((np.searchsorted(q, nl) + self.quotes) % 2) == 0
        ends = nl[closed] + self.pos
        if len(ends):
            end_lines = np.flatnonzero(closed) + self.lines + 1
            starts = np.concatenate([[self.last_end], ends[:-1]])
            start_lines = np.concatenate([[self.last_end_line], end_lines[:-1]]) + 1
            sizes = ends - starts
            i = int(np.argmax(sizes))
            if sizes[i] > self.units:
                self.units, self.line = int(sizes[i]), int(start_lines[i])
            self.last_end, self.last_end_line = int(ends[-1]), int(end_lines[-1])
        self.pos += len(a)
        self.lines += len(nl)
        self.quotes = (self.quotes + len(q)) % 2

    def close(self) -> None:
        """The last record, when the file does not end with a line break."""
        if self.pos - self.last_end - 1 > self.units:
            self.units, self.line = self.pos - self.last_end - 1, self.last_end_line + 1

    @property
    def bytes(self) -> int:
        return self.units * self.dtype.itemsize


def _block_for(path: Path, longest: _Longest, limit: int) -> int:
    """pyarrow's block size: the usual 1 MiB, or room for the longest record (twice it, so a block always ends
    after a whole record). A record may be at most twice the field limit: a longer one is refused here."""
    need = 2 * longest.bytes + 1024
    ceiling = 4 * limit
    if need > ceiling:
        raise UnusableFile(
            "too_long",
            f"Berkas '{path.name}' memuat satu baris data sebesar {format_mb(longest.bytes)} (mulai baris "
            f"{longest.line}), melebihi batas {format_mb(ceiling // 2)} per baris; isi satu sel paling besar "
            f"{format_mb(limit)} (MUARA_MAX_FIELD_MB).",
            FIX_PASTED,
        )
    size = ARROW_BLOCK
    while size < need:
        size *= 2
    return min(size, max(ceiling, ARROW_BLOCK))


# ------------------------------------------------------------------------------------------------ header


def _find_header(text: str, contract: Contract, path: Path) -> tuple[HeaderMatch, str, int, int]:
    """The best (header, delimiter) over the first lines: header match, delimiter, first and last line."""
    best: tuple[HeaderMatch, str, int, int] | None = None
    for delim in DELIMITERS:
        records: list[list[str]] = []
        spans: list[tuple[int, int]] = []
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delim, quotechar='"', strict=False)
        prev = 0
        try:
            for rec in reader:
                if prev >= HEADER_SEARCH_ROWS:
                    break
                records.append(rec)
                spans.append((prev + 1, reader.line_num))
                prev = reader.line_num
        except csv.Error:
            pass
        m = find_header(records, contract)
        if m is not None and (best is None or m.matched > best[0].matched):
            best = (m, delim, *spans[m.index])
    if best is None:
        raise no_header(path, contract, "baris-baris awal")
    return best


# ------------------------------------------------------------------------------------------------ body


class _BodyReader:
    """Yields (columns, row_numbers) per pyarrow batch: cleaned value lists per physical column."""

    def __init__(
        self,
        path: Path,
        enc: _Encoding,
        delimiter: str,
        offset: int,
        first_line: int,
        ncols: int,
        block: int = ARROW_BLOCK,
        field_limit: int | None = None,
    ) -> None:
        self.path, self.enc, self.delimiter, self.offset, self.ncols = path, enc, delimiter, offset, ncols
        self.block, self.field_limit = block, field_limit
        self.scanner = LineScanner(path, enc.unit, delimiter, offset, first_line, SCAN_BLOCK)
        self.invalid: dict[int, list[str]] = {}  # ordinal -> fields of a row pyarrow skipped

    def _on_invalid(self, row: Any) -> str:
        if row.number is None:  # pragma: no cover - pyarrow reports numbers with use_threads=False
            return "error"
        fields = next(csv.reader([row.text], delimiter=self.delimiter, quotechar='"', strict=False), [])
        self.invalid[int(row.number)] = fields
        return "skip"

    def __iter__(self) -> Iterator[tuple[list[Any], np.ndarray, list[str | None] | None, bool, int]]:
        """(columns, line numbers, overflow, has oversized values, bytes) per slice of at most about 1 MiB."""
        names = [f"c{i}" for i in range(self.ncols)]
        source = pa.OSFile(str(self.path))
        source.seek(self.offset)
        try:
            reader = pacsv.open_csv(
                source,
                read_options=pacsv.ReadOptions(
                    column_names=names,
                    block_size=self.block,
                    use_threads=False,
                    encoding="utf8" if self.enc.codec == "utf-8" else self.enc.codec,
                ),
                parse_options=pacsv.ParseOptions(
                    delimiter=self.delimiter,
                    quote_char='"',
                    double_quote=True,
                    newlines_in_values=True,
                    ignore_empty_lines=True,
                    invalid_row_handler=self._on_invalid,
                ),
                convert_options=pacsv.ConvertOptions(
                    column_types=dict.fromkeys(names, pa.string()),
                    strings_can_be_null=False,
                    quoted_strings_can_be_null=False,
                ),
            )
            next_ord = 1
            while True:
                try:
                    batch = reader.read_next_batch()
                except StopIteration:
                    break
                ords, next_ord, skipped = self._ordinals(next_ord, batch.num_rows)
                lines = self.scanner.lines(ords)
                if skipped:  # put the rows pyarrow skipped back in their place
                    yield self._merged(batch, ords, lines, skipped)
                else:
                    yield from self._slices(batch, lines)
                self.scanner.release(next_ord)
            rest = sorted(o for o in self.invalid if o >= next_ord)
            if rest:
                yield (*self._invalid_rows(rest), False, 0)
            self.scanner.finish()
        except pa.ArrowInvalid as exc:
            raise not_a_table(
                self.path,
                'struktur CSV rusak: tanda kutip (") atau pemisah kolom tidak beraturan, sehingga baris-barisnya '
                "tidak bisa dipisahkan",
            ) from exc
        finally:
            source.close()

    def _slices(
        self, batch: pa.RecordBatch, lines: np.ndarray
    ) -> Iterator[tuple[list[Any], np.ndarray, list[str | None] | None, bool, int]]:
        """The batch as Python objects, about ``SLICE_BYTES`` at a time (a big block holds many rows)."""
        n = batch.num_rows
        step = n if batch.nbytes <= 2 * SLICE_BYTES else max(1, n * SLICE_BYTES // max(batch.nbytes, 1))
        for start in range(0, n, step):
            part = batch.slice(start, step)
            cols, big = self._columns(part)
            yield cols, lines[start : start + step], None, big, part.nbytes

    def _merged(
        self, batch: pa.RecordBatch, ords: np.ndarray, lines: np.ndarray, skipped: list[int]
    ) -> tuple[list[Any], np.ndarray, list[str | None] | None, bool, int]:
        cols, big = self._columns(batch)
        bad_cols, bad_lines, bad_overflow = self._invalid_rows(skipped)
        order = np.argsort(np.concatenate([ords, np.asarray(skipped, dtype=np.int64)]), kind="stable")
        cols = [np.concatenate([c, _objects(b)])[order] for c, b in zip(cols, bad_cols, strict=True)]
        overflow = list(_objects([None] * len(ords) + bad_overflow)[order])
        return cols, np.concatenate([lines, bad_lines])[order], overflow, big, batch.nbytes

    def _columns(self, batch: pa.RecordBatch) -> tuple[list[Any], bool]:
        """Cleaned object arrays; a field over the limit is replaced by an :class:`OversizedValue`."""
        cols: list[Any] = []
        big = False
        for i in range(self.ncols):
            col = batch.column(i)
            over: np.ndarray | None = None
            limit = self.field_limit
            if limit is not None:  # the file has a record longer than the limit
                sizes = pc.binary_length(col)
                if (pc.max(sizes).as_py() or 0) > limit:
                    over = np.flatnonzero(pc.greater(sizes, limit).to_numpy(zero_copy_only=False))
                    sized = sizes.to_numpy(zero_copy_only=False)[over]
                    col = pc.if_else(pc.greater(sizes, limit), pa.scalar(None, pa.string()), col)
            values = _clean(col)
            if over is not None and len(over) and limit is not None:
                big = True
                for j, nbytes in zip(over.tolist(), sized.tolist(), strict=True):
                    values[j] = OversizedValue(int(nbytes), limit)
            cols.append(values)
        return cols, big

    def _ordinals(self, start: int, n: int) -> tuple[np.ndarray, int, list[int]]:
        """Ordinals (1-based, among non-empty records) of the next ``n`` rows pyarrow returned."""
        if not self.invalid or all(o < start for o in self.invalid):
            return np.arange(start, start + n, dtype=np.int64), start + n, []
        out: list[int] = []
        skipped: list[int] = []
        o = start
        while len(out) < n:
            if o in self.invalid:
                skipped.append(o)
            else:
                out.append(o)
            o += 1
        while o in self.invalid:  # skipped rows right after the batch belong with it
            skipped.append(o)
            o += 1
        return np.asarray(out, dtype=np.int64), o, skipped

    def _invalid_rows(self, ordinals: list[int]) -> tuple[list[Any], np.ndarray, list[str | None]]:
        """Rows with the wrong number of fields, padded/trimmed; a non-empty overflow is kept separately."""
        ncols = self.ncols
        cols: list[list[Any]] = [[] for _ in range(ncols)]
        overflow: list[str | None] = []
        for o in ordinals:
            fields = self.invalid.pop(o)
            for j in range(ncols):
                cols[j].append((fields[j].strip() or None) if j < len(fields) else None)
            overflow.append(self.delimiter.join(f.strip() for f in fields[ncols:] if f.strip()) or None)
        return cols, self.scanner.lines(np.asarray(ordinals, dtype=np.int64)), overflow


def _objects(values: list[Any]) -> np.ndarray:
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


def _clean(arr: pa.ChunkedArray | pa.Array) -> np.ndarray:
    """Stripped text, empty -> None, as an object array."""
    trimmed = pc.utf8_trim_whitespace(arr)
    nulled = pc.if_else(pc.equal(trimmed, ""), pa.scalar(None, pa.string()), trimmed)
    out: np.ndarray = nulled.to_numpy(zero_copy_only=False)
    return out
