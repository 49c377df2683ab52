"""Make the files: one task chunk by chunk, and all tasks of a run serially or in worker processes.

Workers are spawned, not forked, and receive plain ``Task`` data; every chunk has its own random stream, so
the bytes written do not depend on the number of workers or the order in which files finish.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import numpy as np

from muara import settings
from muara.contract import model as contracts
from muara.devtools.demo_data.formatting import format_cells
from muara.devtools.demo_data.hooks import model_for
from muara.devtools.demo_data.hooks.aduan import aduan_categories
from muara.devtools.demo_data.hooks.kemacetan import kemacetan_grid
from muara.devtools.demo_data.hooks.ritase_bus import bus_fleet
from muara.devtools.demo_data.mistakes import MISTAKE_KINDS, MISTAKE_SHARE, apply_mistakes
from muara.devtools.demo_data.plan import DemoFile, Task, plan_dataset
from muara.devtools.demo_data.rows import grid_table, make_rows
from muara.devtools.demo_data.seeding import seeded_rng
from muara.devtools.demo_data.shapes import Ctx
from muara.devtools.demo_data.world import EXPORT_HOUR, World, anchor_date, kota_row, make_world
from muara.devtools.demo_data.writers import CsvWriter, JsonWriter, XlsxWriter, file_style

DEFAULT_ROWS = 2000  # aduan rows over all senders when ``rows`` is not given
CHUNK_ROWS = 50_000
PARALLEL_FROM_ROWS = 300_000  # below this, worker start-up costs more than it saves


def write_demo_data(
    out: Path,
    *,
    city_code: str | None = None,
    rows: int | None = None,
    seed: int = 42,
    datasets: Sequence[str] | None = None,
    progress: Callable[[str], None] | None = None,
    workers: int | None = None,
    anchor: date | None = None,
) -> list[DemoFile]:
    """Write demo exports into ``out/<sender>/<dataset>/<file>`` and return what was written.

    ``rows`` is the number of ``aduan`` rows over all its senders (default 2000); other datasets get their
    natural size for the same period or a size scaled from ``rows``. ``workers`` > 1 writes files in
    parallel processes (default: one per CPU, up to 4, for large runs); the bytes do not depend on it.
    ``anchor`` is the export day (default: fixed per seed, see :func:`anchor_date`); the same seed and anchor
    give the same bytes. It may not be today or later: no generated time may lie in the future.
    """
    rows = DEFAULT_ROWS if rows is None else int(rows)
    if rows < 0:
        raise ValueError("rows must be >= 0")
    _clear_caches()  # the contracts or reference lists may have changed since the last call
    city = settings.city(city_code)
    all_contracts = contracts.load_all()
    names = list(datasets) if datasets is not None else sorted(all_contracts)
    unknown = [n for n in names if n not in all_contracts]
    if unknown:
        raise KeyError(f"no contract for {', '.join(unknown)}; known: {', '.join(sorted(all_contracts))}")
    if anchor is None:
        anchor = anchor_date(seed)
    elif anchor >= date.today():
        raise ValueError(f"anchor {anchor} must be before today: exports describe what has already happened")
    tasks: list[Task] = []
    for name in names:
        tasks.extend(plan_dataset(all_contracts[name], Path(out), city.code, rows, seed, anchor))
    total = sum(t.n for t in tasks)
    if workers is None:
        workers = min(os.cpu_count() or 1, 4) if total >= PARALLEL_FROM_ROWS else 1
    results: list[DemoFile] = []
    if workers <= 1 or len(tasks) <= 1:
        for task in tasks:
            results.append(_run_task(task))
            _report(progress, results[-1])
        return results
    # largest first, so the long XLSX files do not start last; results come back in plan order
    order = sorted(range(len(tasks)), key=lambda i: -tasks[i].n * (3 if tasks[i].fmt == "xlsx" else 1))
    done: dict[int, DemoFile] = {}
    with ProcessPoolExecutor(max_workers=workers, mp_context=_mp_context()) as pool:
        futures = {pool.submit(_run_task, tasks[i]): i for i in order}
        for fut in as_completed(futures):
            done[futures[fut]] = fut.result()
            _report(progress, done[futures[fut]])
    return [done[i] for i in range(len(tasks))]


def _clear_caches() -> None:
    for fn in (make_world, grid_table, aduan_categories, bus_fleet, kemacetan_grid, kota_row):
        fn.cache_clear()


def _report(progress: Callable[[str], None] | None, f: DemoFile) -> None:
    if progress is not None:
        errs = sum(f.mistakes.values())
        progress(f"{f.dataset} {f.sender}: {f.rows} rows ({errs} mistakes) -> {f.path}")


def _mp_context() -> Any:
    import multiprocessing

    return multiprocessing.get_context("spawn")


def _run_task(task: Task) -> DemoFile:
    """Make and write one file chunk by chunk; nothing but the current chunk is held in memory."""
    c = contracts.get(task.dataset)
    w = make_world(task.seed, task.city, task.anchor)
    style = file_style(c, task)
    ctx = Ctx(c, w, task.sender, task.sender_rows, model_for(c), style.id_style)
    task.path.parent.mkdir(parents=True, exist_ok=True)
    first_day = (w.start.astype("datetime64[D]")).item()
    who = w.opd_name(task.sender) if c.sender_kind == "opd" else _kelurahan_title(w, task.sender)
    what = c.title.upper() if c.title.upper().startswith("REKAP") else f"REKAP {c.title.upper()}"
    title = f"{what} {who.upper()} {w.city.name.upper()} PERIODE {first_day:%d/%m/%Y} S.D. {w.anchor_day:%d/%m/%Y}"
    created = datetime.combine(w.anchor_day, time(EXPORT_HOUR, 0))
    writer: XlsxWriter | CsvWriter | JsonWriter
    if task.fmt == "xlsx":
        writer = XlsxWriter(task, c, style, title, created)
    elif task.fmt == "csv":
        writer = CsvWriter(task, style)
    else:
        meta = {
            "total": task.n,
            "halaman": task.part,
            "pengirim": task.sender,
            "dataset": c.name,
            "diekspor_pada": created.isoformat(),
            "zona_waktu": w.city.zone_label,
        }
        writer = JsonWriter(task, style, meta)
    counts: Counter[str] = Counter()
    try:
        end = task.start + task.n
        for a in range(task.start, end, CHUNK_ROWS):
            b = min(a + CHUNK_ROWS, end)
            rng = seeded_rng(task.seed, task.city, c.name, task.sender, "rows", a)
            t = make_rows(ctx, rng, np.arange(a, b, dtype=np.int64))
            k = int(rng.binomial(b - a, MISTAKE_SHARE))
            if a == task.start and task.n >= 50:
                k = max(k, 1)
            overrides, spoilt = apply_mistakes(ctx, rng, t, k)
            counts += spoilt
            cols = []
            for col in c.columns:
                cells = format_cells(col, t[col.name], task.fmt, style.excel_dates)
                for i, text in overrides.get(col.name, {}).items():
                    cells[i] = text
                cols.append(cells)
            writer.write(cols)
    finally:
        writer.close()
    return DemoFile(
        task.sender, c.name, task.path, task.fmt, task.n, {k: counts[k] for k in MISTAKE_KINDS if counts[k]}
    )


def _kelurahan_title(w: World, code: str) -> str:
    i = w.kel_index.get(code)
    return f"KELURAHAN {w.kel_name[i]}" if i is not None else code
