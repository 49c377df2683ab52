"""Hotspots (src/muara/analytics/hotspot.py): Gi* with a Poisson neighbourhood test and Benjamini-Hochberg, on
synthetic complaints with a fixed seed (issue 16: a dense cluster is marked significant, uniformly scattered
complaints mark none)."""

from __future__ import annotations

import numpy as np

from muara.analytics import hotspot

SEED = 16
LAT0, LON0 = -10.18, 123.57  # Kota Kupang
SPAN = 0.05  # degrees: about 5.5 km a side, 144 cells of 500 m


def scatter(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    return LAT0 + rng.uniform(0, SPAN, n), LON0 + rng.uniform(0, SPAN, n)


def study_area(rng: np.random.Generator) -> tuple[hotspot.Grid, list[tuple[int, int]], np.ndarray]:
    """All categories over the months: where complaints come from (uniform here)."""
    lat, lon = scatter(rng, 3000)
    grid = hotspot.grid_for(lat, lon)
    cells, base = hotspot.area(grid, lat, lon)
    return grid, cells, base


def test_a_dense_cluster_is_a_significant_hotspot() -> None:
    rng = np.random.default_rng(SEED)
    grid, cells, base = study_area(rng)
    lat, lon = scatter(rng, 300)
    # 40 complaints within about 100 m of one corner of the city
    c_lat, c_lon = LAT0 + 0.02, LON0 + 0.03
    lat = np.r_[lat, c_lat + rng.normal(0, 0.001, 40)]
    lon = np.r_[lon, c_lon + rng.normal(0, 0.001, 40)]
    result = hotspot.gi_star(grid, cells, base, lat, lon)
    hot = result[result["signifikan"]]
    ix, iy = grid.cell_xy([c_lat], [c_lon])
    assert ((hot["ix"] == ix[0]) & (hot["iy"] == iy[0])).any(), hot
    centre = result[(result["ix"] == ix[0]) & (result["iy"] == iy[0])].iloc[0]
    assert centre["p_nilai"] < 1e-6 and centre["gi_z"] > 3
    # only the cluster and cells touching it: none far away
    assert ((hot["ix"] - ix[0]).abs().max() <= 1) and ((hot["iy"] - iy[0]).abs().max() <= 1), hot


def test_uniformly_scattered_complaints_mark_no_hotspot() -> None:
    rng = np.random.default_rng(SEED)
    grid, cells, base = study_area(rng)
    lat, lon = scatter(rng, 300)
    assert not hotspot.gi_star(grid, cells, base, lat, lon)["signifikan"].any()


def test_false_hotspots_stay_near_the_false_discovery_rate() -> None:
    """Over 40 uniform months, a month with any false hotspot is about as rare as the FDR promises (5 %)."""
    rng = np.random.default_rng(SEED)
    grid, cells, base = study_area(rng)
    months_with_any = sum(
        bool(hotspot.gi_star(grid, cells, base, *scatter(rng, 300))["signifikan"].any()) for _ in range(40)
    )
    assert months_with_any <= 4, months_with_any


def test_busy_places_are_not_hotspots_of_one_category() -> None:
    """A quarter where complaints of every kind come from is expected to hold more of each: not a hotspot."""
    rng = np.random.default_rng(SEED)
    lat, lon = scatter(rng, 2000)
    d_lat, d_lon = LAT0 + 0.01 + rng.normal(0, 0.002, 1000), LON0 + 0.01 + rng.normal(0, 0.002, 1000)
    all_lat, all_lon = np.r_[lat, d_lat], np.r_[lon, d_lon]
    grid = hotspot.grid_for(all_lat, all_lon)
    cells, base = hotspot.area(grid, all_lat, all_lon)
    pick = rng.choice(len(all_lat), 300, replace=False)  # one category, spread like all complaints
    assert not hotspot.gi_star(grid, cells, base, all_lat[pick], all_lon[pick])["signifikan"].any()


def test_benjamini_hochberg() -> None:
    p = np.array([0.001, 0.008, 0.039, 0.041, 0.042, 0.06, 0.074, 0.205, 0.212, 0.216])
    assert hotspot.benjamini_hochberg(p, 0.05).tolist() == [True, True] + [False] * 8
