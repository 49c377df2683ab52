"""GX Data Docs for one file: the technical side of the officer's report, for the engineer who reads it.

Files are validated in chunks, and a COMPLETE result per chunk holds every failing value. Keeping those for a
1M-row file would cost memory and would keep personal data around, so :class:`DocsCollector` merges each
chunk's result as it arrives, per expectation: success only if every chunk succeeded, counts summed,
percentages recomputed, and at most :data:`MAX_EXAMPLES` example values, each protected the way the contract
says (``pii.protect_text``: hashed or masked) and HTML-escaped (GX puts example values into table cells
without escaping them). At the end one ``ExpectationSuiteValidationResult`` is built and rendered once with
GX's own ``ValidationResultsPageRenderer`` and ``DefaultJinjaPageView``.

The page is a single file meant to be opened from disk, also offline: :class:`OfflinePageView` puts a few
templates of our own (``gx_docs_templates/``) before GX's, so the page has no CDN stylesheets or scripts, no
remote logo, and its status icons are drawn by inline CSS. Everything else (sections, tables, wording) is
GX's.
"""

from __future__ import annotations

import html
import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from muara.contract.model import Contract
from muara.ingest import pii

#: example failing values kept per expectation for the whole file
MAX_EXAMPLES = 20
TEMPLATES = Path(__file__).with_name("gx_docs_templates")
#: the result keys the page may show; everything else GX returns (row positions, full value lists, index
#: queries, batch fingerprints) is dropped
_COUNT_KEYS = ("element_count", "unexpected_count", "missing_count")


def columns_of(kwargs: dict[str, Any]) -> list[str]:
    """The columns an expectation reads, from its kwargs."""
    names = [kwargs.get(k) for k in ("column", "column_A", "column_B")]
    return [n for n in names if isinstance(n, str)] + [str(c) for c in kwargs.get("column_list") or []]


def _display(value: Any) -> str | None:
    """One value as text, HTML-escaped (GX puts it into a table cell as raw HTML)."""
    if value is None:
        return None
    if isinstance(value, np.datetime64):
        value = pd.Timestamp(value)
        if value is pd.NaT:
            return None
        return html.escape(f"{value:%Y-%m-%d %H:%M} UTC")
    if _missing(value):
        return None
    if isinstance(value, pd.Timestamp | datetime):
        return html.escape(value.isoformat(sep=" "))
    return html.escape(str(value))


@dataclass
class _Merged:
    """One expectation's result over every chunk so far."""

    config: Any  # ExpectationConfiguration of the first chunk (kwargs with parameters filled in)
    personal: list[str]  # the personal columns (contract pii) it reads: its values are protected
    success: bool = True
    counts: Counter[str] = field(default_factory=Counter)
    has_missing: bool = False
    examples: dict[str | None, int] = field(default_factory=dict)  # shown value -> rows with it


