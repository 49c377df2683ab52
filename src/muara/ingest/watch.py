"""The inbox watcher: an Airflow event trigger that starts the ingest DAG seconds after a file lands.

The watching itself is :func:`muara.ingest.inbox.arrivals` (no Airflow in it, so it is tested alone); this
module only makes it an event trigger.

It runs in Airflow's triggerer (asyncio, no worker slot), attached to the ``inbox`` Asset through an
``AssetWatcher`` (``dags/ingest.py``). Unlike the standard ``FileDeleteTrigger`` it deletes nothing: a file leaves
the inbox only by being archived with its ledger entry. What it remembers lives in memory: after a triggerer
restart it fires once for files still waiting (the ingest run answers duplicates as duplicates).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from airflow.triggers.base import BaseEventTrigger, TriggerEvent


class InboxTrigger(BaseEventTrigger):
    def __init__(self, poll_seconds: float = 2.0) -> None:
        super().__init__()
        self.poll_seconds = poll_seconds

    def serialize(self) -> tuple[str, dict[str, Any]]:
        return ("muara.ingest.watch.InboxTrigger", {"poll_seconds": self.poll_seconds})

    async def run(self) -> AsyncIterator[TriggerEvent]:
        from muara.ingest import inbox

        async for payload in inbox.arrivals(self.poll_seconds):
            yield TriggerEvent(payload)
