"""The Superset bundle (superset/dashboards/) against dbt, the one source of what Superset shows.

No server: dbt's manifest (`dbt parse`, the session fixture ``dbt_manifest``) and the files in git. What must
hold: every dataset is a public, contracted dbt table and lists exactly that model's columns with dbt's types
and labels; the exposures and the bundle name the same models for every dashboard; the bundle and the exposures
in git are what `muara superset bundle --check` generates; the specs type no column; the lineage keeps to the
dbt-project-evaluator rules the reporting layer was built for; a spec that names what dbt lacks is refused.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from muara.dashboards import bundle
from tests.conftest import ROOT, muara

BUNDLE = ROOT / "superset" / "dashboards"
SPECS = ROOT / "superset" / "specs"
SQL_TYPE = re.compile(
    r"^(text|varchar|character varying.*|char.*|bigint|integer|int[248]?|smallint|numeric.*|decimal.*|real"
    r"|double precision|float.*|boolean|bool|date|time.*|interval|json.*|uuid)$",
    re.IGNORECASE,
)


def _yaml(kind: str) -> list[dict[str, Any]]:
    return [yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted((BUNDLE / kind).rglob("*.yaml"))]


@pytest.fixture(scope="module")
def manifest(dbt_manifest: Path) -> dict[str, Any]:
    return dict(json.loads(dbt_manifest.read_text(encoding="utf-8")))


@pytest.fixture(scope="module")
def models(manifest: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {n["name"]: n for n in manifest["nodes"].values() if n["resource_type"] == "model"}


def _meta(node: dict[str, Any]) -> dict[str, Any]:
    return dict(node.get("meta") or node.get("config", {}).get("meta") or {})


def test_every_dataset_column_is_in_dbt_with_its_type(models: dict[str, dict[str, Any]]) -> None:
    datasets = _yaml("datasets")
    assert datasets, "the bundle has no dataset"
    for ds in datasets:
        model = models.get(ds["table_name"])
        assert model is not None, f"dataset {ds['table_name']} is no dbt model"
        assert ds["sql"] is None and ds["schema"] == model["schema"], f"{ds['table_name']}: not the model's table"
        declared = {name: col for name, col in model["columns"].items()}
        listed = [c["column_name"] for c in ds["columns"]]
        assert listed == list(declared), f"{ds['table_name']}: columns differ from dbt's {list(declared)}"
        for col in ds["columns"]:
            dbt_col = declared[col["column_name"]]
            where = f"{ds['table_name']}.{col['column_name']}"
            assert col["type"] == str(dbt_col["data_type"]).upper(), f"{where}: {col['type']} vs {dbt_col['data_type']}"
            assert col["verbose_name"] == _meta(dbt_col).get("label"), f"{where}: label is not dbt's meta.label"
            assert col["is_dttm"] == col["type"].startswith(("DATE", "TIMESTAMP")), where
        assert ds["main_dttm_col"] in declared, f"{ds['table_name']}: main_dttm_col {ds['main_dttm_col']}"


def test_every_dataset_is_a_public_contracted_table(models: dict[str, dict[str, Any]]) -> None:
    for ds in _yaml("datasets"):
        model = models[ds["table_name"]]
        name = model["name"]
        assert model["access"] == "public", name
        assert model["config"]["materialized"] == "table", name
        assert model["config"]["contract"]["enforced"], name
        assert model["description"].strip(), f"{name} has no description"
        for col, spec in model["columns"].items():
            assert spec.get("data_type"), f"{name}.{col} has no data_type"
            assert spec.get("description", "").strip(), f"{name}.{col} has no description"


def test_datasets_with_opd_rows_keep_kode_opd(models: dict[str, dict[str, Any]], manifest: dict[str, Any]) -> None:
    """Row-level security filters on kode_opd: a dataset whose marts have OPD rows must keep the column."""
    for ds in _yaml("datasets"):
        model = models[ds["table_name"]]
        parents = [manifest["nodes"][p] for p in model["depends_on"]["nodes"] if p.startswith("model.")]
        if any("kode_opd" in p["columns"] for p in parents):
            assert "kode_opd" in model["columns"], f"{model['name']} dropped kode_opd: OPD users would see no rows"


def _models_per_dashboard() -> dict[str, set[str]]:
    """What the bundle's dashboards read: their charts' datasets and their native filters' datasets."""
    table_of = {ds["uuid"]: ds["table_name"] for ds in _yaml("datasets")}
    chart_model = {c["uuid"]: table_of[c["dataset_uuid"]] for c in _yaml("charts")}
    out = {}
    for dash in _yaml("dashboards"):
        charts = {v["meta"]["uuid"] for v in dash["position"].values() if isinstance(v, dict) and v["type"] == "CHART"}
        filters = dash["metadata"]["native_filter_configuration"]
        out[dash["slug"]] = {chart_model[c] for c in charts} | {
            table_of[t["datasetUuid"]] for f in filters for t in f["targets"]
        }
    return out


