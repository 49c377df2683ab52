"""``muara``: the command line for data engineers and officers. Every command is a thin shell over a module
the DAGs call too, so the CLI and Airflow never drift apart.

Exit codes: 0 done, 1 the check found problems (lint findings, stale files), 2 the command could not run.
"""

from __future__ import annotations

import os
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer

os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")

app = typer.Typer(
    help="Muara: contract, ingest, warehouse and dashboards for a city command center.",
    no_args_is_help=True,
    add_completion=False,
)
db_app = typer.Typer(
    help="The Postgres server (embedded by default; MUARA_DATABASE_URL for an existing one).", no_args_is_help=True
)
contracts_app = typer.Typer(
    help="The data contracts in schemas/ and what is generated from them.", no_args_is_help=True
)
reference_app = typer.Typer(
    help="Reference code lists (kelurahan, OPD, categories) for the configured city.", no_args_is_help=True
)
app.add_typer(db_app, name="db")
app.add_typer(contracts_app, name="contracts")
app.add_typer(reference_app, name="reference")


def _fail(message: str, code: int = 2) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(code)


# ------------------------------------------------------------------------------------------------------ db
@db_app.command("start")
def db_start() -> None:
    """Start the embedded Postgres on 127.0.0.1 (or check the external one) and create databases and schemas."""
    from muara.stack import postgres as db

    try:
        st = db.start()
    except db.DatabaseError as exc:
        raise _fail(str(exc)) from exc
    for line in st.lines():
        typer.echo(line)


@db_app.command("stop")
def db_stop() -> None:
    """Stop the embedded Postgres (nothing to do for an external server)."""
    from muara.stack import postgres as db

    try:
        stopped = db.stop()
    except db.DatabaseError as exc:
        raise _fail(str(exc)) from exc
    if db.external_url():
        typer.echo("MUARA_DATABASE_URL is set: the external server is not Muara's to stop")
    else:
        typer.echo("stopped" if stopped else "not running")


@db_app.command("status")
def db_status() -> None:
    """Say whether the server runs, where, and which version. Exit 1 when it is not running."""
    from muara.stack import postgres as db

    st = db.status()
    for line in st.lines():
        typer.echo(line)
    if not st.running:
        raise typer.Exit(1)


@db_app.command("url")
def db_url(
    airflow: Annotated[bool, typer.Option("--airflow", help="Airflow's metadata database instead.")] = False,
    sqlalchemy: Annotated[bool, typer.Option("--sqlalchemy", help="As a SQLAlchemy URL (postgresql+psycopg).")] = False,
    no_newline: Annotated[
        bool, typer.Option("-n", help="No trailing newline (Airflow's *_CMD settings keep it).")
    ] = False,
) -> None:
    """Print the connection URL (for psql, dbt, Airflow): `psql "$(muara db url)"`."""
    from muara.stack import postgres as db

    try:
        u = db.airflow_url() if airflow else db.url()
        if sqlalchemy:
            u = "postgresql+psycopg://" + u.split("://", 1)[1]
        typer.echo(u, nl=not no_newline)
    except db.DatabaseError as exc:
        raise _fail(str(exc)) from exc


@db_app.command("backup")
def db_backup(
    keep: Annotated[int, typer.Option(help="How many backups to keep (the oldest beyond are removed).")] = 7,
) -> None:
    """pg_dump the warehouse and Airflow's metadata into data/backups/<time>/ (0700), keeping the newest KEEP."""
    from muara.stack import backup

    try:
        done = backup.backup(keep=keep)
    except backup.BackupError as exc:
        raise _fail(str(exc)) from exc
    for name, path in done.dumps.items():
        typer.echo(f"{name}: {path} ({path.stat().st_size:,} bytes)")


@db_app.command("restore")
def db_restore(
    folder: Annotated[Path, typer.Argument(help="A backup folder, data/backups/<time>.", exists=True, file_okay=False)],
) -> None:
    """Restore a backup into this server (MUARA_DATABASE_URL or the embedded one), replacing what is there."""
    from muara.stack import backup

    try:
        done = backup.restore(folder)
    except backup.BackupError as exc:
        raise _fail(str(exc)) from exc
    typer.echo(f"restored {', '.join(done)} from {folder}")


@db_app.command("migrate")
def db_migrate() -> None:
    """Create or extend raw.* and quarantine.* tables from the generated DDL in sql/raw/."""
    from muara.stack import postgres as db

    try:
        applied = db.migrate()
    except Exception as exc:  # psycopg errors and unreachable server alike: say what failed
        raise _fail(f"migration failed: {exc}") from exc
    typer.echo(f"applied {len(applied)} DDL files: {', '.join(p.stem for p in applied)}")


