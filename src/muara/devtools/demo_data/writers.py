"""Streaming XLSX, CSV and JSON writers, and the house style of each sender.

The style (header aliases, upper-case headers, sheet name, merged title, JSON envelope) is stable per sender
and dataset, as a real office keeps its own template. Writers take a chunk of columns at a time.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from datetime import datetime
from itertools import islice
from typing import Any

import xlsxwriter

from muara import settings
from muara.contract.model import Contract, normalise_header
from muara.devtools.demo_data.plan import Task
from muara.devtools.demo_data.seeding import seeded_rng

JSON_BATCH_ROWS = 2_000


@dataclass
class _Style:
    headers: list[str]
    excel_dates: bool
    sheet: str
    merged_title: bool
    envelope: bool
    omit_nulls: bool
    id_style: int


def file_style(c: Contract, task: Task) -> _Style:
    rng = seeded_rng(task.seed, task.city, c.name, task.sender, "style")
    mapping = c.header_map()
    mode = int(rng.integers(4))
    headers = []
    for col in c.columns:
        ok = [h for h in col.headers if h.strip() and mapping.get(normalise_header(h)) == col.name]
        if task.fmt == "json":
            snake = [h for h in ok if h.replace("_", "").isalnum() and h == h.lower() and " " not in h]
            headers.append(snake[int(rng.integers(len(snake)))] if snake and mode % 2 else col.name)
        elif mode == 0:
            headers.append(col.business_name if col.business_name in ok else col.name)
        else:
            h = ok[int(rng.integers(len(ok)))]
            headers.append(h.upper() if mode == 3 else h)
    sheet = c.sheet_aliases[int(rng.integers(len(c.sheet_aliases)))] if c.sheet_aliases else c.name
    return _Style(
        headers=headers,
        excel_dates=bool(rng.random() < 0.5),
        sheet=sheet[:31],
        merged_title=bool(rng.random() < 0.5),
        envelope=bool(rng.random() < 0.6),
        omit_nulls=bool(rng.random() < 0.3),
        id_style=int(rng.integers(1 << 30)),
    )


class XlsxWriter:
    def __init__(self, task: Task, c: Contract, style: _Style, title: str, created: datetime) -> None:
        self.wb = xlsxwriter.Workbook(str(task.path), {"constant_memory": True})
        if task.n > 400_000:
            self.wb.use_zip64()
        self.wb.set_properties(
            {
                "title": title,
                "author": f"Operator {task.sender}",
                "created": created,
                "company": settings.city(task.city).name,
            }
        )
        ws = self.wb.add_worksheet(style.sheet)
        bold = self.wb.add_format({"bold": True, "font_size": 12})
        head = self.wb.add_format({"bold": True, "border": 1, "bg_color": "#D9E1F2", "text_wrap": True})
        ncol = len(style.headers)
        for i, h in enumerate(style.headers):
            ws.set_column(i, i, max(10, min(40, len(h) + 4)))
        if style.merged_title and ncol > 1:
            ws.merge_range(0, 0, 0, ncol - 1, title, bold)
        else:
            ws.write_string(0, 0, title, bold)
        for i, h in enumerate(style.headers):
            ws.write_string(2, i, h, head)
        ws.freeze_panes(3, 0)
        ts = self.wb.add_format({"num_format": "dd/mm/yyyy hh:mm"})
        dt = self.wb.add_format({"num_format": "dd/mm/yyyy"})
        self.formats = [
            (ts if col.logical_type == "timestamp" else dt if col.logical_type == "date" else None)
            if style.excel_dates
            else None
            for col in c.columns
        ]
        self.ws = ws
        self.row = 3

    def write(self, cols: list[list[Any]]) -> None:
        ws_s, ws_n, ws_b = self.ws.write_string, self.ws.write_number, self.ws.write_boolean
        fmts = self.formats
        r = self.row
        for row in zip(*cols, strict=True):
            for c, v in enumerate(row):
                if v is None:
                    continue
                tv = type(v)
                if tv is str:
                    ws_s(r, c, v)
                elif tv is bool:
                    ws_b(r, c, v)
                else:
                    ws_n(r, c, v, fmts[c])
            r += 1
        self.row = r

    def close(self) -> None:
        self.wb.close()


class CsvWriter:
    def __init__(self, task: Task, style: _Style) -> None:
        self.f = task.path.open("w", encoding="cp1252", newline="")
        self.w = csv.writer(self.f, delimiter=";", lineterminator="\r\n")
        self.w.writerow(style.headers)

    def write(self, cols: list[list[Any]]) -> None:
        self.w.writerows(zip(*cols, strict=True))

    def close(self) -> None:
        self.f.close()


class JsonWriter:
    """Streams ``{"data": [...], "meta": {...}}`` (or a bare array) a chunk at a time."""

    def __init__(self, task: Task, style: _Style, meta: dict[str, Any]) -> None:
        self.f = task.path.open("w", encoding="utf-8", newline="\n")
        self.keys = style.headers
        self.style = style
        self.meta = meta
        self.first = True
        self.f.write('{"data":[' if style.envelope else "[")

    def write(self, cols: list[list[Any]]) -> None:
        keys, rows = self.keys, zip(*cols, strict=True)
        while batch := list(islice(rows, JSON_BATCH_ROWS)):  # small batches keep the text small
            if self.style.omit_nulls:
                recs = [{k: v for k, v in zip(keys, row, strict=True) if v is not None} for row in batch]
            else:
                recs = [dict(zip(keys, row, strict=True)) for row in batch]
            text = json.dumps(recs, ensure_ascii=False, separators=(",", ":"))[1:-1]
            self.f.write(text if self.first else "," + text)
            self.first = False

    def close(self) -> None:
        if self.style.envelope:
            self.f.write('],"meta":' + json.dumps(self.meta, ensure_ascii=False, separators=(",", ":")) + "}\n")
        else:
            self.f.write("]\n")
        self.f.close()
