"""Legacy .xls workbooks (福州's 安全生产 catalog is one, ``official-format.md`` b.7) via xlrd.

``formatting_info=True`` is what makes xlrd read the merged ranges, and a merged 一级事项
spanning rows is how these catalogs are laid out; each range is filled with its top-left
value, as ``sheets.read_grids`` does for .xlsx. A sheet over ``Limits.cells`` is refused
before its cells are copied.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import xlrd

from builder.clerk.sheets import Grid, clean
from builder.inspect.published import Captioned, Extract, Limits, failed, finding


def read_xls(path: Path, label: str, limits: Limits) -> Extract:
    try:
        book = xlrd.open_workbook(str(path), formatting_info=True, on_demand=True)
    except Exception as exc:  # xlrd raises XLRDError, struct and assertion errors on damaged files
        return failed(label, "xls", exc)
    out = Extract()
    try:
        for index in range(book.nsheets):
            sheet = book.sheet_by_index(index)
            cells = sheet.nrows * sheet.ncols
            if cells > limits.cells:
                out.findings.append(finding("inspect-table-too-large", label, sheet.name,
                                            table=f"工作表“{sheet.name}”", cells=cells, limit=limits.cells))
                continue
            out.tables.append(Captioned(Grid(sheet.name, _rows(sheet, book.datemode)), "",
                                        (sheet.name, path.stem)))
            book.unload_sheet(index)
    finally:
        book.release_resources()
    return out


def _rows(sheet: Any, datemode: int) -> list[list[str]]:
    rows = [[_value(sheet.cell(r, c), datemode) for c in range(sheet.ncols)] for r in range(sheet.nrows)]
    for rlo, rhi, clo, chi in sheet.merged_cells:
        top = rows[rlo][clo] if rlo < len(rows) and clo < sheet.ncols else ""
        for r in range(rlo, min(rhi, len(rows))):
            for c in range(clo, min(chi, sheet.ncols)):
                rows[r][c] = top
    return rows


def _value(cell: Any, datemode: int) -> str:
    if cell.ctype == xlrd.XL_CELL_DATE:
        try:
            return clean(xlrd.xldate_as_datetime(cell.value, datemode))
        except (ValueError, OverflowError):
            return clean(cell.value)
    if cell.ctype == xlrd.XL_CELL_BOOLEAN:
        return "是" if cell.value else "否"
    if cell.ctype == xlrd.XL_CELL_ERROR:
        return ""
    return clean(cell.value)
