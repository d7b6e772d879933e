"""PDF catalogs, from their text layer, with pdfplumber's ruled-table finder.

A PDF carries no cells, only characters and lines, so three things are rebuilt here:

- merged cells: pdfplumber gives None for the positions a merged cell covers. In the
  first row (the header) a merge runs across (公开事项 over 一级/二级事项), so None takes
  the value on its left; below, it runs down (a merged 一级事项), so None takes the value
  above, which is how ``sheets.read_grids`` fills an .xlsx merge;
- wrapped lines: a cell's text wraps at the column's edge, so its line breaks are dropped
  (between two Latin letters or digits one becomes a space);
- tables running over pages: a table without a catalog header right after a catalog table
  with as many columns is its continuation.

A PDF without text (a scan) is refused with a finding: it cannot be scored.
"""

from __future__ import annotations

import re
from pathlib import Path

import pdfplumber

from builder.inspect.published import Captioned, Extract, Limits, failed, finding, refuse
from builder.sheets import Grid, clean, find_layout

_WORDS = re.compile(r"(?<=[A-Za-z0-9])\n(?=[A-Za-z0-9])")
"""A wrap between two Latin letters or digits was a space ('GB/T\n32939')."""
CAPTION_HEIGHT = 60
"""Points above a table searched for its title."""


def read_pdf(path: Path, label: str, limits: Limits) -> Extract:
    out = Extract()
    try:
        with pdfplumber.open(path) as pdf:
            pages = len(pdf.pages)
            if pages > limits.pdf_pages:
                out.findings.append(finding("inspect-pages-skipped", label, pages=pages,
                                            limit=limits.pdf_pages))
            text = _read_pages(pdf, label, limits, out)
    except Exception as exc:  # pdfminer raises many kinds on a damaged file
        return failed(label, "PDF", exc)
    if not text:
        return refuse("inspect-pdf-no-text", label, pages=min(pages, limits.pdf_pages))
    return out


def _read_pages(pdf: pdfplumber.PDF, label: str, limits: Limits, out: Extract) -> bool:
    """Add the tables of the first pages to ``out``; whether any page had text."""
    text = False
    cells = 0
    for number, page in enumerate(pdf.pages[:limits.pdf_pages], 1):
        text = text or bool(page.chars)
        for n, found in enumerate(page.find_tables() if page.chars else [], 1):
            rows = _fill([[_unwrap(c) for c in row] for row in found.extract()])
            cells += sum(len(r) for r in rows)
            if cells > limits.cells:
                out.findings.append(finding("inspect-table-too-large", label, f"第{number}页", cells=cells,
                                            table=f"第{number}页及之前的表格", limit=limits.cells))
                page.close()
                return text
            _add(out, Grid(f"第{number}页表{n}", rows), _above(page, found.bbox), label)
        page.close()  # pdfplumber keeps every page's objects until closed
    return text


def _unwrap(cell: str | None) -> str | None:
    """Every line break in a PDF cell is taken for a wrap: a PDF does not tell a line the
    author broke from one the column's width broke, and catalog cells are wrapped prose."""
    return None if cell is None else clean(_WORDS.sub(" ", cell).replace("\n", ""))


def _fill(rows: list[list[str | None]]) -> list[list[str]]:
    out: list[list[str]] = []
    for r, row in enumerate(rows):
        filled: list[str] = []
        for c, cell in enumerate(row):
            if cell is not None:
                filled.append(cell)
            elif r > 0 and c < len(out[-1]):
                filled.append(out[-1][c])
            else:
                filled.append(filled[-1] if filled else "")
        out.append(filled)
    return out


def _above(page: pdfplumber.page.Page, bbox: tuple[float, float, float, float]) -> str:
    """The last line of text just above the table: its title, when it has one."""
    top = bbox[1]
    if top <= 1:
        return ""
    strip = page.within_bbox((0, max(0.0, top - CAPTION_HEIGHT), page.width, top))
    lines = [ln for ln in (strip.extract_text() or "").split("\n") if ln.strip()]
    return clean(lines[-1]) if lines else ""


def _add(out: Extract, grid: Grid, caption: str, label: str) -> None:
    """A table whose header is not a catalog's, right after a catalog table as wide, continues it."""
    last = out.tables[-1] if out.tables else None
    if (last is not None and find_layout(grid) is None and find_layout(last.grid) is not None
            and grid.rows and len(grid.rows[0]) == len(last.grid.rows[0])):
        last.grid.rows.extend(grid.rows)
        return
    out.tables.append(Captioned(grid, caption, (Path(label).stem,)))
