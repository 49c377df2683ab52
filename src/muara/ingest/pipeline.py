"""One file in: read, coerce, validate with GX, and (for ``ingest``) load in one transaction.

``check_file`` and ``ingest_file`` share this code path, and the Airflow DAG calls ``ingest_file`` too, so an
officer who checks a file before sending gets exactly the answer the pipeline will give.

Every row read ends in exactly one place: ``raw.<dataset>`` (all its rules hold) or
``quarantine.<dataset>`` (with every reason), so ``rows_read = rows_loaded + rows_rejected`` always.
"""

from __future__ import annotations

import hashlib
import logging
import os
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
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
from muara.readers.types import FIX_PASTED, OversizedValue, format_mb

#: rejected rows kept in memory for the officer's report (all of them go to quarantine)
REPORT_DETAIL_ROWS = 500
#: how the suite is evaluated: ``sql`` (staged in Postgres, the default, for ``check`` too when the database
#: answers) or ``gx`` (GX on pandas: ``check`` without a database, and the differential test that holds the two
#: together)
ENGINE_ENV = "MUARA_VALIDATE_ENGINE"
#: rows per chunk: two are in memory at once (one staged in Postgres, the next read ahead). At 1M ``aduan`` rows,
#: 50,000 took as long as 100,000 (42.7 s against 44.1 s in the transaction) with a peak of 681 MB against 1,069 MB
CHUNK_ROWS = 50_000


def validate_engine(engine: str | None = None) -> str:
    chosen = engine or os.environ.get(ENGINE_ENV) or "sql"
    if chosen not in ("sql", "gx"):
        raise ValueError(f"{ENGINE_ENV} must be 'sql' or 'gx', not {chosen!r}")
    return chosen


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
    listed = f"{', '.join(senders[:8])}{' ...' if len(senders) > 8 else ''}"
    if contract.sender_kind == "opd":
        fix = (
            f"Data {contract.name} dikirim oleh OPD: {listed}. Bila OPD ini memang bertugas mengirimnya, minta admin "
            f"Muara menambahkan {contract.name} pada baris OPD ini di schemas/reference/opd.csv."
        )
    else:
        fix = (
            f"Data {contract.name} dikirim oleh setiap kelurahan kota ini dengan kode wilayahnya (misalnya "
            f"{senders[0] if senders else '53.71.04.1011'}). Kirim dari folder kode kelurahan Anda; bila kode "
            "kelurahan Anda belum ada, minta admin Muara memeriksa schemas/reference/kelurahan.csv."
        )
    return (f"Pengirim '{sender}' tidak terdaftar sebagai pengirim data {contract.name} ({contract.title}).", fix)


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


def _complete(typed: pd.DataFrame, contract: Contract, tz: Any = None) -> pd.DataFrame:
    """Every contract column present (optional ones the file lacks are all-missing, of the column's type, so a
    rule comparing two times compares times), in contract order."""
    for column in contract.columns:
        if column.name not in typed.columns:
            typed[column.name] = _missing_column(column.logical_type, len(typed), tz)
    return typed[list(contract.column_names)].reset_index(drop=True)


def _missing_column(logical_type: str, n: int, tz: Any) -> pd.Series:
    if logical_type == "timestamp" and tz is not None:
        return pd.Series(pd.NaT, index=range(n), dtype=pd.DatetimeTZDtype("ns", tz))
    dtype = {"date": "datetime64[ns]", "integer": "Int64", "number": "Float64", "boolean": "boolean"}.get(logical_type)
    if dtype is None:
        return pd.Series([None] * n, dtype=object)
    return pd.Series([None] * n, dtype=dtype)


def _cell_errors(cell_errors: list[Any], contract: Contract) -> list[RowError]:
    out = []
    for e in cell_errors:
        column = contract.column(e.column)
        value = pii.protect_text(e.value, column)
        out.append(
            RowError(int(e.position), e.column, None if value is None else str(value), e.reason, e.message, e.fix)
        )
    return out


