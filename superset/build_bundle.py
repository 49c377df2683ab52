"""Write Muara's Superset bundle (``superset/dashboards/``): the database, datasets, charts and dashboards as YAML.

Why a generator rather than an export from a clicked-together Superset: the UUIDs (uuid5 from each object's name,
so the same object keeps the same UUID in every checkout and every re-import) and every chart's ``query_context``
(without one, ``GET /api/v1/chart/{id}/data/`` returns no rows) stay consistent with the charts' ``params``. Edit
this file, run it (``python superset/build_bundle.py``; plain Python + pyyaml, no Superset needed) and commit both
it and its output. ``--check`` fails when the YAML in git is not what this file writes.

The format is Superset 6.1's import/export bundle (v1.0.0): ``metadata.yaml``, ``databases/``, ``datasets/<db>/``,
``charts/``, ``dashboards/``, checked against apache/superset ``tests/integration_tests/fixtures/importexport.py``
and ``superset/commands/*/importers/v1``. The import rewrites ``query_context``'s datasource id to the dataset's
id in the target Superset, so the ids written here (0) are placeholders.

The database YAML holds no password and no port: ``sqlalchemy_uri`` keeps Superset's mask (``XXXXXXXXXX``) and
``__MUARA_HOST__``/``__MUARA_PORT__``, and its extra the city's time zone as ``__MUARA_TZ__``; ``muara superset
provision`` fills them from ``muara db url`` and the city's settings when it zips the bundle. The password goes
in the import request's ``passwords`` (see ``plugins/muara/superset.py``).
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import uuid
from pathlib import Path
from typing import Any

import yaml

OUT = Path(__file__).resolve().parent / "dashboards"
NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://github.com/muara/muara/superset")
VERSION = "1.0.0"
TIMESTAMP = "2026-11-23T00:00:00+00:00"  # fixed, so the output only changes when the content does

DATABASE_NAME = "Muara Gudang"
DATABASE_FILE = "muara_gudang"
READER_ROLE = "muara_superset"
URI_TEMPLATE = f"postgresql+psycopg2://{READER_ROLE}:XXXXXXXXXX@__MUARA_HOST__:__MUARA_PORT__/__MUARA_DB__"


def uid(kind: str, name: str) -> str:
    return str(uuid.uuid5(NAMESPACE, f"{kind}:{name}"))


# ------------------------------------------------------------------------------------------------ datasets
# (name, type, is_dttm): the columns the charts use; `muara superset provision` refreshes each dataset from the
# database after the import, which adds the rest
ADUAN_SQL = """select
    aduan.nomor_aduan,
    aduan.kode_opd,
    opd.singkatan as opd,
    opd.nama_opd,
    aduan.kode_kelurahan,
    kelurahan.nama_kelurahan,
    kelurahan.nama_kecamatan,
    aduan.kategori,
    aduan.nama_kategori,
    aduan.status,
    aduan.status_warna,
    aduan.alasan_warna,
    aduan.terlambat,
    aduan.sudah_selesai,
    -- 0 rather than null for a complaint not past its deadline (red because nobody handled it yet), so the red
    -- list, sorted by days overdue, does not start with empty cells (Postgres sorts nulls first descending)
    coalesce(aduan.hari_lewat_batas, 0) as hari_lewat_batas,
    aduan.jam_sejak_gerakan_terakhir,
    aduan.latitude,
    aduan.longitude,
    aduan.waktu_lapor,
    aduan.batas_waktu
from marts.fct_aduan as aduan
left join marts.dim_opd as opd on aduan.kode_opd = opd.kode_opd
left join marts.dim_kelurahan as kelurahan on aduan.kode_kelurahan = kelurahan.kode_kelurahan
"""

METRIK_SQL = """select
    metrik.kunci,
    metrik.kode_opd,
    opd.singkatan as opd,
    opd.nama_opd,
    metrik.jendela,
    metrik.periode_mulai,
    metrik.periode_berjalan,
    metrik.layanan,
    metrik.metrik,
    metrik.nama_metrik,
    metrik.satuan,
    metrik.arah,
    metrik.jumlah_item,
    metrik.nilai,
    metrik.nilai_target,
    metrik.skor_metrik
