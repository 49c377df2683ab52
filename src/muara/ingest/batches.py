"""The ingest DAG's batches: the inbox's files dealt into one batch per core, each batch loaded in one process.

A mapped task per file paid a new interpreter importing pandas, pyarrow and GX for every file (about 7.6
CPU-seconds a file on 2 cores, most of it imports); a batch pays it once. Files are dealt round-robin, oldest first,
so each batch starts with the oldest files waiting and the batches finish at about the same time.
"""

from __future__ import annotations

import logging
import os
from datetime import datetime
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)


def workers() -> int:
    """Batches per run: ``MUARA_INGEST_WORKERS``, else one per core."""
    return max(1, int(os.environ.get("MUARA_INGEST_WORKERS") or os.cpu_count() or 2))


def deal(items: list[dict[str, str]], n: int | None = None) -> list[list[dict[str, str]]]:
    """``items`` (oldest first) dealt round-robin into at most ``n`` non-empty batches."""
    n = min(n or workers(), len(items))
    return [items[i::n] for i in range(n)] if n else []


class BatchFailed(RuntimeError):
    """Some files of a batch could not be loaded (they stay in the inbox); the others were."""


def load_batch(batch: list[dict[str, str]], *, docs_later: bool = False) -> list[dict[str, object]]:
    """Ingest, report and archive every file of ``batch`` still in the inbox (a retry finds the ones an earlier
    attempt archived gone). One file's failure does not stop the rest; the batch then raises, naming them.
    ``docs_later``: leave each GX Data Docs page waiting for ``gx_docs.render_pending`` (``MUARA_GX_DOCS=later``)."""
    from muara.ingest.pipeline import ingest_pending
    from muara.ingest.report import DOCS_ENV

    before = os.environ.get(DOCS_ENV)
    if docs_later:  # for this batch only (dag.test() runs tasks in the caller's process)
        os.environ[DOCS_ENV] = "later"
    try:
        return _load_each(batch, ingest_pending)
    finally:
        if before is None:
            os.environ.pop(DOCS_ENV, None)
        else:
            os.environ[DOCS_ENV] = before


def _load_each(batch: list[dict[str, str]], ingest_pending: Any) -> list[dict[str, object]]:

    done: list[dict[str, object]] = []
    failed: list[str] = []
    for item in batch:
        if not Path(item["path"]).exists():
            continue  # archived by an earlier attempt of this task
        try:
            done.append(ingest_pending(item))
        except Exception:
            log.exception(
                "%s/%s %s: not loaded, stays in the inbox",
                item["sender"],
                item["dataset"],
                ascii(Path(item["path"]).name),
            )
            failed.append(f"{item['sender']}/{item['dataset']}/{Path(item['path']).name!a}")
    if failed:
        raise BatchFailed(f"{len(failed)} of {len(batch)} file(s) not loaded (they stay in the inbox): {failed}")
    return done


def rows_loaded_since(since: datetime | None) -> dict[str, int]:
    """Rows loaded per dataset by the files whose load started at or after ``since`` (from the ledger)."""
    import psycopg

    from muara.stack import postgres as db

    with psycopg.connect(db.url()) as conn:
        found = conn.execute(
            "select dataset, sum(rows_loaded)::bigint from muara.ingest_batch "
            "where started_at >= %s and rows_loaded > 0 group by dataset order by dataset",
            (since or datetime.min,),
        ).fetchall()
    return {str(d): int(n) for d, n in found}
