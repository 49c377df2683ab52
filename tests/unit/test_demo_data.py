"""The demo-export generator: every dataset and sender, three real formats, valid values, counted mistakes.

Files are read back the way an ingest would (CSV as cp1252 with ``;``, XLSX with python-calamine, JSON with
``json``) and every row is checked against the contract by a small validator written here, independently of
the generator, so a value the generator gets wrong fails a test instead of passing through.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import statistics
from collections import Counter
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from python_calamine import CalamineWorkbook

from muara import settings
from muara.contract import model as contract
from muara.contract import reference
from muara.contract.model import Contract, normalise_header
from muara.devtools import demo_data as dd
from muara.devtools.demo_data import DemoFile, anchor_date, write_demo_data
from muara.devtools.demo_data.hooks import model_for
from muara.devtools.demo_data.values import fake_nik, fake_plates
from muara.devtools.demo_data.world import EXPORT_HOUR, World

BAD = object()  # a date cell that does not parse
SEED = 7


# ------------------------------------------------------------------------------------------- reading


def read_table(f: DemoFile) -> tuple[list[str], list[list[Any]]]:
    """Headers and raw rows of a demo file, read the way an officer's file is read."""
    if f.format == "csv":
        text = f.path.read_bytes().decode("cp1252")
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
        return rows[0], [[v if v != "" else None for v in r] for r in rows[1:]]
    if f.format == "xlsx":
        sheet = CalamineWorkbook.from_path(str(f.path)).get_sheet_by_index(0).to_python(skip_empty_area=False)
        header = [str(h) for h in sheet[2] if h != ""]
        data = [[None if v == "" else v for v in (r + [""] * len(header))[: len(header)]] for r in sheet[3:]]
        return header, data
    doc = json.loads(f.path.read_text(encoding="utf-8"))
    records = doc["data"] if isinstance(doc, dict) else doc
    header: list[str] = []
    for rec in records:
        header.extend(k for k in rec if k not in header)
    return header, [[rec.get(h) for h in header] for rec in records]


