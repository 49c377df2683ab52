"""`muara check` / `muara ingest` against the real Postgres, GX and demo exports."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

import psycopg
import pytest

from muara.devtools.demo_data import write_demo_data
from tests import odd_places
from tests.conftest import MUARA, ROOT, muara

pytestmark = pytest.mark.integration
YESTERDAY = date.today() - timedelta(days=1)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], object]:
    out = tmp_path_factory.mktemp("demo")
    files = write_demo_data(out, rows=600, seed=11, anchor=YESTERDAY, workers=1)
    return {(f.dataset, f.sender): f for f in files}


@pytest.fixture
def data_dir(tmp_path: Path) -> dict[str, str]:
    """Reports and secrets of these tests go to a temporary data folder (the Postgres stays the test one)."""
    return {"MUARA_DATA_DIR": str(tmp_path / "data")}


def _json_lines(stdout: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in stdout.splitlines() if line.startswith("{")]


def _url() -> str:
    return muara("db", "url", check=True).stdout.strip()


def test_check_exit_codes_with_counts_that_add_up(
    pg: object, demo: dict, data_dir: dict[str, str], tmp_path: Path
) -> None:
    good = next(f for f in demo.values() if not sum(f.mistakes.values()) and f.rows >= 3)
    bad = next(f for (d, _), f in demo.items() if d == "aduan" and sum(f.mistakes.values()))
    empty = tmp_path / "kosong.csv"
    empty.write_bytes(b"")
    cases = [(good, 0), (bad, 1)]
    for f, code in cases:
        res = muara("check", str(f.path), "--dataset", f.dataset, "--sender", f.sender, "--json", env=data_dir)
        assert res.returncode == code, res.stdout + res.stderr
        (out,) = _json_lines(res.stdout)
        assert out["rows_read"] == f.rows == out["rows_loaded"] + out["rows_rejected"]
        assert (out["rows_rejected"] == 0) is (code == 0)
    res = muara("check", str(empty), "--dataset", "aduan", "--sender", "PUPR", "--json", env=data_dir)
    assert res.returncode == 2
    (out,) = _json_lines(res.stdout)
    assert (out["reason"], out["rows_read"], out["rows_loaded"], out["rows_rejected"]) == ("empty", 0, 0, 0)
    assert "kosong.csv" in out["message"]


def test_check_prints_the_officers_report_in_bahasa_indonesia(pg: object, demo: dict, data_dir: dict[str, str]) -> None:
    bad = next(f for (d, _), f in demo.items() if d == "aduan" and sum(f.mistakes.values()))
    res = muara("check", str(bad.path), "--dataset", "aduan", "--sender", bad.sender, env=data_dir)
    assert res.returncode == 1
    assert "Baris dibaca" in res.stdout and "Ditolak" in res.stdout and "Perbaikan:" in res.stdout
    assert re.search(r"Baris \d+:", res.stdout)


def test_same_file_twice_loads_once(pg: object, demo: dict, data_dir: dict[str, str]) -> None:
    f = demo[("izin", "DPMPTSP")]
    with psycopg.connect(_url()) as conn:
        before = conn.execute("select count(*) from raw.izin").fetchone()[0]  # type: ignore[index]
    first = _json_lines(
        muara("ingest", str(f.path), "--dataset", "izin", "--sender", "DPMPTSP", "--json", env=data_dir).stdout
    )[0]
    assert first["status"] in ("loaded", "partial")
    assert first["rows_read"] == first["rows_loaded"] + first["rows_rejected"] == f.rows
    with psycopg.connect(_url()) as conn:
        middle = conn.execute("select count(*) from raw.izin").fetchone()[0]  # type: ignore[index]
    assert middle == before + first["rows_loaded"]
    second = _json_lines(
        muara("ingest", str(f.path), "--dataset", "izin", "--sender", "DPMPTSP", "--json", env=data_dir).stdout
    )[0]
    assert second["status"] == "duplicate" and second["duplicate_of"] == first["batch_id"]
    assert (second["rows_read"], second["rows_loaded"], second["rows_rejected"]) == (0, 0, 0)
    with psycopg.connect(_url()) as conn:
        assert conn.execute("select count(*) from raw.izin").fetchone()[0] == middle  # type: ignore[index]
        ledger = conn.execute(
            "select status, report_path from muara.ingest_batch where batch_id = %s", (second["batch_id"],)
        ).fetchone()
    assert ledger is not None and ledger[0] == "duplicate" and Path(ledger[1]).exists()


def test_sender_cannot_write_another_opds_rows(pg: object, demo: dict, data_dir: dict[str, str]) -> None:
    f = demo[("izin", "DPMPTSP")]
    res = muara("check", str(f.path), "--dataset", "izin", "--sender", "DINSOS", "--json", env=data_dir)
    assert res.returncode == 2
    assert _json_lines(res.stdout)[0]["reason"] == "sender_not_allowed"
    pupr = demo[("aduan", "PUPR")]
    res = muara("check", str(pupr.path), "--dataset", "aduan", "--sender", "DLHK", "--json", env=data_dir)
    out = _json_lines(res.stdout)[0]
    assert out["rows_rejected"] == out["rows_read"] > 0
    assert {r["reason"] for r in out["rejected_by_rule"]} >= {"owner"}


# a 16-digit NIK or an Indonesian mobile number not inside a hex digest (HMAC output holds digit runs too)
NIK = re.compile(r"(?<![0-9a-f])\d{16}(?![0-9a-f])")
PHONE = re.compile(r"(?<![0-9a-f*])(\+62|62|0)8\d{7,12}(?![0-9a-f])")


def _clear_text_values(f: object) -> set[str]:
    """Every NIK and phone number as written in a demo export (whatever its format)."""
    from muara.contract import model as contract
    from muara.readers.dispatch import open_export

    c = contract.get(f.dataset)  # type: ignore[attr-defined]
    _layout, chunks = open_export(f.path, c)  # type: ignore[attr-defined]
    values: set[str] = set()
    for chunk in chunks:
        for col in c.pii_columns:
            if col.pii and col.pii.kind in ("nik", "telepon") and col.name in chunk.frame.columns:
                values |= {str(v) for v in chunk.frame[col.name].dropna()}
    return values


def test_no_clear_text_nik_or_phone_anywhere_in_raw_or_quarantine(
    pg: object, demo: dict, data_dir: dict[str, str]
) -> None:
    sent: set[str] = set()
    keys = [("aduan", "PUPR"), ("aduan", "DLHK"), ("darurat", "BPBD"), ("izin", "DPMPTSP")]
    sent_rows = sum(demo[k].rows for k in keys)
    for key in keys:
        f = demo[key]
        sent |= _clear_text_values(f)
        muara("ingest", str(f.path), "--dataset", f.dataset, "--sender", f.sender, "--json", env=data_dir)
    assert len(sent) > 100
    digits = {re.sub(r"\D", "", v) for v in sent}
    found = []
    scanned = 0
    with psycopg.connect(_url()) as conn:
        tables = conn.execute(
            "select table_schema, table_name from information_schema.tables where table_schema in ('raw', 'quarantine')"
        ).fetchall()
        for schema, table in tables:
            for (row,) in conn.execute(f'select to_jsonb(t)::text from "{schema}"."{table}" t'):
                scanned += 1
                found += [(schema, table, m.group()) for m in NIK.finditer(row)]
                found += [(schema, table, m.group()) for m in PHONE.finditer(row)]
                found += [(schema, table, v) for v in digits if len(v) >= 10 and v in row]
    assert scanned >= sent_rows  # every row sent is somewhere: raw or quarantine
    assert not found, found[:5]


COUNTS = (
    "select (select count(*) from raw.aduan), (select count(*) from quarantine.aduan), "
    "(select count(*) from muara.ingest_batch)"
)


#: a chunk going into raw.aduan: INSERT ... SELECT from the stage (the SQL engine) or COPY (the GX engine)
LOADING = "query ilike 'insert into raw.%aduan%' or query ilike 'copy raw.%aduan%'"


def test_killed_ingest_leaves_nothing_and_the_rerun_loads_once(pg: object, tmp_path: Path) -> None:
    from muara.devtools.bench_ingest import SENDER, synthesize_aduan_csv
    from muara.ingest.pipeline import sha256_of

    path = synthesize_aduan_csv(tmp_path / "aduan_pupr_1m.csv", 1_000_000)
    big = type("Big", (), {"path": path, "sender": SENDER, "rows": 1_000_000})
    digest, _ = sha256_of(big.path)
    env = {**os.environ, "MUARA_DATA_DIR": str(tmp_path / "data")}
    args = [MUARA, "ingest", str(big.path), "--dataset", "aduan", "--sender", big.sender, "--json"]
    with psycopg.connect(_url(), autocommit=True) as watch:
        before = watch.execute(COUNTS).fetchone()
        proc = subprocess.Popen(args, env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 300
        copies = 0  # loads into raw seen starting (one per chunk): kill during the second or a later one
        last = None
        while time.monotonic() < deadline and proc.poll() is None and copies < 2:
            row = watch.execute(
                f"select query_start from pg_stat_activity where ({LOADING}) and state = 'active'"
            ).fetchone()
            if row and row[0] != last:
                copies, last = copies + 1, row[0]
            time.sleep(0.02)
        assert copies >= 2 and proc.poll() is None, "the ingest finished before it could be killed"
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(30)
        # the server notices the dead client and rolls its transaction back
        deadline = time.monotonic() + 30
        while (
            time.monotonic() < deadline and watch.execute(f"select 1 from pg_stat_activity where {LOADING}").fetchone()
        ):
            time.sleep(0.1)
        assert watch.execute(COUNTS).fetchone() == before, "rows or a ledger row of the killed load are visible"
        assert watch.execute("select count(*) from muara.ingest_batch where sha256 = %s", (digest,)).fetchone() == (0,)
    rerun = subprocess.run(args, env=env, cwd=ROOT, capture_output=True, text=True, timeout=600)
    out = _json_lines(rerun.stdout)[0]
    assert out["status"] in ("loaded", "partial") and out["rows_read"] == big.rows
    with psycopg.connect(_url()) as conn:
        loaded = conn.execute("select count(*) from raw.aduan where _batch_id = %s", (out["batch_id"],)).fetchone()
        ledger = conn.execute(
            "select status, rows_loaded from muara.ingest_batch where sha256 = %s", (digest,)
        ).fetchall()
    assert loaded == (out["rows_loaded"],)
    assert ledger == [(out["status"], out["rows_loaded"])]


def _partly_bad_aduan(folder: Path) -> Path:
    """Eight DISDUKCAPIL complaints: a 15-digit NIK, a NIK Excel wrote as 5.37103E+15, a phone without its 0,
    a channel that is markup and a complaint number that is a spreadsheet formula. A fresh token in every
    description keeps the bytes new, so a rerun of the suite loads it again instead of calling it a duplicate."""
    lines = (ROOT / "tests" / "fixtures" / "bad" / "aduan_nik_15_digit.csv").read_text(encoding="utf-8").splitlines()
    token = uuid.uuid4().hex[:8]
    lines = [lines[0]] + [line.replace(".,", f" ({token}).,", 1) for line in lines[1:]]
    lines[2] = lines[2].replace(",lapor,", ",<script>alert(1)</script>,", 1)
    lines[5] = lines[5].replace("ADU/DUKCAPIL/2026/0215", '=HYPERLINK("http://x")', 1)
    path = folder / "aduan_dukcapil_sebagian_salah.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_gx_data_docs_page_beside_the_report_without_personal_data(
    pg: object, data_dir: dict[str, str], tmp_path: Path
) -> None:
    path = _partly_bad_aduan(tmp_path)
    res = muara("ingest", str(path), "--dataset", "aduan", "--sender", "DISDUKCAPIL", "--json", env=data_dir)
    assert res.returncode == 1, res.stdout + res.stderr
    (out,) = _json_lines(res.stdout)
    assert out["status"] == "partial" and out["rows_rejected"] == 4
    docs, report_html = Path(out["report"]["gx_docs"]), Path(out["report"]["html"])
    assert docs.parent == report_html.parent and docs.name == report_html.name.replace(".html", "_gx.html")
    page = docs.read_text(encoding="utf-8")
    # GX's own page: the failing expectation of the NIK column, with the file's unexpected count
    start = page.rindex("nik_pelapor")  # its column section (sections follow the column names' order)
    nik = page[start : page.index("nomor_aduan", start)]
    assert "values must match this regular expression" in nik and "2 unexpected values found" in nik
    assert "Unsuccessful Expectations" in page and "aduan_dukcapil_sebagian_salah.csv" in page
    # no personal data in clear: the bad NIKs, the bad phone, the reporters' names
    for clear in ("537102410990004", "5.37103E+15", "81339012345", "Rina Kana", "Veronika Boimau"):
        assert clear not in page, clear
    assert "*******2345" in page  # the phone as the contract shows it: masked
    # values are escaped: the markup and the formula are text, and the page loads nothing from elsewhere
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "=HYPERLINK(&quot;http://x&quot;)" in page
    assert "<script" not in page and "<link" not in page
    # the officer's reports point to it, and so does the ledger
    assert f'<a href="{docs.name}">' in report_html.read_text(encoding="utf-8")
    assert docs.name in Path(out["report"]["text"]).read_text(encoding="utf-8")
    with psycopg.connect(_url()) as conn:
        row = conn.execute(
            "select data_docs_path from muara.ingest_batch where batch_id = %s", (out["batch_id"],)
        ).fetchone()
    assert row == (str(docs),)


def test_no_gx_page_for_a_file_refused_before_validation(pg: object, data_dir: dict[str, str], tmp_path: Path) -> None:
    empty = tmp_path / "kosong.csv"
    empty.write_bytes(b"")
    res = muara("ingest", str(empty), "--dataset", "aduan", "--sender", "PUPR", "--json", env=data_dir)
    assert res.returncode == 2
    (out,) = _json_lines(res.stdout)
    assert "gx_docs" not in out["report"] and "html" in out["report"]
    assert "GX Data Docs" not in Path(out["report"]["html"]).read_text(encoding="utf-8")


@pytest.mark.parametrize("sender", ["../../keluar", "/tmp/di-luar", "PUPR/../../x", "BUKAN-OPD"])
def test_a_sender_that_is_not_a_registry_code_builds_no_path_and_no_ledger_row(
    pg: object, demo: dict, data_dir: dict[str, str], tmp_path: Path, sender: str
) -> None:
    """`--sender` is checked against the city's registry before any report folder or ledger row is made."""
    f = demo[("aduan", "PUPR")]
    with psycopg.connect(_url()) as conn:
        before = conn.execute("select count(*) from muara.ingest_batch").fetchone()
    res = muara("ingest", str(f.path), "--dataset", "aduan", "--sender", sender, env=data_dir)
    assert res.returncode == 2
    assert "tidak dikenal" in res.stderr and "schemas/reference/opd.csv" in res.stderr
    written = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert written == [], written
    with psycopg.connect(_url()) as conn:
        assert conn.execute("select count(*) from muara.ingest_batch").fetchone() == before
    checked = muara("check", str(f.path), "--dataset", "aduan", "--sender", sender, env=data_dir)
    assert checked.returncode == 2 and "tidak dikenal" in checked.stderr


