"""The SQL engine (the suite evaluated in Postgres on the staged chunk) gives the verdicts of the GX engine (the
suite on pandas): on every file of the bad-file catalogue and on the demo export of every dataset, the same rows
loaded with the same values, the same rows quarantined with the same original values and the same reasons,
the same report rows and the same Data Docs results; and on the catalogue, the same answer from ``check``.

Each file goes through ``process_file`` in ingest mode twice inside a transaction that is rolled back, so the
two runs never see each other (no ledger row, no ``duplicate``)."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg
import pytest
import yaml

from muara.devtools.demo_data import write_demo_data
from muara.ingest.gx_docs import DocsCollector
from tests.conftest import ROOT

pytestmark = pytest.mark.integration
BAD = ROOT / "tests" / "fixtures" / "bad"
CATALOGUE: list[dict[str, Any]] = yaml.safe_load((BAD / "catalogue.yaml").read_text(encoding="utf-8"))
YESTERDAY = date.today() - timedelta(days=1)


def _verdicts(conn: psycopg.Connection[Any], path: Path, dataset: str, sender: str, engine: str, now: datetime) -> Any:
    from muara.ingest.pipeline import process_file

    out = process_file(path, dataset, sender, mode="ingest", conn=conn, now=now, engine=engine)
    if out.unusable:
        conn.rollback()
        return (out.status, out.reason, out.message), None, None, None
    raw = conn.execute(
        f"select to_jsonb(r) - array['_batch_id', '_loaded_at'] from raw.\"{dataset}\" r where _batch_id = %s "
        "order by _row_number",
        (out.batch_id,),
    ).fetchall()
    quarantine = conn.execute(
        f'select _row_number, nilai_asli, alasan from quarantine."{dataset}" where _batch_id = %s order by _row_number',
        (out.batch_id,),
    ).fetchall()
    conn.rollback()
    rejected = [
        (r.row_number, json.dumps(r.values, sort_keys=True, default=str), sorted(e.as_json().items() for e in r.errors))
        for r in out.rejected
    ]
    docs = None
    if out.gx_docs is not None:
        merged = [
            (m.config.type, m.success, dict(m.counts), m.has_missing, dict(m.examples)) for m in out.gx_docs.merged
        ]
        page = out.gx_docs.render(run_name="sama", run_time=now, meta={"berkas": path.name})
        # a page rendered later (MUARA_GX_DOCS=later) from the saved input is the same page
        saved = out.gx_docs.to_json(run_name="sama", run_time=now, meta={"berkas": path.name})
        collector, args = DocsCollector.from_json(saved)
        assert collector.render(**args) == page, f"{path.name}: the page rendered later"
        docs = (merged, page)
    summary = (out.status, out.reason, out.rows_read, out.rows_loaded, out.rows_rejected, dict(out.reason_counts))
    quarantined = [
        (n, json.dumps(v, sort_keys=True), sorted(json.dumps(a, sort_keys=True) for a in reasons))
        for n, v, reasons in quarantine
    ]
    return summary, [json.dumps(r[0], sort_keys=True) for r in raw], quarantined, (rejected, docs)


def _compare(path: Path, dataset: str, sender: str) -> None:
    from muara.stack import postgres as db

    now = datetime.now().astimezone()
    with psycopg.connect(db.url()) as conn:
        old = _verdicts(conn, path, dataset, sender, "gx", now)
        new = _verdicts(conn, path, dataset, sender, "sql", now)
    assert new[0] == old[0], f"{path.name}: summary"
    assert new[1] == old[1], f"{path.name}: rows loaded"
    assert new[2] == old[2], f"{path.name}: rows quarantined"
    if old[3] is not None:
        assert new[3][0] == old[3][0], f"{path.name}: the report's rejected rows"
        assert new[3][1][0] == old[3][1][0], f"{path.name}: the Data Docs results"
        assert new[3][1][1] == old[3][1][1], f"{path.name}: the Data Docs page"


def _checked(path: Path, dataset: str, sender: str, engine: str, now: datetime) -> Any:
    """What ``check`` (``muara check``, the portal's check before sending) answers with one engine."""
    from muara.ingest.pipeline import check_file

    out = check_file(path, dataset, sender, now=now, engine=engine)
    rejected = [
        (r.row_number, json.dumps(r.values, sort_keys=True, default=str), sorted(e.as_json().items() for e in r.errors))
        for r in out.rejected
    ]
    merged = None
    if out.gx_docs is not None:
        merged = [(m.config.type, m.success, dict(m.counts), m.has_missing) for m in out.gx_docs.merged]
    counts = (out.rows_read, out.rows_loaded, out.rows_rejected, dict(out.reason_counts))
    return (out.status, out.reason, out.message, out.exit_code), counts, rejected, merged


@pytest.mark.parametrize("case", CATALOGUE, ids=lambda c: str(c["file"]))
def test_same_verdicts_on_every_catalogue_file(
    pg: object, case: dict[str, Any], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Ingest, and check before sending: both engines, the same answer."""
    monkeypatch.setenv("MUARA_DATA_DIR", str(tmp_path / "data"))
    for k, v in (case.get("env") or {}).items():
        monkeypatch.setenv(k, str(v))
    path = BAD / case["file"]
    _compare(path, case["dataset"], case["sender"])
    now = datetime.now().astimezone()
    old = _checked(path, case["dataset"], case["sender"], "gx", now)
    new = _checked(path, case["dataset"], case["sender"], "sql", now)
    for part, name in enumerate(("outcome", "counts", "rejected rows", "Data Docs results")):
        assert new[part] == old[part], f"{path.name}: check's {name}"


@pytest.fixture(scope="module")
def demo_files(tmp_path_factory: pytest.TempPathFactory) -> list[Any]:
    return write_demo_data(tmp_path_factory.mktemp("demo"), rows=600, seed=11, anchor=YESTERDAY, workers=1)


def test_same_verdicts_on_every_datasets_demo_exports(
    pg: object, demo_files: list[Any], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from muara.contract.model import load_all

    monkeypatch.setenv("MUARA_DATA_DIR", str(tmp_path / "data"))
    assert {f.dataset for f in demo_files} == set(load_all())
    for f in demo_files:
        _compare(f.path, f.dataset, f.sender)


# characters Python's re (GX on pandas) counts as whitespace and Postgres's or RE2's own \\S does not
UNICODE_SPACES = ["\xa0", "\u2003", "\x0b", "\x1c", "\u3000", "\x85"]


def test_same_verdicts_on_photo_urls_holding_unicode_spaces(
    pg: object, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """``^https?://\\S+$`` rejects a URL holding a no-break space or U+0085 in both engines."""
    monkeypatch.setenv("MUARA_DATA_DIR", str(tmp_path / "data"))
    lines = (BAD / "aduan_utf8_bom.csv").read_text(encoding="utf-8-sig").splitlines()
    rows = [lines[0] + ",Foto"]
    for i, line in enumerate(lines[1:]):
        space = UNICODE_SPACES[i] if i < len(UNICODE_SPACES) - 1 else ""
        rows.append(f"{line},https://lapor.example/foto{space}{i}.jpg")
    path = tmp_path / "aduan_foto_spasi.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    _compare(path, "aduan", "RSUD-SKL")
    from muara.stack import postgres as db

    with psycopg.connect(db.url()) as conn:
        summary = _verdicts(conn, path, "aduan", "RSUD-SKL", "sql", datetime.now().astimezone())[0]
    assert summary[5].get(("url_foto", "pattern")) == len(lines) - 2, summary
