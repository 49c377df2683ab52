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
from muara.devtools.demo_data.hooks.absensi import _absensi_table
from muara.devtools.demo_data.hooks.aduan import _aduan_fill, _aduan_ids, _aduan_weight
from muara.devtools.demo_data.hooks.cctv import _cctv_table
from muara.devtools.demo_data.hooks.darurat import _darurat_fill, _darurat_ids, _darurat_weight
from muara.devtools.demo_data.hooks.halte import _halte_table
from muara.devtools.demo_data.hooks.izin import _izin_fill, _izin_ids
from muara.devtools.demo_data.hooks.kecelakaan import _kecelakaan_fill, _kecelakaan_ids
from muara.devtools.demo_data.hooks.kemacetan import _kemacetan_fill, _kemacetan_scaled
from muara.devtools.demo_data.hooks.kemiskinan import _kemiskinan_table
from muara.devtools.demo_data.hooks.ritase_bus import _ritase_fill, _ritase_ids
from muara.devtools.demo_data.hooks.tempat_tidur import _tempat_tidur_table
from muara.devtools.demo_data.shapes import BUS_HOURS, DAY_HOURS, FLAT_HOURS, OFFICE_HOURS, TRAFFIC_HOURS, _Ctx, _Model
from muara.devtools.demo_data.values import _regex_samples


def _generic_grid(ctx: _Ctx, rng: np.random.Generator) -> dict[str, np.ndarray]:
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
                _regex_samples(col.pattern, rng, 40)
                if col.pattern
                else [f"{name[:3].upper()}-{i + 1:03d}" for i in range(8)]
            )
            values = np.array(sorted(set(pool))[:8], dtype=object)
        dims.append((name, values))
    if not dims:
        return {c.primary_key[0] if c.primary_key else c.columns[0].name: np.array([ctx.sender], dtype=object)}
    grids = np.meshgrid(*[np.arange(len(v)) for _, v in dims], indexing="ij")
    return {name: values[g.ravel()] for (name, values), g in zip(dims, grids, strict=True)}


MODELS: dict[str, _Model] = {
    "aduan": _Model(
        "events", ratio=1.0, hours=DAY_HOURS, fill=_aduan_fill, ids=_aduan_ids, sender_weight=_aduan_weight
    ),
    "izin": _Model("events", ratio=0.5, hours=OFFICE_HOURS, weekend=0.08, fill=_izin_fill, ids=_izin_ids),
    "kecelakaan": _Model(
        "events", ratio=0.03, min_rows=40, hours=TRAFFIC_HOURS, weekend=1.1, fill=_kecelakaan_fill, ids=_kecelakaan_ids
    ),
    "darurat": _Model(
        "events",
        ratio=0.1,
        min_rows=60,
        hours=FLAT_HOURS,
        weekend=1.0,
        fill=_darurat_fill,
        ids=_darurat_ids,
        sender_weight=_darurat_weight,
    ),
    "ritase_bus": _Model(
        "events", ratio=1.0, min_rows=100, hours=BUS_HOURS, weekend=0.7, fill=_ritase_fill, ids=_ritase_ids
    ),
    "kemacetan": _Model("grid", ratio=0.25, min_rows=60, scaled_grid=_kemacetan_scaled, fill=_kemacetan_fill),
    "absensi": _Model("grid", grid=_absensi_table),
    "tempat_tidur": _Model("grid", grid=_tempat_tidur_table),
    "cctv": _Model("grid", grid=_cctv_table),
    "halte": _Model("grid", grid=_halte_table),
    "kemiskinan": _Model("grid", grid=_kemiskinan_table),
}


def _model_for(c: Contract) -> _Model:
    """The dataset's hook, or one inferred from its key: a single free-text key means events."""
    if c.name in MODELS:
        return MODELS[c.name]
    pk = [c.column(k) for k in c.primary_key]
    if len(pk) == 1 and pk[0].logical_type == "string" and not pk[0].code_list and not pk[0].valid_values:
        return _Model("events")
    return _Model("grid", grid=_generic_grid)
