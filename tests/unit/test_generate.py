"""`muara contracts generate [--check]`: generated files are fresh, stale ones are caught, and they work."""

from __future__ import annotations

import json

import pandas as pd
import pytest
import yaml

from muara import settings
from muara.contract import layout, reference
from muara.contract import model as contract
from muara.contract.datasets import DATASETS
from tests.conftest import ROOT


def _typed(col: contract.Column, value: object) -> object:
    if col.logical_type == "timestamp":
        return pd.to_datetime(str(value), dayfirst=True)
    if col.logical_type == "date":
        return pd.to_datetime(str(value), dayfirst=True).date()
    if col.logical_type in ("integer", "number"):
        return float(value)  # type: ignore[arg-type]
    return str(value)


def _parameters() -> dict[str, object]:
    params: dict[str, object] = {layout.NOW_PARAMETER: pd.Timestamp("2100-01-01")}
    for axis, value in settings.city("53.71").bounds().items():
        name, end = axis.rsplit("_", 1)
        params[layout.city_bound_parameter(name, end)] = value
    for name in reference.code_lists():
        for column in reference.columns(name):
            params[layout.code_list_parameter(f"{name}.{column}")] = reference.values(f"{name}.{column}", "53.71")
    return params


@pytest.fixture(scope="module")
def gx_batch_factory():  # type: ignore[no-untyped-def]
    import great_expectations as gx

    ctx = gx.get_context(mode="ephemeral")
    asset = ctx.data_sources.add_pandas("t").add_dataframe_asset("frame")
    definition = asset.add_batch_definition_whole_dataframe("whole")
    return lambda df: definition.get_batch(batch_parameters={"dataframe": df})


@pytest.mark.parametrize("dataset", DATASETS)
def test_generated_suite_runs_in_gx_and_accepts_the_contract_examples(dataset: str, gx_batch_factory) -> None:  # type: ignore[no-untyped-def]
    """Each suite loads into real GX; the contract's own examples pass it; a broken row is caught."""
    import great_expectations as gx

    c = contract.get(dataset)
    suite = gx.ExpectationSuite(**json.loads((ROOT / "expectations" / f"{dataset}.json").read_text()))
    good = {col.name: _typed(col, col.examples[0]) for col in c.columns}
    bad = dict(good)
    first_required = c.column(c.required_columns[0])
    bad[first_required.name] = None
    df = pd.DataFrame([good, bad])
    result = gx_batch_factory(df).validate(
        suite, expectation_parameters=_parameters(), result_format={"result_format": "COMPLETE"}
    )
    failed = [r for r in result.results if not r.success]
    # only the row we broke fails, and only on the column we broke (plus a key made ambiguous by the blank)
    assert failed, "the broken row passed"
    for r in failed:
        assert r.result.get("unexpected_index_list") in ([1], None), (r.expectation_config.type, r.result)
    assert any(
        r.expectation_config.type == "expect_column_values_to_not_be_null"
        and r.expectation_config.kwargs["column"] == first_required.name
        for r in failed
    )


@pytest.mark.parametrize("dataset", DATASETS)
def test_ddl_and_sources_cover_every_contract_column(dataset: str) -> None:
    c = contract.get(dataset)
    ddl = (ROOT / "sql" / "raw" / f"{dataset}.sql").read_text()
    for col in c.columns:
        assert f"    {col.name} {col.physical_type}" in ddl
    sources = yaml.safe_load((ROOT / "dbt" / "models" / "staging" / "raw" / "_raw__sources.yml").read_text())
    table = next(t for t in sources["sources"][0]["tables"] if t["name"] == dataset)
    assert [x["name"] for x in table["columns"]][: len(c.columns)] == list(c.column_names)
    assert table["config"]["freshness"]["warn_after"]["count"] > 0


def test_staging_views_drop_personal_data_and_keep_the_latest_version() -> None:
    from muara.contract.model import load_all

    for name, c in load_all().items():
        sql = (ROOT / "dbt" / "models" / "staging" / "raw" / f"stg_raw__{name}.sql").read_text()
        select = sql[sql.index("final as (") :]
        for col in c.columns:
            assert (f"        {col.name}," in select) == (col.pii is None), (name, col.name)
        for key in c.primary_key:
            assert f"newer.{key} = source.{key}" in sql


def test_schedule_lists_every_sender_of_every_dataset() -> None:
    rows = (ROOT / "dbt" / "seeds" / "jadwal_kiriman.csv").read_text().splitlines()[1:]
    kupang = [r.split(",") for r in rows if r.startswith("53.71,")]
    assert {r[1] for r in kupang} == set(DATASETS)
    kemiskinan = [r for r in kupang if r[1] == "kemiskinan"]
    assert len(kemiskinan) == 51 and all(r[2] == "kelurahan" for r in kemiskinan)
    assert any(r[1] == "aduan" and r[3] == "PUPR" and r[4] == "24" for r in kupang)
