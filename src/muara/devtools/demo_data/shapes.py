"""How a dataset is shaped and what a row generator knows about it.

``DatasetModel`` says whether a dataset is events (one row per thing that happened, spread over the period by an
hour-of-day profile) or a grid (entity x period), and which hooks add realism; ``Ctx`` is what a generator
gets; ``Grid`` is a key space walked in time order.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from muara.contract.model import Contract
from muara.devtools.demo_data.world import World


@dataclass
class Ctx:
    """What a row generator knows: the contract, the city, the sender and its size."""

    contract: Contract
    world: World
    sender: str
    n_total: int
    model: DatasetModel
    id_style: int = 0  # which of the sender's ID layouts (stable per sender and dataset)


@dataclass(frozen=True)
class DatasetModel:
    """How a dataset is shaped: events (one row per thing that happened) or a grid (entity x period)."""

    kind: str  # events | grid
    ratio: float = 0.1  # events: rows per aduan row
    min_rows: int = 30
    hours: tuple[float, ...] = ()  # events: relative intensity per hour of day
    weekend: float = 0.6
    grid: Callable[[Ctx, np.random.Generator], dict[str, np.ndarray]] | None = None
    scaled_grid: Callable[[Ctx, int], Grid] | None = None
    fill: Callable[[Ctx, np.random.Generator, dict[str, np.ndarray]], None] | None = None
    ids: Callable[[Ctx, np.random.Generator, np.ndarray, np.ndarray], np.ndarray] | None = None
    sender_weight: Callable[[World, str], float] | None = None


@dataclass
class Grid:
    """A key space of ``times`` x entities (columns of equal length), walked in time order."""

    times: np.ndarray
    entities: dict[str, np.ndarray]
    time_column: str

    @property
    def size(self) -> int:
        return len(self.times) * len(next(iter(self.entities.values())))


def _hours(text: str) -> tuple[float, ...]:
    """24 relative intensities, one per hour of the day from 00:00."""
    values = tuple(float(v) for v in text.split())
    assert len(values) == 24
    return values


DAY_HOURS = _hours("0.2 0.1 0.1 0.1 0.2 0.6 1.2 2.2 3.0 3.4 3.4 3.0 2.4 2.8 2.9 2.6 2.1 1.7 1.6 2.0 1.9 1.3 0.8 0.4")
OFFICE_HOURS = _hours("0.05 0 0 0 0 0 0.1 0.8 3.0 4.0 4.0 3.6 2.0 3.4 3.0 1.6 0.4 0.2 0.2 0.2 0.2 0.1 0.1 0.05")
TRAFFIC_HOURS = _hours(
    "0.6 0.4 0.4 0.3 0.4 0.8 1.6 2.6 2.0 1.4 1.3 1.4 1.6 1.5 1.5 1.8 2.4 2.8 2.6 2.2 1.8 1.5 1.2 0.9"
)
FLAT_HOURS = _hours("0.7 0.5 0.5 0.4 0.5 0.7 0.9 1.0 1.0 1.1 1.2 1.3 1.3 1.3 1.3 1.2 1.2 1.2 1.3 1.3 1.2 1.1 1.0 0.8")
BUS_HOURS = _hours("0 0 0 0 0 0.8 2.2 2.4 1.8 1.4 1.3 1.3 1.4 1.4 1.4 1.6 2.1 2.2 1.6 1.0 0.6 0.2 0 0")