from marts.fct_skor_opd_metrik as metrik
left join marts.dim_opd as opd on metrik.kode_opd = opd.kode_opd
"""

DATASETS: dict[str, dict[str, Any]] = {
    "aduan_ruang_komando": {
        "description": "Aduan warga (marts.fct_aduan) dengan nama OPD dan kelurahan, untuk Ruang Komando.",
        "sql": ADUAN_SQL,
        "main_dttm_col": "waktu_lapor",
        "columns": [
            ("nomor_aduan", "TEXT", False),
            ("kode_opd", "TEXT", False),
            ("opd", "TEXT", False),
            ("nama_opd", "TEXT", False),
            ("kode_kelurahan", "TEXT", False),
            ("nama_kelurahan", "TEXT", False),
            ("nama_kecamatan", "TEXT", False),
            ("kategori", "TEXT", False),
            ("nama_kategori", "TEXT", False),
            ("status", "TEXT", False),
            ("status_warna", "TEXT", False),
            ("alasan_warna", "TEXT", False),
            ("terlambat", "BOOLEAN", False),
            ("sudah_selesai", "BOOLEAN", False),
            ("hari_lewat_batas", "INTEGER", False),
            ("jam_sejak_gerakan_terakhir", "DOUBLE PRECISION", False),
            ("latitude", "DOUBLE PRECISION", False),
            ("longitude", "DOUBLE PRECISION", False),
            ("waktu_lapor", "TIMESTAMP WITH TIME ZONE", True),
            ("batas_waktu", "TIMESTAMP WITH TIME ZONE", True),
        ],
        "labels": {
            "nomor_aduan": "Nomor aduan",
            "opd": "OPD",
            "nama_opd": "Nama OPD",
            "nama_kelurahan": "Kelurahan",
            "nama_kecamatan": "Kecamatan",
            "nama_kategori": "Kategori",
            "status": "Status",
            "status_warna": "Warna",
            "alasan_warna": "Alasan warna",
            "terlambat": "Terlambat",
            "hari_lewat_batas": "Hari lewat batas",
            "jam_sejak_gerakan_terakhir": "Jam sejak gerakan terakhir",
            "waktu_lapor": "Waktu lapor",
            "batas_waktu": "Batas waktu",
        },
    },
    "fct_skor_opd": {
        "description": "Skor kinerja OPD per jendela (harian, mingguan, bulanan, triwulan), marts.fct_skor_opd.",
        "sql": None,
        "main_dttm_col": "periode_mulai",
        "columns": [
            ("kode_opd", "TEXT", False),
            ("nama_opd", "TEXT", False),
            ("singkatan", "TEXT", False),
            ("jendela", "TEXT", False),
            ("periode_mulai", "DATE", True),
            ("periode_berjalan", "BOOLEAN", False),
            ("skor", "DOUBLE PRECISION", False),
            ("peringkat", "BIGINT", False),
            ("skor_aduan", "DOUBLE PRECISION", False),
            ("skor_izin", "DOUBLE PRECISION", False),
            ("skor_darurat", "DOUBLE PRECISION", False),
            ("porsi_aduan_tepat_waktu", "DOUBLE PRECISION", False),
        ],
        "labels": {"singkatan": "OPD", "nama_opd": "Nama OPD", "skor": "Skor", "peringkat": "Peringkat"},
    },
    "skor_opd_metrik": {
        "description": "Rincian skor per metrik per OPD (marts.fct_skor_opd_metrik) dengan singkatan OPD.",
        "sql": METRIK_SQL,
        "main_dttm_col": "periode_mulai",
        "columns": [
            ("kunci", "TEXT", False),
            ("kode_opd", "TEXT", False),
            ("opd", "TEXT", False),
            ("nama_opd", "TEXT", False),
            ("jendela", "TEXT", False),
            ("periode_mulai", "DATE", True),
            ("periode_berjalan", "BOOLEAN", False),
            ("layanan", "TEXT", False),
            ("metrik", "TEXT", False),
            ("nama_metrik", "TEXT", False),
            ("satuan", "TEXT", False),
            ("arah", "TEXT", False),
            ("jumlah_item", "BIGINT", False),
            ("nilai", "DOUBLE PRECISION", False),
            ("nilai_target", "DOUBLE PRECISION", False),
            ("skor_metrik", "DOUBLE PRECISION", False),
        ],
        "labels": {
            "opd": "OPD",
            "nama_opd": "Nama OPD",
            "layanan": "Layanan",
            "nama_metrik": "Metrik",
            "nilai": "Nilai",
            "nilai_target": "Target",
            "satuan": "Satuan",
            "skor_metrik": "Skor metrik",
        },
    },
}


def dataset_yaml(name: str, spec: dict[str, Any]) -> dict[str, Any]:
    return {
        "table_name": name,
        "main_dttm_col": spec["main_dttm_col"],
        "description": spec["description"],
        "default_endpoint": None,
        "offset": 0,
        "cache_timeout": None,
        "schema": "marts",
        "sql": spec["sql"],
        "params": None,
        "template_params": None,
        "filter_select_enabled": True,
        "fetch_values_predicate": None,
        "extra": None,
        "normalize_columns": False,
        "always_filter_main_dttm": False,
        "uuid": uid("dataset", name),
        "metrics": [
            {
                "metric_name": "jumlah",
                "verbose_name": "Jumlah baris",
                "metric_type": "count",
                "expression": "COUNT(*)",
                "description": None,
                "d3format": None,
                "extra": {},
                "warning_text": None,
            }
        ],
        "columns": [
            {
                "column_name": col,
                "verbose_name": spec.get("labels", {}).get(col),
                "is_dttm": is_dttm,
                "is_active": True,
                "type": typ,
                "groupby": True,
                "filterable": True,
                "expression": None,
                "description": None,
                "python_date_format": None,
            }
            for col, typ, is_dttm in spec["columns"]
        ],
        "version": VERSION,
        "database_uuid": uid("database", DATABASE_FILE),
    }


# -------------------------------------------------------------------------------------------------- charts
def sql_metric(expression: str, label: str) -> dict[str, Any]:
    return {"expressionType": "SQL", "sqlExpression": expression, "label": label, "hasCustomLabel": True}


JUMLAH = sql_metric("COUNT(*)", "Jumlah aduan")


def where(col: str, op: str, val: Any = None) -> dict[str, Any]:
    """A filter in both shapes: ``adhoc_filters`` for params, ``filters`` for the query_context."""
    return {"col": col, "op": op, "val": val} if val is not None else {"col": col, "op": op}


def adhoc(flt: dict[str, Any]) -> dict[str, Any]:
    out = {"clause": "WHERE", "expressionType": "SIMPLE", "subject": flt["col"], "operator": flt["op"]}
    if "val" in flt:
        out["comparator"] = flt["val"]
    return out


def axis(col: str, grain: str | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"columnType": "BASE_AXIS", "sqlExpression": col, "label": col, "expressionType": "SQL"}
    if grain:
        out["timeGrain"] = grain
    return out


MERAH = where("status_warna", "==", "merah")
BULAN_INI = [where("jendela", "==", "bulanan"), where("periode_berjalan", "IS TRUE")]

# Kupang's city centre (Muara's reference city); Superset's deck.gl falls back to OSM tiles (no Mapbox key needed)
VIEWPORT = {"latitude": -10.17, "longitude": 123.6, "zoom": 11.5, "bearing": 0, "pitch": 0}

CHARTS: list[dict[str, Any]] = [
    # ---------------------------------------------------------------------------------- Ruang Komando
    {
        "name": "Aduan per warna sekarang",
        "dashboard": "ruang-komando",
        "dataset": "aduan_ruang_komando",
        "viz_type": "pie",
        "width": 4,
        "params": {
            "groupby": ["status_warna"],
            "metric": JUMLAH,
            "row_limit": 10,
            "sort_by_metric": True,
            "show_labels": True,
            "label_type": "key_value",
            "show_legend": True,
            "donut": True,
            "label_colors": {"merah": "#d32f2f", "kuning": "#fbc02d", "hijau": "#388e3c"},
        },
        "query": {"columns": ["status_warna"], "metrics": [JUMLAH], "orderby": [[JUMLAH, False]], "row_limit": 10},
    },
    {
        "name": "Daftar merah",
        "dashboard": "ruang-komando",
        "dataset": "aduan_ruang_komando",
        "viz_type": "table",
        "width": 8,
        "params": {
            "query_mode": "raw",
            "all_columns": [
                "nomor_aduan",
                "opd",
                "nama_kelurahan",
                "nama_kategori",
                "hari_lewat_batas",
                "alasan_warna",
            ],
            "order_by_cols": [json.dumps(["hari_lewat_batas", False])],
            "adhoc_filters": [adhoc(MERAH)],
            "row_limit": 1000,
            "table_timestamp_format": "smart_date",
        },
        "query": {
            "columns": ["nomor_aduan", "opd", "nama_kelurahan", "nama_kategori", "hari_lewat_batas", "alasan_warna"],
            "metrics": [],
            "orderby": [["hari_lewat_batas", False]],
            "filters": [MERAH],
            "row_limit": 1000,
        },
    },
    {
        "name": "OPD yang belum bergerak",
        "dashboard": "ruang-komando",
        "dataset": "aduan_ruang_komando",
        "viz_type": "table",
        "width": 6,
        "params": {
            "query_mode": "aggregate",
            "groupby": ["opd", "nama_opd"],
            "metrics": [
                sql_metric("COUNT(*)", "Aduan merah"),
                sql_metric("MAX(jam_sejak_gerakan_terakhir)", "Jam sejak gerakan terakhir (maks)"),
            ],
            "timeseries_limit_metric": sql_metric(
                "MAX(jam_sejak_gerakan_terakhir)", "Jam sejak gerakan terakhir (maks)"
            ),
            "order_desc": True,
            "adhoc_filters": [adhoc(MERAH)],
            "row_limit": 100,
        },
        "query": {
            "columns": ["opd", "nama_opd"],
            "metrics": [
                sql_metric("COUNT(*)", "Aduan merah"),
                sql_metric("MAX(jam_sejak_gerakan_terakhir)", "Jam sejak gerakan terakhir (maks)"),
            ],
            "orderby": [[sql_metric("MAX(jam_sejak_gerakan_terakhir)", "Jam sejak gerakan terakhir (maks)"), False]],
            "filters": [MERAH],
            "row_limit": 100,
        },
    },
    {
        "name": "Peta aduan",
        "dashboard": "ruang-komando",
        "dataset": "aduan_ruang_komando",
        "viz_type": "deck_scatter",
        "width": 6,
        "params": {
            "spatial": {"latCol": "latitude", "lonCol": "longitude", "type": "latlong"},
            "mapbox_style": "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
            "viewport": VIEWPORT,
            "point_radius_fixed": {"type": "fix", "value": 60},
            "point_unit": "square_m",
            "min_radius": 2,
            "max_radius": 250,
            "multiplier": 1,
            "color_picker": {"r": 211, "g": 47, "b": 47, "a": 0.8},
            "dimension": "status_warna",
            "color_scheme": "supersetColors",
            "adhoc_filters": [adhoc(where("sudah_selesai", "IS FALSE"))],
            "row_limit": 5000,
            "time_range": "No filter",
        },
        "query": {
            "columns": ["latitude", "longitude", "status_warna", "nomor_aduan"],
            "metrics": [],
            "filters": [
                where("sudah_selesai", "IS FALSE"),
                where("latitude", "IS NOT NULL"),
                where("longitude", "IS NOT NULL"),
            ],
            "row_limit": 5000,
        },
    },
    {
        "name": "Tren harian aduan per warna",
        "dashboard": "ruang-komando",
        "dataset": "aduan_ruang_komando",
        "viz_type": "echarts_timeseries_line",
        "width": 6,
        "params": {
            "x_axis": "waktu_lapor",
            "time_grain_sqla": "P1D",
            "metrics": [JUMLAH],
            "groupby": ["status_warna"],
            "row_limit": 10000,
            "show_legend": True,
            "rich_tooltip": True,
            "x_axis_time_format": "smart_date",
            "label_colors": {"merah": "#d32f2f", "kuning": "#fbc02d", "hijau": "#388e3c"},
        },
        "query": {
            "columns": [axis("waktu_lapor", "P1D"), "status_warna"],
            "metrics": [JUMLAH],
            "orderby": [[JUMLAH, False]],
            "row_limit": 10000,
            "post_processing": [
                {
                    "operation": "pivot",
                    "options": {
                        "index": ["waktu_lapor"],
                        "columns": ["status_warna"],
                        "aggregates": {"Jumlah aduan": {"operator": "mean"}},
                        "drop_missing_columns": False,
                    },
                },
                {"operation": "flatten"},
            ],
        },
    },
    {
        "name": "Kategori teratas per kelurahan",
        "dashboard": "ruang-komando",
        "dataset": "aduan_ruang_komando",
        "viz_type": "table",
        "width": 6,
        "params": {
            "query_mode": "aggregate",
            "groupby": ["nama_kelurahan", "nama_kategori"],
            "metrics": [JUMLAH],
            "timeseries_limit_metric": JUMLAH,
            "order_desc": True,
            "row_limit": 200,
        },
        "query": {
            "columns": ["nama_kelurahan", "nama_kategori"],
            "metrics": [JUMLAH],
            "orderby": [[JUMLAH, False]],
            "row_limit": 200,
        },
    },
    # ------------------------------------------------------------------------------------- Kinerja OPD
    {
        "name": "Peringkat skor OPD bulan ini",
        "dashboard": "kinerja-opd",
        "dataset": "fct_skor_opd",
        "viz_type": "echarts_timeseries_bar",
        "width": 6,
        "params": {
            "x_axis": "singkatan",
            "metrics": [sql_metric("MAX(skor)", "Skor")],
            "groupby": [],
            "adhoc_filters": [adhoc(f) for f in BULAN_INI],
            "x_axis_sort": "Skor",
            "x_axis_sort_asc": False,
            "orientation": "horizontal",
            "show_value": True,
            "row_limit": 100,
        },
        "query": {
            "columns": [axis("singkatan")],
            "metrics": [sql_metric("MAX(skor)", "Skor")],
            "orderby": [[sql_metric("MAX(skor)", "Skor"), False]],
            "filters": BULAN_INI,
            "row_limit": 100,
        },
    },
    {
        "name": "Tren skor OPD mingguan",
        "dashboard": "kinerja-opd",
        "dataset": "fct_skor_opd",
        "viz_type": "echarts_timeseries_line",
        "width": 6,
        "params": {
            "x_axis": "periode_mulai",
            "time_grain_sqla": "P1W",
            "metrics": [sql_metric("AVG(skor)", "Skor")],
            "groupby": ["singkatan"],
            "adhoc_filters": [adhoc(where("jendela", "==", "mingguan"))],
            "row_limit": 10000,
            "show_legend": True,
            "rich_tooltip": True,
        },
        "query": {
            "columns": [axis("periode_mulai", "P1W"), "singkatan"],
            "metrics": [sql_metric("AVG(skor)", "Skor")],
            "filters": [where("jendela", "==", "mingguan")],
            "row_limit": 10000,
            "post_processing": [
                {
                    "operation": "pivot",
                    "options": {
                        "index": ["periode_mulai"],
                        "columns": ["singkatan"],
                        "aggregates": {"Skor": {"operator": "mean"}},
                        "drop_missing_columns": False,
                    },
                },
                {"operation": "flatten"},
            ],
        },
    },
    {
        "name": "Rincian metrik per OPD",
        "dashboard": "kinerja-opd",
        "dataset": "skor_opd_metrik",
        "viz_type": "table",
        "width": 12,
        "params": {
            "query_mode": "raw",
            "all_columns": ["opd", "layanan", "nama_metrik", "nilai", "nilai_target", "satuan", "skor_metrik"],
            "order_by_cols": [json.dumps(["opd", True]), json.dumps(["layanan", True])],
            "adhoc_filters": [adhoc(f) for f in BULAN_INI],
            "row_limit": 1000,
        },
        "query": {
            "columns": ["opd", "layanan", "nama_metrik", "nilai", "nilai_target", "satuan", "skor_metrik"],
            "metrics": [],
            "orderby": [["opd", True], ["layanan", True]],
            "filters": BULAN_INI,
            "row_limit": 1000,
        },
    },
    {
        "name": "Porsi tepat waktu per kategori",
        "dashboard": "kinerja-opd",
        "dataset": "aduan_ruang_komando",
        "viz_type": "echarts_timeseries_bar",
        "width": 12,
        "params": {
            "x_axis": "nama_kategori",
            "metrics": [sql_metric("AVG(CASE WHEN terlambat THEN 0.0 ELSE 1.0 END)", "Porsi tepat waktu")],
            "groupby": [],
            "y_axis_format": ".0%",
            "show_value": True,
            "row_limit": 100,
        },
        "query": {
            "columns": [axis("nama_kategori")],
            "metrics": [sql_metric("AVG(CASE WHEN terlambat THEN 0.0 ELSE 1.0 END)", "Porsi tepat waktu")],
            "orderby": [[sql_metric("AVG(CASE WHEN terlambat THEN 0.0 ELSE 1.0 END)", "Porsi tepat waktu"), False]],
            "row_limit": 100,
        },
    },
]

# ------------------------------------------------------------------------------------------ chart builders
# The module dashboards below are built with these, so that each chart's params and its query_context say the same
# thing: the same metrics, the same filters, the same order.
WARNA = {"merah": "#d32f2f", "kuning": "#fbc02d", "hijau": "#388e3c"}


def ratio(numerator: str, denominator: str, label: str) -> dict[str, Any]:
    """A share as a metric: SUM(numerator) / SUM(denominator), empty (not an error) when the denominator is 0."""
    return sql_metric(f"CAST(SUM({numerator}) AS DOUBLE PRECISION) / NULLIF(SUM({denominator}), 0)", label)


def count_if(condition: str, label: str) -> dict[str, Any]:
    return sql_metric(f"SUM(CASE WHEN {condition} THEN 1 ELSE 0 END)", label)


def median(col: str, label: str) -> dict[str, Any]:
    return sql_metric(f"PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY {col})", label)


def total(col: str, label: str) -> dict[str, Any]:
    return sql_metric(f"SUM({col})", label)


def _base(name: str, dashboard: str, dataset: str, viz_type: str, width: int) -> dict[str, Any]:
    return {"name": name, "dashboard": dashboard, "dataset": dataset, "viz_type": viz_type, "width": width}


def _filters(filters: list[dict[str, Any]]) -> dict[str, Any]:
    return {"adhoc_filters": [adhoc(f) for f in filters]} if filters else {}


def big_number(
    name: str,
    dashboard: str,
    dataset: str,
    width: int,
    metric: dict[str, Any],
    *,
    filters: list[dict[str, Any]] | None = None,
    fmt: str = "SMART_NUMBER",
    subheader: str = "",
) -> dict[str, Any]:
    filters = filters or []
    return {
        **_base(name, dashboard, dataset, "big_number_total", width),
        "params": {
            "metric": metric,
            "y_axis_format": fmt,
            "subheader": subheader,
            "header_font_size": 0.4,
            "subheader_font_size": 0.15,
            **_filters(filters),
        },
        "query": {"columns": [], "metrics": [metric], "filters": filters, "row_limit": 10},
    }


def pie(
    name: str,
    dashboard: str,
    dataset: str,
    width: int,
    groupby: str,
    metric: dict[str, Any],
    *,
    label_colors: dict[str, str] | None = None,
) -> dict[str, Any]:
    return {
        **_base(name, dashboard, dataset, "pie", width),
        "params": {
            "groupby": [groupby],
            "metric": metric,
            "row_limit": 25,
            "sort_by_metric": True,
            "show_labels": True,
            "label_type": "key_value",
            "show_legend": True,
            "donut": True,
            "label_colors": label_colors or WARNA,
        },
        "query": {"columns": [groupby], "metrics": [metric], "orderby": [[metric, False]], "row_limit": 25},
    }


def _pivot(index: str, groupby: list[str], metrics: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The post-processing Superset's ECharts timeseries charts ask for: one column per series."""
    return [
        {
            "operation": "pivot",
            "options": {
                "index": [index],
                "columns": groupby,
                "aggregates": {m["label"]: {"operator": "mean"} for m in metrics},
                "drop_missing_columns": False,
            },
        },
        {"operation": "flatten"},
    ]


