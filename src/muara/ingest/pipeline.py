"""One file in: read, coerce, validate with GX, and (for ``ingest``) load in one transaction.

``check_file`` and ``ingest_file`` share this code path, and the Airflow DAG calls ``ingest_file`` too, so an
officer who checks a file before sending gets exactly the answer the pipeline will give.

Every row read ends in exactly one place: ``raw.<dataset>`` (all its rules hold) or
``quarantine.<dataset>`` (with every reason), so ``rows_read = rows_loaded + rows_rejected`` always.
"""

from __future__ import annotations

import hashlib
import time
import uuid
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from muara import settings
from muara.contract import reference
from muara.contract.model import Contract, get
from muara.ingest import pii
from muara.ingest.outcome import Outcome, RejectedRow, RowError
from muara.ingest.validate import Validator

#: rejected rows kept in memory for the officer's report (all of them go to quarantine)
REPORT_DETAIL_ROWS = 500


def sha256_of(path: Path) -> tuple[str, int]:
    h = hashlib.sha256()
    size = 0
    with path.open("rb") as f:
        while block := f.read(1 << 20):
            h.update(block)
            size += len(block)
    return h.hexdigest(), size


def _unusable(outcome: Outcome, reason: str, message: str, fix: str) -> Outcome:
    outcome.status, outcome.reason, outcome.message, outcome.fix = "rejected", reason, message, fix
    return outcome


def _sender_problem(contract: Contract, sender: str, city_code: str) -> tuple[str, str] | None:
    senders = reference.senders_of(contract.name, contract.sender_kind, city_code)
    if sender in senders:
        return None
    who = "OPD" if contract.sender_kind == "opd" else "kelurahan"
    return (
        f"Pengirim '{sender}' tidak terdaftar sebagai pengirim data {contract.name} ({contract.title}).",
        f"Data {contract.name} dikirim oleh {who}: {', '.join(senders[:8])}{' ...' if len(senders) > 8 else ''}. "
        "Bila pengirim ini memang bertugas mengirimnya, minta admin Muara menambahkannya di schemas/reference/opd.csv.",
    )


def _other_dataset(path: Path, contract: Contract) -> str | None:
    """When the required columns are missing, does the file fit another contract instead?"""
    from muara.contract.model import load_all
    from muara.readers.dispatch import open_export
    from muara.readers.types import UnusableFile

    for name, other in load_all().items():
        if name == contract.name:
            continue
        try:
            open_export(path, other)
        except UnusableFile:
            continue
        return name
    return None


def _duplicate_texts(contract: Contract) -> tuple[str, str]:
    """Rule and fix for a natural key repeated inside one file (the same words in check and ingest)."""
    return (
        f"Kunci {', '.join(contract.primary_key)} tidak boleh ganda dalam satu berkas.",
        "Hapus baris ganda atau perbaiki kuncinya.",
    )


def _complete(typed: pd.DataFrame, contract: Contract) -> pd.DataFrame:
    """Every contract column present (optional ones the file lacks are all-missing), in contract order."""
    for column in contract.columns:
        if column.name not in typed.columns:
            typed[column.name] = pd.Series([None] * len(typed), dtype=object)
    return typed[list(contract.column_names)].reset_index(drop=True)


def _cell_errors(cell_errors: list[Any], contract: Contract) -> list[RowError]:
    out = []
    for e in cell_errors:
        column = contract.column(e.column)
        value = pii.protect_text(e.value, column)
        out.append(
            RowError(int(e.position), e.column, None if value is None else str(value), e.reason, e.message, e.fix)
        )
    return out


def _original_rows(chunk: Any, positions: list[int], contract: Contract) -> list[dict[str, Any]]:
    """The rows at ``positions`` as read (personal data protected), column by column for speed."""
    if not positions:
        return []
    columns: dict[str, list[Any]] = {}
    for name in chunk.frame.columns:
        values = chunk.frame[name].iloc[positions].to_numpy(dtype=object).tolist()
        if name in contract.column_names and contract.column(name).pii is not None:
            column = contract.column(name)
            values = [pii.protect_text(v, column) for v in values]
        columns[name] = values
    if chunk.extra is not None:
        for name in chunk.extra.columns:
            columns[name] = chunk.extra[name].iloc[positions].to_numpy(dtype=object).tolist()
    return [{name: _plain(values[i]) for name, values in columns.items()} for i in range(len(positions))]


def _plain(v: Any) -> Any:
    if v is None or (not isinstance(v, str) and pd.isna(v)):
        return None
    if isinstance(v, float) and v.is_integer():
        return int(v)  # a spreadsheet's 2140.0 is the 2140 the officer typed
    return v