class DocsCollector:
    """Merges the COMPLETE result of every chunk of one file into one small result, then renders it."""

    def __init__(self, contract: Contract, suite_name: str) -> None:
        self.contract = contract
        self.suite_name = suite_name
        self.merged: list[_Merged] = []
        self.chunks = 0

    def add(self, results: list[Any]) -> None:
        """Fold one chunk's ``ExpectationValidationResult``s (in suite order) in; nothing of them is kept but
        counts and up to MAX_EXAMPLES protected values per expectation."""
        self.chunks += 1
        for i, res in enumerate(results):
            config = res.expectation_config
            if i == len(self.merged):
                self.merged.append(_Merged(config, self._personal(config.kwargs)))
            m = self.merged[i]
            if m.config.type != config.type or m.config.kwargs.get("column") != config.kwargs.get("column"):
                raise RuntimeError(f"{self.suite_name}: GX returned its results in another order")
            m.success = m.success and bool(res.success)
            info = res.result or {}
            for key in _COUNT_KEYS:
                if isinstance(info.get(key), int):
                    m.counts[key] += info[key]
            m.has_missing = m.has_missing or "missing_count" in info
            if not res.success:
                self._examples(m, info)

    def _personal(self, kwargs: dict[str, Any]) -> list[str]:
        names = set(self.contract.column_names)
        return [c for c in columns_of(kwargs) if c in names and self.contract.column(c).pii is not None]

    def _shown(self, value: Any, m: _Merged) -> str | _Drop | None:
        """A failing value as the page shows it: personal parts protected, escaped; ``_DROP`` for a personal
        value whose shape we do not know (it is then left out rather than risked)."""
        if value is None or not m.personal:
            return _key(value)
        kwargs = m.config.kwargs
        if isinstance(kwargs.get("column"), str):
            return _key(pii.protect_text(value, self.contract.column(kwargs["column"])))
        if isinstance(value, tuple) and len(value) == 2 and "column_A" in kwargs:
            a, b = (self.contract.column(kwargs[k]) for k in ("column_A", "column_B"))
            return _key((pii.protect_text(value[0], a), pii.protect_text(value[1], b)))
        return _DROP

    def _examples(self, m: _Merged, info: dict[str, Any]) -> None:
        values = info.get("unexpected_list")
        if values is None:
            values = info.get("partial_unexpected_list") or []
        examples = m.examples
        for value, n in Counter(_hashable(v) for v in values).items():
            shown = self._shown(value, m)
            if isinstance(shown, _Drop):
                continue
            if shown in examples:
                examples[shown] += n
            elif len(examples) < MAX_EXAMPLES:
                examples[shown] = n
            # a value first seen once MAX_EXAMPLES others are kept is not counted: the counts then do not
            # add up to unexpected_count, and GX shows the examples as a sample, without counts

    def to_result(self, *, run_name: str, run_time: datetime, meta: dict[str, str]) -> Any:
        """The whole file's validation as one ``ExpectationSuiteValidationResult`` (no row positions)."""
        from great_expectations.core.expectation_validation_result import (
            ExpectationSuiteValidationResult,
            ExpectationValidationResult,
        )
        from great_expectations.core.run_identifier import RunIdentifier
        from great_expectations.expectations.expectation_configuration import ExpectationConfiguration

        results = []
        for m in self.merged:
            element = m.counts["element_count"]
            unexpected = m.counts["unexpected_count"]
            info: dict[str, Any] = {}
            if "element_count" in m.counts:
                info["element_count"] = element
                info["unexpected_count"] = unexpected
                total = 100.0 * unexpected / element if element else 0.0
                info["unexpected_percent_total"] = total
                if m.has_missing:
                    missing = m.counts["missing_count"]
                    nonmissing = 100.0 * unexpected / (element - missing) if element > missing else 0.0
                    info.update(
                        missing_count=missing,
                        missing_percent=100.0 * missing / element if element else 0.0,
                        unexpected_percent_nonmissing=nonmissing,
                        unexpected_percent=nonmissing,
                    )
                else:
                    info["unexpected_percent"] = total
                if m.examples:
                    ordered = sorted(m.examples.items(), key=lambda kv: -kv[1])
                    info["partial_unexpected_list"] = [v for v, _ in ordered]
                    info["partial_unexpected_counts"] = [{"value": v, "count": n} for v, n in ordered]
            config = m.config
            if not isinstance(config, ExpectationConfiguration):  # the SQL engine's: the suite's JSON entry
                config = ExpectationConfiguration(type=config.type, kwargs=dict(config.kwargs), meta=config.meta)
            results.append(ExpectationValidationResult(success=m.success, expectation_config=config, result=info))
        good = sum(bool(r.success) for r in results)
        return ExpectationSuiteValidationResult(
            success=good == len(results),
            results=results,
            suite_name=self.suite_name,
            statistics={
                "evaluated_expectations": len(results),
                "successful_expectations": good,
                "unsuccessful_expectations": len(results) - good,
                "success_percent": 100.0 * good / len(results) if results else 100.0,
            },
            meta={
                "run_id": RunIdentifier(run_name=run_name, run_time=run_time),
                "batch_markers": dict(meta),  # shown through GX string templates, which escape them
            },
        )

    def render(self, *, run_name: str, run_time: datetime, meta: dict[str, str]) -> str:
        """The page, as one HTML document."""
        from great_expectations.render.renderer import ValidationResultsPageRenderer

        result = self.to_result(run_name=run_name, run_time=run_time, meta=meta)
        document = ValidationResultsPageRenderer(run_info_at_end=True).render(result)
        return str(OfflinePageView().render(document, show_how_to_buttons=False))

    def to_json(self, *, run_name: str, run_time: datetime, meta: dict[str, str]) -> str:
        """What the page is rendered from (counts and protected, escaped examples; no row positions), as JSON:
        the input of a page rendered later (:func:`render_pending`), so the ingest itself never imports GX."""
        merged = [
            {
                "type": m.config.type,
                "kwargs": dict(m.config.kwargs),
                "meta": dict(m.config.meta or {}),
                "personal": m.personal,
                "success": m.success,
                "counts": dict(m.counts),
                "has_missing": m.has_missing,
                "examples": [[k, n] for k, n in m.examples.items()],
            }
            for m in self.merged
        ]
        document = {
            "dataset": self.contract.name,
            "suite_name": self.suite_name,
            "run_name": run_name,
            "run_time": run_time.isoformat(),
            "meta": meta,
            "chunks": self.chunks,
            "merged": merged,
        }
        return json.dumps(document, ensure_ascii=False, default=str)

    @classmethod
    def from_json(cls, text: str) -> tuple[DocsCollector, dict[str, Any]]:
        """A collector back from :meth:`to_json`, and the page's run name, time and meta."""
        from types import SimpleNamespace

        from muara.contract.model import get

        document = json.loads(text)
        collector = cls(get(document["dataset"]), document["suite_name"])
        collector.chunks = document["chunks"]
        for m in document["merged"]:
            config = SimpleNamespace(type=m["type"], kwargs=m["kwargs"], meta=m["meta"])
            collector.merged.append(
                _Merged(
                    config,
                    list(m["personal"]),
                    success=m["success"],
                    counts=Counter(m["counts"]),
                    has_missing=m["has_missing"],
                    examples={k: n for k, n in m["examples"]},
                )
            )
        page = {
            "run_name": document["run_name"],
            "run_time": datetime.fromisoformat(document["run_time"]),
            "meta": document["meta"],
        }
        return collector, page


