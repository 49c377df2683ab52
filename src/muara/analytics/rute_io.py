"""``muara rute --in FILE --out OUT``: suggestions for every complaint of a table an officer exported.

The input is read as the officers' files come: CSV in UTF-8 (with or without BOM), UTF-16 or Windows-1252, with
``,`` ``;`` tab or ``|`` between fields (sniffed), or an XLSX sheet; every value is kept as text. The output is a
UTF-8 CSV with every input column, unchanged, plus the suggestion columns.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from muara.analytics.rute import Router, RuteError

OUTPUT_COLUMNS = (
    "kategori_saran",
    "kategori_saran_2",
    "kategori_saran_3",
    "opd_saran",
    "keyakinan",
    "perlu_ditinjau",
)
DELIMITERS = ",;\t|"


@dataclass(frozen=True)
class RouteSummary:
    rows: int
    ditinjau: int
    out: Path


def decode(path: Path, data: bytes) -> str:
    """Bytes to text: a BOM decides, else strict UTF-8, else Windows-1252 (Excel on Indonesian Windows)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if b"\x00" in data[:4096]:
        raise RuteError(f"{path}: berkas ini bukan teks CSV (ada byte nol). Simpan ulang sebagai CSV UTF-8 dari Excel.")
    for encoding in ("utf-8", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def read_table(path: Path) -> Any:
    """The file as a DataFrame of strings, or a :class:`RuteError` naming the file and the fix."""
    import pandas as pd

    if not path.is_file():
        raise RuteError(f"{path}: berkas tidak ditemukan. Periksa nama dan folder berkas yang diberikan pada --in.")
    try:
        if path.suffix.lower() in {".xlsx", ".xlsm"}:
            return pd.read_excel(path, dtype=str, engine="calamine").fillna("")
        text = decode(path, path.read_bytes())
    except RuteError:
        raise
    except Exception as exc:
        raise RuteError(
            f"{path}: berkas tidak dapat dibaca ({exc}). Simpan ulang sebagai CSV UTF-8 atau XLSX."
        ) from exc
    if not text.strip():
        raise RuteError(f"{path}: berkas kosong. Isi dengan baris judul kolom dan satu aduan per baris.")
    sample = text[:65536]
    try:
        delimiter = csv.Sniffer().sniff(sample.split("\n", 1)[0], delimiters=DELIMITERS).delimiter
    except csv.Error:
        delimiter = ","
    try:
        return pd.read_csv(io.StringIO(text), sep=delimiter, dtype=str, keep_default_na=False, na_filter=False)
    except Exception as exc:
        raise RuteError(
            f"{path}: isi CSV tidak dapat dibaca ({exc}). Periksa tanda kutip dan pemisah kolomnya."
        ) from exc


def text_column(frame: Any, wanted: str, path: Path) -> str:
    """The column holding the complaint text: exact name, else the same name ignoring case and spaces."""
    if wanted in frame.columns:
        return wanted
    loose = {str(c).strip().lower(): str(c) for c in frame.columns}
    if wanted.strip().lower() in loose:
        return loose[wanted.strip().lower()]
    have = ", ".join(str(c) for c in frame.columns) or "(tidak ada)"
    raise RuteError(
        f"{path}: kolom teks aduan '{wanted}' tidak ada. Kolom yang ada: {have}. "
        f"Beri nama kolom teks aduan '{wanted}', atau sebutkan kolomnya dengan --text-column NAMA_KOLOM."
    )


def route_file(in_path: Path, out_path: Path, column: str, router: Router) -> RouteSummary:
    frame = read_table(in_path)
    col = text_column(frame, column, in_path)
    suggestions = router.route([str(v) for v in frame[col].tolist()])
    out = frame.copy()
    out["kategori_saran"] = [s.kategori[0] for s in suggestions]
    out["kategori_saran_2"] = [s.kategori[1] for s in suggestions]
    out["kategori_saran_3"] = [s.kategori[2] for s in suggestions]
    out["opd_saran"] = [s.opd for s in suggestions]
    out["keyakinan"] = [f"{s.keyakinan:.3f}" for s in suggestions]
    out["perlu_ditinjau"] = ["true" if s.perlu_ditinjau else "false" for s in suggestions]
    try:
        out_path.parent.mkdir(parents=True, exist_ok=True)
        out.to_csv(out_path, index=False, encoding="utf-8")
    except OSError as exc:
        raise RuteError(
            f"{out_path}: hasil tidak dapat ditulis ({exc.strerror}). Pilih folder lain untuk --out."
        ) from exc
    return RouteSummary(rows=len(out), ditinjau=sum(s.perlu_ditinjau for s in suggestions), out=out_path)
