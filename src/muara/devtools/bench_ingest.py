"""``muara bench ingest``: how fast is the real ingest against a bare COPY and against the naive path?

All run in the same process run, in a database of their own (made afresh, dropped at the end), on the same
1M-row ``aduan`` CSV (Windows-1252, ``;``, dd/mm/yyyy, as PUPR sends it), so the ratios hold even on a noisy
machine:

- **bare COPY**: the file straight into an all-text table with Postgres's own CSV parser, once into an
  ordinary logged table like ``raw.aduan`` (the goal's "equivalent table") and once into a temp table, which
  writes no WAL (the floor);
- **muara ingest**: read, type (Arrow), stage by COPY, the contract's suite as one SQL query on the stage,
  PII protection, ``INSERT ... SELECT`` into raw, quarantine, ledger, report: what officers get; with the time
  of each phase (read+type, validate, load) from the ledger's timings;
- **naive**: ``pandas.read_csv`` of the whole file + GX on the whole DataFrame + ``DataFrame.to_sql``;
- **one small file**: ``muara ingest`` of a 1,000-row file from the CLI, in a fresh process as an Airflow task
  runs it: CPU seconds (user + system, imports included) and wall time, with the GX Data Docs page rendered
  in the same process (``MUARA_GX_DOCS=now``, the default) and left for ``muara docs render``
  (``MUARA_GX_DOCS=later``).
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

SENDER = "PUPR"
#: the benchmark loads into a database of its own, made afresh each run: the warehouse never sees its rows, and
#: the same file from an earlier run is never taken for a ``duplicate``
BENCH_DB = "muara_bench_ingest"


def synthesize_aduan_csv(out: Path, rows: int, *, seed: int = 7) -> Path:
    """One sender's aduan CSV of ``rows`` rows: a real demo export, its body repeated with fresh ids.

    The demo generator spreads rows over every OPD; a benchmark (and the crash test) wants one big file
    from one sender, in the shape PUPR really sends, so each repeat renumbers ``nomor_aduan`` to keep the
    natural key unique and leaves every other value (and every seeded mistake) as it was.
    """
    from muara.devtools.demo_data import write_demo_data

    base_dir = out.parent / f".{out.stem}-base"
    files = write_demo_data(
        base_dir, rows=40_000, seed=seed, datasets=["aduan"], anchor=date.today() - timedelta(days=1), workers=1
    )
    base = next(f for f in files if f.sender == SENDER)
    if base.format != "csv":
        raise RuntimeError(f"expected {SENDER}'s demo aduan export to be CSV, got {base.format}")
    text = base.path.read_text(encoding="cp1252")
    reader = csv.reader(io.StringIO(text), delimiter=";")
    header = next(reader)
    body = [r for r in reader if any(c.strip() for c in r)]
    from muara.contract.model import get, normalise_header

    headers = get("aduan").header_map()
    key = next(i for i, h in enumerate(header) if headers.get(normalise_header(h)) == "nomor_aduan")
    written = 0
    with out.open("w", encoding="cp1252", newline="") as f:
        w = csv.writer(f, delimiter=";", lineterminator="\r\n")
        w.writerow(header)
        rep = 0
        while written < rows:
            for r in body:
                if written >= rows:
                    break
                r = list(r)
                if rep:
                    r[key] = f"R{rep}-{r[key]}"[:40]
                w.writerow(r)
                written += 1
            rep += 1
    return out


@dataclass
class Timing:
    name: str
    seconds: float
    peak_rss_mb: float
    rows: int
    note: str = ""


def _child(code: str, env: dict[str, str] | None = None) -> tuple[float, float, str]:
    """Run ``code`` in a fresh Python on the bench database: wall seconds, its peak RSS (MB), stdout."""
    from muara.stack import postgres as db

    code += "\nimport resource as _r\nprint('PEAK_RSS_KB', _r.getrusage(_r.RUSAGE_SELF).ru_maxrss)\n"
    env = {**os.environ, "MUARA_DATABASE_URL": db.url(BENCH_DB), **(env or {})}
    start = time.monotonic()
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=3600)
    wall = time.monotonic() - start
    if proc.returncode not in (0, 1):
        raise RuntimeError(f"benchmark step failed:\n{proc.stderr[-3000:]}")
    lines = proc.stdout.strip().splitlines()
    peak = int(lines[-1].split()[1]) / 1024
    return wall, peak, "\n".join(lines[:-1])


def bare_copy(path: Path, columns: int, *, temporary: bool) -> Timing:
    """The file straight into an all-text table by Postgres's own CSV parser.

    ``temporary``: a temp table, which writes no WAL: the floor. Otherwise an ordinary (logged) table like
    ``raw.aduan`` (gone with the bench database): the "equivalent table" the ratio goal is measured against.
    """
    table = "bench_bare" if temporary else "muara.bench_bare"
    create = "create temp table" if temporary else "create table"
    code = f"""