def bar(
    name: str,
    dashboard: str,
    dataset: str,
    width: int,
    x: str,
    metrics: list[dict[str, Any]],
    *,
    groupby: list[str] | None = None,
    filters: list[dict[str, Any]] | None = None,
    sort_by: dict[str, Any] | None = None,
    ascending: bool = False,
    horizontal: bool = False,
    y_format: str = "SMART_NUMBER",
    grain: str | None = None,
    row_limit: int = 100,
) -> dict[str, Any]:
    """A bar chart over a category (sorted by ``sort_by``) or over time (``grain``); stacked when grouped."""
    groupby = groupby or []
    filters = filters or []
    params: dict[str, Any] = {
        "x_axis": x,
        "metrics": metrics,
        "groupby": groupby,
        "orientation": "horizontal" if horizontal else "vertical",
        "y_axis_format": y_format,
        "show_value": not groupby and len(metrics) == 1,
        "show_legend": bool(groupby) or len(metrics) > 1,
        "rich_tooltip": True,
        "row_limit": row_limit,
        **_filters(filters),
    }
    if groupby:
        params["stack"] = "Stack"
    if grain:
        params["time_grain_sqla"] = grain
        params["x_axis_time_format"] = "smart_date"
    if sort_by:
        params["x_axis_sort"] = sort_by["label"]
        params["x_axis_sort_asc"] = ascending
    query: dict[str, Any] = {
        "columns": [axis(x, grain), *groupby],
        "metrics": metrics,
        "filters": filters,
        "row_limit": row_limit,
    }
    if sort_by:
        query["orderby"] = [[sort_by, ascending]]
    if groupby or grain:
        query["post_processing"] = _pivot(x, groupby, metrics)
    return {**_base(name, dashboard, dataset, "echarts_timeseries_bar", width), "params": params, "query": query}


def line(
    name: str,
    dashboard: str,
    dataset: str,
    width: int,
    x: str,
    grain: str,
    metrics: list[dict[str, Any]],
    *,
    groupby: list[str] | None = None,
    filters: list[dict[str, Any]] | None = None,
    y_format: str = "SMART_NUMBER",
    label_colors: dict[str, str] | None = None,
) -> dict[str, Any]:
    groupby = groupby or []
    filters = filters or []
    params: dict[str, Any] = {
        "x_axis": x,
        "time_grain_sqla": grain,
        "metrics": metrics,
        "groupby": groupby,
        "row_limit": 10000,
        "show_legend": True,
        "rich_tooltip": True,
        "markerEnabled": True,
        "x_axis_time_format": "smart_date",
        "y_axis_format": y_format,
        **_filters(filters),
    }
    if label_colors:
        params["label_colors"] = label_colors
    return {
        **_base(name, dashboard, dataset, "echarts_timeseries_line", width),
        "params": params,
        "query": {
            "columns": [axis(x, grain), *groupby],
            "metrics": metrics,
            "orderby": [[metrics[0], False]],
            "filters": filters,
            "row_limit": 10000,
            "post_processing": _pivot(x, groupby, metrics),
        },
    }


def table_rows(
    name: str,
    dashboard: str,
    dataset: str,
    width: int,
    columns: list[str],
    orderby: list[tuple[str, bool]],
    *,
    filters: list[dict[str, Any]] | None = None,
    row_limit: int = 1000,
    percent: tuple[str, ...] = (),
) -> dict[str, Any]:
    """A list of rows (raw mode), ordered by (column, ascending) pairs; ``percent`` columns shown as 0-100%."""
    filters = filters or []
    return {
        **_base(name, dashboard, dataset, "table", width),
        "params": {
            "query_mode": "raw",
            "all_columns": columns,
            "order_by_cols": [json.dumps([col, asc]) for col, asc in orderby],
            "row_limit": row_limit,
            "table_timestamp_format": "smart_date",
            "column_config": {col: {"d3NumberFormat": ".1%"} for col in percent},
            **_filters(filters),
        },
        "query": {
            "columns": columns,
            "metrics": [],
            "orderby": [[col, asc] for col, asc in orderby],
            "filters": filters,
            "row_limit": row_limit,
        },
    }


def table_summary(
    name: str,
    dashboard: str,
    dataset: str,
    width: int,
    groupby: list[str],
    metrics: list[dict[str, Any]],
    sort_by: dict[str, Any],
    *,
    ascending: bool = False,
    filters: list[dict[str, Any]] | None = None,
    row_limit: int = 100,
    percent: tuple[str, ...] = (),
) -> dict[str, Any]:
    """Metrics per group (aggregate mode), ordered by ``sort_by``; ``percent`` metric labels shown as 0-100%."""
    filters = filters or []
    return {
        **_base(name, dashboard, dataset, "table", width),
        "params": {
            "query_mode": "aggregate",
            "groupby": groupby,
            "metrics": metrics,
            "timeseries_limit_metric": sort_by,
            "order_desc": not ascending,
            "row_limit": row_limit,
            "column_config": {label: {"d3NumberFormat": ".1%"} for label in percent},
            **_filters(filters),
        },
        "query": {
            "columns": groupby,
            "metrics": metrics,
            "orderby": [[sort_by, ascending]],
            "filters": filters,
            "row_limit": row_limit,
        },
    }


def scatter_map(
    name: str,
    dashboard: str,
    dataset: str,
    width: int,
    dimension: str,
    tooltip: list[str],
    *,
    filters: list[dict[str, Any]] | None = None,
    radius_m: int = 60,
) -> dict[str, Any]:
    """Points on OpenStreetMap tiles, coloured by ``dimension``, as in "Peta aduan"."""
    filters = filters or []
    return {
        **_base(name, dashboard, dataset, "deck_scatter", width),
        "params": {
            "spatial": {"latCol": "latitude", "lonCol": "longitude", "type": "latlong"},
            "mapbox_style": "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
            "viewport": VIEWPORT,
            "point_radius_fixed": {"type": "fix", "value": radius_m},
            "point_unit": "square_m",
            "min_radius": 2,
            "max_radius": 250,
            "multiplier": 1,
            "color_picker": {"r": 211, "g": 47, "b": 47, "a": 0.8},
            "dimension": dimension,
            "color_scheme": "supersetColors",
            "row_limit": 5000,
            "time_range": "No filter",
            **_filters(filters),
        },
        "query": {
            "columns": ["latitude", "longitude", dimension, *tooltip],
            "metrics": [],
            "filters": [*filters, where("latitude", "IS NOT NULL"), where("longitude", "IS NOT NULL")],
            "row_limit": 5000,
        },
    }


# ------------------------------------------------------------------------------------------ module dashboards
# One dashboard per module. Datasets whose mart has kode_opd expose it as `kode_opd` (row-level security filters on
# it), joined to marts.dim_opd for the OPD's short name and to marts.dim_kelurahan for kelurahan and kecamatan names.
# "The last day" and "the last 30 days" count back from the latest date in the mart (hari_ke_belakang), not from
# today, so a dashboard still shows the latest data when an export is a day late.
def cols(spec: str) -> tuple[list[tuple[str, str, bool]], dict[str, str]]:
    """One ``name TYPE`` or ``name TYPE | Label`` per line: the columns (DATE and TIMESTAMP ones are time
    columns) and their labels, which tables show as headers."""
    columns, labels = [], {}
    for row in spec.strip().splitlines():
        decl, _, label = row.partition("|")
        name, typ = decl.split(None, 1)
        columns.append((name, typ.strip(), typ.startswith(("DATE", "TIMESTAMP"))))
        if label.strip():
            labels[name] = label.strip()
    return columns, labels


def dataset(description: str, sql: str | None, main_dttm_col: str | None, columns: str) -> dict[str, Any]:
    parsed, labels = cols(columns)
    return {
        "description": description,
        "sql": sql,
        "main_dttm_col": main_dttm_col,
        "columns": parsed,
        "labels": labels,
    }


def hari_ke_belakang(col: str) -> str:
    """SQL: days from a row's date back from the latest date of the mart (0 = the latest day)."""
    return f"(max({col}) over () - {col})"


TS = "TIMESTAMP WITH TIME ZONE"
DOUBLE = "DOUBLE PRECISION"
TERAKHIR = where("hari_ke_belakang", "==", 0)
TIGA_PULUH_HARI = where("hari_ke_belakang", "<", 30)

