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


def _gx_view(typed: pd.DataFrame, tz: Any = None) -> pd.DataFrame:
    """The chunk as GX's pandas engine runs fastest on it: nullable numbers as plain ``float64``, text as
    pandas' Arrow-backed ``str``.

    GX compares ``float64``/``int64`` columns against a range vectorised, but a nullable ``Float64``/``Int64``
    column one value at a time in Python (``column_values_between.is_between``: 0.5 s per expectation per
    100,000 rows). For text, GX's null checks, row filters, regexes and set lookups run in Arrow on ``str``
    and value by value on ``object``. NaN is GX's null for both, as ``None``/``pd.NA`` are for the originals,
    so every result is the same (the whole suite: 3.0 s -> 1.6 s per 100,000 ``aduan`` rows); reports still
    show values from ``typed`` itself.

    A date column (naive, at midnight) becomes that midnight in the city's zone (``tz``), so "not in the future"
    compares it with the aware "now" at all: naive against aware raises in pandas, and GX 1.x reports that
    under the metric's id, where it once went unnoticed (absensi's ``tanggal`` was never checked).
    """
    view = typed.copy(deep=False)
    for c, t in typed.dtypes.items():
        if isinstance(t, (pd.Float64Dtype, pd.Int64Dtype)):
            view[c] = typed[c].to_numpy(dtype="float64", na_value=float("nan"))
        elif t == np.dtype(object):
            view[c] = typed[c].astype("str")
        elif tz is not None and isinstance(t, np.dtype) and t.kind == "M":
            view[c] = typed[c].dt.tz_localize(tz)
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


def suite_document(contract: Contract) -> dict[str, Any]:
    """The contract's suite as generated into ``expectations/<dataset>.json``."""
    path = settings.project_root() / "expectations" / f"{contract.name}.json"
    document: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return document


def suite_parameters(
    contract: Contract, *, city_code: str | None = None, now: datetime | None = None
) -> dict[str, Any]:
    """The values of the suite's ``$PARAMETER``s for one file: "now", the city's box and its code lists."""
    city = settings.city(city_code)
    parameters: dict[str, Any] = {NOW_PARAMETER: pd.Timestamp(now or datetime.now(city.tz)).tz_convert(city.tz)}
    for axis, value in city.bounds().items():
        name, end = axis.rsplit("_", 1)
        parameters[city_bound_parameter(name, end)] = value
    for column in contract.columns:
        if column.code_list:
            parameters[code_list_parameter(column.code_list)] = reference.values(column.code_list, city.code)
    return parameters


def _raise_if_not_evaluated(contract: Contract, config: Any, info: dict[str, Any] | None) -> None:
    """An expectation that could not run must never read as "no bad rows". GX 1.x reports a metric that raised
    under the metric's id (``{MetricConfigurationID(...): {"raised_exception": True, ...}}``), not at the top."""
    info = info or {}
    found = [info, *(v for v in info.values() if isinstance(v, dict))]
    for entry in found:
        if entry.get("raised_exception"):
            column = config.kwargs.get("column") or config.kwargs.get("column_A")
            raise ValidationEngineError(
                f"{contract.name}: {config.type} on {column!r} raised: {entry.get('exception_message')}"
            )


def row_errors(contract: Contract, config: Any, positions: list[int], typed: pd.DataFrame) -> list[RowError]:
    """One :class:`RowError` per failing row of one expectation, with the rule and fix from the suite's ``meta``
    and the value as the officer wrote it (personal data protected). ``config`` needs ``type``, ``kwargs`` and
    ``meta``: a GX ``ExpectationConfiguration`` or the suite's JSON entry (the SQL engine's)."""
    meta = config.meta or {}
    column: str = config.kwargs.get("column") or config.kwargs.get("column_A") or meta.get("kolom") or ""
    reason = meta.get("kode") or _reason(config)
    key_columns = list(config.kwargs.get("column_list") or [])
    if key_columns:  # a composite key: name its first column, show the whole key
        column = key_columns[0]
    errors = []
    for position in positions:
        if key_columns:
            text: str | None = ", ".join(f"{k}={_text(typed.at[position, k])}" for k in key_columns)
        else:
            value = typed.at[position, column] if column in typed.columns else None
            if column in contract.column_names:
                value = pii.protect_text(value, contract.column(column))
            text = _text(value)
        errors.append(
            RowError(position, column, text, reason, meta.get("aturan", config.type), meta.get("perbaikan", ""))
        )
    return errors


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
        document = suite_document(contract)
        self._groups = _column_groups(document)
        self.suite = gx.ExpectationSuite(**document)
        self._batch_definition = _batch_definition(contract.name)
        #: the file's results merged chunk by chunk for its Data Docs page (None once it could not be kept)
        self.docs: DocsCollector | None = DocsCollector(contract, self.suite.name)
        self.parameters = suite_parameters(contract, city_code=city_code, now=now)

    def validate(self, typed: pd.DataFrame, row_numbers: Any = None) -> list[RowError]:
        """Every rule broken by every row of ``typed`` (which must have a 0..n-1 index and every column);
        ``row_numbers`` is for the SQL engine's stage and not needed here."""
        results = self._run(_gx_view(typed, self.parameters[NOW_PARAMETER].tz))
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
            if config.type == "expect_column_to_exist":
                continue  # the readers reject a file without its required columns before GX runs
            _raise_if_not_evaluated(self.contract, config, res.exception_info)
            indexes = res.result.get("unexpected_index_list") or []
            if not indexes and res.result.get("unexpected_count"):
                raise ValidationEngineError(f"{self.contract.name}: {config.type} failed without naming its rows")
            positions = [int(i) if not isinstance(i, dict) else int(i.get("index", -1)) for i in indexes]
            errors += row_errors(self.contract, config, [p for p in positions if p >= 0], typed)
        errors.extend(owner_errors(self.contract, self.sender, typed))
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


def owner_errors(contract: Contract, sender: str | None, typed: pd.DataFrame) -> list[RowError]:
    """Rows whose owner column names someone other than the sender (an OPD cannot write another's data)."""
    if sender is None:
        return []
    col = contract.owner_column
    values = typed[col]
    wrong = values.notna() & (values.astype(str) != sender)
    label = contract.column(col).business_name
    return [
        RowError(
            int(pos),
            col,
            str(values.iat[pos]),
            "owner",
            f"Pengirim {sender} hanya boleh mengirim datanya sendiri; baris ini milik {values.iat[pos]}.",
            f"Hapus baris ini dari kiriman {sender}, atau isi '{label}' dengan {sender} "
            f"bila memang milik {sender}; data {values.iat[pos]} dikirim oleh {values.iat[pos]} sendiri.",
        )
        for pos in wrong.to_numpy().nonzero()[0]
    ]