def _oversized(chunk: Any) -> list[RowError]:
    """Fields over the size limit (the reader kept only their size): each rejects its row, naming the column. The
    cells become empty for typing; in ``extra`` (columns the contract does not know) they are simply dropped."""
    if chunk.extra is not None:
        _take_oversized(chunk.extra)
    return [
        RowError(i, name, str(big), "too_long", f"Isi satu sel paling besar {format_mb(big.limit)}.", FIX_PASTED)
        for i, name, big in _take_oversized(chunk.frame)
    ]


def _take_oversized(frame: pd.DataFrame) -> list[tuple[int, str, OversizedValue]]:
    """(row, column, value) of every :class:`OversizedValue` in ``frame``, each replaced by None in place."""
    found = []
    for j, name in enumerate(frame.columns):
        values = frame[name].to_numpy(dtype=object)
        for i in [i for i, v in enumerate(values) if isinstance(v, OversizedValue)]:
            found.append((i, str(name), values[i]))
            frame.iat[i, j] = None
    return found


def _original_rows(chunk: Any, positions: list[int], contract: Contract) -> list[dict[str, Any]]:
    """The rows at ``positions`` as read, column by column for speed: personal columns protected, personal data
    typed into any other text masked, and columns the contract does not know reduced to their names."""
    if not positions:
        return []
    columns: dict[str, list[Any]] = {}
    for name in chunk.frame.columns:
        values = chunk.frame[name].iloc[positions].to_numpy(dtype=object).tolist()
        if name in contract.column_names:
            column = contract.column(name)
            values = [pii.protect_text(v, column) for v in values]
        columns[name] = values
    if chunk.extra is not None:  # columns the contract does not know: their names only, never their values
        for name in chunk.extra.columns:
            columns[name] = [None] * len(positions)
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


class _Clock:
    """Seconds per stage (read, validate, load) summed over the chunks: ``lap(stage)`` books the time since the
    previous lap to that stage."""

    def __init__(self) -> None:
        self.started = self.last = time.monotonic()
        self.spent: dict[str, float] = {"read": 0.0, "validate": 0.0, "load": 0.0}

    def lap(self, stage: str) -> None:
        now = time.monotonic()
        self.spent[stage] += now - self.last
        self.last = now

    def timings(self) -> dict[str, float]:
        return {**self.spent, "total": time.monotonic() - self.started}


class _ReadAhead:
    """The file's chunks, read and typed one ahead on a thread of their own: while Postgres stages, judges and
    loads chunk N (the main thread waits on the server, without the GIL), chunk N+1 is read and typed (Arrow's
    reader and compute kernels release the GIL too). At most two chunks are in memory; order is kept; an error
    while reading is raised where the chunk would have been taken."""

    def __init__(self, chunks: Iterator[Any], coerce: Any) -> None:
        from concurrent.futures import ThreadPoolExecutor

        self._chunks, self._coerce = chunks, coerce
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="muara-read")
        self._next = self._pool.submit(self._one)

    def _one(self) -> tuple[Any, pd.DataFrame, list[RowError]] | None:
        chunk = next(self._chunks, None)
        if chunk is None:
            return None
        typed, cell = self._coerce(chunk)
        return chunk, typed, cell

    def __iter__(self) -> Iterator[tuple[Any, pd.DataFrame, list[RowError]]]:
        while (got := self._next.result()) is not None:
            self._next = self._pool.submit(self._one)
            yield got

    def close(self) -> None:
        """Wait for the read under way (a file is never left half-read by a thread) and stop."""
        self._pool.shutdown(wait=True, cancel_futures=True)


