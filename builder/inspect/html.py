"""Saved portal pages: every <table> of the page as a grid, with the text that titles it.

Portals publish catalogs as HTML tables pasted from Word or Excel (``official-format.md``
e): GBK/GB2312 pages as often as UTF-8, merged cells as rowspan/colspan, several areas'
tables on one page under their headings, and layout tables around them. This module
gives every table it finds; ``sources`` keeps the ones whose header is a catalog's.

Bounded: a page over ``Limits.page_bytes`` is not parsed, and a table is counted before
it is expanded, so 100,000 empty cells cost a count, not a grid.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator
from functools import partial
from pathlib import Path

import lxml.html
from lxml import etree
from lxml.html import HtmlElement

from builder.clerk.sheets import clean
from builder.inspect.published import Extract, Limits, TooLarge, failed, finding, refuse

_META = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>")
_GB = frozenset({"gb2312", "gbk", "gb_2312-80", "x-gbk", "gb18030", "cp936", "euc-cn", "hz-gb-2312"})
_BREAKS = frozenset({"br", "p", "div", "li", "tr"})
_SPACE = re.compile(r"[ \t\r\n\f]+")
_DIGITS = re.compile(r"\s*(\d+)")
_BREAK = "\ue000"
"""Marks a <br> or block end (a private-use character: lxml refuses control characters)
while HTML whitespace is collapsed; becomes a line break."""
MAX_SPAN = 1000
"""colspan above this is an error in the page (the HTML standard's own cap)."""
CAPTION_LOOKBACK = 8
"""Elements searched back from a table for its heading."""


def read_html(path: Path, label: str, limits: Limits, charset: str = "") -> Extract:
    """Every table of the page at ``path``; ``charset`` is the server's, when fetched."""
    size = path.stat().st_size
    if size > limits.page_bytes:
        return refuse("inspect-too-large", label, size=size, limit=limits.page_bytes)
    text, exact = decode(path.read_bytes(), charset)
    try:
        doc = lxml.html.document_fromstring(_XML_DECL.sub("", text) or "<html></html>")
    except (etree.ParserError, ValueError) as exc:
        return failed(label, "HTML", exc)
    out = Extract(findings=[] if exact else [finding("inspect-encoding", label)])
    cells = int(doc.xpath("count(//td|//th)"))
    if cells > 2 * limits.cells:  # counted in C before any cell is read in Python
        return refuse("inspect-table-too-large", label, table="网页的表格", cells=cells,
                      limit=2 * limits.cells)
    title = clean(doc.findtext(".//title") or "")
    context = (title, path.stem) if title else (path.stem,)
    tables = list(doc.iter("table"))
    if len(tables) > limits.tables:
        out.findings.append(finding("inspect-tables-skipped", label, table="网页", table_en="The page",
                                    count=len(tables), limit=limits.tables))
    for n, table in enumerate(tables[:limits.tables], 1):
        name = f"表{n}"
        out.add_table(name, partial(table_rows, table, limits.cells), caption(table), context, label, limits)
    return out


# --- charset --------------------------------------------------------------------------------------

def decode(raw: bytes, charset: str = "") -> tuple[str, bool]:
    """The page's text and whether it decoded without replacement: BOM, then the server's or
    the page's own declared charset, then UTF-8, then GB18030 (a superset of GBK and GB2312)."""
    for bom, enc in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"),
                     (codecs.BOM_UTF16_BE, "utf-16-be")):
        if raw.startswith(bom):
            return raw[len(bom):].decode(enc, errors="replace"), True
    meta = _META.search(raw[:8192])
    declared = _encoding(charset or (meta.group(1).decode("ascii") if meta else ""))
    for enc in dict.fromkeys(e for e in (declared, "utf-8", "gb18030") if e):
        try:
            return raw.decode(enc), True
        except UnicodeDecodeError:
            continue
    return raw.decode(declared or "utf-8", errors="replace"), False


