"""Row-level validation with Great Expectations, using the suite generated from the contract.

The suite (``expectations/<dataset>.json``) is loaded once per file and run on every typed chunk with
``result_format=COMPLETE``, which names the failing rows (``unexpected_index_list``). Each failure becomes a
:class:`RowError` carrying the officer-facing rule and fix written into the suite's ``meta`` at generation
time, so the report says exactly what the contract says.

Two checks sit outside GX because they are about who sends, not what is sent: a row whose owner column
names someone other than the sender is rejected (an OPD cannot write another OPD's data).
"""

from __future__ import annotations

import copy
import json
import logging
import os
import uuid
from datetime import datetime
from functools import cache
from typing import Any

import numpy as np
import pandas as pd

from muara import settings
from muara.contract import reference
from muara.contract.layout import NOW_PARAMETER, city_bound_parameter, code_list_parameter
from muara.contract.model import Contract
from muara.ingest import pii
from muara.ingest.gx_docs import DocsCollector, columns_of
from muara.ingest.outcome import RowError

os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")

#: expectation type -> reason code used in quarantine, reports and tests
REASONS: dict[str, str] = {
    "expect_column_values_to_not_be_null": "required",
    "expect_column_values_to_match_regex": "pattern",
    "expect_column_value_lengths_to_be_between": "length",
    "expect_column_values_to_be_unique": "duplicate_key",
    "expect_compound_columns_to_be_unique": "duplicate_key",
    "expect_column_pair_values_a_to_be_greater_than_b": "rule",
}


class ValidationEngineError(RuntimeError):
    """GX could not evaluate an expectation: a fault of ours, never reported to the officer as bad rows."""


def _reason(config: Any) -> str:
    kind = config.type
    if kind == "expect_column_values_to_be_in_set":
        return "code_list" if isinstance(config.kwargs.get("value_set"), dict) else "allowed_values"
    if kind == "expect_column_values_to_be_between":
        if isinstance(config.kwargs.get("min_value"), dict):
            return "outside_city"
        return "future" if isinstance(config.kwargs.get("max_value"), dict) else "range"
    return REASONS.get(kind, kind)


def _text(value: Any) -> str | None:
    if value is None or (not isinstance(value, (list, dict)) and pd.isna(value)):
        return None
    if isinstance(value, pd.Timestamp | datetime):
        return value.strftime("%d/%m/%Y %H:%M") if (value.hour or value.minute) else value.strftime("%d/%m/%Y")
    return str(value)


@cache
def _batch_definition(dataset: str) -> Any:
    """One GX context per process and one batch definition per dataset: building them costs ~0.6 s, which a
    DAG worker or a multi-file ``muara ingest`` would otherwise pay for every file."""

    source = _pandas_source()
    return source.add_dataframe_asset(dataset).add_batch_definition_whole_dataframe("chunk")


@cache
def _pandas_source() -> Any:
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig
    from great_expectations.execution_engine import pandas_execution_engine

    # GX fingerprints every pandas batch under 1 GB (md5 of ``hash_pandas_object``, twice per validation) only
    # to label it in the batch markers; that was 0.42 s of every 100,000-row chunk. The file already has its
    # sha256 in the ledger, so the label is not needed: a threshold of 0 skips it and nothing else changes.
    pandas_execution_engine.HASH_THRESHOLD = 0
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)  # logs, not terminal bars
    return context.data_sources.add_pandas("muara")


def _gx_view(typed: pd.DataFrame) -> pd.DataFrame:
    """The chunk as GX's pandas engine runs fastest on it: nullable numbers as plain ``float64``, text as
    pandas' Arrow-backed ``str``.

    GX compares ``float64``/``int64`` columns against a range vectorised, but a nullable ``Float64``/``Int64``
    column one value at a time in Python (``column_values_between.is_between``: 0.5 s per expectation per
    100,000 rows). For text, GX's null checks, row filters, regexes and set lookups run in Arrow on ``str``
    and value by value on ``object``. NaN is GX's null for both, as ``None``/``pd.NA`` are for the originals,
    so every result is the same (the whole suite: 3.0 s -> 1.6 s per 100,000 ``aduan`` rows); reports still
    show values from ``typed`` itself.
    """
    view = typed.copy(deep=False)
    for c, t in typed.dtypes.items():
        if isinstance(t, (pd.Float64Dtype, pd.Int64Dtype)):
            view[c] = typed[c].to_numpy(dtype="float64", na_value=float("nan"))
        elif t == np.dtype(object):
            view[c] = typed[c].astype("str")
    return view


def _column_groups(document: dict[str, Any]) -> list[tuple[list[str], Any, dict[str, int]]]:
    """The suite split by the columns each expectation reads: (columns, sub-suite, id -> position in the suite).

    GX's pandas engine copies the rows of the WHOLE frame it is given for every metric of every expectation
    (to drop the rows where the column is missing, then to pick the unexpected ones). Given only the columns
    an expectation reads, it copies one or two columns instead of all of them: the ``aduan`` suite on
    100,000 rows, 2.7 s as one suite on the whole chunk, 0.8 s as 19 groups on their own columns. Every
    expectation, its parameters and its result stay exactly what the contract's suite says; each gets an id,
    because GX does not return results in the suite's order.
    """
    import great_expectations as gx

    grouped: dict[tuple[str, ...], list[int]] = {}
    for i, expectation in enumerate(document["expectations"]):
        grouped.setdefault(tuple(columns_of(expectation["kwargs"])), []).append(i)
    groups = []
    for columns, where in grouped.items():
        ids = {str(uuid.uuid4()): i for i in where}
        # built from the JSON, not added one by one: adding upserts by column, and two ranges on one column
        # (Indonesia's box and the city's) would become one
        sub = gx.ExpectationSuite(
            name=f"{document['name']}:{'+'.join(columns) or 'tabel'}",
            expectations=[{**copy.deepcopy(document["expectations"][i]), "id": id_} for id_, i in ids.items()],
        )
        groups.append((list(dict.fromkeys(columns)), sub, ids))
    return groups