def test_exposures_and_bundle_name_the_same_models(manifest: dict[str, Any]) -> None:
    exposures = {
        e["url"].rstrip("/").rsplit("/", 1)[1]: {n.split(".")[-1] for n in e["depends_on"]["nodes"]}
        for e in manifest["exposures"].values()
        if e["type"] == "dashboard"
    }
    in_bundle = _models_per_dashboard()
    specs = {s.slug for s in bundle.load_specs(SPECS)}
    assert set(exposures) == set(in_bundle) == specs, "exposures, bundle and specs list different dashboards"
    disagree = {slug: (exposures[slug], in_bundle[slug]) for slug in specs if exposures[slug] != in_bundle[slug]}
    assert not disagree, f"exposure vs bundle: {disagree}"


def test_bundle_and_exposures_in_git_are_fresh(dbt_manifest: Path) -> None:
    res = muara("superset", "bundle", "--check", "--manifest", str(dbt_manifest))
    assert res.returncode == 0, res.stdout + res.stderr
    database = (BUNDLE / "databases" / "muara_gudang.yaml").read_text(encoding="utf-8")
    assert "muara_superset:XXXXXXXXXX@__MUARA_HOST__:__MUARA_PORT__/__MUARA_DB__" in database


def test_a_stale_bundle_is_named(dbt_manifest: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """--check names the file that differs: a copy of the checkout with one chart edited by hand."""
    import shutil

    for part in ("superset/specs", "superset/dashboards", "dbt/models/reporting"):
        shutil.copytree(ROOT / part, tmp_path / part)
    chart = tmp_path / "superset" / "dashboards" / "charts" / "Daftar_merah.yaml"
    chart.write_text(chart.read_text(encoding="utf-8").replace("Daftar merah", "Daftar hijau"), encoding="utf-8")
    monkeypatch.setenv("MUARA_HOME", str(tmp_path))
    outcome = bundle.generate(check=True, manifest=dbt_manifest)
    assert outcome.stale == ["superset/dashboards/charts/Daftar_merah.yaml"]


def test_specs_type_no_column() -> None:
    """Columns, types and labels come from dbt: a spec names columns, never their types."""

    def walk(node: object, where: str) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                assert key not in ("type", "data_type", "types", "verbose_name"), f"{where}: key {key!r}"
                walk(value, f"{where}.{key}")
        elif isinstance(node, list):
            for i, item in enumerate(node):
                walk(item, f"{where}[{i}]")
        elif isinstance(node, str):
            assert not SQL_TYPE.match(node.strip()), f"{where}: {node!r} is a column type"

    specs = sorted(SPECS.glob("*.yaml"))
    assert specs
    for path in specs:
        walk(yaml.safe_load(path.read_text(encoding="utf-8")), path.name)


def test_lineage_keeps_to_the_dbt_project_evaluator_rules(
    manifest: dict[str, Any], models: dict[str, dict[str, Any]]
) -> None:
    """fct_model_fanout (fewer than 3 leaf children, the evaluator's default threshold), fct_too_many_joins and
    fct_rejoining_of_upstream_concepts for what the dashboards read, and the exposures' parents public tables."""
    ids = {f"model.muara.{n}" for n in models}
    children = {k: [c for c in manifest["child_map"].get(k, []) if c in ids] for k in ids}
    leaves = {k for k in ids if not children[k]}
    fanout = {k: sorted(c for c in children[k] if c in leaves) for k in ids}
    assert not {k: v for k, v in fanout.items() if len(v) >= 3}, "a model fans out to 3 or more leaves"
    read = {n for e in manifest["exposures"].values() for n in e["depends_on"]["nodes"]}
    for node_id in read:
        node = manifest["nodes"][node_id]
        assert node["access"] == "public" and node["config"]["materialized"] == "table", node_id
        parents = manifest["parent_map"][node_id]
        assert len(parents) <= 6, f"{node_id} joins {len(parents)} parents"
        for a in parents:  # a parent that only exists to feed this model, reading another parent of it
            rejoined = [p for p in manifest["parent_map"].get(a, []) if p in parents]
            assert not (rejoined and children.get(a) == [node_id]), f"{node_id} rejoins {rejoined} through {a}"


def test_a_spec_naming_what_dbt_lacks_is_refused(dbt_manifest: Path, tmp_path: Path) -> None:
    models = bundle.load_models(dbt_manifest)
    spec = yaml.safe_load((SPECS / "ruang-komando.yaml").read_text(encoding="utf-8"))
    spec["charts"][1]["columns"] = [*spec["charts"][1]["columns"], "nik_pelapor"]
    path = tmp_path / "ruang-komando.yaml"
    path.write_text(yaml.safe_dump(spec, allow_unicode=True), encoding="utf-8")
    with pytest.raises(bundle.SpecError, match="Daftar merah: rpt_aduan_ruang_komando has no column nik_pelapor"):
        bundle.render_bundle([bundle.load_spec(path)], models)
    # a view of marts (not a contracted public table) is no dataset
    spec = yaml.safe_load((SPECS / "ruang-komando.yaml").read_text(encoding="utf-8"))
    text = yaml.safe_dump(spec, allow_unicode=True).replace("rpt_aduan_ruang_komando", "fct_aduan")
    path.write_text(text, encoding="utf-8")
    with pytest.raises(bundle.SpecError, match="fct_aduan as a contracted public table"):
        bundle.render_bundle([bundle.load_spec(path)], models)
