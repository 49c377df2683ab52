"""The check before sending, shared by the Unggah page and ``POST /api/v1/periksa``: the same
:func:`muara.ingest.pipeline.check_file` as ``muara check``, and the same JSON as ``muara check --json``, with
the server's file path replaced by the officer's file name."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from muara.portal.kiriman import Received


@dataclass
class Checked:
    answer: dict[str, Any]  # `muara check --json`
    exit_code: int
    rejected: list[dict[str, Any]]  # one line per reason: row, column (its name for officers), value, rule, fix
    message: str | None
    fix: str | None


def _officer_text(text: str | None, got: Received) -> str | None:
    return text.replace(got.stored_name, got.original_name) if text else text


def check(got: Received, dataset: str, sender: str) -> Checked:
    from muara.contract.model import get
    from muara.ingest.pipeline import check_file

    outcome = check_file(got.path, dataset, sender)
    answer = outcome.as_json()
    answer["file"] = got.original_name
    answer["message"], answer["fix"] = _officer_text(answer["message"], got), _officer_text(answer["fix"], got)
    contract = get(dataset)
    lines = []
    for row in outcome.rejected:
        for err in row.errors:
            try:
                label = contract.column(err.column).business_name if err.column else "(baris)"
            except KeyError:
                label = err.column or "(baris)"
            lines.append(
                {
                    "baris": row.row_number,
                    "kolom": err.column,
                    "nama_kolom": label,
                    "nilai": err.value,  # personal data already protected by the pipeline (ingest/pii.py)
                    "aturan": err.rule,
                    "perbaikan": err.fix,
                }
            )
    answer["rejected_rows"] = lines
    return Checked(answer, outcome.exit_code, lines, answer["message"], answer["fix"])