# ----------------------------------------------------------------------------------------------- contracts
@contracts_app.command("lint")
def contracts_lint(
    directory: Annotated[Path | None, typer.Argument(help="Folder of *.odcs.yaml (default: schemas/).")] = None,
) -> None:
    """Check every contract against ODCS v3.1.0 and Muara's rules. Exit 1 on any finding."""
    from muara.contract import lint as contract_lint
    from muara.contract.model import contract_paths

    findings = contract_lint.lint(directory)
    for f in findings:
        typer.echo(str(f))
    n = len(contract_paths(directory))
    if findings:
        typer.echo(f"{len(findings)} problem(s) in {n} contract(s)", err=True)
        raise typer.Exit(1)
    typer.echo(f"ok: {n} contracts valid (ODCS {contract_lint.ODCS_VERSION} + Muara rules)")


@contracts_app.command("generate")
def contracts_generate(
    check: Annotated[bool, typer.Option("--check", help="Write nothing; exit 1 if a generated file is stale.")] = False,
) -> None:
    """Generate GX suites, raw DDL, dbt sources and the sender schedule from the contracts."""
    from muara import settings
    from muara.contract import lint as contract_lint
    from muara.generate import files as generate

    findings = contract_lint.lint()
    if findings:
        for f in findings:
            typer.echo(str(f), err=True)
        raise _fail("contracts do not pass lint; nothing generated", 1)
    files = generate.render_all()
    if check:
        drift = generate.check(files)
        for d in drift:
            typer.echo(f"stale: {d}")
        if drift:
            typer.echo("run `muara contracts generate` and commit the result", err=True)
            raise typer.Exit(1)
        typer.echo(f"ok: {len(files)} generated files match the contracts")
        return
    changed = generate.write(files)
    root = settings.project_root()
    for p in changed:
        typer.echo(f"wrote {p.relative_to(root)}")
    typer.echo(f"{len(changed)} file(s) changed, {len(files) - len(changed)} already up to date")


# ----------------------------------------------------------------------------------------------- reference
@reference_app.command("kelurahan")
def reference_kelurahan(
    city: Annotated[str | None, typer.Option(help="Kode kota, e.g. 53.71 (default: MUARA_CITY).")] = None,
    count: Annotated[bool, typer.Option("--count", help="Print only the number of kelurahan.")] = False,
) -> None:
    """List the kelurahan of the city (Kemendagri kode wilayah)."""
    from muara import settings
    from muara.contract import reference

    try:
        c = settings.city(city)
    except settings.UnknownCityError as exc:
        raise _fail(str(exc)) from exc
    rows = reference.kelurahan(c.code)
    if count:
        typer.echo(str(len(rows)))
        return
    for r in rows:
        typer.echo(f"{r['kode_kelurahan']}\t{r['nama_kelurahan']}\t{r['nama_kecamatan']}")
    typer.echo(f"{len(rows)} kelurahan in {c.name} ({c.code}, {c.zone_label} {c.tz_name})", err=True)


@reference_app.command("city")
def reference_city(
    city: Annotated[str | None, typer.Option(help="Kode kota (default: MUARA_CITY).")] = None,
) -> None:
    """Show the configured city, its time zone and its registry sizes."""
    from muara import settings
    from muara.contract import reference

    try:
        c = settings.city(city)
    except settings.UnknownCityError as exc:
        raise _fail(str(exc)) from exc
    typer.echo(f"{c.code} {c.name}, {c.province}")
    typer.echo(f"time zone: {c.zone_label} ({c.tz_name}); exports without an offset are read as this local time")
    typer.echo(f"kelurahan: {len(reference.kelurahan(c.code))}; OPD in registry: {len(reference.opd(c.code))}")


# ------------------------------------------------------------------------------------------- check, ingest
def _dataset_or_fail(dataset: str) -> None:
    from muara.contract.model import load_all

    known = load_all()
    if dataset not in known:
        raise _fail(f"Dataset {dataset!r} tidak dikenal. Pilih salah satu: {', '.join(sorted(known))}.")


def _not_a_link_or_fail(path: Path) -> None:
    if path.is_symlink():
        raise _fail(f"Berkas '{path}' adalah tautan (symlink), bukan berkas: kirim berkas aslinya.")


def _sender_or_fail(sender: str) -> None:
    """A sender is a code from the registry before any path, report or ledger row is made with it."""
    from muara.contract import reference
    from muara.ingest.report import printable

    if sender not in reference.known_senders():
        raise _fail(
            f"Pengirim {printable(sender)!r} tidak dikenal di kota ini. Gunakan kode OPD (misalnya PUPR) atau kode "
            "kelurahan (misalnya 53.71.04.1011) seperti di schemas/reference/opd.csv dan kelurahan.csv."
        )


