"""JSON exports, streamed with ijson so a 500 MB API dump never sits in memory whole.

Accepted shapes: a top-level array of objects; an object holding such an array under any key (``data``, ``items``,
``records``, ``result``, nested too, e.g. ``{"result": {"rows": [...]}}``) — the first array whose first object
has keys that match the contract wins, else the first array of objects; JSON Lines (one object per line). Keys
are matched like headers; nested objects are flattened (``{"lokasi": {"lat": 1}}`` offers ``lokasi.lat`` and then
``lat``); lists are kept as JSON text. The keys seen in the first chunk make the layout; a key that first appears
later is kept in ``extra``. Row numbers are 1-based positions in the array (or lines, for JSON Lines).

Long text values: a string over the field limit (``MUARA_MAX_FIELD_MB``, 16) becomes an
:class:`~muara.readers.types.OversizedValue`, so only its record is rejected. ijson builds each string whole, so
before parsing the bytes are scanned (numpy, in blocks) for the longest run between two quote characters; a run
over twice the limit refuses the file, naming its size and the limit, before memory grows.

A syntax error after the first chunk (a file cut off halfway) can only be seen when the stream gets there, so it
is raised as :class:`UnusableFile` by the chunk iterator rather than by ``open_export``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from itertools import islice
from pathlib import Path
from typing import IO, Any

import ijson
import numpy as np

from muara.contract.model import Contract, normalise_header
from muara.readers.layout import ChunkBuilder, HeaderMatch, layout_for, no_rows, peek_rows
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

_ENVELOPE_KEYS = ("data", "items", "records", "result", "results", "rows", "hasil", "list")


def open_json(path: Path, contract: Contract, *, chunk_rows: int) -> tuple[Layout, Iterator[Chunk]]:
    hmap = contract.header_map()
    limit = field_limit()
    _check_strings(path, limit)
    prefix, multiple = _locate(path, hmap)
    stream = _Records(path, prefix, multiple, limit)
    try:
        first = list(islice(stream, chunk_rows))
    except Exception:
        stream.close()
        raise
    keys: list[str] = []
    seen: set[str] = set()
    for _, rec in first:
        for k in rec:
            if k not in seen:
                seen.add(k)
                keys.append(k)
    match = _match(keys, hmap)
    layout = layout_for(contract, path, match, fmt="json")
    if not first:
        stream.close()
        raise no_rows(path)
    chunks = _chunks(contract, hmap, keys, match, first, stream, chunk_rows)
    return layout, peek_rows(chunks, path)


def _match(keys: list[str], hmap: dict[str, str]) -> HeaderMatch:
    targets: list[str | None] = []
    taken: set[str] = set()
    for k in keys:
        t = _target(k, hmap)
        if t in taken:
            t = None
        if t is not None:
            taken.add(t)
        targets.append(t)
    return HeaderMatch(index=0, texts=tuple(keys), targets=tuple(targets), matched=len(taken))


def _target(key: str, hmap: dict[str, str]) -> str | None:
    t = hmap.get(normalise_header(key))
    if t is None and "." in key:
        t = hmap.get(normalise_header(key.rsplit(".", 1)[1]))
    return t


def _chunks(
    contract: Contract,
    hmap: dict[str, str],
    keys: list[str],
    match: HeaderMatch,
    first: list[tuple[int, dict[str, Any]]],
    stream: _Records,
    chunk_rows: int,
) -> Iterator[Chunk]:
    builder = ChunkBuilder(contract, match)
    known = set(keys)
    batch = first
    seen_big = 0
    try:
        while batch:
            fresh = list(dict.fromkeys(k for _, rec in batch for k in rec if k not in known))
            if fresh:  # keys first seen after the first chunk are kept as unknown columns
                known.update(fresh)
                keys.extend(fresh)
                match = HeaderMatch(0, (*match.texts, *fresh), (*match.targets, *[None] * len(fresh)), 0)
                builder = ChunkBuilder(contract, match)
            columns = [[rec.get(k) for _, rec in batch] for k in keys]
            numbers = np.fromiter((pos for pos, _ in batch), dtype=np.int64, count=len(batch))
            chunk = builder.build(columns, numbers, oversized=stream.oversized > seen_big)
            seen_big = stream.oversized
            if chunk is not None:
                yield chunk
            batch = list(islice(stream, chunk_rows))
    finally:
        stream.close()


#: nesting deeper than this is no table an application exports; refused before any object is built, so a
#: poison file (thousands of levels in a few hundred KB) costs neither recursion nor memory
MAX_DEPTH = 64


class _TooDeep(Exception):
    pass


def _bounded(events: Iterator[tuple[str, str, Any]]) -> Iterator[tuple[str, str, Any]]:
    """ijson's parse events, stopped with :class:`_TooDeep` once the nesting passes :data:`MAX_DEPTH`."""
    depth = 0
    for prefix, event, value in events:
        if event in ("start_map", "start_array"):
            depth += 1
            if depth > MAX_DEPTH:
                raise _TooDeep
        elif event in ("end_map", "end_array"):
            depth -= 1
        yield prefix, event, value


