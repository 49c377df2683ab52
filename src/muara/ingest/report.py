"""The officer's answer, in Bahasa Indonesia: counts first, then every rejected row, its column, its value, the
rule it broke and how to fix it. Written as plain text (for e-mail/WhatsApp), HTML (for the browser) and a
CSV of the rejected rows to fix and resend.

Anything exported is safe to open in Excel: a value starting with ``=``, ``+``, ``-``, ``@``, tab or carriage
return would run as a formula there, so it is prefixed with ``'`` (OWASP's advice against CSV injection).
"""

from __future__ import annotations

import csv
import html
import io
import logging
import os
import re
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from muara import settings
from muara.contract.model import get

if TYPE_CHECKING:
    from muara.ingest.outcome import Outcome

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
STATUS_TEXT = {
    "loaded": "DITERIMA SEMUA",
    "partial": "SEBAGIAN DITERIMA",
    "rejected": "DITOLAK",
    "duplicate": "SUDAH PERNAH DIKIRIM (tidak dimuat ulang)",
    "failed": "BELUM BISA DIPERIKSA (kesalahan di Muara)",
}
DOCS_LABEL = "Rincian teknis validasi (GX Data Docs)"
CHECK_STATUS_TEXT = {
    "loaded": "SEMUA BARIS LOLOS PEMERIKSAAN",
    "partial": "SEBAGIAN BARIS DITOLAK",
    "rejected": "DITOLAK",
    "failed": "BELUM BISA DIPERIKSA (kesalahan di Muara)",
}


