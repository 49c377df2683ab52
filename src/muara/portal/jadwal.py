"""Beranda's schedule: for each dataset a sender must send, the last file, and whether the sender is on time,
due or late.

The rule mirrors ``marts.fct_kepatuhan_kiriman`` (dbt/models/marts/kepatuhan/): the schedule is the contract's
frequency (``frekuensi_jam`` of the seed ``jadwal_kiriman``, generated from the same contracts), only files that
brought data count (status ``loaded`` or ``partial``), and a sender is late (*terlambat*) when no such file
arrived within the frequency plus 12 hours. The portal adds the step before it: *jatuh tempo* (due) once the
frequency has passed but the 12 hours of tolerance have not. Change the rule there and here together.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

TOLERANCE = timedelta(hours=12)
DATA_STATUSES = ("loaded", "partial")
STATE_TEXT = {"tepat_waktu": "Tepat waktu", "jatuh_tempo": "Jatuh tempo", "terlambat": "Terlambat"}


@dataclass(frozen=True)
class Due:
    dataset: str
    title: str
    schedule: str  # the contract's frequency, as officers read it
    last_file_at: datetime | None
    last_file_status: str | None
    last_data_at: datetime | None
    deadline: datetime | None  # when the next file with data is due
    state: str  # tepat_waktu | jatuh_tempo | terlambat

    @property
    def state_text(self) -> str:
        return STATE_TEXT[self.state]


def judge(frequency: timedelta, last_data_at: datetime | None, now: datetime) -> str:
    """``terlambat`` as the mart says it; ``jatuh_tempo`` between the frequency and the tolerance."""
    if last_data_at is None or last_data_at < now - (frequency + TOLERANCE):
        return "terlambat"
    if last_data_at < now - frequency:
        return "jatuh_tempo"
    return "tepat_waktu"


def schedule_text(frequency: timedelta, time_of_availability: str | None) -> str:
    hours = frequency.total_seconds() / 3600
    if hours <= 24:
        text = "setiap hari" if hours == 24 else f"setiap {hours:g} jam"
    elif hours == 168:
        text = "setiap minggu"
    elif 672 <= hours <= 744:
        text = "setiap bulan"
    else:
        text = f"setiap {hours / 24:g} hari"
    return f"{text}, paling lambat pukul {time_of_availability}" if time_of_availability else text


def for_sender(conn: Any, sender: str, datasets: list[str], now: datetime | None = None) -> list[Due]:
    """One line per dataset ``sender`` must send, from the ledger."""
    from muara.contract.model import get

    now = now or datetime.now(UTC)
    rows = conn.execute(
        "select dataset, max(started_at) as last_file_at, "
        "max(started_at) filter (where status = any(%s)) as last_data_at, "
        "(array_agg(status order by started_at desc))[1] as last_status "
        "from muara.ingest_batch where sender = %s group by dataset",
        (list(DATA_STATUSES), sender),
    ).fetchall()
    seen = {r["dataset"]: r for r in rows}
    out = []
    for name in datasets:
        contract = get(name)
        r = seen.get(name) or {}
        last_data = r.get("last_data_at")
        out.append(
            Due(
                dataset=name,
                title=contract.title,
                schedule=schedule_text(contract.frequency, contract.time_of_availability),
                last_file_at=r.get("last_file_at"),
                last_file_status=r.get("last_status"),
                last_data_at=last_data,
                deadline=last_data + contract.frequency if last_data else None,
                state=judge(contract.frequency, last_data, now),
            )
        )
    return out