# --------------------------------------------------------------------------------------------- Perizinan (MPP)
# fct_izin rather than fct_izin_bulan_ini (no kode_opd): the same counts per jenis and tahap come from fct_izin.
DATASETS["izin_perizinan"] = dataset(
    "Permohonan izin (marts.fct_izin) dengan nama OPD, kelurahan dan kecamatan, untuk dasbor Perizinan.",
    """select
    izin.nomor_permohonan,
    izin.kode_jenis_izin,
    izin.nama_jenis_izin,
    izin.kode_opd,
    opd.singkatan as opd,
    izin.jalur,
    izin.kode_kelurahan,
    kelurahan.nama_kelurahan,
    kelurahan.nama_kecamatan,
    izin.tahap,
    izin.status_warna,
    izin.terlambat,
    izin.sudah_selesai,
    izin.standar_hari_kerja,
    izin.hari_kerja_ke_selesai,
    izin.nilai_retribusi,
    izin.waktu_pengajuan,
    izin.batas_waktu,
    izin.waktu_tuntas
from marts.fct_izin as izin
left join marts.dim_opd as opd on izin.kode_opd = opd.kode_opd
left join marts.dim_kelurahan as kelurahan on izin.kode_kelurahan = kelurahan.kode_kelurahan
""",
    "waktu_pengajuan",
    f"""
nomor_permohonan TEXT | Nomor permohonan
kode_jenis_izin TEXT
nama_jenis_izin TEXT | Jenis izin
kode_opd TEXT | Kode OPD
opd TEXT | OPD
jalur TEXT | Jalur
kode_kelurahan TEXT
nama_kelurahan TEXT | Kelurahan
nama_kecamatan TEXT | Kecamatan
tahap TEXT | Tahap
status_warna TEXT | Warna
terlambat BOOLEAN
sudah_selesai BOOLEAN
standar_hari_kerja INTEGER
hari_kerja_ke_selesai NUMERIC
nilai_retribusi NUMERIC
waktu_pengajuan {TS} | Diajukan
batas_waktu {TS} | Batas waktu
waktu_tuntas {TS}
""",
)
DATASETS["riwayat_izin"] = dataset(
    "Tahap yang dilalui permohonan izin dan lamanya (marts.fct_riwayat_izin), dengan jenis izin dan OPD.",
    """select
    riwayat.nomor_permohonan,
    riwayat.urutan,
    riwayat.kode_jenis_izin,
    izin.nama_jenis_izin,
    riwayat.kode_opd,
    opd.singkatan as opd,
    riwayat.tahap,
    riwayat.mulai,
    riwayat.selesai,
    riwayat.durasi_hari_kerja,
    izin.waktu_pengajuan
from marts.fct_riwayat_izin as riwayat
left join marts.fct_izin as izin on riwayat.nomor_permohonan = izin.nomor_permohonan
left join marts.dim_opd as opd on riwayat.kode_opd = opd.kode_opd
""",
    "mulai",
    f"""
nomor_permohonan TEXT | Nomor permohonan
urutan BIGINT
kode_jenis_izin TEXT
nama_jenis_izin TEXT | Jenis izin
kode_opd TEXT | Kode OPD
opd TEXT | OPD
tahap TEXT | Tahap
mulai {TS}
selesai {TS}
durasi_hari_kerja NUMERIC
waktu_pengajuan {TS} | Diajukan
""",
)
PERMOHONAN = sql_metric("COUNT(*)", "Jumlah permohonan")
CHARTS += [
    pie("Permohonan izin per warna", "perizinan", "izin_perizinan", 4, "status_warna", PERMOHONAN),
    bar(
        "Permohonan izin per jenis dan tahap",
        "perizinan",
        "izin_perizinan",
        8,
        "nama_jenis_izin",
        [PERMOHONAN],
        groupby=["tahap"],
        horizontal=True,
    ),
    table_rows(
        "Daftar izin merah",
        "perizinan",
        "izin_perizinan",
        12,
        ["nomor_permohonan", "nama_jenis_izin", "tahap", "jalur", "nama_kelurahan", "waktu_pengajuan", "batas_waktu"],
        [("batas_waktu", True)],
        filters=[where("status_warna", "==", "merah")],
    ),
    bar(
        "Lama tiap tahap izin (median hari kerja)",
        "perizinan",
        "riwayat_izin",
        6,
        "tahap",
        [median("durasi_hari_kerja", "Median hari kerja di tahap")],
        filters=[where("durasi_hari_kerja", "IS NOT NULL")],
        sort_by=median("durasi_hari_kerja", "Median hari kerja di tahap"),
    ),
    line(
        "Tren permohonan izin mingguan",
        "perizinan",
        "izin_perizinan",
        6,
        "waktu_pengajuan",
        "P1W",
        [PERMOHONAN, count_if("terlambat", "Lewat standar pelayanan")],
    ),
]

# ------------------------------------------------------------------------------------------ Kehadiran Pegawai
DATASETS["kehadiran_pegawai"] = dataset(
    "Kehadiran pegawai per OPD per hari (marts.fct_kehadiran_harian) dengan nama OPD; hari_kerja_terakhir menandai "
    "hari kerja terakhir yang ada datanya, hari_ke_belakang = hari sebelum tanggal terakhir data.",
    f"""select
    kehadiran.tanggal,
    kehadiran.kode_opd,
    opd.singkatan as opd,
    opd.nama_opd,
    kehadiran.hari_kerja,
    kehadiran.tanggal = max(kehadiran.tanggal) filter (where kehadiran.hari_kerja) over () as hari_kerja_terakhir,
    {hari_ke_belakang("kehadiran.tanggal")} as hari_ke_belakang,
    kehadiran.jumlah_pegawai,
    kehadiran.hadir,
    kehadiran.tidak_hadir,
    kehadiran.terlambat,
    kehadiran.pulang_cepat,
    kehadiran.izin,
    kehadiran.sakit,
    kehadiran.cuti,
    kehadiran.dinas_luar,
    kehadiran.tanpa_keterangan,
    kehadiran.tingkat_kehadiran
from marts.fct_kehadiran_harian as kehadiran
left join marts.dim_opd as opd on kehadiran.kode_opd = opd.kode_opd
""",
    "tanggal",
    f"""
tanggal DATE
kode_opd TEXT | Kode OPD
opd TEXT | OPD
nama_opd TEXT
hari_kerja BOOLEAN
hari_kerja_terakhir BOOLEAN
hari_ke_belakang INTEGER
jumlah_pegawai BIGINT
hadir BIGINT
tidak_hadir BIGINT
terlambat BIGINT
pulang_cepat BIGINT
izin BIGINT
sakit BIGINT
cuti BIGINT
dinas_luar BIGINT
tanpa_keterangan BIGINT
tingkat_kehadiran {DOUBLE}
""",
)
TINGKAT_HADIR = ratio("hadir", "jumlah_pegawai", "Tingkat kehadiran")
HARI_KERJA_TERAKHIR = where("hari_kerja_terakhir", "IS TRUE")
CHARTS += [
    big_number(
        "Tingkat kehadiran pegawai hari kerja terakhir",
        "kehadiran-pegawai",
        "kehadiran_pegawai",
        4,
        TINGKAT_HADIR,
        filters=[HARI_KERJA_TERAKHIR],
        fmt=".1%",
        subheader="pegawai hadir, semua OPD",
    ),
    bar(
        "Tingkat kehadiran per OPD hari kerja terakhir",
        "kehadiran-pegawai",
        "kehadiran_pegawai",
        8,
        "opd",
        [TINGKAT_HADIR],
        filters=[HARI_KERJA_TERAKHIR],
        sort_by=TINGKAT_HADIR,
        ascending=True,
        y_format=".0%",
    ),
    line(
        "Tren tingkat kehadiran harian",
        "kehadiran-pegawai",
        "kehadiran_pegawai",
        6,
        "tanggal",
        "P1D",
        [
            TINGKAT_HADIR,
            sql_metric(
                "CAST(SUM(hadir + dinas_luar) AS DOUBLE PRECISION) / NULLIF(SUM(jumlah_pegawai), 0)",
                "Tingkat kehadiran termasuk dinas luar",
            ),
        ],
        filters=[where("hari_kerja", "IS TRUE")],
        y_format=".0%",
    ),
    table_summary(
        "Disiplin pegawai per OPD 30 hari terakhir",
        "kehadiran-pegawai",
        "kehadiran_pegawai",
        6,
        ["opd"],
        [
            TINGKAT_HADIR,
            ratio("terlambat", "hadir", "Porsi terlambat"),
            ratio("pulang_cepat", "hadir", "Porsi pulang cepat"),
            total("tanpa_keterangan", "Tanpa keterangan (orang-hari)"),
        ],
        ratio("terlambat", "hadir", "Porsi terlambat"),
        filters=[TIGA_PULUH_HARI, where("hari_kerja", "IS TRUE")],
        percent=("Tingkat kehadiran", "Porsi terlambat", "Porsi pulang cepat"),
    ),
]

# -------------------------------------------------------------------------------------------- Tempat Tidur RS
DATASETS["tempat_tidur_terkini"] = dataset(
    "Laporan terakhir tempat tidur per rumah sakit dan kelas (marts.fct_tempat_tidur_terkini) dengan nama OPD.",
    """select
    terkini.kode_rs,
    terkini.nama_rs,
    terkini.kelas,
    terkini.kode_opd,
    opd.singkatan as opd,
    terkini.waktu_laporan,
    round(cast(terkini.jam_sejak_laporan as numeric), 1) as jam_sejak_laporan,
    terkini.kapasitas,
    terkini.terisi,
    terkini.kosong,
    terkini.bor,
    terkini.penuh,
    terkini.antrean
from marts.fct_tempat_tidur_terkini as terkini
left join marts.dim_opd as opd on terkini.kode_opd = opd.kode_opd
""",
    "waktu_laporan",
    f"""
kode_rs TEXT
nama_rs TEXT | Rumah sakit
kelas TEXT | Kelas
kode_opd TEXT | Kode OPD
opd TEXT | OPD
waktu_laporan {TS}
jam_sejak_laporan NUMERIC | Jam sejak laporan
kapasitas BIGINT | Kapasitas
terisi BIGINT | Terisi
kosong BIGINT | Kosong
bor {DOUBLE} | BOR
penuh BOOLEAN | Penuh
antrean BIGINT | Antrean
""",
)
DATASETS["tempat_tidur_laporan"] = dataset(
    "Semua laporan tempat tidur rumah sakit (marts.fct_tempat_tidur) dengan nama OPD, untuk tren BOR.",
    """select
    laporan.waktu_laporan,
    laporan.tanggal_laporan,
    laporan.kode_rs,
    laporan.nama_rs,
    laporan.kelas,
    laporan.kode_opd,
    opd.singkatan as opd,
    laporan.kapasitas,
    laporan.terisi,
    laporan.kosong,
    laporan.bor,
    laporan.penuh,
    laporan.antrean
from marts.fct_tempat_tidur as laporan
left join marts.dim_opd as opd on laporan.kode_opd = opd.kode_opd
""",
    "waktu_laporan",
    f"""
waktu_laporan {TS}
tanggal_laporan DATE
kode_rs TEXT
nama_rs TEXT | Rumah sakit
kelas TEXT | Kelas
kode_opd TEXT | Kode OPD
opd TEXT | OPD
kapasitas BIGINT | Kapasitas
terisi BIGINT | Terisi
kosong BIGINT | Kosong
bor {DOUBLE} | BOR
penuh BOOLEAN | Penuh
antrean BIGINT | Antrean
""",
)
BOR = ratio("terisi", "kapasitas", "BOR")
INTENSIF = "kelas IN ('icu', 'iccu', 'nicu', 'picu', 'hcu')"
CHARTS += [
    big_number(
        "Tempat tidur kosong sekarang",
        "tempat-tidur-rs",
        "tempat_tidur_terkini",
        3,
        total("kosong", "Tempat tidur kosong"),
        subheader="menurut laporan terakhir tiap RS dan kelas",
    ),
    big_number(
        "BOR kota sekarang",
        "tempat-tidur-rs",
        "tempat_tidur_terkini",
        3,
        BOR,
        fmt=".1%",
        subheader="tempat tidur terisi / kapasitas",
    ),
    bar(
        "BOR per rumah sakit",
        "tempat-tidur-rs",
        "tempat_tidur_terkini",
        6,
        "nama_rs",
        [BOR],
        sort_by=BOR,
        horizontal=True,
        y_format=".0%",
    ),
    table_rows(
        "Keterisian per rumah sakit dan kelas",
        "tempat-tidur-rs",
        "tempat_tidur_terkini",
        12,
        ["nama_rs", "kelas", "kapasitas", "terisi", "kosong", "bor", "penuh", "antrean", "jam_sejak_laporan"],
        [("bor", False), ("antrean", False)],
        percent=("bor",),
    ),
    line(
        "Tren BOR harian",
        "tempat-tidur-rs",
        "tempat_tidur_laporan",
        12,
        "tanggal_laporan",
        "P1D",
        [
            BOR,
            sql_metric(
                f"CAST(SUM(CASE WHEN {INTENSIF} THEN terisi END) AS DOUBLE PRECISION)"
                f" / NULLIF(SUM(CASE WHEN {INTENSIF} THEN kapasitas END), 0)",
                "BOR ruang intensif (ICU, ICCU, NICU, PICU, HCU)",
            ),
        ],
        y_format=".0%",
    ),
]

