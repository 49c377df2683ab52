"""The Great Expectations suite of a dataset, generated from its contract (``expectations/<dataset>.json``).

Each rule a contract column can carry has one small builder in :data:`COLUMN_RULES`, run in that order for
every column; rules over the whole table (the compound natural key, the contract's pair rules) follow. Every
expectation carries in its ``meta`` what the officer reads (``aturan``, ``perbaikan``, in Bahasa Indonesia) and
the reason code quarantine records (``kode``). City-dependent code lists, the city's box and "now" are suite
parameters (``$PARAMETER``), so one suite serves every city. Built with GX's own expectation classes, so an
invalid kwarg fails here, at generation time, not when an officer's file is validated.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from muara.contract import reference
from muara.contract.layout import NOW_PARAMETER, PII_SHAPES, city_bound_parameter, code_list_parameter
from muara.contract.model import Column, Contract

Rule = Callable[[Column, Contract, Any], Any]  # (column, contract, gx.expectations) -> Expectation | None


def _meta(column: str | None, rule: str, fix: str, code: str) -> dict[str, Any]:
    """What the officer reads (rule, fix, in Bahasa Indonesia) and the reason code quarantine records."""
    return {"kolom": column, "kode": code, "aturan": rule, "perbaikan": fix}


def _example(col: Column) -> str:
    """An example for the fix text; personal data is never echoed, not even the contract's invented example."""
    if col.pii is not None:
        return PII_SHAPES.get(col.pii.kind, "")
    return f" Contoh: {col.examples[0]}." if col.examples else ""


def _required(col: Column, contract: Contract, gxe: Any) -> Any:
    if not col.required:
        return None
    label = col.business_name
    return gxe.ExpectColumnValuesToNotBeNull(
        column=col.name,
        meta=_meta(
            col.name,
            f"'{label}' wajib diisi.",
            f"Isi kolom '{label}' pada baris ini.{_example(col)}",
            "required",
        ),
    )


def _allowed_values(col: Column, contract: Contract, gxe: Any) -> Any:
    if col.valid_values is None:
        return None
    values = ", ".join(col.valid_values)
    return gxe.ExpectColumnValuesToBeInSet(
        column=col.name,
        value_set=list(col.valid_values),
        meta=_meta(
            col.name,
            f"'{col.business_name}' harus salah satu dari: {values}.",
            f"Ganti dengan salah satu nilai yang disepakati: {values}.",
            "allowed_values",
        ),
    )


def _code_list(col: Column, contract: Contract, gxe: Any) -> Any:
    if col.code_list is None:
        return None
    list_name = col.code_list.partition(".")[0]
    return gxe.ExpectColumnValuesToBeInSet(
        column=col.name,
        value_set={"$PARAMETER": code_list_parameter(col.code_list)},
        meta=_meta(
            col.name,
            f"'{col.business_name}' harus ada di daftar kode {list_name} kota ini.",
            f"Gunakan kode dari daftar {list_name} "
            f"(schemas/reference/{reference.code_lists()[list_name]}).{_example(col)}",
            "code_list",
        ),
    )


def _pattern(col: Column, contract: Contract, gxe: Any) -> Any:
    if col.pattern is None:
        return None
    label = col.business_name
    return gxe.ExpectColumnValuesToMatchRegex(
        column=col.name,
        regex=col.pattern,
        meta=_meta(
            col.name,
            f"Format '{label}' tidak sesuai.",
            f"Tulis '{label}' dengan format yang benar.{_example(col)}",
            "pattern",
        ),
    )


def _length(col: Column, contract: Contract, gxe: Any) -> Any:
    if col.min_length is None and col.max_length is None:
        return None
    label = col.business_name
    return gxe.ExpectColumnValueLengthsToBeBetween(
        column=col.name,
        min_value=col.min_length,
        max_value=col.max_length,
        meta=_meta(
            col.name,
            f"Panjang '{label}' harus {col.min_length or 0} sampai {col.max_length or 'tak terbatas'} karakter.",
            f"Perpendek atau lengkapi isi '{label}'.",
            "length",
        ),
    )


def _range(col: Column, contract: Contract, gxe: Any) -> Any:
    if col.minimum is None and col.maximum is None:
        return None
    label = col.business_name
    return gxe.ExpectColumnValuesToBeBetween(
        column=col.name,
        min_value=col.minimum,
        max_value=col.maximum,
        meta=_meta(
            col.name,
            f"'{label}' harus antara {col.minimum} dan {col.maximum}.",
            f"Periksa nilai '{label}'; tulis angka saja tanpa satuan.{_example(col)}",
            "range",
        ),
    )