def _encoding(name: str) -> str:
    name = name.strip().lower()
    if name in _GB:
        return "gb18030"
    try:
        return codecs.lookup(name).name if name else ""
    except LookupError:
        return ""


# --- one table ------------------------------------------------------------------------------------

def _own_rows(table: HtmlElement) -> list[HtmlElement]:
    """The table's rows, not those of a table nested in one of its cells."""
    return list(table.xpath("./tr|./thead/tr|./tbody/tr|./tfoot/tr"))


def _cells(tr: HtmlElement) -> Iterator[HtmlElement]:
    return tr.iterchildren("td", "th")


def _span(cell: HtmlElement, attr: str, most: int) -> int:
    """A rowspan/colspan as browsers read it: digits only, at least 1, 0 = to the end, at most ``most``."""
    given = cell.get(attr)
    if given is None:
        return 1
    digits = _DIGITS.match(given)
    value = int(digits.group(1)[:7]) if digits else 1
    return most if value == 0 else max(1, min(value, most))


def table_rows(table: HtmlElement, limit: int) -> list[list[str]]:
    """The table's cells as a grid, a spanned cell's text in every position it covers."""
    trs = _own_rows(table)
    counted = int(table.xpath("count(./tr/td|./tr/th|./*/tr/td|./*/tr/th)"))
    if counted > limit:
        raise TooLarge(counted)
    grid: list[list[str]] = []
    pending: dict[int, tuple[int, str]] = {}  # column → (rows still to cover, text)
    placed = 0
    for r, tr in enumerate(trs):
        row = list(_expand(tr, pending, len(trs) - r))
        placed += len(row)
        if placed > limit:
            raise TooLarge(placed)
        grid.append(row)
    return grid


def _expand(tr: HtmlElement, pending: dict[int, tuple[int, str]], rows_left: int) -> Iterator[str]:
    col = 0
    for cell in _cells(tr):
        while col in pending:
            yield _carry(pending, col)
            col += 1
        text = cell_text(cell)
        down = _span(cell, "rowspan", rows_left)
        for _ in range(_span(cell, "colspan", MAX_SPAN)):
            if down > 1:
                pending[col] = (down - 1, text)
            yield text
            col += 1
    while pending and col <= max(pending):
        yield _carry(pending, col) if col in pending else ""
        col += 1


def _carry(pending: dict[int, tuple[int, str]], col: int) -> str:
    left, text = pending[col]
    if left > 1:
        pending[col] = (left - 1, text)
    else:
        del pending[col]
    return text


def cell_text(cell: HtmlElement) -> str:
    """A cell's text as a browser shows it: whitespace collapsed, <br> and paragraphs as lines."""
    if len(cell) == 0:  # text only: most cells, and every cell of a page of empty ones
        return _SPACE.sub(" ", cell.text).replace("\u00a0", " ").strip() if cell.text else ""
    for el in cell.iter(*_BREAKS):
        if el is not cell:
            el.tail = _BREAK + (el.tail or "")
    text = _SPACE.sub(" ", cell.text_content())
    return clean(text.replace(_BREAK, "\n")) if _BREAK in text else text.replace("\u00a0", " ").strip()


def caption(table: HtmlElement) -> str:
    """The table's <caption>, else the nearest short text before it (the heading a portal puts
    over each area's table), looking back through siblings and then the parents' siblings."""
    own = table.find("caption")
    if own is not None and (text := clean(own.text_content())):
        return text
    node: HtmlElement | None = table
    looked = 0
    while node is not None and looked < CAPTION_LOOKBACK:
        for before in node.itersiblings(preceding=True):
            looked += 1
            if not isinstance(before.tag, str) or before.tag == "table" or looked > CAPTION_LOOKBACK:
                return ""
            text = clean(before.text_content())
            if 0 < len(text) <= 200:
                return text
            if text:
                return ""
        node = node.getparent()
        looked += 1
    return ""