# ------------------------------------------------------------------------------- Lalu Lintas dan Transportasi
# fct_kecelakaan rather than fct_kecelakaan_bulanan (no kode_opd): the monthly counts come from the accidents.
DATASETS["kecelakaan_lalu_lintas"] = dataset(
    "Kecelakaan lalu lintas (marts.fct_kecelakaan) dengan nama OPD, kelurahan dan kecamatan, dan keparahannya.",
    """select
    kecelakaan.nomor_kejadian,
    kecelakaan.kode_opd,
    opd.singkatan as opd,
    kecelakaan.waktu_kejadian,
    kecelakaan.tanggal_kejadian,
    kecelakaan.bulan_kejadian,
    kecelakaan.jam_kejadian,
    kecelakaan.kode_kelurahan,
    kelurahan.nama_kelurahan,
    kelurahan.nama_kecamatan,
    kecelakaan.lokasi,
    kecelakaan.latitude,
    kecelakaan.longitude,
    kecelakaan.jenis_kecelakaan,
    kecelakaan.kondisi_jalan,
    kecelakaan.meninggal_dunia,
    kecelakaan.luka_berat,
    kecelakaan.luka_ringan,
    kecelakaan.jumlah_korban,
    kecelakaan.fatal,
    case
        when kecelakaan.meninggal_dunia > 0 then 'meninggal dunia'
        when kecelakaan.luka_berat > 0 then 'luka berat'
        when kecelakaan.luka_ringan > 0 then 'luka ringan'
        else 'tanpa korban'
    end as keparahan,
    kecelakaan.kerugian_materi
from marts.fct_kecelakaan as kecelakaan
left join marts.dim_opd as opd on kecelakaan.kode_opd = opd.kode_opd
left join marts.dim_kelurahan as kelurahan on kecelakaan.kode_kelurahan = kelurahan.kode_kelurahan
""",
    "waktu_kejadian",
    f"""
nomor_kejadian TEXT
kode_opd TEXT | Kode OPD
opd TEXT | OPD
waktu_kejadian {TS}
tanggal_kejadian DATE
bulan_kejadian DATE
jam_kejadian INTEGER
kode_kelurahan TEXT
nama_kelurahan TEXT | Kelurahan
nama_kecamatan TEXT | Kecamatan
lokasi TEXT
latitude {DOUBLE}
longitude {DOUBLE}
jenis_kecelakaan TEXT
kondisi_jalan TEXT
meninggal_dunia BIGINT
luka_berat BIGINT
luka_ringan BIGINT
jumlah_korban BIGINT
fatal BOOLEAN
keparahan TEXT
kerugian_materi NUMERIC
""",
)
DATASETS["titik_kemacetan"] = dataset(
    "Titik rawan macet 30 hari terakhir (marts.fct_titik_kemacetan) dengan nama OPD, kelurahan dan kecamatan.",
    """select
    titik.peringkat,
    titik.id_titik,
    titik.nama_ruas,
    titik.kode_opd,
    opd.singkatan as opd,
    titik.kode_kelurahan,
    kelurahan.nama_kelurahan,
    kelurahan.nama_kecamatan,
    titik.latitude,
    titik.longitude,
    titik.jumlah_pengamatan,
    titik.porsi_padat_ke_atas,
    titik.porsi_macet_ke_atas,
    round(cast(titik.rata_kecepatan_kmh as numeric), 1) as rata_kecepatan_kmh,
    round(cast(titik.rata_panjang_antrian_m as numeric), 1) as rata_panjang_antrian_m,
    titik.maks_panjang_antrian_m,
    round(cast(titik.rata_rasio_vc as numeric), 2) as rata_rasio_vc,
    titik.tingkat_terakhir,
    titik.pengamatan_terakhir
from marts.fct_titik_kemacetan as titik
left join marts.dim_opd as opd on titik.kode_opd = opd.kode_opd
left join marts.dim_kelurahan as kelurahan on titik.kode_kelurahan = kelurahan.kode_kelurahan
""",
    "pengamatan_terakhir",
    f"""
peringkat BIGINT | Peringkat
id_titik TEXT
nama_ruas TEXT | Ruas jalan
kode_opd TEXT | Kode OPD
opd TEXT | OPD
kode_kelurahan TEXT
nama_kelurahan TEXT | Kelurahan
nama_kecamatan TEXT | Kecamatan
latitude {DOUBLE}
longitude {DOUBLE}
jumlah_pengamatan BIGINT
porsi_padat_ke_atas {DOUBLE}
porsi_macet_ke_atas {DOUBLE} | Porsi macet
rata_kecepatan_kmh NUMERIC | Kecepatan rata-rata (km/jam)
rata_panjang_antrian_m NUMERIC
maks_panjang_antrian_m {DOUBLE} | Antrean terpanjang (m)
rata_rasio_vc NUMERIC
tingkat_terakhir TEXT | Keadaan terakhir
pengamatan_terakhir {TS}
""",
)
DATASETS["ritase_bus_harian"] = dataset(
    "Ritase bus kota per rute per hari (marts.fct_ritase_harian) dengan nama OPD.",
    """select
    ritase.tanggal,
    ritase.kode_opd,
    opd.singkatan as opd,
    ritase.kode_rute,
    ritase.jumlah_perjalanan,
    ritase.perjalanan_selesai,
    ritase.jumlah_armada,
    ritase.jumlah_penumpang,
    ritase.rata_menit_perjalanan,
    ritase.jarak_km
from marts.fct_ritase_harian as ritase
left join marts.dim_opd as opd on ritase.kode_opd = opd.kode_opd
""",
    "tanggal",
    f"""
tanggal DATE
kode_opd TEXT | Kode OPD
opd TEXT | OPD
kode_rute TEXT
jumlah_perjalanan BIGINT
perjalanan_selesai BIGINT
jumlah_armada BIGINT
jumlah_penumpang BIGINT
rata_menit_perjalanan {DOUBLE}
jarak_km {DOUBLE}
""",
)
DATASETS["fct_halte_kelurahan"] = dataset(
    "Halte per kelurahan menurut kondisinya (marts.fct_halte_kelurahan); tanpa kode_opd.",
    None,
    "tanggal_pendataan_terakhir",
    f"""
kode_kelurahan TEXT
nama_kelurahan TEXT | Kelurahan
kode_kecamatan TEXT
nama_kecamatan TEXT | Kecamatan
jumlah_halte BIGINT | Halte
halte_aktif BIGINT
halte_baik BIGINT | Baik
halte_rusak_ringan BIGINT | Rusak ringan
halte_rusak_berat BIGINT | Rusak berat
halte_tidak_aktif BIGINT | Tidak aktif
porsi_halte_baik {DOUBLE} | Porsi baik
jumlah_rute BIGINT | Rute
tanggal_pendataan_terakhir DATE
""",
)
KECELAKAAN = sql_metric("COUNT(*)", "Kecelakaan")
CHARTS += [
    bar(
        "Kecelakaan dan korban per bulan",
        "lalu-lintas-transportasi",
        "kecelakaan_lalu_lintas",
        6,
        "bulan_kejadian",
        [
            KECELAKAAN,
            total("meninggal_dunia", "Meninggal dunia"),
            total("luka_berat", "Luka berat"),
            total("luka_ringan", "Luka ringan"),
        ],
        grain="P1M",
    ),
    scatter_map(
        "Peta kecelakaan",
        "lalu-lintas-transportasi",
        "kecelakaan_lalu_lintas",
        6,
        "keparahan",
        ["nomor_kejadian", "lokasi", "waktu_kejadian"],
        radius_m=80,
    ),
    table_rows(
        "Titik rawan macet",
        "lalu-lintas-transportasi",
        "titik_kemacetan",
        6,
        [
            "peringkat",
            "nama_ruas",
            "nama_kelurahan",
            "porsi_macet_ke_atas",
            "rata_kecepatan_kmh",
            "maks_panjang_antrian_m",
            "tingkat_terakhir",
        ],
        [("peringkat", True)],
        row_limit=20,
        percent=("porsi_macet_ke_atas",),
    ),
    line(
        "Penumpang dan ritase bus kota harian",
        "lalu-lintas-transportasi",
        "ritase_bus_harian",
        6,
        "tanggal",
        "P1D",
        [total("jumlah_penumpang", "Penumpang"), total("jumlah_perjalanan", "Ritase (perjalanan)")],
    ),
    table_rows(
        "Halte per kelurahan menurut kondisi",
        "lalu-lintas-transportasi",
        "fct_halte_kelurahan",
        12,
        [
            "nama_kecamatan",
            "nama_kelurahan",
            "jumlah_halte",
            "halte_baik",
            "halte_rusak_ringan",
            "halte_rusak_berat",
            "halte_tidak_aktif",
            "porsi_halte_baik",
            "jumlah_rute",
        ],
        [("halte_rusak_berat", False), ("jumlah_halte", False)],
        filters=[where("jumlah_halte", ">", 0)],
        percent=("porsi_halte_baik",),
    ),
]

