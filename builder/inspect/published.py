"""The records every reader of a published catalog hands on, and what is shared between them.

A reader (``html``, ``xls``, ``docx``, ``pdf``, or ``sheets.read_grids`` for .xlsx/.csv)
turns one file into ``Captioned`` grids: the table's cells with merged cells filled, as
``sheets.Grid`` holds them, plus the texts around it (caption, heading, page title) that
say which area it belongs to. ``sources`` keeps those whose header ``sheets.find_layout``
recognises as ``Table`` records, and ``read_rows`` reads a table's rows with the very
``rows.RowReader`` that ``gkml import`` uses, so a published table means what an imported
one means.

Every reader is bounded by ``Limits``: a hostile file (a 50 MB page, a table of 100,000
empty cells, a zip bomb) is refused with a finding before it costs time or memory.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from builder.clerk.rows import RowReader, known_channels
from builder.clerk.sheets import Grid, Layout, data_rows, find_layout
from builder.findings import Finding
from builder.model import Site

MB = 1 << 20


@dataclass(frozen=True)
class Limits:
    """Bounds on what one source may cost. Real county catalogs stay far below each:
    one area's table is a few hundred rows of 15 columns, a page under 2 MB."""

    file_bytes: int = 16 * MB
    """Any file read (workbook, document, PDF)."""
    page_bytes: int = 8 * MB
    """A saved web page: lxml's tree takes about ten times the page's size."""
    unpacked_bytes: int = 16 * MB
    """What an .xlsx or .docx (a zip) may unpack to: Word's XML takes a few KB a row."""
    cells: int = 60_000
    """One table, merged cells expanded: 4,000 rows of 15 columns. A page or document may
    hold twice as many cells in all its tables (layout tables, several areas)."""
    tables: int = 200
    """Tables read from one page or document."""
    pdf_pages: int = 100
    files: int = 200
    """Files read from one folder."""
    fetch_bytes: int = 16 * MB
    timeout: float = 30.0
    """Seconds for fetching an address, in all."""


LIMITS = Limits()


def finding(code: str, source: str, where: str = "$", **params: object) -> Finding:
    """A finding about a whole source (``where`` = '$') or one of its tables (``where`` = 表2)."""
    return Finding(code, source, path=where, params=params)


def refuse(code: str, source: str, **params: object) -> Extract:
    """The whole source is refused: this finding and no tables."""
    return Extract(findings=[Finding(code, source, params=params)], refused=True)


def failed(source: str, kind: str, exc: Exception) -> Extract:
    """A library could not read a damaged or misnamed file: the source is refused, with why."""
    return refuse("inspect-format", source, detail=f"{kind}: {type(exc).__name__}: {exc}")


class TooLarge(Exception):
    """A table over ``Limits.cells``; ``cells`` is as far as counting went."""

    def __init__(self, cells: int) -> None:
        super().__init__(cells)
        self.cells = cells


@dataclass(frozen=True)
class Captioned:
    """One table as a reader found it, before its header is looked for."""

    grid: Grid
    """``grid.sheet`` names the table in findings: the sheet's name, 表2, 第3页表1."""
    caption: str = ""
    """The table's own title: its <caption>, the heading or paragraph before it."""
    context: tuple[str, ...] = ()
    """Further texts that may name the area, after the title rows inside the table: the
    sheet's name, the page's <title>, the file's name."""


@dataclass
class Extract:
    """What a reader got out of one file."""

    tables: list[Captioned] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    refused: bool = False
    """The whole file was refused (too large, no text layer): no 'no catalog table' finding."""

    def add_table(self, name: str, read: Callable[[], list[list[str]]], caption: str,
                  context: tuple[str, ...], label: str, limits: Limits) -> None:
        """The table ``read`` gives, or the finding that it holds more cells than a table may."""
        try:
            grid = Grid(name, read())
        except TooLarge as big:
            self.findings.append(finding("inspect-table-too-large", label, name, table=name,
                                         cells=big.cells, limit=limits.cells))
        else:
            self.tables.append(Captioned(grid, caption, context))


