"""The held-out split of the routing corpus, as a rule: within each category, rows ordered by the SHA-256 of
their text, every fifth one (positions 2, 7, 12, ...) is ``test``. Stratified (about 20 % per category) and
deterministic; the result is frozen in the CSV's ``split`` column.

``python -m muara.analytics.corpus_split`` rewrites that column after complaints were added to the corpus.
"""

from __future__ import annotations

import csv
import hashlib
from collections import defaultdict
from pathlib import Path

from muara.analytics.rute import CORPUS


def expected_split(rows: list[dict[str, str]]) -> list[str]:
    """``train``/``test`` for each row, in the rows' order, by the rule above."""
    by_cat: dict[str, list[int]] = defaultdict(list)
    for i, r in enumerate(rows):
        by_cat[r["kode_kategori"]].append(i)
    split = ["train"] * len(rows)
    for members in by_cat.values():
        ordered = sorted(members, key=lambda i: hashlib.sha256(rows[i]["deskripsi"].encode()).hexdigest())
        for pos, i in enumerate(ordered):
            if pos % 5 == 2:
                split[i] = "test"
    return split


def resplit(path: Path = CORPUS) -> int:
    """Rewrite the ``split`` column by the rule; returns how many rows changed side."""
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        fields = list(reader.fieldnames or [])
        rows = list(reader)
    changed = 0
    for r, s in zip(rows, expected_split(rows), strict=True):
        changed += r["split"] != s
        r["split"] = s
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return changed


if __name__ == "__main__":  # pragma: no cover - a maintenance command
    print(f"{resplit()} rows changed side")
