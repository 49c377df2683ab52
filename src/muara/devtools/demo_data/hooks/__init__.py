"""Per-dataset realism hooks, and the model each dataset is made with.

Each hook only adds realism the contract cannot say (a status that matches its times, counts that add up);
columns, codes and allowed values still come from the contract and the reference lists. A contract without a
hook gets a model inferred from its key, and a grid over its key columns.
"""

from __future__ import annotations

from datetime import timedelta

import numpy as np

from muara.contract import reference
from muara.contract.model import Contract
from muara.devtools.demo_data.hooks.absensi import absensi_table
from muara.devtools.demo_data.hooks.aduan import aduan_fill, aduan_ids, aduan_weight
from muara.devtools.demo_data.hooks.cctv import cctv_table
from muara.devtools.demo_data.hooks.darurat import darurat_fill, darurat_ids, darurat_weight
from muara.devtools.demo_data.hooks.halte import halte_table
from muara.devtools.demo_data.hooks.izin import izin_fill, izin_ids
from muara.devtools.demo_data.hooks.kecelakaan import kecelakaan_fill, kecelakaan_ids
from muara.devtools.demo_data.hooks.kemacetan import kemacetan_fill, kemacetan_scaled
from muara.devtools.demo_data.hooks.kemiskinan import kemiskinan_table
from muara.devtools.demo_data.hooks.ritase_bus import ritase_fill, ritase_ids
from muara.devtools.demo_data.hooks.tempat_tidur import tempat_tidur_table
from muara.devtools.demo_data.shapes import (
    BUS_HOURS,
    DAY_HOURS,
    FLAT_HOURS,
    OFFICE_HOURS,
    TRAFFIC_HOURS,
    Ctx,
    DatasetModel,
)
from muara.devtools.demo_data.values import regex_samples


def _generic_grid(ctx: Ctx, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Every combination of the key columns: days (or months) x allowed values x a few entities."""
    c, w = ctx.contract, ctx.world
    dims: list[tuple[str, np.ndarray]] = []
    for name in c.primary_key:
        col = c.column(name)
        if name == c.owner_column:
            continue
        if col.logical_type in ("date", "timestamp"):
            monthly = c.frequency >= timedelta(days=28)
            days = w.day_list(90 if monthly else 30, include_anchor=False)
            if monthly:
                days = np.unique(days.astype("datetime64[M]").astype("datetime64[D]"))[-3:]
            values = days if col.logical_type == "date" else days.astype("datetime64[s]") + np.timedelta64(7, "h")
        elif col.valid_values:
            values = np.array(col.valid_values, dtype=object)
        elif col.code_list:
            values = np.array(reference.values(col.code_list, w.code), dtype=object)
        elif col.logical_type == "integer":
            values = np.arange(int(col.minimum or 1), int(col.minimum or 1) + 3).astype(float)
        else:
            pool = (
                regex_samples(col.pattern, rng, 40)
                if col.pattern
                else [f"{name[:3].upper()}-{i + 1:03d}" for i in range(8)]
            )
            values = np.array(sorted(set(pool))[:8], dtype=object)
        dims.append((name, values))
    if not dims:
        return {c.primary_key[0] if c.primary_key else c.columns[0].name: np.array([ctx.sender], dtype=object)}
    grids = np.meshgrid(*[np.arange(len(v)) for _, v in dims], indexing="ij")
    return {name: values[g.ravel()] for (name, values), g in zip(dims, grids, strict=True)}


MODELS: dict[str, DatasetModel] = {
    "aduan": DatasetModel(
        "events", ratio=1.0, hours=DAY_HOURS, fill=aduan_fill, ids=aduan_ids, sender_weight=aduan_weight
    ),
    "izin": DatasetModel("events", ratio=0.5, hours=OFFICE_HOURS, weekend=0.08, fill=izin_fill, ids=izin_ids),
    "kecelakaan": DatasetModel(
        "events", ratio=0.03, min_rows=40, hours=TRAFFIC_HOURS, weekend=1.1, fill=kecelakaan_fill, ids=kecelakaan_ids
    ),
    "darurat": DatasetModel(
        "events",
        ratio=0.1,
        min_rows=60,
        hours=FLAT_HOURS,
        weekend=1.0,
        fill=darurat_fill,
        ids=darurat_ids,
        sender_weight=darurat_weight,
    ),
    "ritase_bus": DatasetModel(
        "events", ratio=1.0, min_rows=100, hours=BUS_HOURS, weekend=0.7, fill=ritase_fill, ids=ritase_ids
    ),
    "kemacetan": DatasetModel("grid", ratio=0.25, min_rows=60, scaled_grid=kemacetan_scaled, fill=kemacetan_fill),
    "absensi": DatasetModel("grid", grid=absensi_table),
    "tempat_tidur": DatasetModel("grid", grid=tempat_tidur_table),
    "cctv": DatasetModel("grid", grid=cctv_table),
    "halte": DatasetModel("grid", grid=halte_table),
    "kemiskinan": DatasetModel("grid", grid=kemiskinan_table),
}


def model_for(c: Contract) -> DatasetModel:
    """The dataset's hook, or one inferred from its key: a single free-text key means events."""
    if c.name in MODELS:
        return MODELS[c.name]
    pk = [c.column(k) for k in c.primary_key]
    if len(pk) == 1 and pk[0].logical_type == "string" and not pk[0].code_list and not pk[0].valid_values:
        return DatasetModel("events")
    return DatasetModel("grid", grid=_generic_grid)