def _within_city(col: Column, contract: Contract, gxe: Any) -> Any:
    if not col.within_city:
        return None
    return gxe.ExpectColumnValuesToBeBetween(
        column=col.name,
        min_value={"$PARAMETER": city_bound_parameter(col.within_city, "min")},
        max_value={"$PARAMETER": city_bound_parameter(col.within_city, "max")},
        meta=_meta(
            col.name,
            f"'{col.business_name}' harus berada di wilayah kota ini.",
            "Periksa koordinat: lintang dan bujur mungkin tertukar, tanda minus hilang, "
            "atau koma desimal salah tempat.",
            "outside_city",
        ),
    )


def _not_in_future(col: Column, contract: Contract, gxe: Any) -> Any:
    if not col.not_in_future:
        return None
    label = col.business_name
    return gxe.ExpectColumnValuesToBeBetween(
        column=col.name,
        max_value={"$PARAMETER": NOW_PARAMETER},
        meta=_meta(
            col.name,
            f"'{label}' tidak boleh di masa depan.",
            f"Periksa tanggal '{label}': mungkin hari dan bulan tertukar (tulis dd/mm/yyyy).",
            "future",
        ),
    )


def _unique(col: Column, contract: Contract, gxe: Any) -> Any:
    if not (col.unique and len(contract.primary_key) == 1):
        return None
    label = col.business_name
    return gxe.ExpectColumnValuesToBeUnique(
        column=col.name,
        meta=_meta(
            col.name,
            f"'{label}' tidak boleh ganda dalam satu berkas.",
            f"Hapus baris ganda atau perbaiki '{label}' yang salah ketik.",
            "duplicate_key",
        ),
    )


#: the rules of one column, in the order the suite lists them (and so the order an officer reads the reasons)
COLUMN_RULES: tuple[Rule, ...] = (
    _required,
    _allowed_values,
    _code_list,
    _pattern,
    _length,
    _range,
    _within_city,
    _not_in_future,
    _unique,
)


def _columns_exist(contract: Contract, gxe: Any) -> list[Any]:
    out = []
    for name in contract.required_columns:
        col = contract.column(name)
        out.append(
            gxe.ExpectColumnToExist(
                column=name,
                meta=_meta(
                    name,
                    f"Kolom wajib '{col.business_name}' harus ada di berkas.",
                    f"Tambahkan kolom '{col.business_name}' "
                    f"(boleh juga berjudul: {', '.join(col.aliases[:3]) or name}).",
                    "missing_column",
                ),
            )
        )
    return out


def _compound_key(contract: Contract, gxe: Any) -> list[Any]:
    if len(contract.primary_key) <= 1:
        return []
    labels = ", ".join(contract.column(c).business_name for c in contract.primary_key)
    return [
        gxe.ExpectCompoundColumnsToBeUnique(
            column_list=list(contract.primary_key),
            # a key with an unreadable or blank part is already rejected for that part; it is no duplicate
            ignore_row_if="any_value_is_missing",
            meta=_meta(
                None,
                f"Kombinasi {labels} tidak boleh ganda dalam satu berkas.",
                "Hapus baris ganda atau gabungkan angkanya.",
                "duplicate_key",
            ),
        )
    ]


def _pair_rules(contract: Contract, gxe: Any) -> list[Any]:
    out = []
    for rule in contract.rules:
        a, b = contract.column(rule.column_a), contract.column(rule.column_b)
        fix = f"Periksa '{a.business_name}' dan '{b.business_name}' pada baris ini."
        out.append(
            gxe.ExpectColumnPairValuesAToBeGreaterThanB(
                column_A=rule.column_a,
                column_B=rule.column_b,
                or_equal=rule.or_equal,
                ignore_row_if="either_value_is_missing",
                meta={**_meta(rule.column_a, rule.description, fix, "rule"), "aturan_kontrak": rule.name},
            )
        )
    return out


def suite_parameters(contract: Contract) -> list[str]:
    """The ``$PARAMETER`` names the suite needs at validation time (the validator fills them for the city)."""
    names = {code_list_parameter(c.code_list) for c in contract.columns if c.code_list}
    names |= {city_bound_parameter(c.within_city, e) for c in contract.columns if c.within_city for e in ("min", "max")}
    if any(c.not_in_future for c in contract.columns):
        names.add(NOW_PARAMETER)
    return sorted(names)


def suite_dict(contract: Contract) -> dict[str, Any]:
    import great_expectations as gx
    import great_expectations.expectations as gxe

    expectations = _columns_exist(contract, gxe)
    for col in contract.columns:
        expectations.extend(e for rule in COLUMN_RULES if (e := rule(col, contract, gxe)) is not None)
    expectations += _compound_key(contract, gxe) + _pair_rules(contract, gxe)
    suite = gx.ExpectationSuite(
        name=contract.name,
        expectations=expectations,
        meta={
            "generated_from": f"schemas/{contract.path.name}",
            "contract_version": contract.version,
            "parameters": suite_parameters(contract),
        },
    )
    out: dict[str, Any] = suite.to_json_dict()
    return out


def render_suite(contract: Contract) -> str:
    return json.dumps(suite_dict(contract), indent=2, ensure_ascii=False, default=str) + "\n"