@app.command("check")
def check(
    file: Annotated[Path, typer.Argument(help="The export to check (CSV, XLSX or JSON).", exists=True, dir_okay=False)],
    dataset: Annotated[str, typer.Option("--dataset", help="Which contract the file should follow.")],
    sender: Annotated[
        str,
        typer.Option(
            "--sender", help="OPD code or kelurahan code of the sender (its rows only: the same answer as ingest)."
        ),
    ],
    as_json: Annotated[bool, typer.Option("--json", help="Print the counts as JSON instead of the report.")] = False,
) -> None:
    """Check a file before sending, writing nothing. Exit 0 all rows good, 1 some rejected, 2 file unusable."""
    import json

    from muara.ingest import report
    from muara.ingest.pipeline import check_file

    _dataset_or_fail(dataset)
    _sender_or_fail(sender)
    _not_a_link_or_fail(file)
    outcome = check_file(file, dataset, sender)
    typer.echo(json.dumps(outcome.as_json(), ensure_ascii=False) if as_json else report.render_text(outcome))
    raise typer.Exit(outcome.exit_code)


@app.command("ingest")
def ingest(
    files: Annotated[list[Path], typer.Argument(help="Exports to load.", exists=True, dir_okay=False)],
    dataset: Annotated[str, typer.Option("--dataset", help="Which contract the files follow.")],
    sender: Annotated[str, typer.Option("--sender", help="OPD code or kelurahan code of the sender.")],
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per file instead of the reports.")] = False,
) -> None:
    """Validate and load files (one transaction each). Exit 0 all loaded, 1 rows rejected, 2 a file unusable."""
    import json

    from muara.ingest import report
    from muara.ingest.pipeline import ingest_file

    _dataset_or_fail(dataset)
    _sender_or_fail(sender)
    for file in files:
        _not_a_link_or_fail(file)
    worst = 0
    for file in files:
        outcome = ingest_file(file, dataset, sender)
        if as_json:
            typer.echo(json.dumps(outcome.as_json(), ensure_ascii=False))
        else:
            typer.echo(report.render_text(outcome))
            typer.echo(f"laporan: {outcome.report_paths.get('html', '-')}")
        worst = max(worst, outcome.exit_code)
    raise typer.Exit(worst)


# ---------------------------------------------------------------------------------------------------- docs
docs_app = typer.Typer(help="GX Data Docs pages of ingested files.", no_args_is_help=True)
app.add_typer(docs_app, name="docs")


@docs_app.command("render")
def docs_render(
    root: Annotated[Path | None, typer.Option(help="Reports folder (default: data/reports).")] = None,
) -> None:
    """Render every GX Data Docs page left waiting by an ingest with MUARA_GX_DOCS=later (one GX import for all)."""
    from muara import settings
    from muara.ingest.gx_docs import render_pending

    folder = root or settings.data_dir() / "reports"
    done = render_pending(folder)
    typer.echo(f"{len(done)} halaman GX Data Docs dibuat di {folder}")


# --------------------------------------------------------------------------------------------------- bench
bench_app = typer.Typer(help="Benchmarks: ratios against a baseline measured in the same run.", no_args_is_help=True)
app.add_typer(bench_app, name="bench")


@bench_app.command("ingest")
def bench_ingest(
    rows: Annotated[int, typer.Option(help="Rows in the aduan CSV.")] = 1_000_000,
    workdir: Annotated[Path, typer.Option(help="Where the CSV is written.")] = Path("data/bench"),
    naive: Annotated[bool, typer.Option(help="Also time pandas + GX + to_sql (slow).")] = True,
    gx_engine: Annotated[
        bool, typer.Option(help="Also time muara ingest with MUARA_VALIDATE_ENGINE=gx (GX on pandas).")
    ] = False,
) -> None:
    """Time muara ingest of an aduan CSV against a bare COPY of the same file and the naive pandas path."""
    import json

    from muara.devtools.bench_ingest import run

    result = run(rows, workdir.resolve(), with_naive=naive, with_gx_engine=gx_engine)
    for t in result["timings"]:
        typer.echo(
            f"{t['name']:<62} {t['seconds']:8.1f} s  peak {t['peak_rss_mb']:7.0f} MB  {t['rows']} rows  {t['note']}"
        )
    typer.echo(
        f"muara ingest / bare COPY: {result['ingest_vs_bare_copy']}x (goal <= 2.5x); "
        f"against the temp table (no WAL): {result['ingest_vs_temp_copy']}x"
    )
    if result["naive_vs_ingest"] is not None:
        typer.echo(f"naive / muara ingest: {result['naive_vs_ingest']}x (goal >= 10x)")
    if result["gx_engine_vs_ingest"] is not None:
        typer.echo(f"MUARA_VALIDATE_ENGINE=gx / muara ingest: {result['gx_engine_vs_ingest']}x")
    for s in result["small_file"]:
        typer.echo(
            f"1,000-row file, MUARA_GX_DOCS={s['docs']:<5}: {s['cpu_seconds']:.2f} CPU-s, {s['wall_seconds']:.2f} s "
            f"wall, {s['status']} (goal <= 1.5 CPU-s)"
        )
    typer.echo(json.dumps(result))


