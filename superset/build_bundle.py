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
``__MUARA_HOST__``/``__MUARA_PORT__``, which ``muara superset provision`` fills from ``muara db url`` when it zips
the bundle; the password goes in the import request's ``passwords`` (see ``plugins/muara/superset.py``).
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
    aduan.hari_lewat_batas,
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
                "verbose_name": None,
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

DASHBOARDS = {
    "ruang-komando": {
        "title": "Ruang Komando",
        "description": "Aduan warga sekarang: warna, daftar merah, OPD yang belum bergerak, peta dan tren.",
    },
    "kinerja-opd": {
        "title": "Kinerja OPD",
        "description": "Skor kinerja OPD: peringkat bulan ini, tren mingguan, rincian metrik, ketepatan waktu.",
    },
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
            chart_id = f"CHART-{uid('chart', chart['name'])[:8]}"
            position[row_id]["children"].append(chart_id)
            position[chart_id] = {
                "children": [],
                "id": chart_id,
                "meta": {
                    # a placeholder id, distinct per chart: the import maps it to the chart's id by uuid
                    "chartId": CHARTS.index(chart) + 1,
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
            "label_colors": {"merah": "#d32f2f", "kuning": "#fbc02d", "hijau": "#388e3c"},
            "cross_filters_enabled": False,
            "expanded_slices": {},
            "native_filter_configuration": [],
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
        "extra": {"allows_virtual_table_explore": True, "schemas_allowed_for_file_upload": []},
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
