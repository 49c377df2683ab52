"""Loading one file: good rows by COPY into ``raw.<dataset>``, rejected rows into ``quarantine.<dataset>``, and
its ledger row in ``muara.ingest_batch``, all in ONE transaction.

If the process dies half-way, Postgres rolls the transaction back: no row of that file is visible and no
ledger row says it was loaded, so a rerun simply loads it. A file already loaded (same sha256, sender and
dataset) is recorded as ``duplicate`` and loads nothing; a transaction-scoped advisory lock on the hash makes
two concurrent runs of the same file see each other.

Rows go through Arrow's CSV writer into ``COPY ... (FORMAT csv)``: the same speed as a bare COPY, with types,
NULLs, quotes and time zones preserved exactly. The CSV writing and the COPY run on a thread of their own, in
the order they were handed over, so Postgres parses, checks and indexes one chunk while Python reads and
validates the next (Arrow and psycopg release the GIL while they work or wait).
"""

from __future__ import annotations

import io
import json
import queue
import threading
import uuid
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
from psycopg import Connection, sql

from muara.contract.layout import LINEAGE_COLUMNS
from muara.contract.model import Contract


def _arrow_type(physical: str) -> pa.DataType:
    return {
        "text": pa.large_string(),
        "bigint": pa.int64(),
        "integer": pa.int64(),
        "double precision": pa.float64(),
        "numeric(18,2)": pa.float64(),
        "numeric": pa.float64(),
        "date": pa.date32(),
        "timestamptz": pa.timestamp("us", tz="UTC"),
        "boolean": pa.bool_(),
    }[physical]


def csv_bytes(table: pa.Table) -> io.BytesIO:
    """``table`` as COPY's CSV (no header; a null is an empty unquoted field).

    Times with a zone are written as UTC text with ``+00`` from their naive form: Arrow's CSV writer formats a
    zoned timestamp through its time-zone database, about 0.15 s per 100,000 values (most of a chunk's CSV), the
    naive cast and a suffix 0.02 s, and Postgres reads the same instant."""
    columns = []
    for column, f in zip(table.columns, table.schema, strict=True):
        if pa.types.is_timestamp(f.type) and f.type.tz is not None:
            text = pc.cast(column.cast(pa.timestamp(f.type.unit)), pa.large_string())
            utc, nothing = pa.scalar("+00", pa.large_string()), pa.scalar("", pa.large_string())
            column = pc.binary_join_element_wise(text, utc, nothing)
        columns.append(column)
    buf = io.BytesIO()
    out = pa.Table.from_arrays(columns, names=table.column_names)
    pacsv.write_csv(out, buf, pacsv.WriteOptions(include_header=False, quoting_style="needed"))
    return buf


class _CopyThread:
    """COPY jobs on one connection, in order, on a background thread: at most one chunk waits in line.

    The caller must not use the connection until :meth:`finish` (or :meth:`abandon`) returned. After a failed
    job the thread keeps taking jobs without running them, so a producer never blocks on a full queue; the
    error is raised to the caller at its next :meth:`submit` or at :meth:`finish`.
    """

    def __init__(self, conn: Connection[Any]) -> None:
        self.conn = conn
        self.jobs: queue.Queue[tuple[sql.Composed, pa.Table] | None] = queue.Queue(maxsize=1)
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name="muara-copy", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while (job := self.jobs.get()) is not None:
            if self.error is not None:
                continue
            statement, table = job
            try:
                buf = csv_bytes(table)
                with self.conn.cursor().copy(statement) as copy:
                    copy.write(buf.getbuffer())
            except BaseException as exc:  # handed to the caller, which rolls the whole file back
                self.error = exc

    def _raise(self) -> None:
        if self.error is not None:
            raise self.error

    def submit(self, statement: sql.Composed, table: pa.Table) -> None:
        self._raise()
        self.jobs.put((statement, table))

    def finish(self) -> None:
        """Wait for every job; raise the first failure."""
        if self.thread.is_alive():
            self.jobs.put(None)
            self.thread.join()
        self._raise()

    def abandon(self) -> None:
        """Stop after the job under way (the caller rolls back); its failure, if any, is not raised."""
        if self.thread.is_alive():
            while True:  # drop what has not started
                try:
                    self.jobs.get_nowait()
                except queue.Empty:
                    break
            self.jobs.put(None)
            self.thread.join()


