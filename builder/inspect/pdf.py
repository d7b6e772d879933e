"""PDF catalogs, from their text layer, with pdfplumber's ruled-table finder.

A PDF carries no cells, only characters and lines, so three things are rebuilt here:

- merged cells: pdfplumber gives None for the positions a merged cell covers. In the
  first row (the header) a merge runs across (公开事项 over 一级/二级事项), so None takes
  the value on its left; below, it runs down (a merged 一级事项), so None takes the value
  above, which is how ``sheets.read_grids`` fills an .xlsx merge;
- wrapped lines: a cell's text wraps at the column's edge, so its line breaks are dropped;
- tables running over pages: a table without a catalog header right after a catalog table
  with as many columns is its continuation, and a row the page break cut is joined again.

A PDF without text (a scan) is refused with a finding: it cannot be scored.
"""

from __future__ import annotations

from pathlib import Path

import pdfplumber

from builder.clerk.sheets import Grid, Layout, clean, find_layout
from builder.inspect.published import Captioned, Extract, Limits, failed, finding, refuse

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
            raw = [[_unwrap(c) for c in row] for row in found.extract()]
            cells += sum(len(r) for r in raw)
            if cells > limits.cells:
                out.findings.append(finding("inspect-table-too-large", label, f"第{number}页", cells=cells,
                                            table=f"第{number}页及之前的表格", limit=limits.cells))
                page.close()
                return text
            _add(out, raw, f"第{number}页表{n}", _above(page, found.bbox), label)
        page.close()  # pdfplumber keeps every page's objects until closed
    return text


Raw = list[list[str | None]]
"""A table as pdfplumber extracts it: None where a merged cell covers the position."""


def _unwrap(cell: str | None) -> str | None:
    """Every line break in a PDF cell is taken for a wrap and dropped: a PDF does not tell a
    line the author broke from one the column's width broke, catalog cells are wrapped
    prose, and Chinese text wraps anywhere, inside numbers too ('201\n6年')."""
    return None if cell is None else clean(cell.replace("\n", ""))


def _fill(rows: Raw, above: list[str] | None = None) -> list[list[str]]:
    out: list[list[str]] = []
    for row in rows:
        prior = out[-1] if out else above
        filled: list[str] = []
        for c, cell in enumerate(row):
            if cell is not None:
                filled.append(cell)
            elif prior is not None and c < len(prior):
                filled.append(prior[c])
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


def _add(out: Extract, raw: Raw, name: str, caption: str, label: str) -> None:
    """A table without a catalog header, right after a catalog table as wide, continues it
    on the next page; any other table stands on its own."""
    last = out.tables[-1] if out.tables else None
    layout = find_layout(last.grid) if last is not None else None
    if (last is not None and layout is not None and raw and len(raw[0]) == len(last.grid.rows[0])
            and find_layout(Grid(name, _fill(raw))) is None):
        _continue(last.grid.rows, raw, layout)
        return
    out.tables.append(Captioned(Grid(name, _fill(raw)), caption, (Path(label).stem,)))


def _continue(rows: list[list[str]], raw: Raw, layout: Layout) -> None:
    """Add the rows of a table's next page. A first row without its 序号 is the rest of the
    row the page break cut, and is joined to it. A merged cell running on from the previous
    page has an empty box on this one: when the cell below it is covered (None), it is the
    merged cell, and takes the value above like the covered ones."""
    number = next((i for i, f in enumerate(layout.fields) if f.kind == "number"), None)
    if number is not None and not raw[0][number]:
        rows[-1] = [a + (b or "") for a, b in zip(rows[-1], raw[0], strict=False)]
        raw = raw[1:]
    if len(raw) > 1:
        raw[0] = [None if not c and raw[1][i] is None else c for i, c in enumerate(raw[0])]
    rows.extend(_fill(raw, rows[-1]))
