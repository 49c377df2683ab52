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
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
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


def plan(
    extras: Iterable[dict[str, Any] | None],
    *,
    manifest_file: Path,
    url: str,
    full: bool = False,
    select: list[str] | None = None,
) -> Plan:
    """The plan for a run whose ``raw`` Asset events carried ``extras`` (none for a scheduled or manual run);
    ``full`` and ``select`` are a manual run's choices (everything; a dbt selection of its own)."""
    extras = list(extras)
    if select and not full:
        return Plan(full=False, select=list(select), why=f"selection given by hand: {' '.join(select)}")
    if full or not extras:
        return Plan(full=True, why="scheduled or manual run: the whole warehouse")
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
