"""The portal's connection to the warehouse database (schema ``portal``, and the ledger it reads)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import psycopg
from psycopg.rows import dict_row


@contextmanager
def connect() -> Iterator[psycopg.Connection[dict[str, Any]]]:
    """One autocommit connection with rows as dicts: each statement of the portal stands on its own."""
    from muara.stack import postgres as db

    with psycopg.connect(db.url(), autocommit=True, row_factory=dict_row) as conn:
        yield conn


def audit(
    conn: psycopg.Connection[Any],
    action: str,
    *,
    username: str | None = None,
    sender: str | None = None,
    client: str | None = None,
    **detail: object,
) -> None:
    """One line of the audit trail: who, what, from where (``client``: the peer address); never a password, a
    token or a file's content."""
    from psycopg.types.json import Jsonb

    conn.execute(
        "insert into portal.audit (username, sender, action, detail, client) values (%s, %s, %s, %s, %s)",
        (username, sender, action, Jsonb(detail), client),
    )
