"""GX runs faster on each chunk (float64 numbers, Arrow text, each column group on its own columns): the rows
it rejects must be exactly those the whole suite rejects on the chunk as it is."""

from __future__ import annotations

import json
import uuid
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import great_expectations as gx
import numpy as np
import pandas as pd
import pytest

from muara import settings
from muara.contract.model import get
from muara.devtools.demo_data import write_demo_data
from muara.ingest import validate
from muara.ingest.coerce import coerce
from muara.ingest.pipeline import _complete
from muara.readers.dispatch import open_export
from tests.conftest import ROOT

# characters Python's re counts as whitespace and RE2's \S does not: a URL holding one must still be rejected
UNICODE_SPACES = ["\xa0", "\u2003", "\x0b", "\x1c", "\u3000"]


@pytest.fixture(autouse=True)
def _data_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("MUARA_DATA_DIR", str(tmp_path / "data"))


def _errors(v: validate.Validator, typed: pd.DataFrame) -> list[tuple[int, str | None, str | None, str]]:
    return sorted((e.position, e.column, e.value, e.reason) for e in v.validate(typed))


def _dates_only(frame: pd.DataFrame, tz: Any = None) -> pd.DataFrame:
    """The chunk as it is, but for date columns at midnight city time (without which GX cannot compare a date
    with "now" at all)."""
    naive = [c for c, t in frame.dtypes.items() if isinstance(t, np.dtype) and t.kind == "M"]
    return frame.assign(**{str(c): frame[c].dt.tz_localize(tz) for c in naive}) if tz is not None else frame


def _whole_suite(dataset: str) -> list[tuple[list[str], Any, dict[str, int]]]:
    """The contract's suite as one group run on the whole frame: what GX alone would do."""
    document = json.loads((ROOT / "expectations" / f"{dataset}.json").read_text(encoding="utf-8"))
    ids = {str(uuid.uuid4()): i for i in range(len(document["expectations"]))}
    expectations = [{**e, "id": id_} for id_, e in zip(ids, document["expectations"], strict=True)]
    return [([], gx.ExpectationSuite(name=document["name"], expectations=expectations), ids)]


@pytest.mark.parametrize("dataset", ["aduan", "tempat_tidur", "kemiskinan", "ritase_bus"])
def test_the_gx_view_rejects_exactly_what_the_chunk_itself_would(
    dataset: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    city = settings.city(None)
    contract = get(dataset)
    files = write_demo_data(
        tmp_path / "inbox", rows=1000, datasets=[dataset], anchor=date.today() - timedelta(days=1), workers=1
    )
    checked = 0
    for done, f in enumerate(sorted(files, key=lambda f: f.path.name)):
        if done >= 3 and checked:  # a few senders are enough (kemiskinan has one per kelurahan)
            break
        _, chunks = open_export(f.path, contract)
        for chunk in chunks:
            typed, _ = coerce(chunk.frame, contract, city.tz)
            typed = _complete(typed, contract)
            if dataset == "aduan":
                for i, space in enumerate(UNICODE_SPACES[: len(typed)]):
                    typed.loc[i, "url_foto"] = f"https://lapor.example/foto{space}{i}.jpg"
            v = validate.Validator(contract)
            fast = _errors(v, typed)
            view = validate._gx_view(typed)
            assert any(t != view.dtypes[c] for c, t in typed.dtypes.items()), "the view changed no column"
            assert len(v._groups) > 1
            with monkeypatch.context() as m:
                m.setattr(validate, "_gx_view", _dates_only)
                m.setattr(v, "_groups", _whole_suite(dataset))
                plain = _errors(v, typed)
            assert fast == plain
            if dataset == "aduan":
                urls = {p for p, c, _, _ in fast if c == "url_foto"}
                assert set(range(min(len(typed), len(UNICODE_SPACES)))) <= urls
            checked += len(fast)
    assert checked > 0, "the demo exports carry seeded mistakes; none was found"
