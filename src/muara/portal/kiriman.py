"""A file on its way in through the portal or the API: received under a generated name, checked (Unggah) or
sent at once (API), moved into the inbox atomically, and followed to its ledger row.

The officer's file name is data, never a path: the file is written as ``kiriman-<time>-<random>.<ext>``
(``ext`` only from a short list), and the name the officer chose is kept in ``portal.kiriman.original_name``.
The generated name is what the ingest DAG records as the ledger's ``source_file``, which links the two.
Files wait in ``data/inbox/.portal/`` (a hidden folder the inbox scan skips, on the inbox's own filesystem, so
the move into ``data/inbox/<sender>/<dataset>/`` is one atomic rename).
"""

from __future__ import annotations

import hashlib
import os
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, BinaryIO

from muara import settings
from muara.ingest import inbox
from muara.ingest.report import printable

ALLOWED_SUFFIXES = (".csv", ".txt", ".tsv", ".xlsx", ".xlsm", ".xls", ".json")
STAGING = ".portal"
BLOCK = 1 << 20


class TooLarge(Exception):
    """The upload passed ``MUARA_MAX_FILE_MB`` while it streamed in."""


@dataclass(frozen=True)
class Received:
    id: uuid.UUID
    path: Path  # under data/inbox/.portal/
    original_name: str
    stored_name: str
    sha256: str
    size: int


#: a checked file nobody sent within this many seconds is removed from the staging folder
STAGING_KEEP = 24 * 3600


def staging_dir() -> Path:
    folder = inbox.inbox_dir() / STAGING
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def sweep(now: float | None = None) -> int:
    """Remove checked files older than a day that were never sent (their rows stay, as ``diperiksa``)."""
    import time

    now = time.time() if now is None else now
    gone = 0
    for path in staging_dir().iterdir():
        if path.is_file() and path.stat().st_mtime < now - STAGING_KEEP:
            path.unlink(missing_ok=True)
            gone += 1
    return gone


def display_name(name: str | None) -> str:
    """The officer's file name as one printable line (at most 200 characters), for pages and the table only."""
    text = printable((name or "").replace("\x00", "")).strip()
    return (text or "(tanpa nama)")[:200]


def stored_name_for(original: str, when: datetime | None = None) -> str:
    """``kiriman-20261207-081500-1a2b3c4d.csv``: time, randomness, and a suffix from the allowed list only."""
    when = when or datetime.now(settings.city().tz)
    suffix = os.path.splitext(original.replace("\x00", ""))[1].lower()
    suffix = suffix if suffix in ALLOWED_SUFFIXES else ".dat"
    return f"kiriman-{when:%Y%m%d-%H%M%S}-{secrets.token_hex(4)}{suffix}"


def receive(source: BinaryIO, original_name: str | None, limit: int | None = None) -> Received:
    """Copy an upload into the staging folder under a generated name, hashing it; ``TooLarge`` (and nothing
    left behind) past ``limit`` bytes."""
    limit = settings.max_file_bytes() if limit is None else limit
    sweep()
    shown = display_name(original_name)
    stored = stored_name_for(original_name or "")
    path = staging_dir() / stored
    digest, size = hashlib.sha256(), 0
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as out:
            while block := source.read(BLOCK):
                size += len(block)
                if size > limit:
                    raise TooLarge(size)
                digest.update(block)
                out.write(block)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return Received(uuid.uuid4(), path, shown, stored, digest.hexdigest(), size)


def record(
    conn: Any,
    got: Received,
    *,
    sender: str,
    dataset: str,
    via: str,
    username: str | None = None,
    token_id: uuid.UUID | None = None,
    check_exit: int | None = None,
    check_answer: dict[str, Any] | None = None,
) -> None:
    """The received file's row in ``portal.kiriman`` (state ``diperiksa`` until it is sent)."""
    from psycopg.types.json import Jsonb

    conn.execute(
        "insert into portal.kiriman (id, sender, dataset, original_name, stored_name, sha256, file_bytes, via, "
        "username, token_id, state, check_exit, check_answer) "
        "values (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, 'diperiksa', %s, %s)",
        (
            got.id,
            sender,
            dataset,
            got.original_name,
            got.stored_name,
            got.sha256,
            got.size,
            via,
            username,
            token_id,
            check_exit,
            Jsonb(check_answer) if check_answer is not None else None,
        ),
    )