# ------------------------------------------------------------------------------------------------- Kemiskinan
DATASETS["kemiskinan_kelurahan"] = dataset(
    "Kemiskinan per kelurahan per bulan (marts.fct_kemiskinan) dengan nama kelurahan dan kecamatan; "
    "periode_terakhir menandai bulan terakhir setiap kelurahan. Tanpa kode_opd (dikirim kelurahan).",
    """select
    miskin.periode,
    miskin.periode_terakhir,
    miskin.kode_kelurahan,
    kelurahan.nama_kelurahan,
    miskin.kode_kecamatan,
    kelurahan.nama_kecamatan,
    miskin.jumlah_penduduk,
    miskin.jumlah_kk,
    miskin.penduduk_miskin,
    miskin.penduduk_miskin_ekstrem,
    miskin.kk_miskin,
    miskin.penerima_pkh,
    miskin.penerima_bpnt,
    miskin.penerima_pbi_jk,
    miskin.porsi_penduduk_miskin,
    miskin.porsi_miskin_ekstrem,
    miskin.cakupan_pkh,
    miskin.cakupan_bpnt,
    miskin.cakupan_pbi_jk
from marts.fct_kemiskinan as miskin
left join marts.dim_kelurahan as kelurahan on miskin.kode_kelurahan = kelurahan.kode_kelurahan
""",
    "periode",
    f"""
periode DATE | Periode
periode_terakhir BOOLEAN
kode_kelurahan TEXT
nama_kelurahan TEXT | Kelurahan
kode_kecamatan TEXT
nama_kecamatan TEXT | Kecamatan
jumlah_penduduk BIGINT | Penduduk
jumlah_kk BIGINT
penduduk_miskin BIGINT | Penduduk miskin
penduduk_miskin_ekstrem BIGINT | Miskin ekstrem
kk_miskin BIGINT | KK miskin
penerima_pkh BIGINT
penerima_bpnt BIGINT
penerima_pbi_jk BIGINT
porsi_penduduk_miskin {DOUBLE} | Tingkat kemiskinan
porsi_miskin_ekstrem {DOUBLE}
cakupan_pkh {DOUBLE} | Cakupan PKH
cakupan_bpnt {DOUBLE} | Cakupan BPNT
cakupan_pbi_jk {DOUBLE} | Cakupan PBI-JK
""",
)
PERIODE_TERAKHIR = where("periode_terakhir", "IS TRUE")
TINGKAT_MISKIN = ratio("penduduk_miskin", "jumlah_penduduk", "Tingkat kemiskinan")
TINGKAT_EKSTREM = ratio("penduduk_miskin_ekstrem", "jumlah_penduduk", "Tingkat kemiskinan ekstrem")
CHARTS += [
    big_number(
        "Tingkat kemiskinan kota",
        "kemiskinan",
        "kemiskinan_kelurahan",
        4,
        TINGKAT_MISKIN,
        filters=[PERIODE_TERAKHIR],
        fmt=".2%",
        subheader="penduduk miskin DTKS/DTSEN, bulan terakhir tiap kelurahan",
    ),
    bar(
        "Tingkat kemiskinan per kecamatan",
        "kemiskinan",
        "kemiskinan_kelurahan",
        8,
        "nama_kecamatan",
        [TINGKAT_MISKIN, TINGKAT_EKSTREM],
        filters=[PERIODE_TERAKHIR],
        sort_by=TINGKAT_MISKIN,
        y_format=".1%",
    ),
    table_rows(
        "Kelurahan menurut tingkat kemiskinan",
        "kemiskinan",
        "kemiskinan_kelurahan",
        12,
        [
            "nama_kelurahan",
            "nama_kecamatan",
            "periode",
            "jumlah_penduduk",
            "penduduk_miskin",
            "porsi_penduduk_miskin",
            "penduduk_miskin_ekstrem",
            "kk_miskin",
            "cakupan_pkh",
            "cakupan_bpnt",
            "cakupan_pbi_jk",
        ],
        [("porsi_penduduk_miskin", False)],
        filters=[PERIODE_TERAKHIR],
        percent=("porsi_penduduk_miskin", "cakupan_pkh", "cakupan_bpnt", "cakupan_pbi_jk"),
    ),
    line(
        "Tren penduduk miskin bulanan",
        "kemiskinan",
        "kemiskinan_kelurahan",
        6,
        "periode",
        "P1M",
        [total("penduduk_miskin", "Penduduk miskin"), total("penduduk_miskin_ekstrem", "Penduduk miskin ekstrem")],
    ),
    bar(
        "Cakupan bantuan sosial per kecamatan",
        "kemiskinan",
        "kemiskinan_kelurahan",
        6,
        "nama_kecamatan",
        [
            ratio("penerima_pkh", "kk_miskin", "Cakupan PKH (per KK miskin)"),
            ratio("penerima_bpnt", "kk_miskin", "Cakupan BPNT (per KK miskin)"),
            ratio("penerima_pbi_jk", "penduduk_miskin", "Cakupan PBI-JK (per penduduk miskin)"),
        ],
        filters=[PERIODE_TERAKHIR],
        y_format=".0%",
    ),
]

# ------------------------------------------------------------------------------------------------ Kedaruratan
DATASETS["darurat_kejadian"] = dataset(
    "Kejadian darurat (marts.fct_darurat) dengan nama OPD, kelurahan, kecamatan dan ketepatan tanggapannya.",
    """select
    darurat.nomor_kejadian,
    darurat.kode_jenis_darurat,
    darurat.nama_jenis_darurat,
    darurat.kode_opd,
    opd.singkatan as opd,
    darurat.kode_kelurahan,
    kelurahan.nama_kelurahan,
    kelurahan.nama_kecamatan,
    darurat.kanal,
    darurat.status,
    darurat.waktu_lapor,
    darurat.waktu_tiba,
    darurat.latitude,
    darurat.longitude,
    darurat.target_respons_menit,
    darurat.menit_dispatch,
    darurat.menit_respons,
    darurat.tepat_waktu,
    case
        when darurat.status = 'palsu' then 'laporan palsu'
        when darurat.tepat_waktu then 'tepat waktu'
        when not darurat.tepat_waktu then 'lewat target'
        else 'belum tiba'
    end as ketepatan
from marts.fct_darurat as darurat
left join marts.dim_opd as opd on darurat.kode_opd = opd.kode_opd
left join marts.dim_kelurahan as kelurahan on darurat.kode_kelurahan = kelurahan.kode_kelurahan
""",
    "waktu_lapor",
    f"""
nomor_kejadian TEXT
kode_jenis_darurat TEXT
nama_jenis_darurat TEXT | Jenis kejadian
kode_opd TEXT | Kode OPD
opd TEXT | OPD
kode_kelurahan TEXT
nama_kelurahan TEXT | Kelurahan
nama_kecamatan TEXT | Kecamatan
kanal TEXT
status TEXT
waktu_lapor {TS} | Dilaporkan
waktu_tiba {TS}
latitude {DOUBLE}
longitude {DOUBLE}
target_respons_menit INTEGER | Target (menit)
menit_dispatch NUMERIC
menit_respons NUMERIC | Waktu tanggap (menit)
tepat_waktu BOOLEAN
ketepatan TEXT
""",
)
DATASETS["darurat_harian"] = dataset(
    "Kejadian darurat per OPD, jenis dan hari (marts.fct_darurat_harian) dengan nama OPD; hari_ke_belakang = hari "
    "sebelum tanggal terakhir data.",
    f"""select
    harian.tanggal,
    {hari_ke_belakang("harian.tanggal")} as hari_ke_belakang,
    harian.kode_opd,
    opd.singkatan as opd,
    harian.kode_jenis_darurat,
    harian.nama_jenis_darurat,
    harian.target_respons_menit,
    harian.jumlah_kejadian,
    harian.kejadian_palsu,
    harian.belum_tiba,
    harian.respons_terukur,
    harian.respons_tepat_waktu,
    harian.porsi_tepat_waktu,
    harian.median_menit_respons
from marts.fct_darurat_harian as harian
left join marts.dim_opd as opd on harian.kode_opd = opd.kode_opd
""",
    "tanggal",
    f"""
tanggal DATE
hari_ke_belakang INTEGER
kode_opd TEXT | Kode OPD
opd TEXT | OPD
kode_jenis_darurat TEXT
nama_jenis_darurat TEXT | Jenis kejadian
target_respons_menit INTEGER | Target (menit)
jumlah_kejadian BIGINT
kejadian_palsu BIGINT
belum_tiba BIGINT
respons_terukur BIGINT
respons_tepat_waktu BIGINT
porsi_tepat_waktu {DOUBLE}
median_menit_respons {DOUBLE}
""",
)
TEPAT_WAKTU = ratio("respons_tepat_waktu", "respons_terukur", "Porsi tanggapan tepat waktu")
KETEPATAN_WARNA = {"lewat target": WARNA["merah"], "belum tiba": WARNA["kuning"], "tepat waktu": WARNA["hijau"]}
CHARTS += [
    big_number(
        "Tanggapan darurat tepat waktu 30 hari terakhir",
        "kedaruratan",
        "darurat_harian",
        4,
        TEPAT_WAKTU,
        filters=[TIGA_PULUH_HARI],
        fmt=".1%",
        subheader="tim tiba dalam target waktu tanggap",
    ),
    bar(
        "Waktu tanggap per jenis kejadian dibanding target",
        "kedaruratan",
        "darurat_kejadian",
        8,
        "nama_jenis_darurat",
        [
            median("menit_respons", "Median waktu tanggap (menit)"),
            sql_metric("MAX(target_respons_menit)", "Target waktu tanggap (menit)"),
        ],
        filters=[where("status", "!=", "palsu")],
        sort_by=median("menit_respons", "Median waktu tanggap (menit)"),
    ),
    line(
        "Tren ketepatan tanggapan mingguan per OPD",
        "kedaruratan",
        "darurat_harian",
        6,
        "tanggal",
        "P1W",
        [TEPAT_WAKTU],
        groupby=["opd"],
        y_format=".0%",
    ),
    table_rows(
        "Kejadian darurat lewat target",
        "kedaruratan",
        "darurat_kejadian",
        6,
        ["waktu_lapor", "nama_jenis_darurat", "opd", "nama_kelurahan", "menit_respons", "target_respons_menit"],
        [("waktu_lapor", False)],
        filters=[where("tepat_waktu", "IS FALSE")],
        row_limit=200,
    ),
    scatter_map(
        "Peta kejadian darurat",
        "kedaruratan",
        "darurat_kejadian",
        12,
        "ketepatan",
        ["nomor_kejadian", "nama_jenis_darurat", "waktu_lapor"],
        radius_m=80,
    ),
]