class _KeySeen:
    """Natural keys already seen in this file (check mode: there is no database to group them)."""

    def __init__(self, key: tuple[str, ...]) -> None:
        self.key = list(key)
        self.seen: dict[int, int] = {}  # key hash -> first row number

    def repeats(self, typed: pd.DataFrame, row_numbers: np.ndarray, skip: set[int]) -> list[int]:
        """Positions whose key was seen earlier in the file (in an earlier chunk or earlier in this one)."""
        keys = typed[self.key]
        complete = ~keys.isna().any(axis=1).to_numpy()  # a key with a blank part is rejected for that part
        hashes = pd.util.hash_pandas_object(keys, index=False).to_numpy()
        out = []
        seen = self.seen
        for pos in np.flatnonzero(complete).tolist():
            if pos in skip:
                continue
            h = int(hashes[pos])
            if h in seen:
                out.append(pos)
            else:
                seen[h] = int(row_numbers[pos])
        return out


def process_file(
    path: Path,
    dataset: str,
    sender: str | None,
    *,
    mode: str,
    city_code: str | None = None,
    now: datetime | None = None,
    chunk_rows: int = 100_000,
    max_bytes: int | None = None,
    conn: Any = None,
    sha: tuple[str, int] | None = None,
) -> Outcome:
    """Read, coerce and validate ``path``; with ``conn`` (ingest), also write rows and the ledger row."""
    from muara.ingest.coerce import coerce
    from muara.readers.dispatch import open_export
    from muara.readers.types import UnusableFile

    started = time.monotonic()
    city = settings.city(city_code)
    contract = get(dataset)
    digest, size = sha or sha256_of(path)
    out = Outcome(path=path, dataset=dataset, sender=sender, sha256=digest, file_bytes=size, mode=mode)
    if sender is not None and (problem := _sender_problem(contract, sender, city.code)):
        return _unusable(out, "sender_not_allowed", *problem)
    try:
        layout, chunks = open_export(path, contract, chunk_rows=chunk_rows, max_bytes=max_bytes)
    except UnusableFile as exc:
        if exc.reason in ("missing_columns", "no_header") and (other := _other_dataset(path, contract)):
            return _unusable(
                out,
                "wrong_dataset",
                f"Berkas {path.name} berisi data '{other}', bukan '{dataset}' ({contract.title}).",
                f"Kirim berkas ini sebagai dataset '{other}', atau pilih berkas {contract.name} yang benar.",
            )
        return _unusable(out, exc.reason, exc.message, exc.fix)
    out.file_format, out.sheet, out.header_row = layout.format, layout.sheet, layout.header_row
    out.columns, out.unknown_columns = dict(layout.columns), tuple(layout.unknown_columns)

    validator = Validator(contract, city_code=city.code, now=now, sender=sender)
    writer = None
    if conn is not None:
        from muara.ingest.load import BatchWriter

        out.batch_id = uuid.uuid4()
        writer = BatchWriter(conn, contract, out.batch_id, sender or "", path.name)
    seen = _KeySeen(contract.primary_key) if writer is None else None
    t_read = t_validate = t_load = 0.0
    try:
        iterator = iter(chunks)
        while True:
            t0 = time.monotonic()
            try:
                chunk = next(iterator)
            except StopIteration:
                break
            typed, cell_errors = coerce(chunk.frame, contract, city.tz)
            typed = _complete(typed, contract)
            t1 = time.monotonic()
            cell = _cell_errors(cell_errors, contract)
            unreadable = {(e.position, e.column) for e in cell}
            # a value that could not be read is reported as such, not also as "missing"
            errors = cell + [
                e
                for e in validator.validate(typed)
                if not (e.reason == "required" and (e.position, e.column) in unreadable)
            ]
            if seen is not None:
                bad_now = {e.position for e in errors}
                dup_rule, dup_fix = _duplicate_texts(contract)
                for pos in seen.repeats(typed, chunk.row_numbers, bad_now):
                    errors.append(
                        RowError(
                            pos,
                            contract.primary_key[0],
                            str(typed.at[pos, contract.primary_key[0]]),
                            "duplicate_key",
                            dup_rule,
                            dup_fix,
                        )
                    )
            t2 = time.monotonic()
            by_row: dict[int, list[RowError]] = {}
            for e in errors:
                by_row.setdefault(e.position, []).append(e)
                out.reason_counts[(e.column, e.reason)] += 1
            bad = sorted(by_row)
            good_mask = np.ones(len(typed), dtype=bool)
            good_mask[bad] = False
            out.rows_read += len(typed)
            rejected_now = [
                RejectedRow(int(chunk.row_numbers[pos]), values, by_row[pos])
                for pos, values in zip(bad, _original_rows(chunk, bad, contract), strict=True)
            ]
            room = REPORT_DETAIL_ROWS - len(out.rejected)
            out.rejected.extend(rejected_now[: max(room, 0)])
            if writer is not None:
                good = pii.protect(typed[good_mask].reset_index(drop=True), contract)
                writer.write_good(good, chunk.row_numbers[good_mask])
                writer.write_rejected(
                    [r.values for r in rejected_now],
                    [r.row_number for r in rejected_now],
                    [[e.as_json() for e in r.errors] for r in rejected_now],
                )
            else:
                out.rows_rejected += len(bad)
                out.rows_loaded += int(good_mask.sum())
            t3 = time.monotonic()
            t_read += t1 - t0
            t_validate += t2 - t1
            t_load += t3 - t2
    except UnusableFile as exc:  # a problem found only once reading began (e.g. a header-only file)
        if writer is not None:
            writer.abandon()  # the caller rolls back everything of this file
        return _unusable(out, exc.reason, exc.message, exc.fix)
    except BaseException:
        if writer is not None:
            writer.abandon()
        raise
    if writer is not None:
        t0 = time.monotonic()
        dup_rule, dup_fix = _duplicate_texts(contract)
        for row_number, values in writer.move_duplicates_across_chunks(dup_rule, dup_fix):
            out.reason_counts[(contract.primary_key[0], "duplicate_key")] += 1
            if len(out.rejected) < REPORT_DETAIL_ROWS:
                out.rejected.append(
                    RejectedRow(
                        row_number,
                        values,
                        [
                            RowError(
                                -1,
                                contract.primary_key[0],
                                str(values.get(contract.primary_key[0])),
                                "duplicate_key",
                                dup_rule,
                                dup_fix,
                            )
                        ],
                    )
                )
        writer.flush()
        out.rows_loaded, out.rows_rejected = writer.rows_loaded, writer.rows_rejected
        t_load += time.monotonic() - t0
    if out.rows_read == 0:
        return _unusable(
            out,
            "no_rows",
            f"Berkas {path.name} tidak berisi satu baris data pun.",
            "Isi data di bawah baris judul kolom, lalu kirim ulang.",
        )
    out.gx_docs = validator.docs
    out.status = "loaded" if out.rows_rejected == 0 else ("partial" if out.rows_loaded else "rejected")
    out.rejected.sort(key=lambda r: r.row_number)
    out.timings = {"read": t_read, "validate": t_validate, "load": t_load, "total": time.monotonic() - started}
    return out


