"""The contracts through the real tools: `muara contracts lint` and datacontract-cli (the ODCS reference linter)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from muara.contract.datasets import DATASETS
from tests.conftest import BIN, ROOT, muara, run
from tests.unit.test_contract_lint import _prop

ADUAN = ROOT / "schemas" / "aduan.odcs.yaml"


def test_repository_contracts_pass_lint() -> None:
    res = muara("contracts", "lint")
    assert res.returncode == 0, res.stdout + res.stderr
    assert f"ok: {len(DATASETS)} contracts valid" in res.stdout


@pytest.mark.parametrize("dataset", DATASETS)
def test_datacontract_cli_accepts_every_contract(dataset: str) -> None:
    res = run(str(BIN / "datacontract"), "lint", str(ROOT / "schemas" / f"{dataset}.odcs.yaml"))
    assert res.returncode == 0, res.stdout + res.stderr
    assert "valid" in res.stdout.lower()


def test_cli_exits_1_and_names_file_field_and_fix(tmp_path: Path) -> None:
    doc = yaml.safe_load(ADUAN.read_text(encoding="utf-8"))
    _prop(doc, "latitude")["physicalType"] = "text"
    (tmp_path / "aduan.odcs.yaml").write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    res = muara("contracts", "lint", str(tmp_path))
    assert res.returncode == 1
    assert "aduan.odcs.yaml: schema[0].properties[7] (latitude).physicalType: 'text' does not fit" in res.stdout
    assert "Fix: use one of" in res.stdout


def test_datacontract_cli_rejects_what_is_not_odcs(tmp_path: Path) -> None:
    """The external linter is a real check: it fails on a contract the standard does not allow."""
    doc = yaml.safe_load(ADUAN.read_text(encoding="utf-8"))
    _prop(doc, "kanal")["logicalType"] = "text"
    path = tmp_path / "aduan.odcs.yaml"
    path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    res = run(str(BIN / "datacontract"), "lint", str(path))
    assert res.returncode != 0