def parse(value: Any, logical_type: str) -> Any:
    if value is None:
        return None
    if logical_type in ("date", "timestamp"):
        if isinstance(value, datetime):
            return value
        if isinstance(value, date):
            return datetime(value.year, value.month, value.day)
        for fmt in ("%d/%m/%Y %H:%M", "%d/%m/%Y", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d"):
            try:
                return datetime.strptime(str(value), fmt)
            except ValueError:
                pass
        return BAD
    if logical_type in ("integer", "number"):
        return float(str(value).replace(",", ".")) if isinstance(value, str) else float(value)
    if logical_type == "boolean":
        return value
    return str(value)


def rows_of(f: DemoFile, c: Contract) -> list[dict[str, Any]]:
    header, data = read_table(f)
    mapping = c.header_map()
    names = [mapping[normalise_header(h)] for h in header]
    kinds = {col.name: col.logical_type for col in c.columns}
    return [{n: parse(v, kinds[n]) for n, v in zip(names, r, strict=True)} for r in data]


def check_file(f: DemoFile, city: str, anchor: datetime) -> tuple[Counter[str], list[dict[str, Any]], list[str]]:
    """Mistakes found in the file by kind, its rows, and anything wrong that is not a recorded mistake."""
    c = contract.get(f.dataset)
    rows = rows_of(f, c)
    kelurahan = set(reference.values("kelurahan.kode_kelurahan", city))
    found: Counter[str] = Counter()
    problems: list[str] = []
    seen: set[tuple[Any, ...]] = set()
    for i, row in enumerate(rows):
        kinds = set()
        for col in c.columns:
            v = row.get(col.name)
            if v is None:
                if col.required:
                    kinds.add("missing_required")
                continue
            if v is BAD:
                kinds.add("bad_date")
                continue
            if col.code_list == "kelurahan.kode_kelurahan" and v not in kelurahan:
                kinds.add("unknown_kelurahan")
                continue
            if col.code_list and v not in reference.values(col.code_list, city):
                problems.append(f"row {i}: {col.name}={v!r} not in {col.code_list}")
            if col.valid_values and v not in col.valid_values:
                problems.append(f"row {i}: {col.name}={v!r} not allowed")
            if col.pattern and not re.fullmatch(col.pattern, v):
                problems.append(f"row {i}: {col.name}={v!r} does not match {col.pattern}")
            if (col.minimum is not None and v < col.minimum) or (col.maximum is not None and v > col.maximum):
                problems.append(f"row {i}: {col.name}={v!r} out of range")
            if (col.max_length and len(v) > col.max_length) or (col.min_length and len(v) < col.min_length):
                problems.append(f"row {i}: {col.name} has a bad length")
            if isinstance(v, datetime) and (v > anchor or v > datetime.now()):
                problems.append(f"row {i}: {col.name}={v} is after the export time")
            if col.name == c.owner_column and v != f.sender:
                problems.append(f"row {i}: {col.name}={v!r} is not the sender {f.sender}")
        for r in c.rules:
            a, b = row.get(r.column_a), row.get(r.column_b)
            if (
                a is not None
                and b is not None
                and a is not BAD
                and b is not BAD
                and (a < b or (not r.or_equal and a == b))
            ):
                kinds.add("closed_before_opened")
        key = tuple(row.get(k) for k in c.primary_key)
        if all(k is not None and k is not BAD for k in key):
            if key in seen:
                kinds.add("duplicate_id")
            seen.add(key)
        if len(kinds) > 1:
            problems.append(f"row {i}: several mistakes {kinds}")
        found.update(kinds)
        row["_mistake"] = bool(kinds)
    return found, rows, problems


# ------------------------------------------------------------------------------------------ fixtures


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> list[DemoFile]:
    return write_demo_data(tmp_path_factory.mktemp("demo") / "inbox", city_code="53.71", seed=SEED)


@pytest.fixture(scope="module")
def checked(run: list[DemoFile]) -> list[tuple[DemoFile, Counter[str], list[dict[str, Any]], list[str]]]:
    anchor = datetime.combine(anchor_date(SEED), datetime.min.time()) + timedelta(hours=EXPORT_HOUR)
    return [(f, *check_file(f, "53.71", anchor)) for f in run]


def digest(files: list[DemoFile], root: Path) -> dict[str, str]:
    return {str(f.path.relative_to(root)): hashlib.sha256(f.path.read_bytes()).hexdigest() for f in files}


# ------------------------------------------------------------------------------------------- tests


def test_every_dataset_and_sender_has_a_file_in_its_folder(run: list[DemoFile]) -> None:
    for name, c in contract.load_all().items():
        senders = reference.senders_of(name, c.sender_kind, "53.71")
        assert senders, name
        written = {f.sender for f in run if f.dataset == name}
        assert written == set(senders), name
    for f in run:
        assert f.path.is_file()
        assert f.path.parent.name == f.dataset and f.path.parent.parent.name == f.sender
        assert f.path.name.startswith(f"{f.dataset}_") and f.path.suffix == f".{f.format}"


def test_aduan_rows_add_up_to_the_request_and_other_datasets_have_their_natural_size(run: list[DemoFile]) -> None:
    size = Counter()
    for f in run:
        size[f.dataset] += f.rows
    assert size["aduan"] == dd.DEFAULT_ROWS
    absensi = [f for f in run if f.dataset == "absensi"]
    assert all(20 <= f.rows <= 32 for f in absensi)  # one row per working day over ~6 weeks
    assert all(f.rows == 3 for f in run if f.dataset == "kemiskinan")  # one row per month, 3 months
    assert 20 <= size["halte"] <= 60
    assert all(size[d] >= 30 for d in ("kecelakaan", "darurat", "ritase_bus", "kemacetan", "izin"))


def test_all_three_formats_appear_for_aduan(run: list[DemoFile]) -> None:
    assert {f.format for f in run if f.dataset == "aduan"} == set(dd.FORMATS)


def test_files_read_back_with_the_row_count_and_headers_of_the_contract(run: list[DemoFile]) -> None:
    aliases = Counter()
    for f in run:
        c = contract.get(f.dataset)
        header, data = read_table(f)
        assert len(data) == f.rows, f.path
        mapping = c.header_map()
        assert all(normalise_header(h) in mapping for h in header), (f.path, header)
        assert len({mapping[normalise_header(h)] for h in header}) == len(header)
        if f.dataset == "aduan":
            aliases.update(header)
    # headers vary between files: the key column is not always called by its column name
    assert len({h for h in aliases if contract.get("aduan").header_map()[normalise_header(h)] == "nomor_aduan"}) > 1


def test_values_are_valid_except_for_the_recorded_mistakes(checked: list[Any]) -> None:
    for f, found, _rows, problems in checked:
        assert problems == [], (f.path, problems[:5])
        assert dict(found) == f.mistakes, f.path


def test_mistakes_are_about_one_percent_and_every_file_of_50_rows_has_one(checked: list[Any]) -> None:
    kinds = Counter()
    for f, _found, _rows, _problems in checked:
        kinds.update(f.mistakes)
        if f.rows >= 50:
            assert sum(f.mistakes.values()) >= 1, f.path
    total = sum(f.rows for f, *_ in checked)
    assert 0.005 <= sum(kinds.values()) / total <= 0.03
    assert set(kinds) == set(dd.MISTAKE_KINDS)


def test_a_large_file_has_about_one_percent_mistakes(tmp_path: Path) -> None:
    files = write_demo_data(tmp_path, rows=30_000, datasets=["aduan"], seed=3)
    share = sum(sum(f.mistakes.values()) for f in files) / 30_000
    assert 0.007 <= share <= 0.014


def test_same_seed_same_bytes_other_seed_other_bytes(run: list[DemoFile], tmp_path: Path) -> None:
    root = run[0].path.parents[2]
    again = write_demo_data(tmp_path / "a" / "inbox", city_code="53.71", seed=SEED)
    assert digest(again, tmp_path / "a" / "inbox") == digest(run, root)
    other = write_demo_data(tmp_path / "b" / "inbox", city_code="53.71", seed=SEED + 1, datasets=["aduan"])
    first = {k: v for k, v in digest(run, root).items() if k.split("/")[1] == "aduan"}
    changed = digest(other, tmp_path / "b" / "inbox")
    assert not set(first.values()) & set(changed.values())


def test_one_dataset_does_not_depend_on_which_others_are_asked_for(run: list[DemoFile], tmp_path: Path) -> None:
    root = run[0].path.parents[2]
    alone = write_demo_data(tmp_path, city_code="53.71", seed=SEED, datasets=["darurat"])
    theirs = {k: v for k, v in digest(run, root).items() if k.split("/")[1] == "darurat"}
    assert digest(alone, tmp_path) == theirs


def test_parallel_workers_write_the_same_bytes_and_report_each_file(tmp_path: Path) -> None:
    one = write_demo_data(tmp_path / "1", rows=3000, datasets=["aduan", "izin"], workers=1)
    said: list[str] = []
    two = write_demo_data(tmp_path / "2", rows=3000, datasets=["aduan", "izin"], workers=2, progress=said.append)
    assert [f.path.name for f in one] == [f.path.name for f in two]
    assert digest(one, tmp_path / "1") == digest(two, tmp_path / "2")
    assert len(said) == len(two)
    assert {m.rsplit(" -> ", 1)[1] for m in said} == {str(f.path) for f in two}


def test_times_end_at_a_fixed_anchor_in_the_past() -> None:
    assert anchor_date(42) == anchor_date(42)
    assert anchor_date(42) <= date.today()
    assert len({anchor_date(s) for s in range(20)}) > 1


def test_xlsx_has_a_title_row_a_blank_row_an_alias_sheet_and_both_date_styles(run: list[DemoFile]) -> None:
    kinds = set()
    xlsx = [f for f in run if f.format == "xlsx"]
    assert xlsx
    for f in xlsx:
        c = contract.get(f.dataset)
        wb = CalamineWorkbook.from_path(str(f.path))
        assert wb.sheet_names[0] in c.sheet_aliases
        sheet = wb.get_sheet_by_index(0).to_python(skip_empty_area=False)
        assert str(sheet[0][0]).startswith("REKAP ") and "PERIODE" in sheet[0][0]
        assert all(v == "" for v in sheet[1])
        timed = [
            i
            for i, h in enumerate(sheet[2])
            if c.header_map()[normalise_header(h)]
            in {col.name for col in c.columns if col.logical_type in ("date", "timestamp") and col.required}
        ]
        kinds.update(type(r[i]).__name__ for r in sheet[3:] for i in timed if r[i] != "")
        with f.path.open("rb") as fh:  # a real zip written by xlsxwriter
            assert fh.read(2) == b"PK"
    assert {"datetime", "str"} <= kinds or {"date", "str"} <= kinds


def test_csv_is_windows_1252_with_semicolons_decimal_commas_and_dd_mm_yyyy(run: list[DemoFile]) -> None:
    csvs = [f for f in run if f.format == "csv" and f.dataset == "aduan"]
    blob = b"".join(f.path.read_bytes() for f in csvs)
    assert any(ch.encode("cp1252") in blob for ch in "’–é°")
    with pytest.raises(UnicodeDecodeError):
        blob.decode("utf-8")
    text = blob.decode("cp1252")
    assert re.search(r";\d{2}/\d{2}/\d{4} \d{2}:\d{2}(;|\r\n)", text)
    assert re.search(r";-?\d+,\d+;", text)
    assert "\r\n" in text


def test_json_is_an_api_payload_with_local_iso_times(run: list[DemoFile]) -> None:
    shapes = set()
    for f in (f for f in run if f.format == "json"):
        doc = json.loads(f.path.read_text(encoding="utf-8"))
        shapes.add(type(doc).__name__)
        if isinstance(doc, dict):
            assert doc["meta"]["total"] == f.rows == len(doc["data"])
    assert shapes == {"dict", "list"}
    text = next(f for f in run if f.format == "json" and f.dataset == "aduan").path.read_text(encoding="utf-8")
    assert re.search(r'"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}"', text)
    assert not re.search(r'T\d{2}:\d{2}:\d{2}(Z|[+-]\d{2}:?\d{2})"', text)


def test_aduan_status_matches_its_times_and_categories_match_the_opd(checked: list[Any]) -> None:
    default_opd = {r["kode_kategori"]: r["kode_opd_default"] for r in reference.rows("kategori_aduan")}
    statuses = Counter()
    for f, _found, rows, _p in checked:
        if f.dataset != "aduan":
            continue
        owns = f.sender in default_opd.values()
        for r in rows:
            if r["_mistake"]:
                continue
            statuses[r["status"]] += 1
            if r["status"] in ("menunggu", "diverifikasi"):
                assert r["waktu_respons_pertama"] is None and r["waktu_selesai"] is None
            elif r["status"] in ("didisposisi", "diproses"):
                assert r["waktu_respons_pertama"] is not None and r["waktu_selesai"] is None
            else:
                assert r["waktu_selesai"] is not None
            if owns:
                assert default_opd[r["kode_kategori"]] == f.sender
            assert r["nik_pelapor"] is None or r["nik_pelapor"].startswith("5371")
    assert set(statuses) == set(contract.get("aduan").column("status").valid_values)
    assert statuses["selesai"] > statuses["menunggu"] > 0


def test_realism_hooks_for_counts_minutes_and_plates(checked: list[Any]) -> None:
    by_dataset: dict[str, list[dict[str, Any]]] = {}
    for f, _found, rows, _p in checked:
        by_dataset.setdefault(f.dataset, []).extend(r for r in rows if not r["_mistake"])
    parts = ("hadir", "izin", "sakit", "cuti", "dinas_luar", "tanpa_keterangan")
    for r in by_dataset["absensi"]:
        assert sum(r[p] for p in parts if r[p] is not None) == r["jumlah_pegawai"]
    minutes = [
        (r["waktu_tiba"] - r["waktu_lapor"]).total_seconds() / 60
        for r in by_dataset["darurat"]
        if r["waktu_tiba"] is not None
    ]
    assert 5 <= statistics.median(minutes) <= 60
    assert all(r["nomor_armada"].startswith("DH") for r in by_dataset["ritase_bus"])
    assert all(r["terisi"] <= r["kapasitas"] for r in by_dataset["tempat_tidur"])
    assert {r["status"] for r in by_dataset["cctv"]} >= {"online", "rusak"}


@pytest.mark.parametrize("how", ["MUARA_CITY", "city_code"])
def test_tasikmalaya_gets_only_its_own_kelurahan(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, how: str) -> None:
    if how == "MUARA_CITY":
        monkeypatch.setenv("MUARA_CITY", "32.78")
        files = write_demo_data(tmp_path, rows=300)
    else:
        monkeypatch.setenv("MUARA_CITY", "53.71")
        files = write_demo_data(tmp_path, rows=300, city_code="32.78")
    assert files
    own = set(reference.values("kelurahan.kode_kelurahan", "32.78"))
    anchor = datetime.combine(anchor_date(42), datetime.min.time()) + timedelta(hours=EXPORT_HOUR)
    kemiskinan = {f.sender for f in files if f.dataset == "kemiskinan"}
    assert kemiskinan == own  # every Tasikmalaya kelurahan sends its poverty data
    for f in files:
        found, rows, problems = check_file(f, "32.78", anchor)
        assert problems == [] and dict(found) == f.mistakes
        c = contract.get(f.dataset)
        kel_cols = [col.name for col in c.columns if col.code_list == "kelurahan.kode_kelurahan"]
        for r in rows:
            for col in kel_cols:
                assert r[col] is None or r[col].startswith("32.78."), (f.path, r[col])


def test_xlsx_over_the_row_limit_is_split_into_parts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("muara.devtools.demo_data.plan.XLSX_MAX_DATA_ROWS", 60)
    monkeypatch.setattr("muara.devtools.demo_data.run.CHUNK_ROWS", 25)  # several chunks per part, too
    files = write_demo_data(tmp_path, rows=1500, datasets=["aduan"])
    parts = [f for f in files if "_part" in f.path.name]
    assert parts and all(f.format == "xlsx" and f.rows <= 60 for f in parts)
    sender = parts[0].sender
    mine = [f for f in files if f.sender == sender]
    ids = [r["nomor_aduan"] for f in mine for r in rows_of(f, contract.get("aduan"))]
    dups = sum(f.mistakes.get("duplicate_id", 0) for f in mine)
    assert len(ids) == sum(f.rows for f in mine) and len(set(ids)) >= len(ids) - dups
    assert len(set(ids)) > 60


@pytest.mark.parametrize(
    ("source", "name", "shape"),
    [("kemacetan", "parkir", "grid"), ("kecelakaan", "laka_kecil", "events")],
)
def test_a_contract_without_a_hook_still_gets_valid_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, source: str, name: str, shape: str
) -> None:
    """The generator works from the contract alone: a new dataset needs no code."""
    import yaml

    home = tmp_path / "home"
    (home / "schemas" / "reference").mkdir(parents=True)
    (home / "pyproject.toml").write_text("")
    for p in settings.reference_dir().glob("*.csv"):
        text = p.read_text(encoding="utf-8")
        if p.name == "opd.csv":  # DISHUB, DISKOMINFO and every OPD that sends only aduan + absensi send it
            text = text.replace("cctv\n", f"cctv {name}\n").replace(",aduan absensi\n", f",aduan absensi {name}\n")
        (home / "schemas" / "reference" / p.name).write_text(text, encoding="utf-8")
    doc = contract.read_document(settings.schemas_dir() / f"{source}.odcs.yaml")
    doc["name"] = doc["id"] = name
    props = doc["schema"][0]["properties"]
    if shape == "events":  # a key only digits fit: the generic ID layouts must find one
        props[0]["logicalTypeOptions"] = {"pattern": "^[0-9]{6,12}$"}
    props.append(
        {
            "name": "nomor_karcis",
            "logicalType": "string",
            "physicalType": "text",
            "required": True,
            "logicalTypeOptions": {"pattern": "^KR-[0-9]{6}$"},
        }
    )
    props.append(
        {
            "name": "tarif",
            "logicalType": "integer",
            "physicalType": "bigint",
            "required": False,
            "logicalTypeOptions": {"minimum": 2000, "maximum": 5000},
        }
    )
    (home / "schemas" / f"{name}.odcs.yaml").write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    monkeypatch.setenv("MUARA_HOME", str(home))

    files = write_demo_data(tmp_path / "out", datasets=[name], seed=5)
    assert {f.sender for f in files} == set(reference.senders_of(name, "opd", "53.71")) and len(files) > 1
    assert model_for(contract.get(name)).kind == shape
    anchor = datetime.combine(anchor_date(5), datetime.min.time()) + timedelta(hours=EXPORT_HOUR)
    for f in files:
        found, rows, problems = check_file(f, "53.71", anchor)
        assert problems == [] and dict(found) == f.mistakes and rows
        assert all(r["nomor_karcis"] is None or re.fullmatch(r"KR-\d{6}", r["nomor_karcis"]) for r in rows)


