"""The ledger, ``muara.ingest_batch``: one row per file received, what came of it and where its report and archive are.

Every row read is accounted for here (``rows_read = rows_loaded + rows_rejected``), a file already loaded is
found by its sha256, sender and dataset, and concurrent loads of the same bytes wait on one advisory lock.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from psycopg import Connection, sql


@dataclass
class LedgerEntry:
    batch_id: uuid.UUID
    sha256: str
    dataset: str
    sender: str
    source_file: str
    file_bytes: int
    file_format: str | None
    contract_version: str
    kode_kota: str
    started_at: datetime
    status: str = "rejected"
    reason: str | None = None
    rows_read: int = 0
    rows_loaded: int = 0
    rows_rejected: int = 0
    duplicate_of: uuid.UUID | None = None
    finished_at: datetime | None = None
    read_seconds: float | None = None
    validate_seconds: float | None = None
    load_seconds: float | None = None
    report_path: str | None = None
    data_docs_path: str | None = None
    archive_path: str | None = None
    error: str | None = None  # engineers only: the fault of ours behind status 'failed'

    def insert(self, conn: Connection[Any]) -> None:
        fields = list(self.__dataclass_fields__)
        conn.execute(
            sql.SQL("insert into muara.ingest_batch ({}) values ({})").format(
                sql.SQL(", ").join(map(sql.Identifier, fields)), sql.SQL(", ").join(sql.Placeholder() * len(fields))
            ),
            [getattr(self, f) for f in fields],
        )


def lock_file(conn: Connection[Any], sha256: str) -> None:
    """Serialise concurrent loads of the same bytes until this transaction ends."""
    conn.execute("select pg_advisory_xact_lock(hashtextextended(%s, 0))", (sha256,))


def already_loaded(conn: Connection[Any], sha256: str, dataset: str, sender: str) -> uuid.UUID | None:
    row = conn.execute(
        "select batch_id from muara.ingest_batch where sha256 = %s and dataset = %s and sender = %s "
        "and status in ('loaded', 'partial') order by started_at limit 1",
        (sha256, dataset, sender),
    ).fetchone()
    return row[0] if row else None