def test_a_kelurahan_dataset_from_an_opd_is_told_about_kelurahan_codes(
    pg: object, demo: dict, data_dir: dict[str, str]
) -> None:
    f = next(v for (dataset, _), v in demo.items() if dataset == "kemiskinan")
    res = muara("check", str(f.path), "--dataset", "kemiskinan", "--sender", "PUPR", "--json", env=data_dir)
    answer = json.loads(res.stdout)
    assert res.returncode == 2 and answer["reason"] == "sender_not_allowed"
    assert "kelurahan" in answer["fix"] and "kelurahan.csv" in answer["fix"] and "opd.csv" not in answer["fix"]


def test_an_unknown_dataset_is_answered_in_bahasa_indonesia(demo: dict, data_dir: dict[str, str]) -> None:
    f = demo[("aduan", "PUPR")]
    res = muara("check", str(f.path), "--dataset", "keluhan", "--sender", "PUPR", env=data_dir)
    assert res.returncode == 2
    assert "Dataset 'keluhan' tidak dikenal. Pilih salah satu:" in res.stderr and "aduan" in res.stderr


def test_a_fault_of_ours_still_answers_the_officer_and_the_file_is_not_taken_again(
    pg: object, demo: dict, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Fault injection (the one place these tests patch Muara's code): typing a chunk raises an unexpected error.
    The file gets a ledger row `failed` with the error for engineers, a report in Bahasa Indonesia without the
    error, and nothing loaded; a database fault instead propagates, so the Airflow task retries."""
    from muara.ingest import coerce
    from muara.ingest.pipeline import ingest_file

    monkeypatch.setenv("MUARA_DATA_DIR", str(tmp_path / "data"))
    f = demo[("aduan", "PUPR")]
    sent = tmp_path / f.path.name
    sent.write_bytes(f.path.read_bytes() + b"\n")  # bytes of its own: not a duplicate of another test's load

    def broken(*args: object, **kwargs: object) -> object:
        raise RecursionError("maximum recursion depth exceeded (injected)")

    monkeypatch.setattr(coerce, "coerce", broken)
    out = ingest_file(sent, "aduan", "PUPR")
    assert (out.status, out.reason, out.exit_code) == ("failed", "internal_error", 2)
    assert (out.rows_read, out.rows_loaded, out.rows_rejected) == (0, 0, 0)
    text = Path(out.report_paths["text"]).read_text(encoding="utf-8")
    assert "BELUM BISA DIPERIKSA" in text and "bukan karena isi berkas" in text and "Recursion" not in text
    with psycopg.connect(_url()) as conn:
        status, error, report_path = conn.execute(
            "select status, error, report_path from muara.ingest_batch where batch_id = %s", (out.batch_id,)
        ).fetchone()
        loaded = conn.execute("select count(*) from raw.aduan where _batch_id = %s", (out.batch_id,)).fetchone()
    assert status == "failed" and error.startswith("RecursionError: maximum recursion depth exceeded (injected)")
    assert report_path == out.report_paths["html"] and loaded == (0,)

    def database_down(*args: object, **kwargs: object) -> object:
        raise psycopg.OperationalError("server closed the connection unexpectedly (injected)")

    monkeypatch.setattr(coerce, "coerce", database_down)
    with pytest.raises(psycopg.OperationalError):
        ingest_file(sent, "aduan", "PUPR")


def test_check_needs_the_sender_so_its_answer_is_the_one_ingest_gives(demo: dict, data_dir: dict[str, str]) -> None:
    """Without a sender, the owner rule (an OPD sends only its own rows) could not be applied."""
    f = demo[("aduan", "PUPR")]
    res = muara("check", str(f.path), "--dataset", "aduan", env=data_dir)
    assert res.returncode == 2 and "--sender" in res.stderr


def test_personal_data_in_odd_places_reaches_no_table_and_no_report(
    pg: object, tmp_path: Path, data_dir: dict[str, str]
) -> None:
    path = tmp_path / "aduan_pupr_data_pribadi.csv"
    odd_places.write(path, "ingest")
    res = muara("ingest", str(path), "--dataset", "aduan", "--sender", "PUPR", "--json", env=data_dir)
    answer = _json_lines(res.stdout)[0]
    assert (answer["rows_read"], answer["rows_loaded"], answer["rows_rejected"]) == (3, 1, 2), answer
    batch = answer["batch_id"]
    texts: list[tuple[str, str]] = []
    with psycopg.connect(_url()) as conn:
        for table in ("raw.aduan", "quarantine.aduan", "muara.ingest_batch"):
            key = "batch_id" if table == "muara.ingest_batch" else "_batch_id"
            query = f"select to_jsonb(t)::text from {table} t where {key} = %s"
            texts += [(table, row) for (row,) in conn.execute(query, (batch,))]
    reports = [p for p in Path(data_dir["MUARA_DATA_DIR"], "reports").rglob("*") if p.is_file()]
    assert {p.suffix for p in reports} >= {".txt", ".html", ".csv"}, reports
    texts += [(str(p.name), p.read_text(encoding="utf-8-sig")) for p in reports]
    texts.append(("stdout", res.stdout + res.stderr))
    leaks = odd_places.leaks(texts)
    assert not leaks, leaks
    quarantined = [t for where, t in texts if where == "quarantine.aduan"]
    assert len(quarantined) == 2 and all("NIK Suami" in t and "disamarkan]" in t for t in quarantined)
    assert any("[nomor HP disamarkan]" in t for where, t in texts if where == "raw.aduan")


def test_the_cli_refuses_a_symlink(demo: dict, data_dir: dict[str, str], tmp_path: Path) -> None:
    link = tmp_path / "tautan.csv"
    link.symlink_to(demo[("aduan", "PUPR")].path)
    for command in ("check", "ingest"):
        res = muara(command, str(link), "--dataset", "aduan", "--sender", "PUPR", env=data_dir)
        assert res.returncode == 2 and "symlink" in res.stderr, (command, res.stderr)


def test_an_oddly_named_inbox_folder_still_gets_an_answer_once(
    pg: object, demo: dict, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The DAG's task on a file under `inbox/Dinas PU/aduan/`: refused as an unknown sender, answered under
    reports/_tidak_dikenal/, archived, one ledger row; the task does not fail (so it is not retried forever)."""
    from muara.ingest import inbox
    from muara.ingest.pipeline import ingest_pending

    monkeypatch.setenv("MUARA_DATA_DIR", str(tmp_path / "data"))
    folder = tmp_path / "data" / "inbox" / "Dinas PU" / "aduan"
    folder.mkdir(parents=True)
    sent = folder / "aduan.csv"
    sent.write_bytes(demo[("aduan", "PUPR")].path.read_bytes())
    (item,) = [p.as_dict() for p in inbox.pending(["aduan"])]
    summary = ingest_pending(item)
    assert (summary["status"], summary["reason"]) == ("rejected", "sender_not_allowed")
    assert not sent.exists() and list((tmp_path / "data" / "reports" / "_tidak_dikenal").glob("*.html"))
    with psycopg.connect(_url()) as conn:
        query = "select sender, archive_path from muara.ingest_batch where batch_id = %s"
        rows = conn.execute(query, (summary["batch_id"],)).fetchall()
    assert len(rows) == 1 and rows[0][0] == "Dinas PU" and Path(rows[0][1]).exists()


def test_a_gx_page_left_for_later_is_rendered_by_muara_docs_render(
    pg: object, data_dir: dict[str, str], tmp_path: Path
) -> None:
    """MUARA_GX_DOCS=later: the ingest saves the page's input (no GX import in the ingest); ``muara docs
    render`` renders it to the path the ledger and the report already name."""
    path = _partly_bad_aduan(tmp_path)
    env = {**data_dir, "MUARA_GX_DOCS": "later"}
    res = muara("ingest", str(path), "--dataset", "aduan", "--sender", "DISDUKCAPIL", "--json", env=env)
    assert res.returncode == 1, res.stdout + res.stderr
    (out,) = _json_lines(res.stdout)
    page = Path(out["report"]["gx_docs"])
    pending = page.with_name(page.name.replace("_gx.html", "_gx.pending.json"))
    assert pending.exists() and not page.exists()
    assert page.name in Path(out["report"]["html"]).read_text(encoding="utf-8")
    for clear in ("537102410990004", "5.37103E+15", "81339012345", "Rina Kana", "Veronika Boimau"):
        assert clear not in pending.read_text(encoding="utf-8"), clear
    res = muara("docs", "render", env=data_dir)
    assert res.returncode == 0, res.stdout + res.stderr
    assert page.exists() and not pending.exists()
    text = page.read_text(encoding="utf-8")
    assert "values must match this regular expression" in text and "aduan_dukcapil_sebagian_salah.csv" in text
    assert "*******2345" in text and "81339012345" not in text