def check_file(path: Path, dataset: str, sender: str | None = None, **kwargs: Any) -> Outcome:
    """Validate only: nothing is written anywhere. What ``ingest_file`` would say, before sending."""
    return process_file(path, dataset, sender, mode="check", **kwargs)


def ingest_file(
    path: Path,
    dataset: str,
    sender: str,
    *,
    city_code: str | None = None,
    now: datetime | None = None,
    chunk_rows: int = 100_000,
    max_bytes: int | None = None,
    write_report: bool = True,
) -> Outcome:
    """Validate and load ``path`` in one transaction, record it in the ledger, and write the officer's report."""
    import psycopg

    from muara.ingest import report
    from muara.ingest.ledger import LedgerEntry, already_loaded, lock_file, update_paths
    from muara.stack import postgres as db

    city = settings.city(city_code)
    contract = get(dataset)
    started_at = datetime.now(city.tz)
    digest, size = sha256_of(path)
    with psycopg.connect(db.url()) as conn:  # one transaction; committed when the block ends without error
        lock_file(conn, digest)
        previous = already_loaded(conn, digest, dataset, sender)
        if previous is not None:
            out = Outcome(
                path=path,
                dataset=dataset,
                sender=sender,
                sha256=digest,
                file_bytes=size,
                mode="ingest",
                status="duplicate",
                batch_id=uuid.uuid4(),
                duplicate_of=previous,
            )
        else:
            out = process_file(
                path,
                dataset,
                sender,
                mode="ingest",
                city_code=city.code,
                now=now,
                chunk_rows=chunk_rows,
                max_bytes=max_bytes,
                conn=conn,
                sha=(digest, size),
            )
            if out.unusable:  # nothing of an unusable file stays, even rows written before the problem showed
                conn.rollback()
                lock_file(conn, digest)
                out.rows_read = out.rows_loaded = out.rows_rejected = 0
                out.batch_id = out.batch_id or uuid.uuid4()
        assert out.batch_id is not None
        LedgerEntry(
            batch_id=out.batch_id,
            sha256=digest,
            dataset=dataset,
            sender=sender,
            source_file=path.name,
            file_bytes=size,
            file_format=out.file_format,
            contract_version=contract.version,
            kode_kota=city.code,
            started_at=started_at,
            status=out.status,
            reason=out.reason,
            rows_read=out.rows_read,
            rows_loaded=out.rows_loaded,
            rows_rejected=out.rows_rejected,
            duplicate_of=out.duplicate_of,
            finished_at=datetime.now(city.tz),
            read_seconds=out.timings.get("read"),
            validate_seconds=out.timings.get("validate"),
            load_seconds=out.timings.get("load"),
        ).insert(conn)
    if write_report:
        paths = report.write(out, received=started_at)
        with psycopg.connect(db.url(), autocommit=True) as conn:
            update_paths(conn, out.batch_id, report_path=paths.get("html"), data_docs_path=paths.get("gx_docs"))
    return out