def _too_deep(path: Path, item: int | None) -> UnusableFile:
    where = f" pada data ke-{item}" if item else ""
    return UnusableFile(
        "too_deep",
        f"Berkas JSON '{path.name}' bersarang terlalu dalam{where}: lebih dari {MAX_DEPTH} tingkat {{...}} atau "
        "[...] di dalam satu sama lain. Data tabel tidak pernah sedalam itu.",
        "Ekspor ulang data sebagai daftar datar: satu objek per baris, setiap kolom berisi teks, angka atau tanggal "
        "(atau kirim sebagai CSV/XLSX), lalu kirim lagi.",
    )


class _Records:
    """(1-based position, flattened record) pairs from the records array, streamed."""

    def __init__(self, path: Path, prefix: str, multiple: bool, limit: int) -> None:
        self.path = path
        self.limit = limit
        self.oversized = 0  # values over the limit met so far
        self.f = _open(path)
        events = _bounded(ijson.parse(self.f, multiple_values=multiple, use_float=True))
        self.items = ijson.items(events, prefix)
        self.pos = 0

    def __iter__(self) -> Iterator[tuple[int, dict[str, Any]]]:
        return self

    def __next__(self) -> tuple[int, dict[str, Any]]:
        try:
            item = next(self.items)
        except StopIteration:
            raise
        except ijson.JSONError as exc:
            raise _broken(self.path, exc, self.pos + 1) from exc
        except UnicodeDecodeError as exc:
            raise _not_utf8(self.path) from exc
        except _TooDeep as exc:
            raise _too_deep(self.path, self.pos + 1) from exc
        self.pos += 1
        rec = dict(_flatten(item)) if isinstance(item, dict) else {}
        for k, v in rec.items():
            if isinstance(v, str) and len(v) > self.limit // 4 and (n := len(v.encode("utf-8"))) > self.limit:
                rec[k] = OversizedValue(n, self.limit)
                self.oversized += 1
        return self.pos, rec

    def close(self) -> None:
        self.f.close()


def _flatten(obj: dict[str, Any], prefix: str = "") -> Iterator[tuple[str, Any]]:
    for k, v in obj.items():
        key = f"{prefix}{k}"
        if isinstance(v, dict):
            yield from _flatten(v, key + ".")
        elif isinstance(v, str):
            yield key, v.strip() or None
        elif isinstance(v, list):
            yield key, json.dumps(v, ensure_ascii=False) if v else None
        else:
            yield key, v


def _check_strings(path: Path, limit: int) -> None:
    """Refuse a file with a text value of more than twice ``limit`` bytes (a pasted video), which the parser would
    build whole. Strings are found by their quotes: a quote not escaped (by an odd run of backslashes) opens or
    closes one, so the string lengths are the gaps from each opening quote to the next, counted with numpy."""
    longest, count, opened, pos, prev = 0, 0, -1, 0, 0
    with path.open("rb") as f:
        while block := f.read(8 * 1024 * 1024):
            a = np.frombuffer(block, dtype=np.uint8)
            q = np.flatnonzero(a == 34)
            before = np.where(q > 0, a[np.maximum(q - 1, 0)], prev)
            escaped = before == 92
            for i in np.flatnonzero(escaped).tolist():  # rare: an odd run of backslashes escapes the quote
                j = int(q[i]) - 1
                while j >= 0 and a[j] == 92:
                    j -= 1
                escaped[i] = (int(q[i]) - 1 - j) % 2 == 1
            q = q[~escaped] + pos
            if len(q):
                # quotes with an even global index open a string; the next quote closes it
                opening = (np.arange(count, count + len(q)) % 2) == 0
                starts = np.concatenate([[opened], q[opening]]) if opened >= 0 else q[opening]
                ends = q[~opening]
                n = min(len(starts), len(ends))
                if n:
                    longest = max(longest, int((ends[:n] - starts[:n]).max()))
                count += len(q)
                opened = int(q[opening][-1]) if count % 2 else -1
            pos += len(a)
            prev = int(a[-1])
            if opened >= 0:  # a string still open at the end of the block
                longest = max(longest, pos - opened)
            if longest > 2 * limit:
                break
    if longest > 2 * limit:
        raise UnusableFile(
            "too_long",
            f"Berkas JSON '{path.name}' memuat satu nilai teks sebesar lebih dari {format_mb(longest)}, melebihi "
            f"batas {format_mb(limit)} per nilai (MUARA_MAX_FIELD_MB).",
            FIX_PASTED,
        )


