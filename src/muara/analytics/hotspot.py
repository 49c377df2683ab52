"""Hotspots: grid cells where one category's complaints cluster beyond chance (Getis-Ord Gi*, PySAL's esda).

- The complaints' coordinates are binned into square cells of ``CELL_M`` metres (an equirectangular projection
  around the city's mean latitude: at Kupang's 10° S the error over a city is far under a metre per cell).
- The study area is the set of cells where any complaint of any category was ever located (``area``): where
  people live and report. A category's count is zero in the study cells it did not reach that month, so a
  cluster is judged against the whole inhabited city, not only against where that category happened to occur.
- Gi* (``star=True``, binary weights) sums a cell's count with its eight neighbours' (queen contiguity on the
  grid) and compares it with what the city-wide mean count per cell would give; its z-score is standard normal
  when there is no clustering. One-sided (hot spots only): ``p = P(Z >= z)``.
- Many cells are tested at once, so significance uses the Benjamini-Hochberg false discovery rate at ``FDR``
  over the category-month's cells: with 200 cells and ``p < 0.05`` each, about ten cells of uniformly scattered
  complaints would be "hot" by chance alone; with BH the chance of any false hotspot on such data is about 5 %.
- A cell is only called a hotspot with at least ``MIN_IN_CELL`` complaints of its own, so a quiet cell next to a
  busy one is not marked, and a category-month needs ``MIN_POINTS`` located complaints to be tested at all.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from typing import Any

#: grid cell side in metres: a few blocks, about the size a field team covers in one visit
CELL_M = 500
#: false discovery rate (Benjamini-Hochberg) over one category-month's cells
FDR = 0.05
#: a category-month with fewer located complaints is not tested
MIN_POINTS = 10
#: a hotspot cell holds at least this many complaints itself
MIN_IN_CELL = 3
M_PER_DEG_LAT = 110_574.0
M_PER_DEG_LON_EQ = 111_320.0


@dataclass(frozen=True)
class Grid:
    """The projection and cell size shared by every category-month of one run."""

    lat0: float
    lon0: float
    cell_m: int = CELL_M

    def cell_xy(self, lat: Any, lon: Any) -> tuple[Any, Any]:
        import numpy as np

        x = (np.asarray(lon, dtype=float) - self.lon0) * M_PER_DEG_LON_EQ * math.cos(math.radians(self.lat0))
        y = (np.asarray(lat, dtype=float) - self.lat0) * M_PER_DEG_LAT
        return np.floor(x / self.cell_m).astype(int), np.floor(y / self.cell_m).astype(int)

    def centre(self, ix: int, iy: int) -> tuple[float, float]:
        """(latitude, longitude) of a cell's centre."""
        lat = self.lat0 + (iy + 0.5) * self.cell_m / M_PER_DEG_LAT
        lon = self.lon0 + (ix + 0.5) * self.cell_m / (M_PER_DEG_LON_EQ * math.cos(math.radians(self.lat0)))
        return lat, lon


def grid_for(lat: Any, lon: Any, cell_m: int = CELL_M) -> Grid:
    import numpy as np

    return Grid(float(np.nanmean(lat)), float(np.nanmean(lon)), cell_m)


def area(grid: Grid, lat: Any, lon: Any) -> tuple[list[tuple[int, int]], Any]:
    """The study area: every cell holding at least one of the points (sorted), and how many each holds (the
    exposure: where complaints come from at all)."""
    import numpy as np

    ix, iy = grid.cell_xy(lat, lon)
    cells, counts = np.unique(np.stack([ix, iy], axis=1), axis=0, return_counts=True)
    return [(int(x), int(y)) for x, y in cells], counts.astype(float)


def benjamini_hochberg(p: Any, q: float = FDR) -> Any:
    """Which p-values are discoveries at false discovery rate ``q`` (Benjamini-Hochberg step-up)."""
    import numpy as np

    p = np.asarray(p, dtype=float)
    m = len(p)
    if m == 0:
        return np.zeros(0, dtype=bool)
    order = np.argsort(p)
    passed = p[order] <= q * np.arange(1, m + 1) / m
    out = np.zeros(m, dtype=bool)
    if passed.any():
        out[order[: int(np.nonzero(passed)[0].max()) + 1]] = True
    return out


def gi_star(grid: Grid, cells: list[tuple[int, int]], base: Any, lat: Any, lon: Any) -> Any:
    """Gi* of one category-month's points over the study area ``cells`` with exposure ``base`` (complaints of
    every category per cell): a DataFrame, one row per study cell, with ``ix, iy, jumlah, jumlah_sekitar,
    harapan_sekitar, gi_z, p_nilai, signifikan``. Points outside the study area are dropped."""
    import numpy as np
    import pandas as pd
    from esda.getisord import G_Local
    from libpysal.weights import W
    from scipy.stats import poisson

    index = {c: i for i, c in enumerate(cells)}
    counts = np.zeros(len(cells))
    ix, iy = grid.cell_xy(lat, lon)
    for c in zip(ix.tolist(), iy.tolist(), strict=True):
        if c in index:
            counts[index[c]] += 1
    neighbours: dict[int, list[int]] = {}
    for (x, y), i in index.items():
        around_xy = [(x + dx, y + dy) for dx in (-1, 0, 1) for dy in (-1, 0, 1) if dx or dy]
        neighbours[i] = [index[c] for c in around_xy if c in index]
    # expected count per cell: the category's total spread like complaints in general (exposure + a half
    # complaint, so a cell seen once is not taken for empty)
    exposure = np.asarray(base, dtype=float) + 0.5
    expected = counts.sum() * exposure / exposure.sum()
    hood = [[i, *neighbours[i]] for i in range(len(cells))]
    observed_hood = np.array([counts[h].sum() for h in hood])
    expected_hood = np.array([expected[h].sum() for h in hood])
    # Gi* (esda) of the counts: how far a cell and its neighbours stand above the city's mean cell, in standard
    # deviations (the classic statistic, what the map's colour scale shows). Significance asks the sharper
    # question: the exact Poisson tail of the same neighbourhood sum against the exposure's expectation, so a
    # busy quarter where complaints of every kind come from is not a hotspot of one category
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # disconnected islands of cells; a month with one busy cell only
        w = W(neighbours, silence_warnings=True)
        g = G_Local(counts, w, transform="B", permutations=0, star=True)
    z = np.nan_to_num(np.asarray(g.Zs, dtype=float))
    p = poisson.sf(observed_hood - 1, expected_hood) if counts.sum() else np.ones(len(cells))
    significant = benjamini_hochberg(p) & (observed_hood > expected_hood) & (counts >= MIN_IN_CELL)
    return pd.DataFrame(
        {
            "ix": [c[0] for c in cells],
            "iy": [c[1] for c in cells],
            "jumlah": counts.astype(int),
            "jumlah_sekitar": observed_hood.astype(int),
            "harapan_sekitar": expected_hood,
            "gi_z": z,
            "p_nilai": p,
            "signifikan": significant,
        }
    )