import psycopg
from muara.stack import postgres as db
cols = ", ".join(f"c{{i}} text" for i in range({columns}))
with psycopg.connect(db.url()) as conn:
    conn.execute("{create} {table} (" + cols + ")")
    sql = "copy {table} from stdin (format csv, delimiter ';', header true, encoding 'WIN1252')"
    with conn.cursor().copy(sql) as cp:
        with open({str(path)!r}, "rb") as f:
            while block := f.read(1 << 20):
                cp.write(block)
    conn.commit()
    print(conn.execute("select count(*) from {table}").fetchone()[0])
"""
    wall, peak, out = _child(code)
    name = "bare COPY, temp table (no WAL, all text)" if temporary else "bare COPY, logged table (all text)"
    return Timing(name, wall, peak, int(out.strip().splitlines()[-1]))


def muara_ingest(path: Path, engine: str = "sql") -> Timing:
    code = f"""
import json
from pathlib import Path
from muara.ingest.pipeline import ingest_file
o = ingest_file(Path({str(path)!r}), "aduan", {SENDER!r})
print(json.dumps(o.as_json()))
"""
    # the size limit is an officer-facing policy, not part of what is measured: a 10M-row file (3.5 GB) passes
    limit_mb = max(2048, 2 * path.stat().st_size // 2**20)
    wall, peak, out = _child(code, env={"MUARA_MAX_FILE_MB": str(limit_mb), "MUARA_VALIDATE_ENGINE": engine})
    import json

    result = json.loads(out.strip().splitlines()[-1])
    if result["status"] not in ("loaded", "partial"):
        raise RuntimeError(f"muara ingest did not load the benchmark file: {result['status']} {result['reason']}")
    phases = ", ".join(f"{k} {v:.1f} s" for k, v in result["seconds"].items())
    name = "muara ingest (read, type, stage, SQL suite, PII, load, report)"
    if engine == "gx":
        name = "muara ingest, MUARA_VALIDATE_ENGINE=gx (GX on pandas, COPY)"
    return Timing(
        name,
        wall,
        peak,
        result["rows_read"],
        f"{result['status']}: {result['rows_loaded']} loaded, {result['rows_rejected']} rejected; {phases}",
    )


@dataclass
class SmallFile:
    docs: str  # MUARA_GX_DOCS
    cpu_seconds: float  # user + system of the whole process, imports included
    wall_seconds: float
    status: str


def small_file(path: Path, docs: str) -> SmallFile:
    """``muara ingest`` of one small file in a fresh process, as the CLI and an Airflow task run it."""
    import json

    from muara.stack import postgres as db

    env = {**os.environ, "MUARA_DATABASE_URL": db.url(BENCH_DB), "MUARA_GX_DOCS": docs}
    cli = Path(sys.executable).with_name("muara")
    start = time.monotonic()
    proc = subprocess.Popen(
        [str(cli), "ingest", str(path), "--dataset", "aduan", "--sender", SENDER, "--json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    stdout, stderr = proc.communicate(timeout=600)  # reaps it: its CPU is in RUSAGE_CHILDREN from here
    wall = time.monotonic() - start
    if proc.returncode not in (0, 1):
        raise RuntimeError(f"small-file ingest failed:\n{stderr[-3000:]}")
    result = json.loads(stdout.strip().splitlines()[-1])
    return SmallFile(docs, _children_cpu_since(), wall, result["status"])


_CPU_BEFORE = [0.0]


def _children_cpu_since() -> float:
    """CPU seconds of the children reaped since the last call."""
    import resource

    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    total = r.ru_utime + r.ru_stime
    spent, _CPU_BEFORE[0] = total - _CPU_BEFORE[0], total
    return spent


def naive(path: Path) -> Timing:
    code = f"""
