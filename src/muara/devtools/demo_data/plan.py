"""Which files a run writes: the senders of each dataset, their rows, the format each one uses, XLSX parts.

A ``Task`` is plain data so it can be sent to a worker process; ``DemoFile`` is what comes back.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np

from muara.contract import reference
from muara.contract.model import Contract
from muara.devtools.demo_data.hooks import model_for
from muara.devtools.demo_data.rows import grid_table
from muara.devtools.demo_data.seeding import stable_hash
from muara.devtools.demo_data.shapes import DatasetModel
from muara.devtools.demo_data.values import sender_slug
from muara.devtools.demo_data.world import World, make_world

FORMATS = ("xlsx", "csv", "json")
XLSX_MAX_DATA_ROWS = 1_048_576 - 3  # Excel's row limit minus title, blank and header rows


@dataclass(frozen=True)
class DemoFile:
    """One written export: who sent it, which dataset, where, in which format, how many rows and mistakes."""

    sender: str
    dataset: str
    path: Path
    format: str
    rows: int
    mistakes: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Task:
    """One file to write; plain data so it can go to a worker process."""

    dataset: str
    sender: str
    city: str
    seed: int
    anchor: date
    fmt: str
    path: Path
    start: int  # first row of this file within the sender's rows
    n: int
    sender_rows: int  # all rows of this sender (over its parts)
    part: int


def plan_dataset(c: Contract, out: Path, city: str, rows: int, seed: int, anchor: date) -> list[Task]:
    senders = reference.senders_of(c.name, c.sender_kind, city)
    if not senders:
        return []
    w = make_world(seed, city, anchor)
    model = model_for(c)
    if model.kind == "events":
        total = rows if c.name == "aduan" else max(model.min_rows, round(rows * model.ratio))
        weights = np.array(
            [
                (model.sender_weight(w, s) if model.sender_weight else 1.0)
                * (0.5 + (stable_hash(seed, c.name, s) % 1000) / 1000)
                for s in senders
            ]
        )
        counts = _apportion(total, weights)
    else:
        counts = [_sender_grid_rows(c, w, s, model, rows) for s in senders]
    fmts = _formats(c.name, senders)
    tasks = []
    stamp = anchor.strftime("%Y%m%d")
    for sender, n, fmt in zip(senders, counts, fmts, strict=True):
        slug = sender_slug(sender)
        limit = XLSX_MAX_DATA_ROWS if fmt == "xlsx" else max(n, 1)
        parts = max(1, -(-n // limit))
        for p in range(parts):
            suffix = f"_part{p + 1}" if p else ""
            path = out / sender / c.name / f"{c.name}_{slug}_{stamp}{suffix}.{fmt}"
            start = p * limit
            tasks.append(Task(c.name, sender, city, seed, anchor, fmt, path, start, min(limit, n - start), n, p + 1))
    return tasks


def _apportion(total: int, weights: np.ndarray) -> list[int]:
    """Split ``total`` by weights with whole numbers that add up (largest remainder)."""
    share = total * weights / weights.sum()
    base = np.floor(share).astype(int)
    rest = total - int(base.sum())
    order = np.argsort(-(share - base), kind="stable")
    base[order[:rest]] += 1
    return base.tolist()


def _formats(dataset: str, senders: Sequence[str]) -> list[str]:
    """Formats per sender: stable per (sender, dataset), and all three appear when there are 3+ senders."""
    order = sorted(range(len(senders)), key=lambda i: stable_hash("format", dataset, senders[i]))
    offset = stable_hash("format-offset", dataset) % 3
    out = [""] * len(senders)
    for rank, i in enumerate(order):
        out[i] = FORMATS[(rank + offset) % 3]
    return out


def _sender_grid_rows(c: Contract, w: World, sender: str, model: DatasetModel, rows: int) -> int:
    if model.scaled_grid is not None:
        total = max(model.min_rows, round(rows * model.ratio))
        n_senders = len(reference.senders_of(c.name, c.sender_kind, w.code))
        return -(-total // n_senders)
    table = grid_table(c.name, sender, w.code, w.seed, w.anchor_day)
    return len(next(iter(table.values())))