@dataclass
class _FileRun:
    """One file on its way through the per-chunk pipeline: read -> coerce -> validate -> sink.

    ``writer`` is None for ``check`` (nothing is written; repeated keys are found in memory by ``seen``) and a
    :class:`~muara.ingest.load.BatchWriter` for ``ingest`` (repeated keys are found by Postgres at the end).
    """

    contract: Contract
    out: Outcome
    validator: Any  # Validator (GX on pandas) or SqlValidator (staged in Postgres)
    tz: Any
    writer: Any = None
    seen: _KeySeen | None = None
    clock: _Clock = field(default_factory=_Clock)

    @classmethod
    def start(
        cls, contract: Contract, out: Outcome, validator: Any, tz: Any, clock: _Clock, conn: Any, write: bool
    ) -> _FileRun:
        """Check mode (``write`` false; a ``conn`` only for the SQL engine's stage) finds repeated keys in memory;
        ingest mode writes through a BatchWriter."""
        run = cls(contract, out, validator, tz, clock=clock)
        if not write:
            run.seen = _KeySeen(contract.primary_key)
            return run
        from muara.ingest.load import BatchWriter

        out.batch_id = uuid.uuid4()
        run.writer = BatchWriter(conn, contract, out.batch_id, out.sender or "", out.path.name)
        return run

    def conclude(self) -> Outcome:
        """The file's status once every chunk went through; a file without one data row is unusable."""
        out = self.out
        if out.rows_read == 0:
            return _unusable(
                out,
                "no_rows",
                f"Berkas {out.path.name} tidak berisi satu baris data pun.",
                "Isi data di bawah baris judul kolom, lalu kirim ulang.",
            )
        out.gx_docs = self.validator.docs
        out.status = "loaded" if out.rows_rejected == 0 else ("partial" if out.rows_loaded else "rejected")
        out.rejected.sort(key=lambda r: r.row_number)
        out.timings = self.clock.timings()
        return out

    def coerce(self, chunk: Any) -> tuple[pd.DataFrame, list[RowError]]:
        from muara.ingest.coerce import coerce

        oversized = _oversized(chunk) if chunk.oversized else []
        typed, cell_errors = coerce(chunk.frame, self.contract, self.tz)
        return _complete(typed, self.contract, self.tz), oversized + _cell_errors(cell_errors, self.contract)

    def validate(self, typed: pd.DataFrame, chunk: Any, cell: list[RowError]) -> list[RowError]:
        """Every reason of every bad row: unreadable cells, the GX suite, the sender, keys repeated in the file."""
        unreadable = {(e.position, e.column) for e in cell}
        if self.writer is not None:
            self.writer.flush()  # the connection is free for the SQL engine's stage (no COPY under way)
        # a value that could not be read is reported as such, not also as "missing"
        errors = cell + [
            e
            for e in self.validator.validate(typed, chunk.row_numbers)
            if not (e.reason == "required" and (e.position, e.column) in unreadable)
        ]
        if self.seen is not None:
            bad_now = {e.position for e in errors}
            errors += [self._duplicate(pos, typed) for pos in self.seen.repeats(typed, chunk.row_numbers, bad_now)]
        return errors

    def _duplicate(self, pos: int, typed: pd.DataFrame) -> RowError:
        key = self.contract.primary_key[0]
        rule, fix = _duplicate_texts(self.contract)
        return RowError(pos, key, str(typed.at[pos, key]), "duplicate_key", rule, fix)

    def sink(self, typed: pd.DataFrame, chunk: Any, errors: list[RowError]) -> None:
        """Count the chunk, keep the first rejected rows for the report, and (ingest) hand rows to the writer."""
        out = self.out
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
            for pos, values in zip(bad, _original_rows(chunk, bad, self.contract), strict=True)
        ]
        room = REPORT_DETAIL_ROWS - len(out.rejected)
        out.rejected.extend(rejected_now[: max(room, 0)])
        if self.writer is None:
            out.rows_rejected += len(bad)
            out.rows_loaded += int(good_mask.sum())
            return
        if hasattr(self.validator, "insert_good"):  # staged in Postgres: the good rows go on from there
            self.writer.chunks += 1
            self.writer.rows_loaded += self.validator.insert_good(
                bad, self.writer.batch_id, self.writer.sender, self.writer.source_file
            )
        else:
            good = pii.protect(typed[good_mask].reset_index(drop=True), self.contract)
            self.writer.write_good(good, chunk.row_numbers[good_mask])
        self.writer.write_rejected(
            [r.values for r in rejected_now],
            [r.row_number for r in rejected_now],
            [[e.as_json() for e in r.errors] for r in rejected_now],
        )

    def run(self, chunks: Iterator[Any]) -> None:
        """Every chunk through coerce (one chunk ahead, on a thread) -> validate -> sink, timing each stage; the
        writer is abandoned on any error (the caller rolls the whole file back)."""
        clock = self.clock
        ahead = _ReadAhead(chunks, self.coerce)
        try:
            for chunk, typed, cell in ahead:
                clock.lap("read")  # waiting for the chunk read and typed ahead (see _ReadAhead)
                errors = self.validate(typed, chunk, cell)
                clock.lap("validate")
                self.sink(typed, chunk, errors)
                clock.lap("load")
        except BaseException:
            if self.writer is not None:
                self.writer.abandon()
            raise
        finally:
            ahead.close()

    def finish_load(self) -> None:
        """Ingest only: move keys repeated across chunks to quarantine, then flush the last rows."""
        contract, out, key = self.contract, self.out, self.contract.primary_key[0]
        rule, fix = _duplicate_texts(contract)
        for row_number, values in self.writer.move_duplicates_across_chunks(rule, fix):
            out.reason_counts[(key, "duplicate_key")] += 1
            if len(out.rejected) < REPORT_DETAIL_ROWS:
                error = RowError(-1, key, str(values.get(key)), "duplicate_key", rule, fix)
                out.rejected.append(RejectedRow(row_number, values, [error]))
        self.writer.flush()
        out.rows_loaded, out.rows_rejected = self.writer.rows_loaded, self.writer.rows_rejected
        self.clock.lap("load")


