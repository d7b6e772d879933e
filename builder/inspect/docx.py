"""Word documents (.docx): every top-level table, titled by the paragraph before it.

Portals attach catalogs as Word files ("附件5:公共文化服务领域基层政务公开标准目录.docx",
``official-format.md`` e). A merged 一级事项 is a vertical merge (``w:vMerge``: the first
cell says "restart", the cells below "continue" and are empty) and a merged 公开事项 a
horizontal one (``w:gridSpan``). The cells are read straight from the table's XML, one
pass, so a merge spanning a thousand rows costs a thousand steps (python-docx's own
``row.cells`` follows a vertical merge upward recursively, once per cell).
"""

from __future__ import annotations

from functools import partial
from pathlib import Path

import docx
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph
from lxml import etree

from builder.clerk.sheets import clean
from builder.inspect.published import Extract, Limits, TooLarge, failed, finding

MAX_SPAN = 64
"""Word's own grid is at most 63 columns wide."""


def read_docx(path: Path, label: str, limits: Limits) -> Extract:
    try:
        body = docx.Document(str(path)).element.body
    except Exception as exc:  # python-docx raises KeyError, ValueError, lxml errors on damaged files
        return failed(label, "docx", exc)
    out = Extract()
    before = ""
    n = 0
    for child in body.iterchildren():
        if child.tag == qn("w:p"):
            before = _paragraph(child) or before
        elif child.tag == qn("w:tbl") and n == limits.tables:
            out.findings.append(finding("inspect-tables-skipped", label, table="文档", limit=limits.tables,
                                        table_en="The document", count=len(body.findall(qn("w:tbl")))))
            break
        elif child.tag == qn("w:tbl"):
            n += 1
            name = f"表{n}"
            out.add_table(name, partial(table_rows, child, limits.cells), before, (path.stem,), label, limits)
            before = ""
    return out


def _paragraph(p: etree._Element) -> str:
    text = clean(Paragraph(p, None).text)  # type: ignore[arg-type]  # a parent only matters for styles
    return text if len(text) <= 200 else ""


def _val(tc: etree._Element, prop: str) -> str | None:
    """The w:val of ``w:tcPr/w:<prop>``; '' when the element is there without a value."""
    found = tc.find(f"{qn('w:tcPr')}/{qn(prop)}")
    return None if found is None else (found.get(qn("w:val")) or "")


def _int(text: str | None, most: int) -> int:
    return max(1, min(int(text), most)) if text and text.isdigit() else 1


def table_rows(tbl: etree._Element, limit: int) -> list[list[str]]:
    """The table's cells as a grid: a spanned cell repeated across its columns, a vertically
    merged one repeated down its rows (the text of the cell that starts the merge)."""
    trs = tbl.findall(qn("w:tr"))
    counted = sum(len(tr.findall(qn("w:tc"))) for tr in trs)
    if counted > limit:
        raise TooLarge(counted)
    grid: list[list[str]] = []
    placed = 0
    for tr in trs:
        before = tr.find(f"{qn('w:trPr')}/{qn('w:gridBefore')}")  # grid columns the row skips
        row = [""] * (0 if before is None else _int(before.get(qn("w:val")), MAX_SPAN))
        above = grid[-1] if grid else []
        for tc in tr.findall(qn("w:tc")):
            merge = _val(tc, "w:vMerge")
            col = len(row)
            if merge is not None and merge != "restart":
                text = above[col] if col < len(above) else ""
            else:
                text = clean("\n".join(Paragraph(p, None).text  # type: ignore[arg-type]
                                       for p in tc.findall(qn("w:p"))))
            row += [text] * _int(_val(tc, "w:gridSpan"), MAX_SPAN)
        placed += len(row)
        if placed > limit:
            raise TooLarge(placed)
        grid.append(row)
    return grid
