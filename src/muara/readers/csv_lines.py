"""Physical line numbers for CSV records, computed from the raw bytes alongside pyarrow's parser.

pyarrow's CSV reader does not say which line a record came from, and officers need the line they see in a text
editor (quoted newlines and skipped blank lines included). This scanner walks the same bytes in blocks with numpy
over the code units (8-bit or UTF-16); only quote characters go through a Python loop, because whether a quote
opens a quoted field depends on what came before it.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from muara.readers.types import UnusableFile, not_a_table


class LineScanner:
    """The physical line each non-empty CSV record starts on, computed from the raw bytes alongside pyarrow.

    Follows pyarrow's parsing rules: a quote opens a quoted field only at the start of a field, ``""`` inside
    quotes is a literal quote, ``\\n``, ``\\r\\n`` and a lone ``\\r`` end a line, and empty lines are skipped.
    """

    def __init__(self, path: Path, unit: str, delimiter: str, offset: int, first_line: int, block: int) -> None:
        self.f = path.open("rb")
        self.f.seek(offset)
        self.path = path
        self.dtype = np.dtype(unit)
        self.block = block
        self.delim = ord(delimiter)
        self.line = first_line  # physical line number of the first unit of the next block
        self.pending_start = 0  # start of the open record in the next block (-1: it began earlier, non-empty)
        self.pending_line = first_line
        self.in_quotes = False
        self.leftover = b""
        self.eof = False
        self.found = np.empty(0, dtype=np.int64)  # lines of records with ordinal base, base+1, ...
        self.base = 1

    def lines(self, ordinals: np.ndarray) -> np.ndarray:
        if not len(ordinals):
            return np.empty(0, dtype=np.int64)
        need = int(ordinals.max())
        while self.base + len(self.found) <= need and not self.eof:
            self._scan_more()
        if self.base + len(self.found) <= need:
            raise not_a_table(self.path, "jumlah baris tidak cocok saat dibaca (tanda kutip tidak seimbang?)")
        out: np.ndarray = self.found[ordinals - self.base]
        return out

    def release(self, below: int) -> None:
        """Forget the lines of records with an ordinal below ``below`` (they have been handed out)."""
        drop = min(below - self.base, len(self.found))
        if drop > 0:
            self.found = self.found[drop:]
            self.base += drop

    def finish(self) -> None:
        if self.in_quotes:
            raise UnusableFile(
                "not_a_table",
                f"Berkas '{self.path.name}' rusak: sebuah tanda kutip (\") yang dibuka di sekitar baris "
                f"{self.pending_line} tidak pernah ditutup, sehingga sisa berkas terbaca sebagai satu sel.",
                "Periksa baris tersebut: setiap nilai yang diawali tanda kutip harus diakhiri tanda kutip. "
                "Ekspor ulang dari aplikasi atau simpan ulang dari Excel, lalu kirim lagi.",
            )
        self.f.close()

    def _scan_more(self) -> None:
        raw = self.f.read(self.block)
        data = self.leftover + raw
        final = not raw
        if self.dtype.itemsize == 2 and len(data) % 2 and not final:
            data, extra = data[:-1], data[-1:]
        else:
            extra = b""
        a = np.frombuffer(data[: len(data) - len(data) % self.dtype.itemsize], dtype=self.dtype)
        if final:
            self.eof = True
            self.leftover = b""
            self._scan_block(a, final=True)
            return
        last = np.flatnonzero(a == 10)
        if not len(last):
            self.leftover = data + extra
            return
        cut = int(last[-1]) + 1
        self.leftover = data[cut * self.dtype.itemsize :] + extra
        self._scan_block(a[:cut], final=False)

    def _scan_block(self, a: np.ndarray, *, final: bool) -> None:
        n = len(a)
        q = np.flatnonzero(a == 34)
        toggles: list[int] = []
        in_q = self.in_quotes
        start_in_q = in_q
        if len(q):
            prev = np.where(q > 0, a[np.maximum(q - 1, 0)], 10)
            eligible = ((prev == self.delim) | (prev == 10) | (prev == 13)).tolist()
            doubled = np.zeros(len(q), dtype=bool)
            doubled[:-1] = q[1:] == q[:-1] + 1
            qs, dbl = q.tolist(), doubled.tolist()
            i = 0
            while i < len(qs):
                if in_q:
                    if dbl[i]:
                        i += 2
                        continue
                    toggles.append(qs[i])
                    in_q = False
                elif eligible[i]:
                    toggles.append(qs[i])
                    in_q = True
                i += 1
        self.in_quotes = in_q
        term = np.flatnonzero(a == 10)
        cr = np.flatnonzero(a == 13)
        if len(cr):
            nxt = cr + 1
            lone = (nxt >= n) | (a[np.minimum(nxt, n - 1)] != 10)
            if lone.any():
                term = np.union1d(term, cr[lone])
        inside = ((np.searchsorted(np.asarray(toggles, dtype=np.int64), term, side="right") + start_in_q) % 2) == 1
        ends_idx = np.flatnonzero(~inside)
        ends = term[ends_idx]
        starts = np.empty(len(ends) + 1, dtype=np.int64)
        starts[0] = self.pending_start
        starts[1:] = ends + 1
        start_lines = np.empty(len(ends) + 1, dtype=np.int64)
        start_lines[0] = self.pending_line
        start_lines[1:] = self.line + ends_idx + 1
        content_end = ends.astype(np.int64)
        if len(ends):
            crlf = (a[ends] == 10) & (ends > 0) & (a[np.maximum(ends - 1, 0)] == 13)
            content_end = content_end - crlf
        nonempty = starts[:-1] != content_end
        found = [start_lines[:-1][nonempty]]
        if final:
            tail_start = int(starts[-1])
            if tail_start == -1 or tail_start < n:
                found.append(start_lines[-1:])
        self.found = np.concatenate([self.found, *found])
        self.line += len(term)
        if len(ends):
            self.pending_line = int(start_lines[-1])
            self.pending_start = int(starts[-1]) - n  # 0 when the block ended with a record terminator
        if self.pending_start != 0:
            self.pending_start = -1