#: a page waiting to be rendered: ``<stem>_gx.pending.json`` beside the report, rendered to ``<stem>_gx.html``
PENDING_SUFFIX = "_gx.pending.json"


def render_pending(root: Path) -> list[Path]:
    """Render every page waiting under ``root`` (one GX import for all of them), each written whole before its
    input is removed; a page that cannot be rendered is logged and left waiting. The pages written."""
    import logging
    import os

    done = []
    for pending in sorted(root.rglob(f"*{PENDING_SUFFIX}")):
        target = pending.with_name(pending.name[: -len(PENDING_SUFFIX)] + "_gx.html")
        try:
            collector, page = DocsCollector.from_json(pending.read_text(encoding="utf-8"))
            text = collector.render(**page)
        except Exception:
            logging.getLogger(__name__).exception("%s: the GX Data Docs page could not be rendered", pending.name)
            continue
        partial = target.with_name(target.name + ".part")
        partial.write_text(text, encoding="utf-8")
        os.replace(partial, target)
        pending.unlink(missing_ok=True)
        done.append(target)
    return done


class _Drop:
    """Marks a value left out of the page."""


_DROP = _Drop()


def _hashable(value: Any) -> Any:
    """Missing values (None, NaN, NaT) as one key; lists (rare) as tuples."""
    if isinstance(value, list):
        return tuple(value)
    if isinstance(value, dict):  # a compound key: keep the column names
        return tuple(f"{k}={v}" for k, v in value.items())
    return None if _missing(value) else value


def _missing(value: Any) -> bool:
    if value is None or isinstance(value, (tuple, list, dict, str)):
        return value is None
    flag = pd.isna(value)
    return bool(flag) if isinstance(flag, (bool, np.bool_)) else False


def _key(value: Any) -> str | None:
    """A failing value as the text the page shows (also the key that merges it across chunks)."""
    if isinstance(value, tuple):
        return " / ".join(_display(v) or "null" for v in value)
    return _display(value)


@cache
def _offline_view_class() -> type:
    from great_expectations.render.view import DefaultJinjaPageView
    from jinja2 import ChoiceLoader, FileSystemLoader

    class OfflinePageViewImpl(DefaultJinjaPageView):
        """GX's page view with our templates first: no CDN, no remote logo, no jQuery-only controls."""

        def __init__(self) -> None:
            super().__init__()
            gx_loader = self.env.loader
            assert gx_loader is not None
            self.env.loader = ChoiceLoader([FileSystemLoader(str(TEMPLATES)), gx_loader])

    return OfflinePageViewImpl


def OfflinePageView() -> Any:
    """A new page view (the class is made once, on first use, so importing this module never imports GX)."""
    return _offline_view_class()()
