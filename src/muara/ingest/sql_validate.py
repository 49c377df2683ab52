"""The contract's GX suite evaluated in Postgres, set-based, on each chunk staged in a temporary table.

Ingest types a chunk in Arrow (:mod:`muara.ingest.coerce`), COPYs it into ``pg_temp.muara_stage`` (dropped at
the commit) and runs ONE query over it: for every row, the positions in the suite of the expectations it breaks
(``array_remove(array[case when <breaks 3> then 3 end, ...], null)``). Each expectation of the suite (the JSON
generated from the contract into ``expectations/``) becomes one SQL predicate with GX's own semantics: missing
values are not checked except by ``not_be_null``; a range includes its ends; ``unique`` rejects every row of
a repeated value; pairs and compound keys skip rows with a missing part. Rows without a failure then go to
``raw.<dataset>`` with ``INSERT ... SELECT`` from the stage, in the file's one transaction. No row is compared
in Python and GX is not imported.

Personal data never reaches the server in clear text, the stage included: personal and free-text columns are
staged protected (hashed, masked), so the few expectations on them that protection would change (a NIK's
pattern, a description's length) are evaluated on the clear values in Arrow before protection and staged as
boolean columns (``_f<i>``: expectation ``i`` fails), which the query reads like any other predicate.

What the officer gets does not change: the reasons come from the suite's ``meta`` through the same
:func:`~muara.ingest.validate.row_errors` the GX path uses, and the Data Docs page is merged from per
expectation results shaped like GX's (counts, missing counts, the failing values) by the same
:class:`~muara.ingest.gx_docs.DocsCollector`. ``tests/integration/test_validate_differential.py`` holds the
two engines to the same verdicts.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from types import SimpleNamespace
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from psycopg import Connection, sql

from muara.contract.model import Contract
from muara.ingest import pii
from muara.ingest.gx_docs import DocsCollector, columns_of
from muara.ingest.load import _arrow_type, _to_arrow, csv_bytes
from muara.ingest.outcome import RowError
from muara.ingest.validate import (
    NOW_PARAMETER,
    ValidationEngineError,
    _gx_view,
    owner_errors,
    row_errors,
    suite_document,
    suite_parameters,
)

STAGE = sql.Identifier("muara_stage")
#: expectation types whose result GX reports with a missing count (the Data Docs page shows it)
_WITH_MISSING = {
    "expect_column_values_to_be_in_set",
    "expect_column_values_to_match_regex",
    "expect_column_value_lengths_to_be_between",
    "expect_column_values_to_be_between",
    "expect_column_values_to_be_unique",
    "expect_compound_columns_to_be_unique",
    "expect_column_pair_values_a_to_be_greater_than_b",
}
#: evaluated on clear values in Arrow when the column is staged protected
_ARROW_TYPES = {"expect_column_values_to_match_regex", "expect_column_value_lengths_to_be_between"}


#: Python's ``\\s`` (GX on pandas runs Python's ``re``) for RE2: what ``str.isspace()`` holds true; Postgres's and
#: RE2's own ``\\s`` leave out some of them (a no-break space, U+001C, U+0085)
_PY_SPACE = r"\t\n\x{0b}\f\r\x{1c}-\x{1f}\x{85}\p{Z}"
_PY_ESCAPES = {"s": f"[{_PY_SPACE}]", "S": f"[^{_PY_SPACE}]", "d": r"\p{Nd}", "D": r"\P{Nd}"}


def _re2(kwargs: dict[str, Any]) -> str | None:
    """The suite's pattern for RE2 (Arrow) with Python's meaning, or None when it cannot say so for sure.

    Patterns run in Arrow: Postgres's engine expands a bounded repeat like ``{3,39}`` and took 1.7 s per
    100,000 ``nomor_aduan``, RE2 a tenth of that. Escapes of punctuation (``\\.``, ``\\+``) mean the same in every
    engine; ``\\s \\S \\d \\D`` outside a class are spelled out as Python means them; any other escape, or a
    letter escape inside a class, keeps the pattern in Postgres."""
    regex = kwargs.get("regex")
    if not isinstance(regex, str):
        return None
    out, in_class, i = [], False, 0
    while i < len(regex):
        ch = regex[i]
        if ch == "\\" and i + 1 < len(regex):
            nxt = regex[i + 1]
            if not nxt.isalnum():
                out.append(ch + nxt)
            elif not in_class and nxt in _PY_ESCAPES:
                out.append(_PY_ESCAPES[nxt])
            else:
                return None
            i += 2
            continue
        if ch == "[" and not in_class:
            in_class = True
        elif ch == "]" and in_class:
            in_class = False
        out.append(ch)
        i += 1
    return "".join(out)


def _stage_type(physical: str) -> str:
    """Staged as raw holds it, except numbers: ``numeric(18,2)`` would round before the range is checked."""
    return "double precision" if physical.startswith("numeric") else physical


def _resolve(value: Any, parameters: dict[str, Any]) -> Any:
    if isinstance(value, dict) and "$PARAMETER" in value:
        return parameters[value["$PARAMETER"]]
    return value


@dataclass
class _Check:
    """One expectation of the suite: its SQL predicate (true when a row breaks it) or its Arrow flag column."""

    index: int
    config: Any  # SimpleNamespace(type, kwargs, meta): the suite's entry, parameters not filled in
    predicate: sql.Composable | None = None
    flag: str | None = None  # staged boolean column computed in Arrow
    missing: sql.Composable | None = None  # rows GX counts as missing for this expectation


@dataclass
class _Compiled:
    checks: list[_Check]
    flags: list[_Check] = field(default_factory=list)


class SqlValidator:
    """Stages each typed chunk of one file and evaluates the suite on it in Postgres (ingest, and check when a
    database answers)."""

    def __init__(
        self,
        contract: Contract,
        conn: Connection[Any],
        *,
        city_code: str | None = None,
        now: datetime | None = None,
        sender: str | None = None,
    ) -> None:
        self.contract = contract
        self.conn = conn
        self.sender = sender
        document = suite_document(contract)
        self.parameters = suite_parameters(contract, city_code=city_code, now=now)
        self.tz = self.parameters[NOW_PARAMETER].tz
        self.protected = {c.name for c in contract.columns if c.pii is not None or pii.is_free_text(c)}
        self.compiled = self._compile(document)
        self.docs: DocsCollector | None = DocsCollector(contract, document["name"])
        self._schema = pa.schema(
            [pa.field("_pos", pa.int64()), pa.field("_row_number", pa.int64())]
            + [pa.field(c.name, _arrow_type(_stage_type(c.physical_type))) for c in contract.columns]
            + [pa.field(str(c.flag), pa.bool_()) for c in self.compiled.flags]
        )
        columns = [
            sql.SQL("{} {}").format(sql.Identifier(c.name), sql.SQL(_stage_type(c.physical_type)))
            for c in contract.columns
        ] + [sql.SQL("{} boolean").format(sql.Identifier(str(c.flag))) for c in self.compiled.flags]
        conn.execute(sql.SQL("drop table if exists pg_temp.{}").format(STAGE))
        # the key's window sorts a whole chunk (~30 MB per 100,000 aduan rows): in memory, for this transaction
        conn.execute("set local work_mem = '128MB'")
        conn.execute(
            sql.SQL("create temp table {} (_pos integer, _row_number bigint, {}) on commit drop").format(
                STAGE, sql.SQL(", ").join(columns)
            )
        )
        self._verdict = self._verdict_query()
        self._stats = self._stats_query()

    # ------------------------------------------------------------------------------------------ compiling

    def _compile(self, document: dict[str, Any]) -> _Compiled:
        out = _Compiled([])
        for i, entry in enumerate(document["expectations"]):
            config = SimpleNamespace(type=entry["type"], kwargs=dict(entry["kwargs"]), meta=entry.get("meta") or {})
            check = _Check(i, config)
            column = config.kwargs.get("column")
            if config.type in _ARROW_TYPES and (column in self.protected or _re2(config.kwargs) is not None):
                check.flag = f"_f{i}"
                check.predicate = sql.SQL("coalesce({}, false)").format(sql.Identifier(check.flag))
                check.missing = sql.SQL("{} is null").format(sql.Identifier(column))
                out.flags.append(check)
            else:
                self._predicate(check)
            out.checks.append(check)
        return out

    def _predicate(self, check: _Check) -> None:
        """The SQL predicate (true when a row breaks the expectation) and GX's missing rows of one expectation.

        Long on purpose: one short branch per expectation type the generator writes, side by side, so GX's
        semantics for each (what counts as missing, ends included, every row of a repeat) read in one place."""
        kind, kw = check.config.type, check.config.kwargs
        p = self.parameters
        if kind == "expect_column_to_exist":
            return  # the readers refuse a file without its required columns
        if kind == "expect_compound_columns_to_be_unique":
            cols = [sql.Identifier(c) for c in kw["column_list"]]
            if set(kw["column_list"]) & self.protected:
                raise ValidationEngineError(f"{self.contract.name}: a key on a personal column")
            present = sql.SQL(" and ").join(sql.SQL("{} is not null").format(c) for c in cols)
            check.missing = sql.SQL("not ({})").format(present)
            check.predicate = sql.SQL("({present} and count(*) over (partition by {cols}) > 1)").format(
                present=present, cols=sql.SQL(", ").join(cols)
            )
            return
        if kind == "expect_column_pair_values_a_to_be_greater_than_b":
            a, b = sql.Identifier(kw["column_A"]), sql.Identifier(kw["column_B"])
            op = sql.SQL(">=" if kw.get("or_equal") else ">")
            check.missing = sql.SQL("({a} is null or {b} is null)").format(a=a, b=b)
            check.predicate = sql.SQL("({a} is not null and {b} is not null and not ({a} {op} {b}))").format(
                a=a, b=b, op=op
            )
            return
        column = kw["column"]
        c = sql.Identifier(column)
        check.missing = sql.SQL("{} is null").format(c)
        if kind == "expect_column_values_to_not_be_null":
            check.predicate = sql.SQL("{} is null").format(c)
            check.missing = None
        elif kind == "expect_column_values_to_be_in_set":
            values = list(_resolve(kw["value_set"], p))
            array = sql.SQL("{}::{}[]").format(
                sql.Literal(values), sql.SQL(_stage_type(self.contract.column(column).physical_type))
            )
            check.predicate = sql.SQL("({c} is not null and not ({c} = any({v})))").format(c=c, v=array)
        elif kind == "expect_column_values_to_match_regex":
            check.predicate = sql.SQL("({c} is not null and {c} !~ {r})").format(c=c, r=sql.Literal(kw["regex"]))
        elif kind == "expect_column_value_lengths_to_be_between":
            parts = (
                [sql.SQL("char_length({}) < {}").format(c, sql.Literal(int(kw["min_value"])))]
                if kw.get("min_value") is not None
                else []
            )
            if kw.get("max_value") is not None:
                parts.append(sql.SQL("char_length({}) > {}").format(c, sql.Literal(int(kw["max_value"]))))
            check.predicate = sql.SQL("({} is not null and ({}))").format(c, sql.SQL(" or ").join(parts))
        elif kind == "expect_column_values_to_be_between":
            physical = _stage_type(self.contract.column(column).physical_type)
            parts = []
            for key, sign in (("min_value", "<"), ("max_value", ">")):
                if kw.get(key) is None:
                    continue
                bound = _bound(_resolve(kw[key], p), physical)
                parts.append(sql.SQL("{} {} {}").format(c, sql.SQL(sign), bound))
            check.predicate = sql.SQL("({} is not null and ({}))").format(c, sql.SQL(" or ").join(parts))
        elif kind == "expect_column_values_to_be_unique":
            if column in self.protected:
                raise ValidationEngineError(f"{self.contract.name}: a unique personal column")
            check.predicate = sql.SQL("({c} is not null and count(*) over (partition by {c}) > 1)").format(c=c)
        else:
            raise ValidationEngineError(f"{self.contract.name}: no SQL for {kind}")

    def _verdict_query(self) -> sql.Composed:
        """Rows that break something, with the suite positions of what they break."""
        cases = [
            sql.SQL("case when {} then {} end").format(c.predicate, sql.Literal(c.index))
            for c in self.compiled.checks
            if c.predicate is not None
        ]
        if not cases:
            return sql.SQL("select _pos, array[]::int[] from {} where false").format(STAGE)
        return sql.SQL(
            "select _pos, failed from (select _pos, array_remove(array[{}]::int[], null) as failed from {}) v "
            "where cardinality(failed) > 0"
        ).format(sql.SQL(", ").join(cases), STAGE)

    def _stats_query(self) -> sql.Composed:
        """Per expectation: rows GX would count as missing (for the Data Docs page)."""
        parts = [
            sql.SQL("count(*) filter (where {})").format(c.missing) if c.missing is not None else sql.SQL("0")
            for c in self.compiled.checks
        ]
        return sql.SQL("select count(*), {} from {}").format(sql.SQL(", ").join(parts), STAGE)

    # ------------------------------------------------------------------------------------------- running

    def _flags(self, typed: pd.DataFrame) -> list[pa.Array]:
        """The expectations on personal or free-text columns (on the clear values) and the patterns, in Arrow
        (RE2, with Python's meaning: :func:`_re2`)."""
        out = []
        for check in self.compiled.flags:
            kw = check.config.kwargs
            values = pa.array(typed[kw["column"]].astype(object), type=pa.large_string(), from_pandas=True)
            if check.config.type == "expect_column_values_to_match_regex":
                pattern = _re2(kw)
                if pattern is None:
                    raise ValidationEngineError(f"{self.contract.name}: no RE2 form of {kw['regex']!r}")
                broken = pc.invert(pc.match_substring_regex(values, pattern))
            else:
                length = pc.utf8_length(values)
                broken = pa.array(np.zeros(len(values), dtype=bool))
                if kw.get("min_value") is not None:
                    broken = pc.or_(broken, pc.less(length, kw["min_value"]))
                if kw.get("max_value") is not None:
                    broken = pc.or_(broken, pc.greater(length, kw["max_value"]))
            out.append(pc.fill_null(broken, False))
        return out

    def stage(self, typed: pd.DataFrame, row_numbers: np.ndarray) -> None:
        """The chunk (personal data protected) into the stage, replacing the previous chunk."""
        protected = pii.protect(typed, self.contract)
        arrays = [pa.array(np.arange(len(typed)), pa.int64()), pa.array(row_numbers, pa.int64())]
        for f in self._schema:
            if f.name in self.contract.column_names:
                arrays.append(_to_arrow(protected[f.name], f.type))
        arrays += self._flags(typed)
        table = pa.Table.from_arrays(arrays, schema=self._schema)
        buf = csv_bytes(table)
        self.conn.execute(sql.SQL("truncate {}").format(STAGE))
        copy_sql = sql.SQL("copy {} from stdin (format csv)").format(STAGE)
        with self.conn.cursor().copy(copy_sql) as copy:
            copy.write(buf.getbuffer())

    def validate(self, typed: pd.DataFrame, row_numbers: np.ndarray | None = None) -> list[RowError]:
        """Every rule broken by every row of ``typed``: staged, then judged by one query."""
        self.stage(typed, np.arange(len(typed)) if row_numbers is None else row_numbers)
        failing: dict[int, list[int]] = {}
        for pos, failed in self.conn.execute(self._verdict).fetchall():
            for index in failed:
                failing.setdefault(index, []).append(int(pos))
        self._collect(typed, failing)
        errors: list[RowError] = []
        for check in self.compiled.checks:
            positions = sorted(failing.get(check.index, []))
            if positions:
                errors += row_errors(self.contract, check.config, positions, typed)
        errors.extend(owner_errors(self.contract, self.sender, typed))
        return errors

    def insert_good(self, bad: list[int], batch_id: uuid.UUID, sender: str, source_file: str) -> int:
        """The staged rows not in ``bad`` into ``raw.<dataset>``, cast to raw's types; how many."""
        names = [c.name for c in self.contract.columns]
        target = sql.SQL(", ").join(
            map(sql.Identifier, [*names, "_batch_id", "_sender", "_source_file", "_row_number"])
        )
        values = sql.SQL(", ").join(
            sql.SQL("{}::{}").format(sql.Identifier(c.name), sql.SQL(c.physical_type)) for c in self.contract.columns
        )
        cur = self.conn.execute(
            sql.SQL(
                # an anti-join on the bad positions (a hash join), not ``<> all(array)``: that compares every row
                # with every bad position (1 s per 100,000 rows with 1,000 bad ones)
                "insert into raw.{t} ({target}) select {values}, %s, %s, %s, _row_number from {stage} s "
                "left join unnest(%s::int[]) as bad(p) on bad.p = s._pos where bad.p is null"
            ).format(t=sql.Identifier(self.contract.name), target=target, values=values, stage=STAGE),
            (batch_id, sender, source_file, bad),
        )
        return cur.rowcount

    # --------------------------------------------------------------------------------------- Data Docs

    def _collect(self, typed: pd.DataFrame, failing: dict[int, list[int]]) -> None:
        """The chunk's results, shaped as GX returns them, into the Data Docs page."""
        if self.docs is None:
            return
        try:
            row = self.conn.execute(self._stats).fetchone()
            assert row is not None
            element, missing = int(row[0]), [int(m) for m in row[1:]]
            failing_columns = {
                c for check in self.compiled.checks if failing.get(check.index) for c in columns_of(check.config.kwargs)
            }
            # GX's view of the failing values only: converting every column of a clean chunk costs ~0.3 s per 100,000
            view = _gx_view(typed[sorted(failing_columns)], self.tz)
            results = []
            for check, missing_n in zip(self.compiled.checks, missing, strict=True):
                results.append(self._result(check, element, missing_n, sorted(failing.get(check.index, [])), view))
            self.docs.add(results)
        except Exception:
            logging.getLogger(__name__).exception("%s: no GX Data Docs page for this file", self.contract.name)
            self.docs = None

    def _result(self, check: _Check, element: int, missing: int, positions: list[int], view: pd.DataFrame) -> Any:
        config = SimpleNamespace(
            type=check.config.type,
            kwargs={k: _resolve(v, self.parameters) for k, v in check.config.kwargs.items()},
            meta=check.config.meta,
        )
        if check.config.type == "expect_column_to_exist":
            return SimpleNamespace(expectation_config=config, success=True, result={})
        result: dict[str, Any] = {"element_count": element, "unexpected_count": len(positions)}
        if check.config.type in _WITH_MISSING:
            result["missing_count"] = missing
        kw = check.config.kwargs
        if positions:
            if "column_list" in kw:
                cols = list(kw["column_list"])
                result["unexpected_list"] = [{c: view[c].iat[i] for c in cols} for i in positions]
            elif "column_A" in kw:
                a, b = (_as_numpy(view[kw[k]]) for k in ("column_A", "column_B"))
                result["unexpected_list"] = [(a[i], b[i]) for i in positions]
            else:
                series = view[kw["column"]]
                result["unexpected_list"] = [series.iat[i] for i in positions]
        return SimpleNamespace(expectation_config=config, success=not positions, result=result)


def _as_numpy(series: pd.Series) -> Any:
    """A column as GX hands pair values over: times as UTC ``datetime64``."""
    if isinstance(series.dtype, pd.DatetimeTZDtype):
        return series.dt.tz_convert("UTC").dt.tz_localize(None).to_numpy()
    return series.to_numpy()


def _bound(value: Any, physical: str) -> sql.Composable:
    """A range end as a literal of the column's type; "now" for a date column is the city's wall clock, so a
    date (midnight, city time) is compared as GX compares it."""
    if isinstance(value, pd.Timestamp | datetime):
        ts = pd.Timestamp(value)
        if physical == "date":
            return sql.SQL("{}::timestamp").format(sql.Literal(ts.tz_localize(None).isoformat()))
        return sql.SQL("{}::timestamptz").format(sql.Literal(ts.isoformat()))
    return sql.SQL("{}::{}").format(sql.Literal(value), sql.SQL(physical))