def neutralise(value: object) -> object:
    """A value that would run as a spreadsheet formula, made inert."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def printable(text: str) -> str:
    """A file name as one line: control characters (a newline could forge report lines) shown as escapes."""
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in text)


#: a sender as a folder name: a registry code (``PUPR``, ``53.71.04.1011``), never a path
SENDER_FOLDER = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")


def sender_folder(sender: str | None, root: Path | None = None) -> Path:
    """``data/reports/<sender>/``. A sender that is not a plain code never becomes a path: its reports go to
    ``_tidak_dikenal/`` (the CLI refuses such a sender before this; an inbox folder named oddly still gets its
    answer there, for the admin to pass on, instead of failing the task over and over)."""
    root = (root or settings.data_dir() / "reports").resolve()
    name = sender or "_periksa"
    if sender is not None and (not SENDER_FOLDER.fullmatch(sender) or ".." in sender):
        name = "_tidak_dikenal"
    folder = (root / name).resolve()
    if folder.parent != root:  # pragma: no cover - the name is a plain code or one of ours by now
        raise ValueError(f"report folder {folder} is outside {root}")
    return folder


def angka(n: int) -> str:
    """Numbers as officers read them: 1.234.567."""
    return f"{n:,}".replace(",", ".")


@cache
def _label(dataset: str, column: str | None) -> str:
    """A column's business name; cached: a report of 500 rows asks it thousands of times, and each ``get`` resolves
    the schemas folder again (2.2 s of a 200,000-row ingest's report under the profiler)."""
    if column is None:
        return "(baris)"
    try:
        return get(dataset).column(column).business_name
    except KeyError:
        return column


def _status(outcome: Outcome) -> str:
    table = CHECK_STATUS_TEXT if outcome.mode == "check" else STATUS_TEXT
    return table.get(outcome.status, outcome.status.upper())


def _docs_name(outcome: Outcome) -> str | None:
    """The file name of the GX Data Docs page written beside this report, if one was."""
    path = outcome.report_paths.get("gx_docs")
    return Path(path).name if path else None


def _head(outcome: Outcome, when: datetime, zone: str) -> list[str]:
    contract = get(outcome.dataset)
    return [
        "LAPORAN PEMERIKSAAN KIRIMAN DATA - MUARA" if outcome.mode == "ingest" else "HASIL PERIKSA BERKAS - MUARA",
        f"Berkas     : {printable(outcome.path.name)}"
        + (f" ({outcome.file_format.upper()})" if outcome.file_format else ""),
        f"Dataset    : {outcome.dataset} ({contract.title}), kontrak versi {contract.version}",
        f"Pengirim   : {outcome.sender or '-'}",
        f"Waktu      : {when:%d/%m/%Y %H:%M} {zone}",
        f"Status     : {_status(outcome)}",
        "",
    ]


def _counts(outcome: Outcome) -> list[str]:
    lines = [
        f"Baris dibaca   : {angka(outcome.rows_read)}",
        f"Diterima       : {angka(outcome.rows_loaded)}",
        f"Ditolak        : {angka(outcome.rows_rejected)}",
        "",
    ]
    if outcome.unknown_columns:
        lines += [
            f"Kolom tidak dikenal (diabaikan; isinya tidak disimpan): {', '.join(outcome.unknown_columns)}",
            "",
        ]
    if outcome.reason_counts:
        lines.append("Ringkasan penolakan:")
        for (column, reason), n in outcome.reason_counts.most_common():
            lines.append(f"  - {_label(outcome.dataset, column)} [{reason}]: {angka(n)} baris")
        lines.append("")
    return lines


def _rejected_rows(outcome: Outcome) -> list[str]:
    """Row by row: each reason with the value as written and its fix. Only the first rows are kept for the
    report and its rejected-rows CSV (``REPORT_DETAIL_ROWS``); every rejected row is in quarantine."""
    if not outcome.rejected:
        return []
    shown = len(outcome.rejected)
    title = "Baris yang ditolak:"
    if outcome.rows_rejected > shown:
        title = (
            f"Baris yang ditolak ({angka(shown)} pertama dari {angka(outcome.rows_rejected)}; berkas ditolak.csv "
            "memuat baris yang sama, dan semua baris yang ditolak tersimpan di karantina Muara):"
        )
    lines = [title]
    for row in outcome.rejected:
        lines.append(f"  Baris {row.row_number}:")
        for e in row.errors:
            value = "(kosong)" if e.value is None else f"'{neutralise(e.value)}'"
            lines.append(f"    - Kolom '{_label(outcome.dataset, e.column)}' berisi {value}: {e.rule}")
            if e.fix:
                lines.append(f"      Perbaikan: {e.fix}")
    return [*lines, ""]


def _closing(outcome: Outcome) -> str:
    if outcome.mode == "ingest" and outcome.rows_loaded:
        return "Baris yang diterima sudah masuk gudang data."
    return "Perbaiki baris yang ditolak lalu kirim ulang." if outcome.rows_rejected else "Terima kasih."


def render_text(outcome: Outcome, *, received: datetime | None = None, docs_line: bool = True) -> str:
    city = settings.city()
    when = (received or datetime.now(city.tz)).astimezone(city.tz)
    lines = _head(outcome, when, city.zone_label)
    if outcome.unusable:
        lines += ["Berkas tidak dapat dipakai.", f"Masalah    : {outcome.message}", f"Perbaikan  : {outcome.fix}"]
        return "\n".join(lines) + "\n"
    if outcome.status == "duplicate":
        lines += [
            f"Berkas yang sama persis sudah dimuat sebelumnya (batch {outcome.duplicate_of}).",
            "Tidak ada baris baru. Bila ada perbaikan, kirim berkas yang sudah diperbaiki.",
        ]
        return "\n".join(lines) + "\n"
    lines += _counts(outcome) + _rejected_rows(outcome) + [_closing(outcome)]
    if docs_line and (docs := _docs_name(outcome)):
        lines += ["", f"{DOCS_LABEL}: {docs} (di folder yang sama dengan laporan ini)"]
    return "\n".join(lines) + "\n"


def render_html(outcome: Outcome, *, received: datetime | None = None) -> str:
    """The same content as the text report, as a self-contained HTML page (everything escaped)."""
    e = html.escape
    text = render_text(outcome, received=received, docs_line=False)
    docs = _docs_name(outcome)
    docs_link = f'<p>{e(DOCS_LABEL)}: <a href="{e(quote(docs))}">{e(docs)}</a></p>' if docs else ""
    head, _, rest = text.partition("\n\n")
    rows = []
    for row in outcome.rejected:
        for err in row.errors:
            rows.append(
                "<tr>"
                + "".join(
                    f"<td>{e(str(x))}</td>"
                    for x in (
                        row.row_number,
                        _label(outcome.dataset, err.column),
                        "(kosong)" if err.value is None else neutralise(err.value),
                        err.rule,
                        err.fix,
                    )
                )
                + "</tr>"
            )
    colour = {"loaded": "#1e7b34", "partial": "#b8860b", "rejected": "#b22222", "duplicate": "#555"}.get(
        outcome.status, "#555"
    )
    table = (
        (
            "<table><thead><tr><th>Baris</th><th>Kolom</th><th>Nilai</th><th>Aturan</th><th>Perbaikan</th></tr>"
            f"</thead><tbody>{''.join(rows)}</tbody></table>"
        )
        if rows
        else ""
    )
    return (
        '<!doctype html><html lang="id"><head><meta charset="utf-8">'
        f"<title>{e(outcome.path.name)} - Muara</title><style>"
        "body{font-family:system-ui,sans-serif;margin:2rem;max-width:70rem}"
        "table{border-collapse:collapse;width:100%}td,th{border:1px solid #ccc;padding:.3rem .5rem;"
        "text-align:left;vertical-align:top}th{background:#eee}pre{white-space:pre-wrap}"
        f".status{{color:#fff;background:{colour};padding:.2rem .6rem;border-radius:.3rem}}</style></head><body>"
        f'<h1>{e(outcome.path.name)}</h1><p class="status">{e(_status(outcome))}</p>'
        f"<pre>{e(head)}</pre><pre>{e(rest.split('Baris yang ditolak')[0])}</pre>{docs_link}{table}</body></html>\n"
    )


def render_rejected_csv(outcome: Outcome) -> str:
    """Rejected rows with their values and reasons, ready to fix in Excel (formulas neutralised)."""
    columns: list[str] = []
    for row in outcome.rejected:
        for k in row.values:
            if k not in columns:
                columns.append(k)
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=";", lineterminator="\r\n")
    w.writerow(["baris", *(neutralise(c) for c in columns), "alasan"])  # headers come from the officer's file too
    for row in outcome.rejected:
        reasons = " | ".join(f"{_label(outcome.dataset, e.column)}: {e.rule}" for e in row.errors)
        w.writerow([row.row_number, *(neutralise(row.values.get(c)) for c in columns), neutralise(reasons)])
    return buf.getvalue()


