"""A twelfth dataset is a contract and `muara contracts generate`: no Python edited.

In a copy of the repository, a new contract (street-light outages, ``pju``, sent by Dinas Perhubungan) is added
with its sender registered in ``schemas/reference/opd.csv``; `muara contracts generate` then writes everything
else. The DAGs (parsed by Airflow's DagBag from the copy), the raw DDL (applied to the real test Postgres), the
dbt source and staging model (parsed by dbt) and `muara check` on an officer's file all pick it up, and the only
Python file that changed is the generated dataset list.
"""

from __future__ import annotations

import csv
import hashlib
import json
import shutil
import sys
from pathlib import Path

import psycopg
import yaml

from muara.contract.datasets import DATASETS
from tests.conftest import ROOT, muara, run

NEW = "pju"
CONTRACT = ROOT / "tests" / "fixtures" / "new_dataset" / f"{NEW}.odcs.yaml"


def _copy_repository(dest: Path) -> Path:
    for part in ("schemas", "expectations", "sql", "dbt", "src", "dags"):
        shutil.copytree(ROOT / part, dest / part, ignore=shutil.ignore_patterns("target", "logs", "__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", dest / "pyproject.toml")
    return dest


def _python_files(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in root.rglob("*.py")
        if "__pycache__" not in p.parts
    }


def _register_sender(repo: Path, kode_opd: str) -> None:
    """Data, not code: the OPD registry lists the datasets each OPD sends."""
    path = repo / "schemas" / "reference" / "opd.csv"
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        fields, rows = list(reader.fieldnames or []), list(reader)
    for row in rows:
        if row["kode_opd"] == kode_opd:
            row["dataset_dikirim"] += f" {NEW}"
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


DAG_PROBE = """
import json, sys
from airflow.dag_processing.dagbag import DagBag
from muara.contract.datasets import DATASETS
from muara.warehouse import plan
bag = DagBag(dag_folder=sys.argv[1])
print(json.dumps({
    "errors": {k: str(v) for k, v in bag.import_errors.items()},
    "datasets": list(DATASETS),
    "named": plan.datasets_in([{"datasets": [sys.argv[2]]}]),
    "selection": plan.selection([sys.argv[2]]),
}))
"""


def test_a_twelfth_dataset_needs_a_contract_and_generate_only(tmp_path: Path, airflow_db: Path) -> None:
    assert NEW not in DATASETS
    repo = _copy_repository(tmp_path / "repo")
    before = _python_files(repo)
    shutil.copy(CONTRACT, repo / "schemas" / CONTRACT.name)
    _register_sender(repo, "DISHUB")
    env = {"MUARA_HOME": str(repo), "PYTHONPATH": str(repo / "src")}

    generated = muara("contracts", "generate", env=env, check=True)
    for path in (f"expectations/{NEW}.json", f"sql/raw/{NEW}.sql", f"dbt/models/staging/raw/stg_raw__{NEW}.sql"):
        assert f"wrote {path}" in generated.stdout, generated.stdout
    after = _python_files(repo)
    changed = {p for p in after if before.get(p) != after[p]}
    assert changed == {"src/muara/contract/datasets.py"}, f"Python files changed: {sorted(changed)}"
    assert muara("contracts", "generate", "--check", env=env).returncode == 0

    # the dbt source and the staging model, as dbt itself parses them from the copy
    sources = yaml.safe_load((repo / "dbt" / "models" / "staging" / "raw" / "_raw__sources.yml").read_text())
    assert NEW in {t["name"] for s in sources["sources"] for t in s["tables"]}
    code = "from muara.warehouse import dbt; print(dbt.write_manifest())"  # dbt/ of MUARA_HOME, the copy
    manifest_file = run(sys.executable, "-c", code, env=env, check=True).stdout.strip().splitlines()[-1]
    assert Path(manifest_file) == repo / "dbt" / "target" / "manifest.json"
    manifest = json.loads(Path(manifest_file).read_text())
    staging = manifest["nodes"][f"model.muara.stg_raw__{NEW}"]
    assert staging["depends_on"]["nodes"] == [f"source.muara.raw.{NEW}"]
    assert {"nomor_gangguan", "kondisi", "waktu_lapor"} <= set(staging["columns"])

    # the DAGs, as Airflow parses them from the copy: the ingest DAG names the new dataset in its raw event, and
    # the warehouse plan builds what reads it (its staging model depends on that source, above)
    probe = run(sys.executable, "-c", DAG_PROBE, str(repo / "dags"), NEW, env=env, check=True)
    dags = json.loads(probe.stdout.strip().splitlines()[-1])
    assert dags["errors"] == {}
    assert dags["datasets"] == sorted([*DATASETS, NEW]) and dags["named"] == [NEW]
    assert dags["selection"][0] == f"source:raw.{NEW}+"

    # the raw DDL on the real server, and an officer's file checked against the generated suite
    try:
        muara("db", "migrate", env=env, check=True)
        with psycopg.connect(_db_url()) as conn:
            columns = [
                r[0]
                for r in conn.execute(
                    "select column_name from information_schema.columns where table_schema = 'raw' and table_name = %s "
                    "order by ordinal_position",
                    (NEW,),
                )
            ]
        assert columns[:5] == ["nomor_gangguan", "kode_opd", "kode_kelurahan", "kondisi", "waktu_lapor"]
        export = tmp_path / "gangguan_pju.csv"
        export.write_text(
            "No Gangguan;OPD;Kode Kelurahan;Kondisi;Tgl Lapor\n"
            "PJU/2026/00012;DISHUB;53.71.04.1011;mati;14/11/2026 19:30\n"
            "PJU/2026/00013;DISHUB;53.71.04.1011;meledak;14/11/2026 20:10\n",
            encoding="cp1252",
        )
        checked = muara("check", str(export), "--dataset", NEW, "--sender", "DISHUB", "--json", env=env)
        assert checked.returncode == 1, checked.stdout + checked.stderr
        answer = json.loads(checked.stdout)
        assert (answer["rows_read"], answer["rows_loaded"], answer["rows_rejected"]) == (2, 1, 1)
        assert answer["rejected_by_rule"] == [{"column": "kondisi", "reason": "allowed_values", "rows": 1}]
    finally:
        with psycopg.connect(_db_url(), autocommit=True) as conn:
            conn.execute(f"drop table if exists raw.{NEW}, quarantine.{NEW}")


def _db_url() -> str:
    from muara.stack import postgres as db

    return db.url()