@pytest.mark.parametrize(
    ("city", "prefix"), [("53.71", "DH"), ("32.78", "Z"), ("21.71", "BP"), ("16.71", "BG"), ("64.71", "KT")]
)
def test_plates_and_niks_belong_to_the_city(city: str, prefix: str) -> None:
    # only Kupang has OPDs in opd.csv today, so other cities' vehicles are checked on the generator itself
    import numpy as np

    world = World(42, city, anchor_date(42))
    rng = np.random.default_rng(1)
    plates = fake_plates(world, rng, 50)
    assert all(re.fullmatch(rf"{prefix} \d{{4}} [A-Z]{{2}}", p) for p in plates)
    niks = fake_nik(world, rng, world.kelurahan(rng, 50))
    assert all(re.fullmatch(r"\d{16}", n) and n.startswith(city.replace(".", "")) for n in niks)


def test_explicit_anchor_is_deterministic_and_never_today(tmp_path: Path) -> None:
    day = date.today() - timedelta(days=1)
    a = write_demo_data(tmp_path / "a", rows=200, seed=5, datasets=["aduan"], anchor=day, workers=1)
    b = write_demo_data(tmp_path / "b", rows=200, seed=5, datasets=["aduan"], anchor=day, workers=1)
    assert [f.path.read_bytes() for f in a] == [f.path.read_bytes() for f in b]
    assert all(day.strftime("%Y%m%d") in f.path.name for f in a)
    with pytest.raises(ValueError, match="before today"):
        write_demo_data(tmp_path / "c", rows=10, datasets=["aduan"], anchor=date.today())
