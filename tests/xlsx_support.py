"""Workbooks too big to write cell by cell: a real workbook from xlsxwriter whose first sheet's XML is replaced by
generated rows, streamed into the zip. Shared by the reader tests (row and cell caps) and the hostile-file tests
(peak memory at full size)."""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import Path

import xlsxwriter


def sheet_workbook(path: Path, header: list[str], rows: int, row_xml: Callable[[int], bytes]) -> Path:
    """``path``: one sheet with ``header`` in its first row (replaced with the rest), then ``row_xml(r)`` for
    r = 1..``rows`` as the sheet's XML rows."""
    base = path.with_suffix(".base.xlsx")
    wb = xlsxwriter.Workbook(str(base))
    wb.add_worksheet("aduan").write_row(0, 0, header)
    wb.close()
    with zipfile.ZipFile(base) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as dst:
        for info in src.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                dst.writestr(info, src.read(info))
                continue
            with dst.open(info.filename, "w", force_zip64=True) as out:
                out.write(b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/')
                out.write(b'2006/main"><sheetData>')
                for start in range(1, rows + 1, 50_000):
                    out.write(b"".join(row_xml(r) for r in range(start, min(start + 50_000, rows + 1))))
                out.write(b"</sheetData></worksheet>")
    base.unlink()
    return path