def _failed(out: Outcome, exc: BaseException) -> Outcome:
    """A fault of ours while reading or checking the file: the officer gets an answer and the file is not taken
    again (a ledger row, then the archive); engineers get the error in the ledger and the log."""
    logging.getLogger(__name__).error(
        "%s (%s, %s): Muara failed while checking it", out.path.name, out.dataset, out.sender, exc_info=exc
    )
    _unusable(
        out,
        "internal_error",
        f"Berkas '{out.path.name}' belum bisa diperiksa karena kesalahan di sistem Muara, bukan karena isi berkas "
        "Anda. Kesalahan ini sudah tercatat untuk tim data.",
        "Tidak perlu mengubah berkas. Tim data Muara akan memperbaikinya dan menghubungi Anda; bila mendesak, "
        "hubungi admin Muara dengan menyebut nama berkas ini.",
    )
    out.status = "failed"
    out.error = f"{type(exc).__name__}: {exc}"[:2000]
    return out


#: faults of the platform, which a retry may cure: they propagate (the task retries), never become an answer
PLATFORM_FAULTS: tuple[type[BaseException], ...] = (ConnectionError, TimeoutError)


def _platform_fault(exc: BaseException) -> bool:
    import psycopg

    return isinstance(exc, (*PLATFORM_FAULTS, psycopg.Error))


def _wrong_file(out: Outcome, path: Path, contract: Contract, exc: Any) -> Outcome:
    """A file that cannot be used; when it lacks this dataset's columns but fits another, say which."""
    if exc.reason in ("missing_columns", "no_header") and (other := _other_dataset(path, contract)):
        return _unusable(
            out,
            "wrong_dataset",
            f"Berkas {path.name} berisi data '{other}', bukan '{contract.name}' ({contract.title}).",
            f"Kirim berkas ini sebagai dataset '{other}', atau pilih berkas {contract.name} yang benar.",
        )
    return _unusable(out, exc.reason, exc.message, exc.fix)


