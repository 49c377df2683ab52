"""What one file came to: the officer's answer (``Outcome``) and each rejected row with its reasons.

Its own module so that the pipeline, the report writer and the validator share these types without importing
one another (the report needs the outcome, the pipeline needs the report).
"""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from muara.ingest.gx_docs import DocsCollector


SHOWN_CHARS = 200  # longer values are cut in the officer's messages


@dataclass(frozen=True)
class RowError:
    position: int  # 0-based row position within the chunk
    column: str | None
    value: str | None  # as the officer wrote it (personal data protected)
    reason: str
    rule: str  # Bahasa Indonesia: what must hold
    fix: str  # Bahasa Indonesia: what to do

    def __post_init__(self) -> None:
        # a quote to find the cell by, not the cell: a pasted photo would fill the report (the rejected-rows CSV
        # keeps the whole value)
        if self.value is not None and len(self.value) > SHOWN_CHARS:
            shown = f"{self.value[: SHOWN_CHARS // 2]}… ({len(self.value):,} karakter)".replace(",", ".")
            object.__setattr__(self, "value", shown)

    def as_json(self) -> dict[str, Any]:
        return {
            "kolom": self.column,
            "nilai": self.value,
            "alasan": self.reason,
            "aturan": self.rule,
            "perbaikan": self.fix,
        }


@dataclass
class RejectedRow:
    row_number: int
    values: dict[str, Any]  # as read, personal data protected
    errors: list[RowError]


@dataclass
class Outcome:
    path: Path
    dataset: str
    sender: str | None
    sha256: str
    file_bytes: int
    mode: str  # check | ingest
    status: str = "rejected"  # loaded | partial | rejected | duplicate | failed (a fault of ours)
    reason: str | None = None  # file-level reason when the file cannot be used at all
    message: str | None = None
    fix: str | None = None
    rows_read: int = 0
    rows_loaded: int = 0
    rows_rejected: int = 0
    batch_id: uuid.UUID | None = None
    duplicate_of: uuid.UUID | None = None
    file_format: str | None = None
    sheet: str | None = None
    header_row: int | None = None
    columns: dict[str, str] = field(default_factory=dict)
    unknown_columns: tuple[str, ...] = ()
    rejected: list[RejectedRow] = field(default_factory=list)
    reason_counts: Counter[tuple[str | None, str]] = field(default_factory=Counter)
    timings: dict[str, float] = field(default_factory=dict)
    error: str | None = None  # engineers only (ledger, logs): what failed inside Muara; never in a report
    report_paths: dict[str, str] = field(default_factory=dict)
    #: the GX results of every chunk, merged for the file's Data Docs page (None when GX did not run)
    gx_docs: DocsCollector | None = field(default=None, repr=False)

    @property
    def unusable(self) -> bool:
        return self.reason is not None

    @property
    def exit_code(self) -> int:
        """0 every row good (or already loaded), 1 some rows rejected, 2 the file cannot be used."""
        if self.unusable:
            return 2
        return 1 if self.rows_rejected else 0

    def as_json(self) -> dict[str, Any]:
        return {
            "file": str(self.path),
            "dataset": self.dataset,
            "sender": self.sender,
            "mode": self.mode,
            "status": self.status,
            "rows_read": self.rows_read,
            "rows_loaded": self.rows_loaded,
            "rows_rejected": self.rows_rejected,
            "batch_id": str(self.batch_id) if self.batch_id else None,
            "duplicate_of": str(self.duplicate_of) if self.duplicate_of else None,
            "sha256": self.sha256,
            "reason": self.reason,
            "message": self.message,
            "fix": self.fix,
            "format": self.file_format,
            "rejected_by_rule": [
                {"column": c, "reason": r, "rows": n} for (c, r), n in self.reason_counts.most_common()
            ],
            "report": self.report_paths,
            "seconds": {k: round(v, 3) for k, v in self.timings.items()},
        }