class BatchWriter:
    """Streams one file's rows into raw and quarantine inside the caller's open transaction.

    Call :meth:`flush` when the rows are written (before using the connection again), or :meth:`abandon`
    when the file is given up.
    """

    def __init__(
        self, conn: Connection[Any], contract: Contract, batch_id: uuid.UUID, sender: str, source_file: str
    ) -> None:
        self.conn = conn
        self.contract = contract
        self.batch_id = batch_id
        self.sender = sender
        self.source_file = source_file
        self.columns = list(contract.column_names)
        self._schema = pa.schema(
            [pa.field(c.name, _arrow_type(c.physical_type)) for c in contract.columns]
            + [
                pa.field("_batch_id", pa.string()),
                pa.field("_sender", pa.string()),
                pa.field("_source_file", pa.large_string()),
                pa.field("_row_number", pa.int64()),
            ]
        )
        lineage = [name for name, _, _ in LINEAGE_COLUMNS if name != "_loaded_at"]
        self._raw_copy = sql.SQL("copy raw.{} ({}) from stdin (format csv)").format(
            sql.Identifier(contract.name), sql.SQL(", ").join(map(sql.Identifier, self.columns + lineage))
        )
        self._quarantine_copy = sql.SQL(
            "copy quarantine.{} (_batch_id, _sender, _source_file, _row_number, nilai_asli, alasan) "
            "from stdin (format csv)"
        ).format(sql.Identifier(contract.name))
        self.rows_loaded = 0
        self.rows_rejected = 0
        self.chunks = 0
        self._copier: _CopyThread | None = None

    def _copy(self, statement: sql.Composed, table: pa.Table) -> None:
        if self._copier is None:
            self._copier = _CopyThread(self.conn)
        self._copier.submit(statement, table)

    def flush(self) -> None:
        """Every row handed over is in the database (or the COPY's error is raised)."""
        if self._copier is not None:
            copier, self._copier = self._copier, None
            copier.finish()

    def abandon(self) -> None:
        if self._copier is not None:
            copier, self._copier = self._copier, None
            copier.abandon()

    def write_good(self, typed: pd.DataFrame, row_numbers: Any) -> None:
        self.chunks += 1
        if typed.empty:
            return
        arrays = []
        for field in self._schema:
            if field.name == "_batch_id":
                arrays.append(pa.array([str(self.batch_id)] * len(typed), pa.string()))
            elif field.name == "_sender":
                arrays.append(pa.array([self.sender] * len(typed), pa.string()))
            elif field.name == "_source_file":
                arrays.append(pa.array([self.source_file] * len(typed), pa.large_string()))
            elif field.name == "_row_number":
                arrays.append(pa.array(row_numbers, pa.int64()))
            else:
                arrays.append(_to_arrow(typed[field.name], field.type))
        self._copy(self._raw_copy, pa.Table.from_arrays(arrays, schema=self._schema))
        self.rows_loaded += len(typed)

    def write_rejected(
        self, originals: list[dict[str, Any]], row_numbers: list[int], reasons: list[list[dict[str, Any]]]
    ) -> None:
        if not originals:
            return
        table = pa.table(
            {
                "_batch_id": pa.array([str(self.batch_id)] * len(originals)),
                "_sender": pa.array([self.sender] * len(originals)),
                "_source_file": pa.array([self.source_file] * len(originals)),
                "_row_number": pa.array(row_numbers, pa.int64()),
                "nilai_asli": pa.array([json.dumps(o, ensure_ascii=False, default=str) for o in originals]),
                "alasan": pa.array([json.dumps(r, ensure_ascii=False, default=str) for r in reasons]),
            }
        )
        self._copy(self._quarantine_copy, table)
        self.rows_rejected += len(originals)

    def move_duplicates_across_chunks(self, rule: str, fix: str) -> list[tuple[int, dict[str, Any]]]:
        """Rows of this batch whose natural key repeats across chunks leave raw for quarantine.

        Within a chunk the suite already rejects both rows; this catches a key repeated chunks apart without
        holding every key of a 10M-row file in memory. A window count over this batch's rows (found by the
        ``_batch_id`` index) names the duplicates by ``ctid``; deleting by ``ctid`` is a TID scan. A join
        delete would let the planner, blind to the rows this transaction just copied, pick a nested loop.
        """
        self.flush()
        if self.chunks <= 1:
            return []
        key = sql.SQL(", ").join(map(sql.Identifier, self.contract.primary_key))
        table = sql.Identifier(self.contract.name)
        row = self.conn.execute(
            sql.SQL(
                "select array_agg(ctid) from (select ctid, count(*) over (partition by {key}) as n from raw.{t} "
                "where _batch_id = %s) s where n > 1"
            ).format(key=key, t=table),
            (self.batch_id,),
        ).fetchone()
        ctids = row[0] if row else None
        if not ctids:
            return []
        moved = self.conn.execute(
            sql.SQL(
                "delete from raw.{t} as r where r.ctid = any(%s::tid[]) returning r._row_number, to_jsonb(r) - "
                "array['_batch_id', '_sender', '_source_file', '_row_number', '_loaded_at']"
            ).format(t=table),
            (ctids,),
        ).fetchall()
        self.rows_loaded -= len(moved)
        column = self.contract.primary_key[0]
        rows = sorted((int(r[0]), dict(r[1])) for r in moved)
        self.write_rejected(
            [r[1] for r in rows],
            [r[0] for r in rows],
            [
                [
                    {
                        "kolom": column,
                        "nilai": r[1].get(column),
                        "alasan": "duplicate_key",
                        "aturan": rule,
                        "perbaikan": fix,
                    }
                ]
                for r in rows
            ],
        )
        return rows


def _to_arrow(values: pd.Series, type_: pa.DataType) -> pa.Array:
    if pa.types.is_timestamp(type_):
        series = values
        if not isinstance(series.dtype, pd.DatetimeTZDtype):
            series = pd.to_datetime(series, utc=True)
        return pa.array(series.dt.tz_convert("UTC"), type_, from_pandas=True)
    if pa.types.is_date32(type_):
        return pa.array(pd.to_datetime(values).dt.date, type_, from_pandas=True)
    if pa.types.is_large_string(type_) or pa.types.is_string(type_):
        return pa.array(values.astype(object).where(values.notna(), None), type_, from_pandas=True)
    return pa.array(values, type_, from_pandas=True)