def _open(path: Path) -> IO[bytes]:
    f = path.open("rb")
    if f.read(3) != b"\xef\xbb\xbf":
        f.seek(0)
    return f


def _locate(path: Path, hmap: dict[str, str]) -> tuple[str, bool]:
    """The ijson prefix of the records and whether the file is JSON Lines (several top-level values)."""
    with _open(path) as f:
        events = _bounded(ijson.parse(f, multiple_values=True))
        try:
            return _walk(path, events, hmap)
        except _TooDeep as exc:
            raise _too_deep(path, None) from exc
        except ijson.JSONError as exc:
            raise _broken(path, exc, None) from exc
        except UnicodeDecodeError as exc:
            raise _not_utf8(path) from exc


def _walk(path: Path, events: Iterator[tuple[str, str, Any]], hmap: dict[str, str]) -> tuple[str, bool]:
    prefix, event, _ = next(events)
    if event == "start_array":
        _, event, _ = next(events)
        if event == "start_map":
            return "item", False
        if event == "end_array":
            raise no_rows(path)
        raise not_a_table(path, "daftar di dalamnya bukan daftar objek {...} berisi kolom dan nilai")
    if event != "start_map":
        raise not_a_table(path, "isinya bukan daftar objek {...}")
    fallback: str | None = None
    empty = False
    top_keys: list[str] = []
    for prefix, event, value in events:
        if event == "map_key" and prefix == "":
            top_keys.append(value)
        elif event == "end_map" and prefix == "":
            break
        elif event == "start_array" and "item" not in prefix.split("."):
            nxt_prefix, nxt, _ = next(events)
            if nxt == "end_array":
                empty = empty or prefix.rsplit(".", 1)[-1].lower() in _ENVELOPE_KEYS
            elif nxt == "start_map":
                builder = ijson.ObjectBuilder()
                builder.event("start_map", None)
                depth = 1
                for _, e, v in events:
                    builder.event(e, v)
                    depth += e in ("start_map", "start_array")
                    depth -= e in ("end_map", "end_array")
                    if depth == 0:
                        break
                first = builder.value if isinstance(builder.value, dict) else {}
                if any(_target(k, hmap) for k, _ in _flatten(first)):
                    return nxt_prefix, False
                fallback = fallback or nxt_prefix
    if sum(_target(k, hmap) is not None for k in top_keys) >= 2:
        return "", True  # one record per top-level value: JSON Lines (or a single record)
    if fallback is not None:
        return fallback, False
    if empty:
        raise no_rows(path)
    raise not_a_table(path, "tidak ada daftar objek {...} berisi baris data di dalamnya")


def _broken(path: Path, exc: Exception, item: int | None) -> UnusableFile:
    if "utf8" in str(exc).lower().replace("-", ""):
        return _not_utf8(path)
    where = f" sekitar data ke-{item}" if item else ""
    return UnusableFile(
        "not_a_table",
        f"Berkas JSON '{path.name}' rusak atau terpotong{where}, sehingga tidak bisa dibaca ({exc}).",
        "Ekspor ulang data dari aplikasi dan pastikan berkas terunduh utuh, lalu kirim lagi.",
    )


def _not_utf8(path: Path) -> UnusableFile:
    return UnusableFile(
        "encoding",
        f"Huruf di berkas JSON '{path.name}' tidak bisa dibaca: JSON harus berupa teks UTF-8.",
        "Ekspor ulang dari aplikasi sebagai JSON UTF-8 (atau kirim sebagai CSV/XLSX), lalu kirim lagi.",
    )
