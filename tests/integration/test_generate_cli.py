"""`muara contracts generate [--check]` as a person runs it (a new process each time), and dbt parsing what it wrote."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from muara.contract import model as contract
from muara.contract.datasets import DATASETS
from tests.conftest import BIN, ROOT, muara, run


def test_check_passes_on_the_repository() -> None:
    res = muara("contracts", "generate", "--check")
    assert res.returncode == 0, res.stdout + res.stderr
    # per dataset: GX suite, raw DDL, staging view; plus sources, staging docs, schedule, datasets.py
    assert f"ok: {3 * len(DATASETS) + 4} generated files match" in res.stdout


def test_check_fails_after_a_contract_is_edited_and_generate_repairs_it(project_copy: Path) -> None:
    env = {"MUARA_HOME": str(project_copy)}
    assert muara("contracts", "generate", "--check", env=env).returncode == 0

    path = project_copy / "schemas" / "aduan.odcs.yaml"
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    kanal = next(p for p in doc["schema"][0]["properties"] if p["name"] == "kanal")
    kanal["quality"][0]["arguments"]["validValues"].append("sms")
    path.write_text(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True), encoding="utf-8")

    res = muara("contracts", "generate", "--check", env=env)
    assert res.returncode == 1
    assert "stale: expectations/aduan.json: differs from the contracts" in res.stdout
    assert "run `muara contracts generate`" in res.stderr

    fixed = muara("contracts", "generate", env=env, check=True)
    assert "wrote expectations/aduan.json" in fixed.stdout
    assert muara("contracts", "generate", "--check", env=env).returncode == 0
    suite = json.loads((project_copy / "expectations" / "aduan.json").read_text())
    sets = [
        e["kwargs"]["value_set"]
        for e in suite["expectations"]
        if e["kwargs"].get("column") == "kanal" and e["type"] == "expect_column_values_to_be_in_set"
    ]
    assert sets == [[*contract.load(ROOT / "schemas" / "aduan.odcs.yaml").column("kanal").valid_values, "sms"]]


def test_check_finds_missing_and_orphaned_files(project_copy: Path) -> None:
    env = {"MUARA_HOME": str(project_copy)}
    (project_copy / "sql" / "raw" / "cctv.sql").unlink()
    (project_copy / "expectations" / "lama.json").write_text("{}")
    res = muara("contracts", "generate", "--check", env=env)
    assert res.returncode == 1
    assert "stale: sql/raw/cctv.sql: is not generated yet" in res.stdout
    assert "stale: expectations/lama.json: has no contract any more" in res.stdout


def test_generate_refuses_a_contract_that_fails_lint(project_copy: Path) -> None:
    path = project_copy / "schemas" / "cctv.odcs.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("apiVersion: v3.1.0", "apiVersion: v9"), encoding="utf-8")
    res = muara("contracts", "generate", env={"MUARA_HOME": str(project_copy)})
    assert res.returncode == 1
    assert "cctv.odcs.yaml: apiVersion" in res.stderr and "nothing generated" in res.stderr


def test_dbt_parses_the_generated_sources(tmp_path: Path) -> None:
    res = run(
        str(BIN / "dbt"),
        "ls",
        "--resource-type",
        "source",
        "--profiles-dir",
        ".",
        "--target-path",
        str(tmp_path / "target"),
        "--log-path",
        str(tmp_path / "logs"),
        cwd=ROOT / "dbt",
        env={"MUARA_DB_PORT": "5432"},
    )
    assert res.returncode == 0, res.stdout + res.stderr
    listed = {line.strip() for line in res.stdout.splitlines() if line.strip().startswith("source:")}
    # the generated raw sources, the ingest ledger and the analytics tables the Python steps write (hand-written:
    # they do not depend on a contract)
    generated = {f"source:muara.raw.{d}" for d in DATASETS}
    assert generated | {"source:muara.muara.ingest_batch"} <= listed
    others = listed - generated - {"source:muara.muara.ingest_batch"}
    assert others and all(s.startswith("source:muara.analitik.") for s in others), others
