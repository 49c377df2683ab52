"""The routing corpus shipped in the repository: size, coverage, a fixed held-out split with no leak into it,
and no personal data."""

from __future__ import annotations

import csv
import re
from collections import Counter, defaultdict

import pytest

from muara.analytics import rute
from muara.analytics.corpus_split import expected_split
from muara.contract import reference
from muara.ingest.pii import FREE_TEXT_PATTERNS

ROWS = list(csv.DictReader(rute.CORPUS.open(encoding="utf-8", newline="")))
CATEGORIES = [r["kode_kategori"] for r in reference.all_rows("kategori_aduan")]


def test_size_and_every_category_well_covered() -> None:
    counts = Counter(r["kode_kategori"] for r in ROWS)
    assert len(ROWS) >= 2000
    assert set(counts) == set(CATEGORIES), set(counts) ^ set(CATEGORIES)
    thin = {k: n for k, n in counts.items() if n < 60}
    assert not thin, thin


def test_columns_and_values() -> None:
    assert list(ROWS[0]) == ["id", "deskripsi", "kode_kategori", "sumber_gaya", "split"]
    assert len({r["id"] for r in ROWS}) == len(ROWS)
    assert {r["sumber_gaya"] for r in ROWS} == {"whatsapp", "lapor", "sms", "medsos"}
    assert {r["split"] for r in ROWS} == {"train", "test"}
    assert all(r["deskripsi"].strip() for r in ROWS)


def test_split_is_stratified_and_follows_its_rule() -> None:
    """The split column is what the written rule gives (see muara.analytics.corpus_split), 17-23 % test in
    every category."""
    assert [r["split"] for r in ROWS] == expected_split(ROWS)
    for cat in CATEGORIES:
        mine = [r["split"] for r in ROWS if r["kode_kategori"] == cat]
        share = mine.count("test") / len(mine)
        assert 0.17 <= share <= 0.23, (cat, share)


def _words(text: str) -> list[str]:
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).split()


def _shingles(text: str) -> set[str]:
    w = _words(text)
    return {" ".join(w[i : i + 3]) for i in range(max(1, len(w) - 2))}


def test_no_duplicate_or_near_duplicate_across_train_and_test() -> None:
    """No exact duplicate anywhere, and no test complaint sharing 60 % or more of its three-word pieces
    (Jaccard) with a training complaint: the held-out figures are not inflated by copies."""
    keys = Counter(" ".join(_words(r["deskripsi"])) for r in ROWS)
    assert not [k for k, n in keys.items() if n > 1]
    train = [_shingles(r["deskripsi"]) for r in ROWS if r["split"] == "train"]
    index: dict[str, set[int]] = defaultdict(set)
    for i, sh in enumerate(train):
        for s in sh:
            index[s].add(i)
    near = []
    for r in (r for r in ROWS if r["split"] == "test"):
        sh = _shingles(r["deskripsi"])
        for i in set().union(*(index.get(s, set()) for s in sh)):
            if len(sh) > 1 and len(train[i]) > 1 and len(sh & train[i]) / len(sh | train[i]) >= 0.6:
                near.append(r["deskripsi"])
    assert not near, near[:5]


@pytest.mark.parametrize("pattern", [p for p, _ in FREE_TEXT_PATTERNS], ids=["surel", "nik", "nomor_hp"])
def test_no_personal_data(pattern: re.Pattern[str]) -> None:
    hits = [r["id"] for r in ROWS if pattern.search(r["deskripsi"])]
    assert not hits, hits


def test_corpus_readme_states_licence_and_origin() -> None:
    text = (rute.CORPUS.parent / "README.md").read_text(encoding="utf-8")
    for needed in ("Apache-2.0", "Muara", "data pribadi", "split"):
        assert needed in text, needed