class Validator:
    """Runs one contract's GX suite on typed chunks of one file."""

    def __init__(
        self,
        contract: Contract,
        *,
        city_code: str | None = None,
        now: datetime | None = None,
        sender: str | None = None,
    ) -> None:
        import great_expectations as gx

        logging.getLogger("great_expectations").setLevel(logging.ERROR)
        self.contract = contract
        self.sender = sender
        city = settings.city(city_code)
        path = settings.project_root() / "expectations" / f"{contract.name}.json"
        document = json.loads(path.read_text(encoding="utf-8"))
        self._groups = _column_groups(document)
        self.suite = gx.ExpectationSuite(**document)
        self._batch_definition = _batch_definition(contract.name)
        #: the file's results merged chunk by chunk for its Data Docs page (None once it could not be kept)
        self.docs: DocsCollector | None = DocsCollector(contract, self.suite.name)
        self.parameters: dict[str, Any] = {
            NOW_PARAMETER: pd.Timestamp(now or datetime.now(city.tz)).tz_convert(city.tz)
        }
        for axis, value in city.bounds().items():
            name, end = axis.rsplit("_", 1)
            self.parameters[city_bound_parameter(name, end)] = value
        for column in contract.columns:
            if column.code_list:
                self.parameters[code_list_parameter(column.code_list)] = reference.values(column.code_list, city.code)

    def validate(self, typed: pd.DataFrame) -> list[RowError]:
        """Every rule broken by every row of ``typed`` (which must have a 0..n-1 index and every column)."""
        results = self._run(_gx_view(typed))
        self._collect(results)
        errors: list[RowError] = []
        for res in results:
            if res.success:
                continue
            config = res.expectation_config
            if config is None:
                raise ValidationEngineError(
                    f"{self.contract.name}: GX returned a failed result without its expectation"
                )
            meta = config.meta or {}
            column: str = config.kwargs.get("column") or config.kwargs.get("column_A") or meta.get("kolom") or ""
            if config.type == "expect_column_to_exist":
                continue  # the readers reject a file without its required columns before GX runs
            info = res.exception_info or {}
            if info.get("raised_exception"):
                # an expectation that could not run must never read as "no bad rows"
                raise ValidationEngineError(
                    f"{self.contract.name}: {config.type} on {column!r} raised: {info.get('exception_message')}"
                )
            indexes = res.result.get("unexpected_index_list") or []
            if not indexes and res.result.get("unexpected_count"):
                raise ValidationEngineError(f"{self.contract.name}: {config.type} failed without naming its rows")
            reason = meta.get("kode") or _reason(config)
            key_columns = list(config.kwargs.get("column_list") or [])
            if key_columns:  # a composite key: name its first column, show the whole key
                column = key_columns[0]
            for idx in indexes:
                position = int(idx) if not isinstance(idx, dict) else int(idx.get("index", -1))
                if position < 0:
                    continue
                if key_columns:
                    text: str | None = ", ".join(f"{k}={_text(typed.at[position, k])}" for k in key_columns)
                else:
                    value = typed.at[position, column] if column in typed.columns else None
                    if column in self.contract.column_names:
                        value = pii.protect_text(value, self.contract.column(column))
                    text = _text(value)
                errors.append(
                    RowError(position, column, text, reason, meta.get("aturan", config.type), meta.get("perbaikan", ""))
                )
        errors.extend(self._owner_errors(typed))
        return errors

    def _run(self, view: pd.DataFrame) -> list[Any]:
        """Each column group's expectations on a frame of just those columns; the results in suite order."""
        results: list[Any] = [None] * len(self.suite.expectations)
        for columns, sub, ids in self._groups:
            batch = self._batch_definition.get_batch(batch_parameters={"dataframe": view[columns] if columns else view})
            result = batch.validate(
                sub, expectation_parameters=self.parameters, result_format={"result_format": "COMPLETE"}
            )
            for res in result.results:
                config = res.expectation_config
                position = ids.get(config.id) if config is not None else None
                if position is None or results[position] is not None:
                    raise ValidationEngineError(f"{self.contract.name}: GX returned a result of no expectation")
                results[position] = res
        if any(r is None for r in results):
            raise ValidationEngineError(f"{self.contract.name}: GX left an expectation without a result")
        return results

    def _collect(self, results: list[Any]) -> None:
        """Fold the chunk into the Data Docs page; a page that cannot be made never stops a file's load."""
        if self.docs is None:
            return
        try:
            self.docs.add(results)
        except Exception:
            logging.getLogger(__name__).exception("%s: no GX Data Docs page for this file", self.contract.name)
            self.docs = None

    def _owner_errors(self, typed: pd.DataFrame) -> list[RowError]:
        if self.sender is None:
            return []
        col = self.contract.owner_column
        values = typed[col]
        wrong = values.notna() & (values.astype(str) != self.sender)
        label = self.contract.column(col).business_name
        return [
            RowError(
                int(pos),
                col,
                str(values.iat[pos]),
                "owner",
                f"Pengirim {self.sender} hanya boleh mengirim datanya sendiri; baris ini milik {values.iat[pos]}.",
                f"Hapus baris ini dari kiriman {self.sender}, atau isi '{label}' dengan {self.sender} "
                f"bila memang milik {self.sender}; data {values.iat[pos]} dikirim oleh {values.iat[pos]} sendiri.",
            )
            for pos in wrong.to_numpy().nonzero()[0]
        ]