def process_file(
    path: Path,
    dataset: str,
    sender: str | None,
    *,
    mode: str,
    city_code: str | None = None,
    now: datetime | None = None,
    chunk_rows: int = CHUNK_ROWS,
    max_bytes: int | None = None,
    conn: Any = None,
    sha: tuple[str, int] | None = None,
    engine: str | None = None,
) -> Outcome:
    """Read, coerce and validate ``path``; in ``ingest`` mode (``conn`` required) also write rows (the caller
    writes the ledger). With ``conn`` the suite runs in Postgres on the staged chunk (:mod:`muara.ingest.
    sql_validate`) unless ``engine`` (``MUARA_VALIDATE_ENGINE``) says ``gx``; without one, GX on pandas."""
    from muara.readers.dispatch import open_export
    from muara.readers.types import UnusableFile

    clock = _Clock()
    city = settings.city(city_code)
    contract = get(dataset)
    digest, size = sha or sha256_of(path)
    out = Outcome(path=path, dataset=dataset, sender=sender, sha256=digest, file_bytes=size, mode=mode)
    if sender is not None and (problem := _sender_problem(contract, sender, city.code)):
        return _unusable(out, "sender_not_allowed", *problem)
    try:
        layout, chunks = open_export(path, contract, chunk_rows=chunk_rows, max_bytes=max_bytes)
    except UnusableFile as exc:
        return _wrong_file(out, path, contract, exc)
    except Exception as exc:  # a parser limit, a recursion, a bug of ours: still an answer
        if _platform_fault(exc):
            raise
        return _failed(out, exc)
    out.file_format, out.sheet, out.header_row = layout.format, layout.sheet, layout.header_row
    out.columns, out.unknown_columns = dict(layout.columns), tuple(layout.unknown_columns)

    if conn is not None and validate_engine(engine) == "sql":
        from muara.ingest.sql_validate import SqlValidator

        validator: Any = SqlValidator(contract, conn, city_code=city.code, now=now, sender=sender)
    else:
        from muara.ingest.validate import Validator

        validator = Validator(contract, city_code=city.code, now=now, sender=sender)
    file_run = _FileRun.start(contract, out, validator, city.tz, clock, conn, write=mode == "ingest")
    clock.lap("read")  # opening the file (format, encoding, header) counts as reading it
    try:
        file_run.run(iter(chunks))
    except UnusableFile as exc:  # a problem found only once reading began (e.g. a header-only file)
        return _unusable(out, exc.reason, exc.message, exc.fix)
    except Exception as exc:
        if _platform_fault(exc):
            raise
        return _failed(out, exc)
    if file_run.writer is not None:
        file_run.finish_load()
    return file_run.conclude()


def check_file(path: Path, dataset: str, sender: str | None = None, **kwargs: Any) -> Outcome:
    """Validate only: nothing is written anywhere. What ``ingest_file`` would say, before sending.

    With the SQL engine (the default) the chunks are staged in a temporary table of a transaction that is rolled
    back, on the warehouse database when it answers; where none does (an officer's laptop), GX on pandas gives
    the same verdicts (``tests/integration/test_validate_differential.py``) at the cost of importing GX."""
    if conn := _check_connection(kwargs.get("engine")):
        try:
            return process_file(path, dataset, sender, mode="check", conn=conn, **kwargs)
        finally:
            conn.rollback()
            conn.close()
    return process_file(path, dataset, sender, mode="check", **kwargs)


def _check_connection(engine: str | None) -> Any:
    """A connection for ``check``'s stage, or None (the GX engine asked for, or no database answering)."""
    if validate_engine(engine) != "sql":
        return None
    import psycopg

    from muara.stack import postgres as db

    try:
        return psycopg.connect(db.url(), connect_timeout=5)
    except (psycopg.OperationalError, db.DatabaseError, OSError) as exc:
        logging.getLogger(__name__).info("no database for the check's stage (%s): GX on pandas instead", exc)
        return None