def deliver(conn: Any, kiriman_id: uuid.UUID, sender: str, dataset: str, stored_name: str) -> Path:
    """Move the staged file into ``inbox/<sender>/<dataset>/`` (one rename: the scan never sees half a file) and
    mark the row sent. ``sender`` and ``dataset`` were checked against the session or token by the caller."""
    source = staging_dir() / stored_name
    target_dir = inbox.inbox_dir() / sender / dataset
    target_dir.mkdir(parents=True, exist_ok=True)
    target = target_dir / stored_name
    os.replace(source, target)
    conn.execute("update portal.kiriman set state = 'diterima', sent_at = now() where id = %s", (kiriman_id,))
    return target


def mark_trigger(conn: Any, kiriman_id: uuid.UUID, triggered: bool) -> None:
    conn.execute(
        "update portal.kiriman set trigger = %s where id = %s", ("dipicu" if triggered else "antre", kiriman_id)
    )


def discard(path: Path) -> None:
    path.unlink(missing_ok=True)


#: the ledger row is committed a moment before its report is written (``pipeline.ingest_file``): until the report
#: is there (or for a minute, for a run that wrote none) the file still counts as received, so whoever sees
#: ``loaded`` also gets the report's link
ANSWERED = "(b.report_path is not null or b.finished_at < now() - interval '1 minute')"

STATUS_SQL = f"""
select k.id, k.sender, k.dataset, k.original_name, k.stored_name, k.state, k.check_exit, k.check_answer,
       k.received_at, k.sent_at, k.trigger, k.via,
       case when {ANSWERED} then b.batch_id end as batch_id,
       case when {ANSWERED} then b.status end as status,
       b.rows_read, b.rows_loaded, b.rows_rejected, b.report_path, b.finished_at
from portal.kiriman k
left join muara.ingest_batch b
    on b.source_file = k.stored_name and b.sender = k.sender and b.dataset = k.dataset
"""


def one(conn: Any, kiriman_id: uuid.UUID, sender: str | None) -> dict[str, Any] | None:
    """The kiriman with its ledger answer, when ``sender`` owns it (None: admin, any)."""
    row = conn.execute(
        STATUS_SQL + " where k.id = %s and (%s::text is null or k.sender = %s)", (kiriman_id, sender, sender)
    ).fetchone()
    return dict(row) if row else None


HISTORY_SQL = f"""
select coalesce(b.started_at, k.sent_at) as waktu,
       coalesce(k.original_name, b.source_file) as nama_berkas,
       coalesce(b.sender, k.sender) as sender,
       coalesce(b.dataset, k.dataset) as dataset,
       case when {ANSWERED} then b.status else 'diterima' end as status,
       b.rows_read, b.rows_loaded, b.rows_rejected, b.batch_id, b.report_path, b.data_docs_path,
       k.id as kiriman_id, k.trigger, coalesce(k.via, 'folder') as via
from muara.ingest_batch b
full join (select * from portal.kiriman where state = 'diterima') k
    on b.source_file = k.stored_name and b.sender = k.sender and b.dataset = k.dataset
where %s::text is null or coalesce(b.sender, k.sender) = %s
order by waktu desc nulls last
limit %s
"""


def history(conn: Any, sender: str | None, limit: int = 200) -> list[dict[str, Any]]:
    """Every file of ``sender`` (None: all), newest first: the ledger's rows (portal, API or folder) and the
    portal's files still waiting for the ingest DAG."""
    return [dict(r) for r in conn.execute(HISTORY_SQL, (sender, sender, limit)).fetchall()]