# ------------------------------------------------------------------------------------------------------- CCTV
DATASETS["cctv_kamera_harian"] = dataset(
    "Status dan uptime setiap kamera CCTV per hari (marts.fct_cctv_harian) dengan nama OPD, kelurahan dan "
    "kecamatan; hari_ke_belakang = hari sebelum tanggal terakhir data.",
    f"""select
    kamera.tanggal,
    {hari_ke_belakang("kamera.tanggal")} as hari_ke_belakang,
    kamera.kode_kamera,
    kamera.nama_lokasi,
    kamera.kode_opd,
    opd.singkatan as opd,
    kamera.kode_kelurahan,
    kelurahan.nama_kelurahan,
    kelurahan.nama_kecamatan,
    kamera.latitude,
    kamera.longitude,
    kamera.status,
    kamera.uptime_persen,
    kamera.durasi_offline_menit,
    kamera.kamera_online
from marts.fct_cctv_harian as kamera
left join marts.dim_opd as opd on kamera.kode_opd = opd.kode_opd
left join marts.dim_kelurahan as kelurahan on kamera.kode_kelurahan = kelurahan.kode_kelurahan
""",
    "tanggal",
    f"""
tanggal DATE
hari_ke_belakang INTEGER
kode_kamera TEXT | Kamera
nama_lokasi TEXT | Lokasi
kode_opd TEXT | Kode OPD
opd TEXT | OPD
kode_kelurahan TEXT
nama_kelurahan TEXT | Kelurahan
nama_kecamatan TEXT | Kecamatan
latitude {DOUBLE}
longitude {DOUBLE}
status TEXT
uptime_persen {DOUBLE}
durasi_offline_menit BIGINT
kamera_online BOOLEAN
""",
)
DATASETS["cctv_opd_harian"] = dataset(
    "Kamera CCTV per OPD pengelola per hari (marts.fct_cctv_opd_harian) dengan nama OPD; hari_ke_belakang = hari "
    "sebelum tanggal terakhir data.",
    f"""select
    harian.tanggal,
    {hari_ke_belakang("harian.tanggal")} as hari_ke_belakang,
    harian.kode_opd,
    opd.singkatan as opd,
    harian.jumlah_kamera,
    harian.rata_uptime_persen,
    harian.kamera_online,
    harian.kamera_offline,
    harian.kamera_rusak,
    harian.kamera_perawatan,
    harian.porsi_online
from marts.fct_cctv_opd_harian as harian
left join marts.dim_opd as opd on harian.kode_opd = opd.kode_opd
""",
    "tanggal",
    f"""
tanggal DATE
hari_ke_belakang INTEGER
kode_opd TEXT | Kode OPD
opd TEXT | OPD
jumlah_kamera BIGINT
rata_uptime_persen {DOUBLE}
kamera_online BIGINT
kamera_offline BIGINT
kamera_rusak BIGINT
kamera_perawatan BIGINT
porsi_online {DOUBLE}
""",
)
PORSI_ONLINE = ratio("kamera_online", "jumlah_kamera", "Porsi kamera online")
RATA_UPTIME = sql_metric("AVG(uptime_persen)", "Rata-rata uptime (%)")
CHARTS += [
    big_number(
        "Kamera CCTV online hari terakhir",
        "cctv",
        "cctv_opd_harian",
        4,
        PORSI_ONLINE,
        filters=[TERAKHIR],
        fmt=".1%",
        subheader="kamera online pada akhir hari",
    ),
    bar(
        "Status kamera per OPD hari terakhir",
        "cctv",
        "cctv_opd_harian",
        8,
        "opd",
        [
            total("kamera_online", "Online"),
            total("kamera_perawatan", "Perawatan"),
            total("kamera_offline", "Offline"),
            total("kamera_rusak", "Rusak"),
        ],
        filters=[TERAKHIR],
        horizontal=True,
    ),
    line(
        "Tren porsi kamera online harian",
        "cctv",
        "cctv_opd_harian",
        6,
        "tanggal",
        "P1D",
        [PORSI_ONLINE],
        groupby=["opd"],
        y_format=".0%",
    ),
    scatter_map(
        "Peta kamera CCTV hari terakhir",
        "cctv",
        "cctv_kamera_harian",
        6,
        "status",
        ["kode_kamera", "nama_lokasi", "uptime_persen"],
        filters=[TERAKHIR],
        radius_m=80,
    ),
    table_summary(
        "Kamera dengan uptime terendah 7 hari terakhir",
        "cctv",
        "cctv_kamera_harian",
        12,
        ["kode_kamera", "nama_lokasi", "nama_kelurahan", "opd"],
        [
            RATA_UPTIME,
            count_if("NOT kamera_online", "Hari tidak online"),
            total("durasi_offline_menit", "Menit offline"),
        ],
        RATA_UPTIME,
        ascending=True,
        filters=[where("hari_ke_belakang", "<", 7)],
        row_limit=20,
    ),
]

# --------------------------------------------------------------------------------------------- Kepatuhan Data
DATASETS["kepatuhan_kiriman"] = dataset(
    "Kepatuhan kiriman per pengirim dan dataset (marts.fct_kepatuhan_kiriman) dengan singkatan OPD dan kecamatan; "
    "keadaan = tepat waktu, terlambat, atau belum pernah mengirim; jam_lewat_toleransi > 0 berarti terlambat.",
    """select
    kiriman.dataset,
    kiriman.jenis_pengirim,
    kiriman.pengirim,
    kiriman.nama_pengirim,
    kiriman.kode_opd,
    opd.singkatan as opd,
    kiriman.kode_kelurahan,
    kelurahan.nama_kelurahan,
    kelurahan.nama_kecamatan,
    kiriman.frekuensi_jam,
    kiriman.toleransi_jam,
    kiriman.batas_jam_lokal,
    kiriman.waktu_kiriman_terakhir,
    round(cast(kiriman.jam_sejak_kiriman_terakhir as numeric), 1) as jam_sejak_kiriman_terakhir,
    round(cast(kiriman.jam_sejak_kiriman_terakhir - kiriman.toleransi_jam as numeric), 1) as jam_lewat_toleransi,
    kiriman.pernah_mengirim,
    kiriman.terlambat,
    case
        when not kiriman.pernah_mengirim then 'belum pernah mengirim'
        when kiriman.terlambat then 'terlambat'
        else 'tepat waktu'
    end as keadaan,
    kiriman.waktu_berkas_terakhir,
    kiriman.status_berkas_terakhir,
    kiriman.berkas_30_hari,
    kiriman.berkas_ditolak_30_hari,
    kiriman.berkas_duplikat_30_hari,
    kiriman.baris_dibaca_30_hari,
    kiriman.baris_dimuat_30_hari,
    kiriman.baris_ditolak_30_hari,
    kiriman.porsi_ditolak,
    kiriman.dihitung_pada
from marts.fct_kepatuhan_kiriman as kiriman
left join marts.dim_opd as opd on kiriman.kode_opd = opd.kode_opd
left join marts.dim_kelurahan as kelurahan on kiriman.kode_kelurahan = kelurahan.kode_kelurahan
""",
    "waktu_kiriman_terakhir",
    f"""
dataset TEXT | Dataset
jenis_pengirim TEXT | Jenis pengirim
pengirim TEXT
nama_pengirim TEXT | Pengirim
kode_opd TEXT | Kode OPD
opd TEXT | OPD
kode_kelurahan TEXT
nama_kelurahan TEXT | Kelurahan
nama_kecamatan TEXT | Kecamatan
frekuensi_jam INTEGER
toleransi_jam INTEGER
batas_jam_lokal TEXT
waktu_kiriman_terakhir {TS} | Kiriman terakhir
jam_sejak_kiriman_terakhir NUMERIC | Jam sejak kiriman terakhir
jam_lewat_toleransi NUMERIC | Jam lewat toleransi
pernah_mengirim BOOLEAN
terlambat BOOLEAN
keadaan TEXT | Keadaan
waktu_berkas_terakhir {TS}
status_berkas_terakhir TEXT | Status berkas terakhir
berkas_30_hari BIGINT
berkas_ditolak_30_hari BIGINT | Berkas ditolak (30 hari)
berkas_duplikat_30_hari BIGINT
baris_dibaca_30_hari BIGINT
baris_dimuat_30_hari BIGINT
baris_ditolak_30_hari BIGINT
porsi_ditolak {DOUBLE} | Porsi baris ditolak (30 hari)
dihitung_pada {TS}
""",
)
KEADAAN_WARNA = {
    "belum pernah mengirim": "#8e0000",
    "terlambat": WARNA["merah"],
    "tepat waktu": WARNA["hijau"],
}
PENGIRIM = sql_metric("COUNT(*)", "Pengirim x dataset")
PORSI_DITOLAK = ratio("baris_ditolak_30_hari", "baris_dibaca_30_hari", "Porsi baris ditolak")
CHARTS += [
    pie(
        "Kiriman menurut keadaan",
        "kepatuhan-data",
        "kepatuhan_kiriman",
        4,
        "keadaan",
        PENGIRIM,
        label_colors=KEADAAN_WARNA,
    ),
    bar(
        "Keadaan kiriman per dataset",
        "kepatuhan-data",
        "kepatuhan_kiriman",
        8,
        "dataset",
        [PENGIRIM],
        groupby=["keadaan"],
    ),
    table_rows(
        "Kiriman terakhir per pengirim dan dataset",
        "kepatuhan-data",
        "kepatuhan_kiriman",
        12,
        [
            "nama_pengirim",
            "jenis_pengirim",
            "dataset",
            "keadaan",
            "waktu_kiriman_terakhir",
            "jam_sejak_kiriman_terakhir",
            "jam_lewat_toleransi",
            "status_berkas_terakhir",
            "berkas_ditolak_30_hari",
            "porsi_ditolak",
        ],
        # the latest first: never sent (empty, first in a descending order), then the most hours past tolerance
        [("jam_lewat_toleransi", False)],
        percent=("porsi_ditolak",),
    ),
    table_summary(
        "Penolakan kiriman per pengirim 30 hari terakhir",
        "kepatuhan-data",
        "kepatuhan_kiriman",
        12,
        ["nama_pengirim", "jenis_pengirim"],
        [
            total("berkas_30_hari", "Berkas"),
            total("berkas_ditolak_30_hari", "Berkas ditolak"),
            total("baris_dibaca_30_hari", "Baris dibaca"),
            total("baris_ditolak_30_hari", "Baris ditolak"),
            PORSI_DITOLAK,
        ],
        PORSI_DITOLAK,
        percent=("Porsi baris ditolak",),
    ),
]


# (name, column, dataset whose values the filter lists): native filters, applied to every chart of the dashboard whose
# dataset has the column. The OPD filter is on kode_opd, the column row-level security filters on too.
OPD_FILTER = ("OPD", "kode_opd")
KECAMATAN = ("Kecamatan", "nama_kecamatan")
KELURAHAN = ("Kelurahan", "nama_kelurahan")

