"""The inbox watcher: an Airflow event trigger that starts the ingest DAG seconds after a file lands.

It runs in Airflow's triggerer (asyncio, no worker slot), attached to the ``inbox`` Asset through an
``AssetWatcher`` (``dags/ingest.py``). Every ``poll_seconds`` it lists the inbox as the ingest does
(:func:`muara.ingest.inbox.pending`, in a thread) and fires once for each batch of files it has not fired for,
when each has kept the same size and modification time over one poll: a file still being copied waits for the
next poll. Event triggers must not delete what they saw (the standard ``FileDeleteTrigger`` does): a file leaves
the inbox only by being archived with its ledger entry.

What it remembers lives in memory: after a triggerer restart it fires once for files still waiting, which is
what should happen (the ingest run answers duplicates as duplicates). The event carries counts only, never file
names (they are the officers' text).
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from typing import Any

from airflow.triggers.base import BaseEventTrigger, TriggerEvent

Signature = tuple[int, int]  # size, mtime in ns


def snapshot() -> dict[str, Signature]:
    """Every pending inbox file with its size and modification time."""
    from muara.contract.datasets import DATASETS
    from muara.ingest import inbox

    out = {}
    for p in inbox.pending(DATASETS):
        try:
            st = os.stat(p.path)
        except FileNotFoundError:  # archived between the listing and now
            continue
        out[p.path] = (st.st_size, st.st_mtime_ns)
    return out


class InboxTrigger(BaseEventTrigger):
    def __init__(self, poll_seconds: float = 2.0) -> None:
        super().__init__()
        self.poll_seconds = poll_seconds

    def serialize(self) -> tuple[str, dict[str, Any]]:
        return ("muara.ingest.watch.InboxTrigger", {"poll_seconds": self.poll_seconds})

    async def run(self) -> AsyncIterator[TriggerEvent]:
        fired: dict[str, Signature] = {}
        previous: dict[str, Signature] = {}
        while True:
            current = await asyncio.to_thread(snapshot)
            settled = {path: sig for path, sig in current.items() if previous.get(path) == sig}
            new = sorted(path for path, sig in settled.items() if fired.get(path) != sig)
            if new:
                fired.update({path: settled[path] for path in new})
                yield TriggerEvent({"berkas_baru": len(new), "menunggu": len(current)})
            fired = {path: sig for path, sig in fired.items() if path in current}  # forget what left the inbox
            previous = current
            await asyncio.sleep(self.poll_seconds)