@dataclass(frozen=True)
class Table:
    """A catalog table found in a published source."""

    source: str
    """The source as the inspector named it: a path as typed, or the address fetched."""
    index: int
    """1-based among the source's catalog tables."""
    locator: str
    """Where in the source: the sheet's name, 表2 (the page's second table), 第3页表1."""
    title: str
    """Its caption, else the title row above its header, else the sheet's name or 表2."""
    area: str
    """The pilot area the title, caption or sheet name names (``PILOT_AREAS``), or ''."""
    grid: Grid
    layout: Layout


@dataclass(frozen=True)
class Row:
    """One catalog row of a table, read as ``gkml import`` reads it."""

    row: int
    """1-based row of the table's grid (the sheet's row number for a workbook)."""
    number: str
    """Its 序号 as published, '' when the table has no 序号 column."""
    data: dict[str, Any]
    """The item's data in the item file's shape (``columns``, ``content``, ``basis`` …)."""


@dataclass(frozen=True)
class Stamp:
    """Evidence of what was read: the bytes' sha256 and, for an address, when it was fetched."""

    source: str
    path: str
    sha256: str
    size: int
    url: str = ""
    fetched_at: str = ""
    """ISO 8601 UTC time of the fetch, '' for a local file."""


def read_rows(table: Table, site: Site | None = None,
              channels: Iterable[str] = ()) -> tuple[list[Row], list[Finding]]:
    """The table's item rows (同上 resolved, ticks and citations read) and the reader's findings.

    ``site`` supplies the levels (县级/乡级) ticks are matched against; ``channels`` are the
    area's own platforms beside the official checklist."""
    reader = RowReader(site or Site(), table.grid, table.layout, table.source, known_channels(channels))
    number = next((i for i, f in enumerate(table.layout.fields) if f.kind == "number"), None)
    out: list[Row] = []
    for index, cells in data_rows(table.grid, table.layout):
        data = reader.read(index, cells)
        if data is not None:
            out.append(Row(index + 1, cells[number] if number is not None else "", data))
    return out, reader.findings


# --- which area a table belongs to -----------------------------------------------------------------

PILOT_AREAS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("城乡规划", ("城乡规划", "国土空间规划", "规划管理")),
    ("重大建设项目", ("重大建设项目", "重大项目", "建设项目")),
    ("财政预决算", ("财政预决算", "预决算", "财政预算", "财政决算")),
    ("税收管理", ("税收管理", "税收", "税务")),
    ("环境保护", ("环境保护", "生态环境", "环保")),
    ("食品药品监管", ("食品药品监管", "食品药品", "食品安全", "药品监管")),
    ("安全生产", ("安全生产", "应急管理")),
    ("公共文化服务", ("公共文化服务", "公共文化", "文化服务")),
    ("公共法律服务", ("公共法律服务", "法律服务", "司法行政")),
)
"""The nine pilot areas and the names portals give them (``official-format.md`` b, e)."""


def guess_area(texts: Iterable[str],
               areas: Sequence[tuple[str, Sequence[str]]] = PILOT_AREAS) -> str:
    """The area the first telling text names. A text naming two areas (a page title over
    all of them) tells nothing; the longest name wins ties (生态环境 over 环保)."""
    for text in texts:
        squashed = re.sub(r"\s+", "", text)[:400]
        found = {name: max(len(v) for v in variants if v in squashed)
                 for name, variants in areas if any(v in squashed for v in variants)}
        if len(found) == 1:
            return next(iter(found))
        if found:
            best = sorted(found.values(), reverse=True)
            if best[0] > best[1]:
                return max(found, key=lambda name: found[name])
    return ""


def title_rows(grid: Grid, layout: Layout) -> list[str]:
    """The texts of the rows above the header: a title row merged across the table, 填报单位."""
    start = next((i for i in range(layout.header_rows)
                  if find_layout(Grid(grid.sheet, grid.rows[i:i + 1])) is not None), 0)
    return [" ".join(dict.fromkeys(c for c in row if c)) for row in grid.rows[:start] if any(row)]