DASHBOARDS: dict[str, dict[str, Any]] = {
    "ruang-komando": {
        "title": "Ruang Komando",
        "description": "Aduan warga sekarang: warna, daftar merah, OPD yang belum bergerak, peta dan tren.",
        "filters": [
            (*OPD_FILTER, "aduan_ruang_komando"),
            (*KECAMATAN, "aduan_ruang_komando"),
            (*KELURAHAN, "aduan_ruang_komando"),
        ],
    },
    "kinerja-opd": {
        "title": "Kinerja OPD",
        "description": "Skor kinerja OPD: peringkat bulan ini, tren mingguan, rincian metrik, ketepatan waktu.",
        "filters": [(*OPD_FILTER, "fct_skor_opd")],
    },
    "perizinan": {
        "title": "Perizinan (MPP)",
        "description": "Permohonan izin di Mal Pelayanan Publik: warna, jenis dan tahap, daftar merah, lama tiap "
        "tahap, tren mingguan.",
        "filters": [
            (*OPD_FILTER, "izin_perizinan"),
            ("Jenis izin", "nama_jenis_izin", "izin_perizinan"),
            (*KECAMATAN, "izin_perizinan"),
        ],
    },
    "kehadiran-pegawai": {
        "title": "Kehadiran Pegawai",
        "description": "Kehadiran ASN per OPD: hari kerja terakhir, tren harian, disiplin 30 hari terakhir.",
        "filters": [(*OPD_FILTER, "kehadiran_pegawai")],
    },
    "tempat-tidur-rs": {
        "title": "Tempat Tidur RS",
        "description": "Tempat tidur rumah sakit: kosong sekarang, BOR per rumah sakit dan kelas, antrean, tren BOR.",
        "filters": [(*OPD_FILTER, "tempat_tidur_terkini"), ("Rumah sakit", "nama_rs", "tempat_tidur_terkini")],
    },
    "lalu-lintas-transportasi": {
        "title": "Lalu Lintas dan Transportasi",
        "description": "Kecelakaan dan korban, peta kecelakaan, titik rawan macet, penumpang bus kota, kondisi halte.",
        "filters": [(*OPD_FILTER, "kecelakaan_lalu_lintas"), (*KECAMATAN, "fct_halte_kelurahan")],
    },
    "kemiskinan": {
        "title": "Kemiskinan",
        "description": "Kemiskinan per kelurahan dan kecamatan (DTKS/DTSEN, bulan terakhir), cakupan bantuan sosial.",
        "filters": [(*KECAMATAN, "kemiskinan_kelurahan"), (*KELURAHAN, "kemiskinan_kelurahan")],
    },
    "kedaruratan": {
        "title": "Kedaruratan",
        "description": "Kejadian darurat: ketepatan waktu tanggap dibanding target, per jenis dan OPD, dan petanya.",
        "filters": [
            (*OPD_FILTER, "darurat_kejadian"),
            ("Jenis kejadian", "nama_jenis_darurat", "darurat_kejadian"),
            (*KECAMATAN, "darurat_kejadian"),
        ],
        "label_colors": {**KETEPATAN_WARNA, "laporan palsu": "#9e9e9e"},
    },
    "cctv": {
        "title": "CCTV",
        "description": "Kamera CCTV kota: porsi online, status per OPD, tren, peta, kamera dengan uptime terendah.",
        "filters": [(*OPD_FILTER, "cctv_kamera_harian"), (*KECAMATAN, "cctv_kamera_harian")],
        "label_colors": {
            "online": WARNA["hijau"],
            "Online": WARNA["hijau"],
            "perawatan": WARNA["kuning"],
            "Perawatan": WARNA["kuning"],
            "offline": WARNA["merah"],
            "Offline": WARNA["merah"],
            "rusak": "#8e0000",
            "Rusak": "#8e0000",
        },
    },
    "kepatuhan-data": {
        "title": "Kepatuhan Data",
        "description": "Kiriman OPD dan kelurahan: siapa mengirim apa dan kapan, siapa terlambat, berapa yang ditolak.",
        "filters": [
            (*OPD_FILTER, "kepatuhan_kiriman"),
            ("Jenis pengirim", "jenis_pengirim", "kepatuhan_kiriman"),
            (*KECAMATAN, "kepatuhan_kiriman"),
        ],
        "label_colors": KEADAAN_WARNA,
    },
}


def chart_id(chart: dict[str, Any]) -> int:
    """The placeholder id of a chart in the bundle (distinct per chart); the import maps it to the real id."""
    return CHARTS.index(chart) + 1


def native_filter(slug: str, name: str, column: str, dataset_name: str) -> dict[str, Any]:
    """A value filter as Superset 6.1's dashboard export writes it (its dataset by ``datasetUuid``, which the
    import replaces by ``datasetId``). Charts whose dataset lacks the column are out of its scope
    (``scope.excluded``: chart ids, which the import maps too); ``chartsInScope`` is left out, the dashboard
    works it out from the scope and the layout when it loads."""
    if column not in {c for c, _, _ in DATASETS[dataset_name]["columns"]}:
        raise ValueError(f"filter {name!r} of {slug}: {dataset_name} has no column {column}")
    excluded = [
        chart_id(c)
        for c in CHARTS
        if c["dashboard"] == slug and column not in {col for col, _, _ in DATASETS[c["dataset"]]["columns"]}
    ]
    return {
        "id": f"NATIVE_FILTER-{uid('filter', f'{slug}:{column}')[:13]}",
        "name": name,
        "filterType": "filter_select",
        "type": "NATIVE_FILTER",
        "description": "",
        "targets": [{"column": {"name": column}, "datasetUuid": uid("dataset", dataset_name)}],
        "controlValues": {
            "enableEmptyFilter": False,
            "defaultToFirstItem": False,
            "multiSelect": True,
            "searchAllOptions": False,
            "inverseSelection": False,
        },
        "defaultDataMask": {"extraFormData": {}, "filterState": {}, "ownState": {}},
        "cascadeParentIds": [],
        "scope": {"rootPath": ["ROOT_ID"], "excluded": excluded},
    }


def query_context(chart: dict[str, Any], form_data: dict[str, Any]) -> str:
    q = chart["query"]
    query = {
        "filters": q.get("filters", []),
        "extras": {"having": "", "where": ""},
        "applied_time_extras": {},
        "columns": q["columns"],
        "metrics": q["metrics"],
        "orderby": q.get("orderby", []),
        "annotation_layers": [],
        "row_limit": q["row_limit"],
        "series_limit": 0,
        "order_desc": True,
        "url_params": {},
        "custom_params": {},
        "custom_form_data": {},
        "post_processing": q.get("post_processing", []),
    }
    context = {
        "datasource": {"id": 0, "type": "table"},  # the import puts the dataset's id here
        "force": False,
        "queries": [query],
        "form_data": form_data,
        "result_format": "json",
        "result_type": "full",
    }
    return json.dumps(context, ensure_ascii=False, sort_keys=True)


def chart_yaml(chart: dict[str, Any]) -> dict[str, Any]:
    params = {
        "datasource": "0__table",
        "viz_type": chart["viz_type"],
        "adhoc_filters": [],
        "extra_form_data": {},
        "dashboards": [],
        **chart["params"],
    }
    return {
        "slice_name": chart["name"],
        "description": None,
        "certified_by": None,
        "certification_details": None,
        "viz_type": chart["viz_type"],
        "params": params,
        "query_context": query_context(chart, params),
        "cache_timeout": None,
        "uuid": uid("chart", chart["name"]),
        "version": VERSION,
        "dataset_uuid": uid("dataset", chart["dataset"]),
    }


def dashboard_yaml(slug: str, spec: dict[str, Any]) -> dict[str, Any]:
    """Rows of charts (a row is full when its widths reach 12), the layout Superset's editor writes."""
    charts = [c for c in CHARTS if c["dashboard"] == slug]
    position: dict[str, Any] = {
        "DASHBOARD_VERSION_KEY": "v2",
        "ROOT_ID": {"children": ["GRID_ID"], "id": "ROOT_ID", "type": "ROOT"},
        "HEADER_ID": {"id": "HEADER_ID", "meta": {"text": spec["title"]}, "type": "HEADER"},
        "GRID_ID": {"children": [], "id": "GRID_ID", "parents": ["ROOT_ID"], "type": "GRID"},
    }
    rows: list[list[dict[str, Any]]] = [[]]
    for chart in charts:
        if sum(c["width"] for c in rows[-1]) + chart["width"] > 12:
            rows.append([])
        rows[-1].append(chart)
    for row in rows:
        if sum(c["width"] for c in row) != 12:
            raise ValueError(f"{slug}: a row does not fill the width of 12: {[c['name'] for c in row]}")
    for i, row in enumerate(rows, start=1):
        row_id = f"ROW-{slug}-{i}"
        position["GRID_ID"]["children"].append(row_id)
        position[row_id] = {
            "children": [],
            "id": row_id,
            "meta": {"background": "BACKGROUND_TRANSPARENT"},
            "parents": ["ROOT_ID", "GRID_ID"],
            "type": "ROW",
        }
        for chart in row:
            key = f"CHART-{uid('chart', chart['name'])[:8]}"
            position[row_id]["children"].append(key)
            position[key] = {
                "children": [],
                "id": key,
                "meta": {
                    # a placeholder id, distinct per chart: the import maps it to the chart's id by uuid
                    "chartId": chart_id(chart),
                    "height": 60,
                    "sliceName": chart["name"],
                    "uuid": uid("chart", chart["name"]),
                    "width": chart["width"],
                },
                "parents": ["ROOT_ID", "GRID_ID", row_id],
                "type": "CHART",
            }
    return {
        "dashboard_title": spec["title"],
        "description": spec["description"],
        "css": "",
        "slug": slug,
        "certified_by": None,
        "certification_details": None,
        "published": True,
        "uuid": uid("dashboard", slug),
        "position": position,
        "metadata": {
            "color_scheme": "",
            "label_colors": {**WARNA, **spec.get("label_colors", {})},
            "cross_filters_enabled": False,
            "expanded_slices": {},
            "native_filter_configuration": [native_filter(slug, *f) for f in spec.get("filters", [])],
            "refresh_frequency": 300,
            "timed_refresh_immune_slices": [],
            "default_filters": "{}",
        },
        "version": VERSION,
    }


def database_yaml() -> dict[str, Any]:
    return {
        "database_name": DATABASE_NAME,
        "sqlalchemy_uri": URI_TEMPLATE,
        "cache_timeout": None,
        "expose_in_sqllab": True,
        "allow_run_async": False,
        "allow_ctas": False,
        "allow_cvas": False,
        "allow_dml": False,
        "allow_file_upload": False,
        "extra": {
            "allows_virtual_table_explore": True,
            "schemas_allowed_for_file_upload": [],
            # days and weeks in charts are the city's (WIB, WITA or WIT), not UTC's: the session time zone
            # decides date_trunc on timestamptz; provision fills in the configured city's zone
            "engine_params": {"connect_args": {"options": "-c TimeZone=__MUARA_TZ__"}},
        },
        "uuid": uid("database", DATABASE_FILE),
        "version": VERSION,
    }


def safe_name(name: str) -> str:
    return "".join(ch if ch.isalnum() else "_" for ch in name).strip("_")


def files() -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {
        "metadata.yaml": {"version": VERSION, "type": "Dashboard", "timestamp": TIMESTAMP},
        f"databases/{DATABASE_FILE}.yaml": database_yaml(),
    }
    for name, spec in DATASETS.items():
        out[f"datasets/{DATABASE_FILE}/{name}.yaml"] = dataset_yaml(name, spec)
    for chart in CHARTS:
        out[f"charts/{safe_name(chart['name'])}.yaml"] = chart_yaml(chart)
    for slug, spec in DASHBOARDS.items():
        out[f"dashboards/{safe_name(spec['title'])}.yaml"] = dashboard_yaml(slug, spec)
    return out


def write(dest: Path) -> None:
    if dest.exists():
        shutil.rmtree(dest)
    for rel, content in files().items():
        path = dest / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        text = yaml.safe_dump(content, sort_keys=False, allow_unicode=True, width=120)
        path.write_text(f"# generated by superset/build_bundle.py: edit that file, not this one\n{text}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail when superset/dashboards/ is not fresh")
    args = parser.parse_args()
    if not args.check:
        write(OUT)
        print(f"wrote {len(files())} files to {OUT}")
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        fresh = Path(tmp) / "dashboards"
        write(fresh)
        want = {p.relative_to(fresh): p.read_text() for p in fresh.rglob("*.yaml")}
        have = {p.relative_to(OUT): p.read_text() for p in OUT.rglob("*.yaml")} if OUT.exists() else {}
        stale = sorted(str(p) for p in set(want) | set(have) if want.get(p) != have.get(p))
    if stale:
        print(f"superset/dashboards/ is stale ({', '.join(stale)}): run python superset/build_bundle.py")
        return 1
    print("superset/dashboards/ is fresh")
    return 0


if __name__ == "__main__":
    sys.exit(main())
