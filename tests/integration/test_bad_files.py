"""The catalogue of bad files (tests/fixtures/bad/catalogue.yaml): each gets its expected answer, and nothing
is lost: for every file, ``rows_read = rows_loaded + rows_rejected`` in the answer, in the ledger and in the
tables."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import psycopg
import pytest
import yaml

from tests.conftest import ROOT

pytestmark = pytest.mark.integration
BAD = ROOT / "tests" / "fixtures" / "bad"
CATALOGUE: list[dict[str, Any]] = yaml.safe_load((BAD / "catalogue.yaml").read_text(encoding="utf-8"))


def test_catalogue_has_at_least_25_cases_of_every_kind() -> None:
    assert len(CATALOGUE) >= 25
    assert {c["expect"]["exit"] for c in CATALOGUE} == {0, 1, 2}
    assert all((BAD / c["file"]).exists() for c in CATALOGUE)


@pytest.fixture
def case_env(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> dict[str, Any]:
    case: dict[str, Any] = request.param
    monkeypatch.setenv("MUARA_DATA_DIR", str(tmp_path / "data"))
    for k, v in (case.get("env") or {}).items():
        monkeypatch.setenv(k, str(v))
    return case


def _ids(case: dict[str, Any]) -> str:
    return str(case["file"])


@pytest.mark.parametrize("case_env", CATALOGUE, ids=_ids, indirect=True)
def test_check_gives_the_expected_answer(case_env: dict[str, Any]) -> None:
    from muara.ingest.pipeline import check_file

    case, expect = case_env, case_env["expect"]
    out = check_file(BAD / case["file"], case["dataset"], case["sender"])
    got = {
        "exit": out.exit_code,
        "status": out.status,
        "reason": out.reason,
        "rows_read": out.rows_read,
        "rows_rejected": out.rows_rejected,
    }
    want = {k: expect[k] for k in got}
    assert got == want, f"{case['file']}: {case['what']}\n{out.message}"
    assert out.rows_read == out.rows_loaded + out.rows_rejected
    if expect.get("row_reasons") is not None:
        assert {r for (_, r) in out.reason_counts} == set(expect["row_reasons"]), case["file"]
    if expect.get("rejected_rows") is not None:
        assert sorted({r.row_number for r in out.rejected}) == sorted(expect["rejected_rows"]), case["file"]
    if out.unusable:  # the officer is told what is wrong and what to do, in their language, naming the file
        assert out.message and out.fix
        assert case["file"] in out.message or out.reason in ("sender_not_allowed",), out.message
    for row in out.rejected:
        for e in row.errors:
            assert e.rule and e.fix, (case["file"], row.row_number, e)


@pytest.mark.parametrize("case_env", CATALOGUE, ids=_ids, indirect=True)
def test_ingest_accounts_for_every_row(pg: object, case_env: dict[str, Any]) -> None:
    from muara.ingest.pipeline import ingest_file
    from muara.stack import postgres as db

    case, expect = case_env, case_env["expect"]
    out = ingest_file(BAD / case["file"], case["dataset"], case["sender"])
    batch = out.duplicate_of if out.status == "duplicate" else out.batch_id  # a rerun of the suite
    with psycopg.connect(db.url()) as conn:
        row = conn.execute(
            "select status, reason, rows_read, rows_loaded, rows_rejected from muara.ingest_batch where batch_id = %s",
            (batch,),
        ).fetchone()
        assert row is not None
        status, reason, read, loaded, rejected = row
        raw_n = conn.execute(f'select count(*) from raw."{case["dataset"]}" where _batch_id = %s', (batch,)).fetchone()
        q_n = conn.execute(
            f'select count(*) from quarantine."{case["dataset"]}" where _batch_id = %s', (batch,)
        ).fetchone()
    assert read == loaded + rejected
    assert (raw_n, q_n) == ((loaded,), (rejected,))
    assert (status, reason, read, rejected) == (
        expect["status"],
        expect["reason"],
        expect["rows_read"],
        expect["rows_rejected"],
    ), case["file"]
