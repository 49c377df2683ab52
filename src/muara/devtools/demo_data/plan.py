"""Which files a run writes: the senders of each dataset, their rows, the format each one uses, XLSX parts.

A ``_Task`` is plain data so it can be sent to a worker process; ``DemoFile`` is what comes back.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np

from muara.contract import reference
from muara.contract.model import Contract
from muara.devtools.demo_data.hooks import _model_for
from muara.devtools.demo_data.rows import _grid_table
from muara.devtools.demo_data.seeding import _stable
from muara.devtools.demo_data.shapes import _Model
from muara.devtools.demo_data.values import _slug
from muara.devtools.demo_data.world import _World, _world

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
class _Task:
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


def _plan_dataset(c: Contract, out: Path, city: str, rows: int, seed: int, anchor: date) -> list[_Task]:
    senders = reference.senders_of(c.name, c.sender_kind, city)
    if not senders:
        return []
    w = _world(seed, city, anchor)
    model = _model_for(c)
    if model.kind == "events":
        total = rows if c.name == "aduan" else max(model.min_rows, round(rows * model.ratio))
        weights = np.array(
            [
                (model.sender_weight(w, s) if model.sender_weight else 1.0)
                * (0.5 + (_stable(seed, c.name, s) % 1000) / 1000)
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
        slug = _slug(sender)
        limit = XLSX_MAX_DATA_ROWS if fmt == "xlsx" else max(n, 1)
        parts = max(1, -(-n // limit))
        for p in range(parts):
            suffix = f"_part{p + 1}" if p else ""
            path = out / sender / c.name / f"{c.name}_{slug}_{stamp}{suffix}.{fmt}"
            start = p * limit
            tasks.append(_Task(c.name, sender, city, seed, anchor, fmt, path, start, min(limit, n - start), n, p + 1))
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
    order = sorted(range(len(senders)), key=lambda i: _stable("format", dataset, senders[i]))
    offset = _stable("format-offset", dataset) % 3
    out = [""] * len(senders)
    for rank, i in enumerate(order):
        out[i] = FORMATS[(rank + offset) % 3]
    return out


def _sender_grid_rows(c: Contract, w: _World, sender: str, model: _Model, rows: int) -> int:
    if model.scaled_grid is not None:
        total = max(model.min_rows, round(rows * model.ratio))
        n_senders = len(reference.senders_of(c.name, c.sender_kind, w.code))
        return -(-total // n_senders)
    table = _grid_table(c.name, sender, w.code, w.seed, w.anchor_day)
    return len(next(iter(table.values())))