#: ``now`` (default): the GX Data Docs page is rendered with the report; ``later``: its input is saved beside the
#: report (``<stem>_gx.pending.json``) and ``muara docs render`` (``gx_docs.render_pending``) renders every
#: waiting page in one process. GX's import alone costs ~4-5 CPU-s, more than the whole ingest of a small file.
DOCS_ENV = "MUARA_GX_DOCS"


def docs_later() -> bool:
    return os.environ.get(DOCS_ENV, "now").strip().lower() == "later"


def _docs_page(outcome: Outcome, ident: str, when: datetime) -> dict[str, Any]:
    contract = get(outcome.dataset)
    return {
        "run_name": f"{outcome.dataset} {ident}",
        "run_time": when,
        "meta": {
            "berkas": outcome.path.name,
            "pengirim": outcome.sender or "-",
            "dataset": f"{outcome.dataset} (kontrak versi {contract.version})",
            "baris dibaca": angka(outcome.rows_read),
            "diterima": angka(outcome.rows_loaded),
            "ditolak": angka(outcome.rows_rejected),
            "catatan": "Halaman ini hanya memuat aturan GX. Nilai yang tidak terbaca, baris milik pengirim lain "
            "dan kunci ganda antar-bagian berkas diperiksa di luar GX: lihat laporan pemeriksaan. "
            "Data pribadi ditampilkan tersamar.",
        },
    }


def render_gx_docs(outcome: Outcome, ident: str, when: datetime) -> str:
    """The GX Data Docs page of the file's validation (GX's renderers; no personal data, values escaped)."""
    assert outcome.gx_docs is not None
    return str(outcome.gx_docs.render(**_docs_page(outcome, ident, when)))


def gx_docs_input(outcome: Outcome, ident: str, when: datetime) -> str:
    """What :func:`render_gx_docs` renders, as JSON, for a page rendered later."""
    assert outcome.gx_docs is not None
    return str(outcome.gx_docs.to_json(**_docs_page(outcome, ident, when)))


@dataclass(frozen=True)
class Prepared:
    """A report rendered but not yet on disk: file -> (text, encoding). The ingest records the paths in the ledger
    inside the file's transaction and saves the files just before its commit (removing them if the commit fails),
    so a ledger row that names a report always finds it and no database work is left after the commit."""

    files: dict[Path, tuple[str, str]]

    def save(self) -> None:
        for path, (text, encoding) in self.files.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding=encoding)

    def remove(self) -> None:
        """Take the files back (their transaction did not commit): no report answers a load that did not happen."""
        for path in self.files:
            path.unlink(missing_ok=True)


def prepare(outcome: Outcome, directory: Path | None = None, *, received: datetime | None = None) -> Prepared:
    """Render the report for ``data/reports/<sender>/`` and set ``outcome.report_paths``; nothing is written yet."""
    city = settings.city()
    when = (received or datetime.now(city.tz)).astimezone(city.tz)
    folder = directory or sender_folder(outcome.sender)
    ident = str(outcome.batch_id)[:8] if outcome.batch_id else outcome.sha256[:8]
    stem = f"{when:%Y%m%dT%H%M%S}_{outcome.dataset}_{ident}"
    files: dict[Path, tuple[str, str]] = {}
    outcome.report_paths = {}
    if outcome.gx_docs is not None and not outcome.unusable and outcome.status != "duplicate":
        page_path = folder / f"{stem}_gx.html"
        try:
            if docs_later():
                from muara.ingest.gx_docs import PENDING_SUFFIX

                files[folder / f"{stem}{PENDING_SUFFIX}"] = (gx_docs_input(outcome, ident, when), "utf-8")
            else:
                files[page_path] = (render_gx_docs(outcome, ident, when), "utf-8")
        except Exception:  # the officer's report matters more than the technical page: never lose it
            logging.getLogger(__name__).exception("%s: the GX Data Docs page could not be rendered", stem)
        else:
            outcome.report_paths["gx_docs"] = str(page_path)  # so the reports below link to it
    paths = {"text": folder / f"{stem}.txt", "html": folder / f"{stem}.html"}
    files[paths["text"]] = (render_text(outcome, received=when), "utf-8")
    files[paths["html"]] = (render_html(outcome, received=when), "utf-8")
    if outcome.rejected:
        paths["rejected_csv"] = folder / f"{stem}_ditolak.csv"
        files[paths["rejected_csv"]] = (render_rejected_csv(outcome), "utf-8-sig")
    outcome.report_paths.update({k: str(v) for k, v in paths.items()})
    return Prepared(files)


def write(outcome: Outcome, directory: Path | None = None, *, received: datetime | None = None) -> dict[str, str]:
    """Save the report under ``data/reports/<sender>/`` and return the paths written."""
    prepare(outcome, directory, received=received).save()
    return outcome.report_paths
