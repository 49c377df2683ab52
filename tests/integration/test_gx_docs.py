"""The GX Data Docs page of one file: chunk results merged without keeping them, personal data protected."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from muara.ingest import gx_docs
from muara.ingest.pipeline import check_file
from tests.conftest import ROOT

FILE = ROOT / "tests" / "fixtures" / "bad" / "aduan_nik_15_digit.csv"  # 8 rows; 2 bad NIKs, 1 bad phone


@pytest.fixture(autouse=True)
def _data_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("MUARA_DATA_DIR", str(tmp_path / "data"))  # the PII key of a demo lives there


def _merged(chunk_rows: int) -> dict[tuple[str, str | None], dict[str, object]]:
    out = check_file(FILE, "aduan", "DISDUKCAPIL", chunk_rows=chunk_rows)
    assert out.gx_docs is not None
    result = out.gx_docs.to_result(run_name="t", run_time=datetime(2026, 11, 20, tzinfo=UTC), meta={})
    return {
        (r.expectation_config.type, r.expectation_config.kwargs.get("column")): {"success": r.success, **r.result}
        for r in result.results
    }


def test_chunks_merge_to_the_whole_file_result() -> None:
    whole, chunked = _merged(100_000), _merged(3)  # one chunk against three (3 + 3 + 2 rows)
    assert whole == chunked
    nik = whole[("expect_column_values_to_match_regex", "nik_pelapor")]
    assert (nik["success"], nik["element_count"], nik["unexpected_count"], nik["missing_count"]) == (False, 8, 2, 1)
    assert nik["unexpected_percent"] == pytest.approx(100 * 2 / 7)
    assert sum(c["count"] for c in nik["partial_unexpected_counts"]) == 2  # type: ignore[attr-defined]
    # kept values are protected as the contract says: NIK hashed, phone masked; no row positions kept
    assert all(len(str(v)) == 64 for v in nik["partial_unexpected_list"])  # type: ignore[attr-defined]
    assert whole[("expect_column_values_to_match_regex", "telepon_pelapor")]["partial_unexpected_list"] == [
        "*******2345"
    ]
    assert not any("unexpected_index_list" in r or "unexpected_list" in r for r in whole.values())


def test_examples_are_capped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(gx_docs, "MAX_EXAMPLES", 1)
    nik = _merged(3)[("expect_column_values_to_match_regex", "nik_pelapor")]
    assert nik["unexpected_count"] == 2 and len(nik["partial_unexpected_list"]) == 1  # type: ignore[arg-type]
    out = check_file(FILE, "aduan", "DISDUKCAPIL", chunk_rows=3)
    assert out.gx_docs is not None
    page = out.gx_docs.render(run_name="t", run_time=datetime(2026, 11, 20, tzinfo=UTC), meta={"berkas": FILE.name})
    assert "Sampled Unexpected Values" in page  # GX shows no counts when the sample does not hold them all
    assert "537102410990004" not in page and "81339012345" not in page


def test_no_page_when_the_file_is_refused_before_gx(tmp_path: Path) -> None:
    empty = tmp_path / "kosong.csv"
    empty.write_bytes(b"")
    assert check_file(empty, "aduan", "PUPR").gx_docs is None