def _load(conn: Any, path: Path, dataset: str, sender: str, digest: str, size: int, **kwargs: Any) -> Outcome:
    """Inside the file's transaction: a file already loaded is a ``duplicate``; otherwise read, validate and write
    it, and roll back every row of a file that turns out unusable half-way."""
    from muara.ingest.ledger import already_loaded, lock_file

    lock_file(conn, digest)
    previous = already_loaded(conn, digest, dataset, sender)
    if previous is not None:
        return Outcome(
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
    out = process_file(path, dataset, sender, mode="ingest", conn=conn, sha=(digest, size), **kwargs)
    if out.unusable:  # nothing of an unusable file stays, even rows written before the problem showed
        conn.rollback()
        lock_file(conn, digest)
        out.rows_read = out.rows_loaded = out.rows_rejected = 0
        out.batch_id = out.batch_id or uuid.uuid4()
    return out


def _ledger_entry(out: Outcome, contract: Contract, city: settings.City, started_at: datetime) -> Any:
    from muara.ingest.ledger import LedgerEntry

    assert out.batch_id is not None and out.sender is not None
    return LedgerEntry(
        batch_id=out.batch_id,
        sha256=out.sha256,
        dataset=out.dataset,
        sender=out.sender,
        source_file=out.path.name,
        file_bytes=out.file_bytes,
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
        error=out.error,
    )


def ingest_file(
    path: Path,
    dataset: str,
    sender: str,
    *,
    city_code: str | None = None,
    now: datetime | None = None,
    chunk_rows: int = CHUNK_ROWS,
    max_bytes: int | None = None,
    write_report: bool = True,
    archive: bool = False,
    engine: str | None = None,
) -> Outcome:
    """Validate and load ``path`` in one transaction with its ledger row; then write the officer's report and,
    with ``archive``, move the file from the inbox next to its ledger id.

    The database is done with at the commit: the report's and the archive's paths are decided first and recorded
    on the ledger row in the same transaction; the report is written just before the commit (and removed if the
    commit fails), the file is archived after it. So a server that stops at any
    moment either rolls the whole file back (the file stays in the inbox and the task's retry loads it) or finds it
    committed with nothing left to record; it can never leave the file archived with the task failing, which
    a retry could not mend (the file would be gone from the inbox). A crash of the process itself between the
    commit and the move leaves the file in the inbox, and the rerun records it as a duplicate."""
    import psycopg

    from muara.ingest import inbox, report
    from muara.stack import postgres as db

    city = settings.city(city_code)
    contract = get(dataset)
    started_at = datetime.now(city.tz)
    digest, size = sha256_of(path)
    options = {"city_code": city.code, "now": now, "chunk_rows": chunk_rows, "max_bytes": max_bytes, "engine": engine}
    with psycopg.connect(db.url()) as conn:
        out = _load(conn, path, dataset, sender, digest, size, **options)
        assert out.batch_id is not None
        entry = _ledger_entry(out, contract, city, started_at)
        prepared = report.prepare(out, received=started_at) if write_report else None
        entry.report_path, entry.data_docs_path = out.report_paths.get("html"), out.report_paths.get("gx_docs")
        target = inbox.archive_target(path, sender, dataset, out.batch_id) if archive else None
        entry.archive_path = str(target) if target else None
        entry.insert(conn)
        if prepared is not None:
            prepared.save()  # before the commit: whoever reads the ledger row (the portal) finds its report
        try:
            conn.commit()  # the rows and the ledger row, together; no database work after this line
        except BaseException:
            if prepared is not None:
                prepared.remove()
            raise
    if target is not None:
        inbox.archive(path, sender, dataset, out.batch_id, target=target)
    return out


def ingest_pending(item: dict[str, str]) -> dict[str, object]:
    """The ingest DAG's task for one inbox file (``inbox.Pending.as_dict()``): ingest it, write the report,
    archive it, and return the summary the DAG's Asset events are decided from."""
    path = Path(item["path"])
    out = ingest_file(path, item["dataset"], item["sender"], archive=True)
    summary = out.as_json()
    keys = ("dataset", "sender", "status", "rows_read", "rows_loaded", "rows_rejected", "batch_id", "reason")
    # one line per file for the task log: counts and codes only (the name escaped: it is the officer's text)
    logging.getLogger(__name__).info(
        "%s/%s %s: %s%s, %d read, %d loaded, %d rejected, batch %s",
        summary["sender"],
        summary["dataset"],
        ascii(path.name),
        summary["status"],
        f" ({summary['reason']})" if summary["reason"] else "",
        summary["rows_read"],
        summary["rows_loaded"],
        summary["rows_rejected"],
        summary["batch_id"],
    )
    return {k: summary[k] for k in keys}
