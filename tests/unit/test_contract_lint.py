"""`muara contracts lint`: the repository passes; a broken contract fails and says where and how to fix it."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from muara.contract import lint as contract_lint
from tests.conftest import ROOT

ADUAN = ROOT / "schemas" / "aduan.odcs.yaml"
Doc = dict[str, Any]


def _prop(doc: Doc, name: str) -> Doc:
    return next(p for p in doc["schema"][0]["properties"] if p["name"] == name)


def _set_custom(node: Doc, key: str, value: Any) -> None:
    cps = [cp for cp in node.get("customProperties", []) if cp["property"] != key]
    node["customProperties"] = [*cps, {"property": key, "value": value}]


def _del_top(key: str) -> Callable[[Doc], None]:
    return lambda d: d.pop(key)


BROKEN: dict[str, tuple[Callable[[Doc], None], str, str]] = {
    # mutation, the field the message must name, a fragment of the fix
    "missing apiVersion": (_del_top("apiVersion"), "apiVersion", "add the missing field"),
    "unknown ODCS logical type": (lambda d: _prop(d, "kanal").update(logicalType="text"), "logicalType", "use one of"),
    "field outside the standard": (lambda d: d.update(owner="PUPR"), "owner", "customProperties"),
    "wrong api version": (lambda d: d.update(apiVersion="v3.0.2"), "apiVersion", "v3.1.0"),
    "name differs from file": (lambda d: d.update(name="pengaduan"), "name", "set name: aduan"),
    "physical type does not fit": (
        lambda d: _prop(d, "latitude").update(physicalType="text"),
        "(latitude).physicalType",
        "double precision",
    ),
    "pattern does not compile": (
        lambda d: _prop(d, "nomor_aduan")["logicalTypeOptions"].update(pattern="^[A-Z$"),
        "(nomor_aduan).logicalTypeOptions.pattern",
        "valid regular expression",
    ),
    "code list that does not exist": (
        lambda d: _set_custom(_prop(d, "kode_kelurahan"), "codeList", "kecamatan.kode"),
        "(kode_kelurahan).customProperties.codeList",
        "use one of",
    ),
    "code list column that does not exist": (
        lambda d: _set_custom(_prop(d, "kode_opd"), "codeList", "opd.kode"),
        "(kode_opd).customProperties.codeList",
        "kode_opd",
    ),
    "unknown PII protection": (
        lambda d: _set_custom(_prop(d, "nik_pelapor"), "pii", {"kind": "nik", "protection": "encrypt"}),
        "(nik_pelapor).customProperties.pii",
        "protection: one of",
    ),
    "restricted without protection": (
        lambda d: _prop(d, "alamat").update(classification="restricted"),
        "(alamat).customProperties",
        "protection: hash|mask",
    ),
    "PII unclassified": (
        lambda d: _prop(d, "nik_pelapor").pop("classification"),
        "(nik_pelapor).classification",
        "classification: restricted",
    ),
    "alias used by two columns": (
        lambda d: _set_custom(_prop(d, "waktu_selesai"), "aliases", ["Tgl Lapor"]),
        "(waktu_selesai).customProperties.aliases",
        "one column only",
    ),
    "misspelt custom property": (
        lambda d: _set_custom(_prop(d, "kanal"), "alias", ["Saluran"]),
        "(kanal).customProperties.alias",
        "use one of",
    ),
    "no primary key": (
        lambda d: [p.pop("primaryKey", None) for p in d["schema"][0]["properties"]],
        "schema[0].properties",
        "primaryKey: true",
    ),
    "optional key": (
        lambda d: _prop(d, "nomor_aduan").update(required=False),
        "(nomor_aduan).required",
        "required: true",
    ),
    "owner column missing": (
        lambda d: _set_custom(d, "ownerColumn", "kode_dinas"),
        "customProperties.ownerColumn",
        "sender's code",
    ),
    "example breaks its pattern": (
        lambda d: _prop(d, "nik_pelapor").update(examples=["12345"]),
        "(nik_pelapor).examples",
        "fix the example",
    ),
    "withinCity on a text column": (
        lambda d: _set_custom(_prop(d, "alamat"), "withinCity", "latitude"),
        "(alamat).customProperties.withinCity",
        "on a number column",
    ),
    "example not in its code list": (
        lambda d: _prop(d, "kode_kelurahan").update(examples=["53.71.04.1004"]),
        "(kode_kelurahan).examples",
        "use a real code",
    ),
    "example not an allowed value": (
        lambda d: _prop(d, "status").update(examples=["beres"]),
        "(status).examples",
        "use one of",
    ),
    "rule on a missing column": (
        lambda d: d["schema"][0]["quality"][0]["implementation"]["kwargs"].update(column_A="waktu_tanggap"),
        "implementation.kwargs.column_A",
        "name a column",
    ),
    "frequency without a unit we know": (
        lambda d: d["slaProperties"][0].update(unit="fortnight"),
        "slaProperties.frequency",
        "unit from",
    ),
    "no senderKind": (
        lambda d: d.update(customProperties=[cp for cp in d["customProperties"] if cp["property"] != "senderKind"]),
        "customProperties",
        "senderKind",
    ),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_broken_contract_fails_with_a_useful_message(case: str, tmp_path: Path) -> None:
    mutate, field, fix = BROKEN[case]
    doc = copy.deepcopy(yaml.safe_load(ADUAN.read_text(encoding="utf-8")))
    mutate(doc)
    path = tmp_path / "aduan.odcs.yaml"
    path.write_text(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True), encoding="utf-8")
    findings = contract_lint.lint_file(path)
    assert findings, f"{case}: lint found nothing"
    text = "\n".join(str(f) for f in findings)
    assert all(f.file == "aduan.odcs.yaml" for f in findings)
    assert any(field in f.field for f in findings), f"{case}: no finding names {field!r}:\n{text}"
    assert any(fix in f.fix for f in findings), f"{case}: no fix says {fix!r}:\n{text}"


def test_invalid_yaml_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "aduan.odcs.yaml"
    path.write_text("apiVersion: v3.1.0\nkind: DataContract\nschema: [\n  name: x\n", encoding="utf-8")
    (finding,) = contract_lint.lint_file(path)
    assert "not valid YAML" in finding.problem and "line" in finding.problem
