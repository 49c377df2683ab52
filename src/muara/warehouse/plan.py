"""What one warehouse run builds: only what the new data touches, or everything.

The ingest DAG announces one ``raw`` Asset event per run, with the datasets that received rows in its extra
(``{"datasets": ["aduan", "opd"]}``). A warehouse run started by such events builds ``source:raw.<dataset>+`` for
each dataset named (every model, snapshot and test downstream of the tables that changed) plus
``source:muara.ingest_batch+`` (every ingest writes the ledger, which the delivery-compliance marts read). Models
that read only unchanged tables keep their rows: they would compute the same thing again.

A run builds everything (no selection) when:

- it was not started by data: the nightly schedule or a manual run (``penuh`` param), which also refreshes the
  seeds and the day-based colours of models no new file touched;
- the warehouse is incomplete: a model, seed or snapshot of the manifest has no relation in the database (a
  fresh server, a model added by a deploy), because a selected model would read a missing parent;
- the events name no known dataset (an event written by hand, an older ingest DAG).

A run started by data builds nothing (``skip``) when every one of its events is older than the start of the last
successful build of everything (``muara.warehouse_build``, which dbt writes at the end of every build): those rows
are in the warehouse already. Airflow hands a DAG's first data-started run every event since the DAG was first
parsed, which on a server that ingested for a while before the warehouse DAG was switched on is all of them.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

#: the Asset extra key the ingest DAG fills and this module reads
DATASETS_KEY = "datasets"
#: every ingest writes the ledger (muara.ingest_batch), which the delivery-compliance models read
LEDGER_SELECTOR = "source:muara.ingest_batch+"
BUILT_TYPES = ("model", "seed", "snapshot")


@dataclass(frozen=True)
class Plan:
    full: bool
    select: list[str] = field(default_factory=list)
    datasets: list[str] = field(default_factory=list)
    why: str = ""
    skip: bool = False  # nothing to build: every event is in the warehouse already

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def datasets_in(extras: Iterable[dict[str, Any] | None]) -> list[str]:
    """The datasets named by a run's ``raw`` Asset events (their extras), known ones only, sorted."""
    from muara.contract.datasets import DATASETS

    named = {str(d) for extra in extras if extra for d in (extra.get(DATASETS_KEY) or ())}
    return sorted(named & set(DATASETS))


def selection(datasets: Iterable[str]) -> list[str]:
    """dbt selectors for what the new rows of ``datasets`` touch."""
    return [f"source:raw.{d}+" for d in sorted(set(datasets))] + [LEDGER_SELECTOR]


def built_relations(manifest_file: Path) -> set[tuple[str, str]]:
    """(schema, name) of every model (not ephemeral), seed and snapshot the manifest builds."""
    manifest = json.loads(manifest_file.read_text(encoding="utf-8"))
    out = set()
    for node in manifest["nodes"].values():
        if node["resource_type"] not in BUILT_TYPES:
            continue
        if node.get("config", {}).get("materialized") == "ephemeral":
            continue
        out.add((node["schema"], node.get("alias") or node["name"]))
    return out


def missing_relations(manifest_file: Path, url: str) -> list[str]:
    """The manifest's relations the database does not hold (``schema.name``), sorted."""
    import psycopg

    wanted = built_relations(manifest_file)
    with psycopg.connect(url) as conn:
        present = set(
            conn.execute(
                "select table_schema, table_name from information_schema.tables where table_schema = any(%s)",
                (sorted({s for s, _ in wanted}),),
            ).fetchall()
        )
    return sorted(f"{s}.{n}" for s, n in wanted - present)


def last_full_build(url: str) -> datetime | None:
    """When the last successful ``dbt build`` of everything started (None: none recorded, or no table yet)."""
    import psycopg

    with psycopg.connect(url) as conn:
        if conn.execute("select to_regclass('muara.warehouse_build')").fetchone() == (None,):
            return None
        row = conn.execute("select max(started_at) from muara.warehouse_build where full_build and ok").fetchone()
    return row[0] if row else None


def plan(
    events: Iterable[tuple[datetime | None, dict[str, Any] | None]],
    *,
    manifest_file: Path,
    url: str,
    full: bool = False,
    select: list[str] | None = None,
) -> Plan:
    """The plan for a run whose ``raw`` Asset events were ``events``, (timestamp, extra) pairs (none for a scheduled
    or manual run); ``full`` and ``select`` are a manual run's choices (everything; a dbt selection of its own)."""
    events = list(events)
    if select and not full:
        return Plan(full=False, select=list(select), why=f"selection given by hand: {' '.join(select)}")
    if full or not events:
        return Plan(full=True, why="scheduled or manual run: the whole warehouse")
    built = last_full_build(url)
    if built is not None:
        fresh = [(at, extra) for at, extra in events if at is None or at >= built]
        if not fresh:
            return Plan(
                full=False,
                skip=True,
                why=f"all {len(events)} event(s) are older than the last full build ({built.isoformat()}): nothing new",
            )
        events = fresh
    extras = [extra for _, extra in events]
    datasets = datasets_in(extras)
    if not datasets:
        return Plan(full=True, why="the events name no known dataset: the whole warehouse")
    missing = missing_relations(manifest_file, url)
    if missing:
        shown = ", ".join(missing[:5]) + (f" and {len(missing) - 5} more" if len(missing) > 5 else "")
        return Plan(full=True, datasets=datasets, why=f"the warehouse is incomplete ({shown}): the whole warehouse")
    return Plan(
        full=False,
        select=selection(datasets),
        datasets=datasets,
        why=f"new rows in {', '.join('raw.' + d for d in datasets)}: only what they touch",
    )