# ----------------------------------------------------------------------------------------------- warehouse
warehouse_app = typer.Typer(help="The dbt warehouse: raw -> staging -> intermediate -> marts.", no_args_is_help=True)
app.add_typer(warehouse_app, name="warehouse")


def _as_of_option(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError as exc:
        raise typer.BadParameter(f"{value!r} is not an ISO time such as 2026-11-23T08:00:00+08:00") from exc


@warehouse_app.command("build")
def warehouse_build(
    as_of: Annotated[
        str | None,
        typer.Option(help="Judge colours and backlogs at this moment (ISO time; no zone = the city's). Default: now."),
    ] = None,
    full_refresh: Annotated[bool, typer.Option("--full-refresh", help="Rebuild incremental models from raw.")] = False,
    select: Annotated[
        list[str] | None, typer.Option("--select", "-s", help="dbt selection, e.g. '+fct_aduan' (repeatable).")
    ] = None,
) -> None:
    """Run dbt build (seeds, snapshots, models, tests) for the configured city. Exit 1 when dbt fails."""
    from muara.stack import postgres as db
    from muara.warehouse import dbt as warehouse

    moment = _as_of_option(as_of)
    try:
        db.start()
        selection = [part for value in select or () for part in value.split()]
        result = warehouse.build(as_of=moment, full_refresh=full_refresh, select=selection)
    except db.DatabaseError as exc:
        raise _fail(str(exc)) from exc
    except warehouse.WarehouseError as exc:
        raise _fail(str(exc), code=1) from exc
    typer.echo(f"warehouse built in {result.seconds:.1f}s")


@warehouse_app.command("calendar")
def warehouse_calendar(
    check: Annotated[bool, typer.Option("--check", help="Exit 1 if the seed is stale.")] = False,
) -> None:
    """Write dbt/seeds/hari_libur.csv: Indonesian national holidays and cuti bersama from the holidays package."""
    from muara.warehouse import dbt as warehouse

    path = warehouse.calendar_path()
    text = warehouse.render_calendar()
    if check:
        current = path.read_text(encoding="utf-8") if path.exists() else ""
        if current != text:
            typer.echo(f"{path.name} differs from the holidays package: run `muara warehouse calendar`", err=True)
            raise typer.Exit(1)
        typer.echo(f"{path.name} is up to date")
        return
    warehouse.write_calendar(path)
    typer.echo(f"wrote {path} ({text.count(chr(10)) - 1} days)")


@bench_app.command("warehouse")
def bench_warehouse(
    rows: Annotated[int, typer.Option(help="Complaints in raw.aduan.")] = 1_000_000,
) -> None:
    """Time a full warehouse build over ROWS complaints and an incremental one after 10,000 new rows."""
    import json

    from muara.devtools.bench_warehouse import BENCH_DB, run

    result = run(rows)
    for s in result["steps"]:
        typer.echo(f"{s['name']:<45} {s['seconds']:8.1f} s  {s['note']}")
    typer.echo(f"incremental / full: {result['incremental_vs_full']} (goal <= 0.10); database {BENCH_DB} kept")
    typer.echo(json.dumps(result))


@bench_app.command("freshness")
def bench_freshness(
    runs: Annotated[int, typer.Option(help="Files sent per way.")] = 3,
    via: Annotated[list[str] | None, typer.Option("--via", help="inbox, portal (repeatable; default both).")] = None,
) -> None:
    """On the running stack (make demo): seconds from a sent 100-row aduan file to (a) the ledger, (b)
    marts.fct_aduan, (c) Superset's Ruang Komando colour chart. Goal: (c) <= 60 s, median of RUNS. Exit 1 if not."""
    import json

    from muara.devtools.bench_freshness import BenchError, run

    ways = tuple(via or ("inbox", "portal"))
    if set(ways) - {"inbox", "portal"}:
        raise _fail(f"--via takes inbox or portal, not {', '.join(sorted(set(ways) - {'inbox', 'portal'}))}")
    try:
        result = run(runs, ways, say=typer.echo)
    except BenchError as exc:
        raise _fail(str(exc)) from exc
    for way, m in result["median"].items():
        typer.echo(
            f"median {way:<6}: ledger {m['a_ledger']:.1f} s, fct_aduan {m['b_mart']:.1f} s, "
            f"Superset {m['c_superset']:.1f} s (goal <= {result['goal_seconds']:.0f} s)"
        )
    typer.echo(json.dumps(result))
    if not result["passed"]:
        raise typer.Exit(1)


# ----------------------------------------------------------------------------------------------- demo data
@app.command("demo-data")
def demo_data(
    out: Annotated[Path, typer.Option("--out", help="Folder to write <sender>/<dataset>/<file> into.")],
    city: Annotated[str | None, typer.Option(help="Kode kota (default: MUARA_CITY, 53.71).")] = None,
    rows: Annotated[int | None, typer.Option(help="Number of aduan rows over all senders.")] = None,
    seed: Annotated[int, typer.Option(help="Same seed, same bytes.")] = 42,
    dataset: Annotated[list[str] | None, typer.Option("--dataset", help="Only these datasets (repeatable).")] = None,
    anchor: Annotated[
        datetime | None,
        typer.Option(formats=["%Y-%m-%d"], help="Export day (YYYY-MM-DD, before today). Default: fixed per seed."),
    ] = None,
) -> None:
    """Write realistic exports, as officers really send them, for every dataset and sender.

    The same seed and anchor give the same bytes."""
    from muara import settings
    from muara.contract.model import load_all
    from muara.devtools.demo_data import write_demo_data

    try:
        c = settings.city(city)
    except settings.UnknownCityError as exc:
        raise _fail(str(exc)) from exc
    known = load_all()
    unknown = sorted(set(dataset or []) - set(known))
    if unknown:
        raise _fail(f"unknown dataset(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}")
    started = time.monotonic()
    try:
        files = write_demo_data(
            out,
            city_code=c.code,
            rows=rows,
            seed=seed,
            datasets=dataset or None,
            anchor=anchor.date() if anchor else None,
            progress=lambda msg: typer.echo(msg, err=True),
        )
    except ValueError as exc:
        raise _fail(str(exc)) from exc
    total = sum(f.rows for f in files)
    mistakes = sum(sum(f.mistakes.values()) for f in files)
    by_format: dict[str, int] = {}
    for f in files:
        by_format[f.format] = by_format.get(f.format, 0) + 1
    typer.echo(
        f"wrote {len(files)} files ({', '.join(f'{n} {k}' for k, n in sorted(by_format.items()))}), "
        f"{total} rows with {mistakes} seeded mistakes, for {c.name}, into {out} "
        f"in {time.monotonic() - started:.1f}s"
    )


# ---------------------------------------------------------------------------------------------------- rute
rute_app = typer.Typer(
    help="Route complaints: suggest the category and OPD from the complaint text (muara rute --in F --out O).",
    invoke_without_command=True,
)
app.add_typer(rute_app, name="rute")


@rute_app.callback()
def rute(
    ctx: typer.Context,
    in_file: Annotated[
        Path | None, typer.Option("--in", help="The complaints: CSV (any common encoding and delimiter) or XLSX.")
    ] = None,
    out_file: Annotated[Path | None, typer.Option("--out", help="Where to write the CSV with the suggestions.")] = None,
    text_column: Annotated[str, typer.Option(help="The column holding the complaint text.")] = "deskripsi",
) -> None:
    """Write every input column plus kategori_saran, kategori_saran_2, kategori_saran_3, opd_saran, keyakinan (0-1)
    and perlu_ditinjau (true: a human decides; no OPD is suggested). Exit 2 when the file cannot be used."""
    if ctx.invoked_subcommand is not None:
        return
    if in_file is None or out_file is None:
        raise _fail(
            "muara rute perlu --in BERKAS.csv dan --out HASIL.csv (atau perintah train / evaluate); lihat --help"
        )
    from muara.analytics import rute as model
    from muara.analytics import rute_io

    try:
        done = rute_io.route_file(in_file, out_file, text_column, model.load())
    except model.RuteError as exc:
        raise _fail(str(exc)) from exc
    typer.echo(f"{done.rows} aduan diberi saran ke {done.out}; {done.ditinjau} perlu ditinjau petugas")


@rute_app.command("train")
def rute_train(
    check: Annotated[
        bool, typer.Option("--check", help="Retrain and compare with the built model; exit 1 if it is not current.")
    ] = False,
) -> None:
    """Train the router on the corpus' train split (fixed seed) and write src/muara/analytics/model/rute.joblib."""
    from muara.analytics import rute as model

    if check:
        problems = model.check_artefact()
        for p in problems:
            typer.echo(p, err=True)
        if problems:
            raise typer.Exit(1)
        typer.echo(f"{model.MODEL} is current: retraining gives the same suggestions")
        return
    started = time.monotonic()
    artefact = model.train()
    path = model.save(artefact)
    v = artefact["validation"]
    typer.echo(
        f"wrote {path} ({path.stat().st_size / 1e6:.1f} MB) from {artefact['train_rows']} training complaints "
        f"in {time.monotonic() - started:.0f}s; threshold {artefact['threshold']:.3f} "
        f"(validation: accuracy {v['validation_accuracy']:.3f}, abstention {v['validation_abstention']:.3f}, "
        f"accuracy when not abstaining {v['validation_accuracy_kept']:.3f})"
    )


@rute_app.command("evaluate")
def rute_evaluate() -> None:
    """Accuracy, macro-F1, top-3 accuracy, abstention and the confusable pairs on the held-out test split."""
    from muara.analytics import rute_eval

    for line in rute_eval.evaluate().lines():
        typer.echo(line)


# ------------------------------------------------------------------------------------------------ analitik
analitik_app = typer.Typer(
    help="Analytics dbt cannot do in SQL: routing suggestions, hotspots, backlog forecasts (schema analitik).",
    no_args_is_help=True,
)
app.add_typer(analitik_app, name="analitik")

#: what dbt rebuilds after each Python step (the marts that read its table)
ANALITIK_DBT = {
    "saran": "stg_analitik__saran_rute+",
    "hotspot": "stg_analitik__hotspot+",
    "prakiraan": "stg_analitik__prakiraan_tunggakan+",
}


@analitik_app.command("refresh")
def analitik_refresh(
    only: Annotated[
        list[str] | None,
        typer.Option("--only", help="Run only these steps: saran, hotspot, prakiraan (repeatable). Default: all."),
    ] = None,
    as_of: Annotated[
        str | None, typer.Option(help="Judge months and backlogs at this moment (ISO time; no zone = the city's).")
    ] = None,
    dbt: Annotated[
        bool, typer.Option("--dbt/--no-dbt", help="Rebuild the marts that read the refreshed tables (dbt build).")
    ] = True,
) -> None:
    """Write the analitik tables (saran: the router over raw.aduan, before dbt; hotspot and prakiraan: from
    marts.fct_aduan, after dbt), then rebuild the marts that read them. Exit 1 when a step or dbt fails."""
    from muara.analytics import warehouse as analitik
    from muara.stack import postgres as db
    from muara.warehouse import dbt as warehouse

    steps = [s for s in analitik.STEPS if not only or s in only]
    unknown = sorted(set(only or ()) - set(analitik.STEPS))
    if unknown:
        raise _fail(f"unknown step(s) {', '.join(unknown)}: choose from {', '.join(analitik.STEPS)}")
    moment = _as_of_option(as_of)
    try:
        db.start()
        db.migrate()
        counts = analitik.refresh(only=steps, as_of=moment)
        for step, n in counts.items():
            typer.echo(f"{step}: {n} rows")
        if dbt:
            result = warehouse.build(as_of=moment, select=[ANALITIK_DBT[s] for s in steps])
            typer.echo(f"marts rebuilt in {result.seconds:.1f}s")
    except db.DatabaseError as exc:
        raise _fail(str(exc)) from exc
    except warehouse.WarehouseError as exc:
        raise _fail(str(exc), code=1) from exc


# ------------------------------------------------------------------------------------------------ superset
superset_app = typer.Typer(
    help="Superset (its own environment in superset/.venv): start, provision dashboards, stop, status.",
    no_args_is_help=True,
)
app.add_typer(superset_app, name="superset")


@superset_app.command("up")
def superset_up() -> None:
    """Prepare Superset (database, migrations, admin, roles) and start it on 127.0.0.1:8088; safe to repeat."""
    from muara.stack import superset

    started = time.monotonic()
    try:
        st = superset.up(say=typer.echo)
    except superset.SupersetError as exc:
        raise _fail(str(exc)) from exc
    typer.echo(f"Superset answers at {st.url} (user {st.user}; `muara superset status` shows the password)")
    typer.echo(f"ready in {time.monotonic() - started:.1f} s")


@superset_app.command("provision")
def superset_provision() -> None:
    """Create the read-only role muara_superset and import the dashboards (superset/dashboards/); safe to repeat."""
    from muara.dashboards import provision
    from muara.stack import superset

    started = time.monotonic()
    try:
        done = provision.provision(say=typer.echo)
    except superset.SupersetError as exc:
        raise _fail(str(exc)) from exc
    for slug, link in done.dashboards.items():
        typer.echo(f"dashboard {slug}: {link}")
    typer.echo(f"provisioned in {time.monotonic() - started:.1f} s")


@superset_app.command("bundle")
def superset_bundle(
    check: Annotated[bool, typer.Option("--check", help="Write nothing; exit 1 naming the stale files.")] = False,
    manifest: Annotated[
        Path | None, typer.Option(help="dbt's manifest to read (default: `dbt parse` writes dbt/target/manifest.json).")
    ] = None,
) -> None:
    """Write the dashboards bundle (superset/dashboards/) and dbt's exposures from superset/specs/ and dbt."""
    from muara.dashboards import bundle

    try:
        done = bundle.generate(check=check, manifest=manifest)
    except bundle.SpecError as exc:
        raise _fail(str(exc)) from exc
    if done.stale:
        typer.echo(f"stale (run `muara superset bundle`): {', '.join(done.stale)}", err=True)
        raise typer.Exit(1)
    typer.echo(f"{'checked' if check else 'wrote'} {done.files} files: superset/dashboards/ and dbt exposures")


@superset_app.command("stop")
def superset_stop() -> None:
    """Stop the Superset server started by `muara superset up`."""
    from muara.stack import superset

    typer.echo("stopped" if superset.stop() else "not running")


@superset_app.command("status")
def superset_status() -> None:
    """Print URL, admin user and password, and whether Superset answers. Exit 1 when it does not."""
    from muara.stack import superset

    st = superset.status()
    for line in st.lines():
        typer.echo(line)
    if not st.answers:
        raise typer.Exit(1)


# ------------------------------------------------------------------------------------------------- airflow
airflow_app = typer.Typer(
    help="Airflow for the local stack (airflow standalone on 127.0.0.1:8080): start, stop, status.",
    no_args_is_help=True,
)
app.add_typer(airflow_app, name="airflow")


@airflow_app.command("up")
def airflow_up() -> None:
    """Start `airflow standalone` in the background (scheduler, dag-processor, api-server, triggerer); safe to
    repeat. Needs the environment the Makefile exports."""
    from muara.stack import airflow as airflow_server

    try:
        airflow_server.up(say=typer.echo)
    except airflow_server.AirflowError as exc:
        raise _fail(str(exc)) from exc


@airflow_app.command("stop")
def airflow_stop() -> None:
    """Stop the Airflow started by `muara airflow up` (every component)."""
    from muara.stack import airflow as airflow_server

    try:
        typer.echo("stopped" if airflow_server.stop() else "not running")
    except airflow_server.AirflowError as exc:
        raise _fail(str(exc)) from exc


@airflow_app.command("status")
def airflow_status() -> None:
    """Print URL, admin user and password, and each component's health. Exit 1 when Airflow does not answer."""
    from muara.stack import airflow as airflow_server

    try:
        st = airflow_server.status()
    except airflow_server.AirflowError as exc:
        raise _fail(str(exc)) from exc
    for line in st.lines():
        typer.echo(line)
    if not st.components:
        raise typer.Exit(1)


# -------------------------------------------------------------------------------------------------- portal
portal_app = typer.Typer(
    help="Pintu Data: the officers' upload portal and push API on 127.0.0.1:8090 (MUARA_PORTAL_PORT).",
    no_args_is_help=True,
)
portal_user_app = typer.Typer(help="Named officers' accounts.", no_args_is_help=True)
portal_token_app = typer.Typer(
    help="API tokens per sender and Open311 api_keys per client app (stored hashed, shown once).", no_args_is_help=True
)
portal_app.add_typer(portal_user_app, name="user")
portal_app.add_typer(portal_token_app, name="token")
app.add_typer(portal_app, name="portal")


def _portal_db() -> None:
    from muara.stack import portal as portal_server

    try:
        portal_server.ensure_database()
    except portal_server.PortalError as exc:
        raise _fail(str(exc)) from exc


@portal_app.command("provision")
def portal_provision() -> None:
    """One account per sender (opd_<kode>, kel_<kode>) and admin, each with a new password written to
    data/secrets/portal-logins.json (0600); safe to repeat."""
    from muara.portal import accounts
    from muara.portal import db as portal_db

    _portal_db()
    with portal_db.connect() as conn:
        logins = accounts.provision(conn)
    typer.echo(f"{len(logins)} accounts (admin and {len(logins) - 1} senders); logins in {accounts.logins_file()}")


@portal_app.command("up")
def portal_up() -> None:
    """Provision the accounts and start the portal in the background; safe to repeat."""
    from muara.stack import portal as portal_server

    portal_provision()
    try:
        portal_server.up(say=typer.echo)
    except portal_server.PortalError as exc:
        raise _fail(str(exc)) from exc


@portal_app.command("stop")
def portal_stop() -> None:
    """Stop the portal started by `muara portal up`."""
    from muara.stack import portal as portal_server

    typer.echo("stopped" if portal_server.stop() else "not running")


@portal_app.command("status")
def portal_status() -> None:
    """URL, pid and whether the portal answers. Exit 1 when it does not."""
    from muara.stack import portal as portal_server

    st = portal_server.status()
    for line in st.lines():
        typer.echo(line)
    if not st.answers:
        raise typer.Exit(1)


@portal_user_app.command("add")
def portal_user_add(
    sender: Annotated[str, typer.Option("--sender", help="OPD or kelurahan code, e.g. PUPR.")],
    username: Annotated[str, typer.Option("--username", help="Login name, e.g. budi_pupr.")],
) -> None:
    """Add (or reset) a named officer of SENDER; prints the generated password once."""
    from muara.portal import accounts
    from muara.portal import db as portal_db

    _portal_db()
    with portal_db.connect() as conn:
        try:
            password = accounts.add_user(conn, sender, username)
        except accounts.AccountError as exc:
            raise _fail(str(exc)) from exc
    typer.echo(f"{username} ({sender}): {password}")


@portal_token_app.command("create")
def portal_token_create(
    sender: Annotated[
        str | None, typer.Option("--sender", help="OPD or kelurahan code, e.g. PUPR: a push-API token.")
    ] = None,
    client: Annotated[
        str | None,
        typer.Option("--client", help="Open311 client app name, e.g. 'FixMyStreet Kupang': an Open311 api_key."),
    ] = None,
    label: Annotated[str | None, typer.Option(help="What the token is for, e.g. e-Lapor.")] = None,
) -> None:
    """A new token, printed once and kept only as its hash: for a SENDER's push API (--sender) or for an Open311
    client app's POST requests (--client). The two kinds never stand in for each other."""
    from muara.portal import accounts
    from muara.portal import db as portal_db

    if (sender is None) == (client is None):
        raise _fail("give exactly one of --sender KODE (push API) or --client NAME (Open311 api_key)")
    _portal_db()
    with portal_db.connect() as conn:
        try:
            if client is not None:
                token_id, token = accounts.create_client_token(conn, client, label, by="cli")
                portal_db.audit(conn, "token_klien_buat", client="cli", token=str(token_id), app=client)
            else:
                assert sender is not None
                token_id, token = accounts.create_token(conn, sender, label, by="cli")
                portal_db.audit(conn, "token_buat", sender=sender, client="cli", token=str(token_id))
        except accounts.AccountError as exc:
            raise _fail(str(exc)) from exc
    typer.echo(f"id: {token_id}")
    typer.echo(f"token: {token}")
    where = "client app's" if client is not None else "sending system's"
    typer.echo(f"the token is shown only now: keep it in the {where} secrets", err=True)


@portal_token_app.command("revoke")
def portal_token_revoke(token_id: Annotated[str, typer.Argument(help="The id `token create` printed.")]) -> None:
    """Revoke a push-API token or an Open311 api_key at once. Exit 1 when no live token has that id."""
    from muara.portal import accounts
    from muara.portal import db as portal_db

    _portal_db()
    with portal_db.connect() as conn:
        try:
            done = accounts.revoke_token(conn, token_id)
        except accounts.AccountError as exc:
            raise _fail(str(exc)) from exc
        if done:
            portal_db.audit(conn, "token_cabut", client="cli", token=token_id)
    typer.echo("revoked" if done else "no live token with that id")
    if not done:
        raise typer.Exit(1)


# ---------------------------------------------------------------------------------------------------- demo
@app.command("demo")
def demo(
    rows: Annotated[int, typer.Option(help="Number of aduan rows over all senders.")] = 5000,
    anchor: Annotated[
        datetime | None,
        typer.Option(formats=["%Y-%m-%d"], help="Export day of the demo files (YYYY-MM-DD). Default: yesterday."),
    ] = None,
) -> None:
    """The whole stack on the demo city: Airflow running, demo exports dropped into the inbox, the ingest DAG
    taking them by itself, the warehouse DAG following on the Assets, Superset provisioned; then URLs and logins.
    `make demo` runs it after the set-up; safe to repeat."""
    from muara.devtools import demo as demo_mod

    started = time.monotonic()
    try:
        demo_mod.run(rows, anchor.date() if anchor else None, say=typer.echo)
    except demo_mod.DemoError as exc:
        raise _fail(str(exc)) from exc
    typer.echo(f"ready in {(time.monotonic() - started) / 60:.1f} min")


def main() -> None:  # pragma: no cover - console entry point
    sys.exit(app())


if __name__ == "__main__":  # pragma: no cover
    main()