import json, pandas as pd, sqlalchemy as sa
import great_expectations as gx
from muara.stack import postgres as db
from muara.contract.model import get
from muara.ingest.validate import Validator
df = pd.read_csv({str(path)!r}, sep=";", encoding="cp1252", dtype=str)
suite = gx.ExpectationSuite(**json.load(open("expectations/aduan.json")))
ctx = gx.get_context(mode="ephemeral")
bd = ctx.data_sources.add_pandas("p").add_dataframe_asset("a").add_batch_definition_whole_dataframe("b")
params = Validator(get("aduan")).parameters  # the same code lists, city box and "now" as ingest
bd.get_batch(batch_parameters={{"dataframe": df}}).validate(suite, expectation_parameters=params,
                                                            result_format={{"result_format": "COMPLETE"}})
engine = sa.create_engine(db.sqlalchemy_url())
df.to_sql("bench_naive", engine, schema="muara", if_exists="replace", index=False, chunksize=50_000)
with engine.begin() as c:
    n = c.execute(sa.text("select count(*) from muara.bench_naive")).scalar()
    c.execute(sa.text("drop table muara.bench_naive"))
print(n)
"""
    wall, peak, out = _child(code)
    return Timing(
        "naive (pandas.read_csv + GX on everything + to_sql)",
        wall,
        peak,
        int(out.strip().splitlines()[-1]),
        "headers not mapped, types not coerced: it does less",
    )


def run(rows: int, workdir: Path, with_naive: bool = True, with_gx_engine: bool = False) -> dict[str, Any]:
    """Build the file, run the three paths, and return the figures (and the ratios the goals are about)."""
    from muara.stack import postgres as db

    db.start()
    db.fresh_database(BENCH_DB)
    workdir.mkdir(parents=True, exist_ok=True)
    path = workdir / f"aduan_{SENDER.lower()}_bench_{rows}.csv"
    t0 = time.monotonic()
    synthesize_aduan_csv(path, rows)
    build = time.monotonic() - t0
    with path.open(encoding="cp1252") as f:
        columns = len(next(csv.reader(f, delimiter=";")))
    small = [workdir / f"aduan_{SENDER.lower()}_bench_1000_{i}.csv" for i in range(2)]
    for i, p in enumerate(small):
        synthesize_aduan_csv(p, 1000, seed=100 + i)  # two different files: the second is not a duplicate
    try:
        floor, bare = bare_copy(path, columns, temporary=True), bare_copy(path, columns, temporary=False)
        ours = muara_ingest(path)
        timings = [floor, bare, ours]
        if with_naive:
            timings.append(naive(path))
        if with_gx_engine:  # the same rows, one blank line more: another sha256, so not a duplicate
            other = path.with_name(f"{path.stem}_gx.csv")
            shutil.copyfile(path, other)
            with other.open("ab") as f:
                f.write(b"\r\n")
            timings.append(muara_ingest(other, engine="gx"))
            other.unlink()
        _children_cpu_since()
        smalls = [small_file(small[0], "now"), small_file(small[1], "later")]
    finally:  # 1M rows take ~0.5 GB in Postgres, 10M ~5 GB: give the space back
        db.drop_database(BENCH_DB)
    return {
        "rows": rows,
        "file_mb": round(path.stat().st_size / 1e6, 1),
        "build_seconds": round(build, 1),
        "timings": [t.__dict__ for t in timings],
        "ingest_vs_bare_copy": round(ours.seconds / bare.seconds, 2),
        "ingest_vs_temp_copy": round(ours.seconds / floor.seconds, 2),
        "naive_vs_ingest": round(timings[3].seconds / ours.seconds, 2) if with_naive else None,
        "gx_engine_vs_ingest": round(timings[-1].seconds / ours.seconds, 2) if with_gx_engine else None,
        "small_file": [s.__dict__ for s in smalls],
    }
