"""The official table layout, shared by the site's directory page, its downloads and import/export.

County portals publish a catalog as one table with a two-row header
(``../shared/reference/official-format.md`` a.2)::

    序号 | 事项编码 | 公开事项                   | 公开内容（要素） | 公开依据 | 公开时限 | 公开主体
         |          | 一级事项 | 二级事项 | 三级事项 |                  |          |          |
    … | 公开渠道和载体 | 公开对象          | 公开方式       | 公开层级            | 情况说明
      |                | 全社会 | 特定群体 | 主动 | 依申请 | <site.yml levels> |

事项编码 and 情况说明 are this project's own columns (the official table has neither);
they are kept so that an export can be imported back unchanged.

API (stable; the site and ``gkml import``/``gkml export`` depend on it):

- ``columns(site) -> tuple[Column, ...]``: the columns in order, each with its two header
  texts and its Excel width; ``header_rows(site) -> (row1, row2)``: the two header rows as
  plain text, a group's name in its first column only (as merged cells read when flattened).
- ``cells(item, site, number=0) -> list[str]``: one row of cell texts.
  Tick columns (全社会, 主动, 依申请, each level) hold ``TICK`` (√) or "".
  特定群体 holds the group's name (as "特定群体(请写明)" catalogs do; √ if none is named).
  公开依据 holds one citation per line. 公开渠道和载体 holds each channel after a ■, joined
  by a space (``■政府网站 ■政务服务中心``): it is how portals print the checklist, and
  ■ never occurs in a channel's name, so splitting on ■ gives the channels back exactly.
  序号 is ``number`` ("" when 0).
- ``write_csv(target, site, items)``: both header rows then one row per item; UTF-8 with a
  BOM so that Excel on Chinese Windows opens it without garbling. ``target`` is a path or a
  text stream.
- ``write_xlsx(path, site, items, title)``: a title row, the two header rows with merged
  cells, frozen panes below the header, column widths, wrapped text.
- The one cell writer, used for every cell gkml writes (these tables, ``gkml check``'s
  CSV and XLSX reports): ``csv_cell(value)`` for CSV and ``xlsx_cell(ws, value, …)`` for
  XLSX. Text is always written as text, never a formula: a CSV cell that starts with
  =, +, -, @, tab or CR gets a leading ' (OWASP's advice against CSV injection, taken off
  again by ``csv_unescape`` on import); an XLSX cell is typed text (``data_type`` 's', never
  guessed by openpyxl) and such a cell also carries Excel's quote prefix, so editing it in
  Excel keeps it text.
  cells, frozen panes below the header, column widths, wrapped text, print setup
  (``print_setup``: landscape A4/A3, one page wide, header rows on every page); every cell
  is text (never a formula). ``write_catalog_xlsx(path, catalog, title)``: a 汇总 sheet
  with a 领域 column, then one such sheet per area. ``write_csv``/``rows`` take ``areas``
  (slug → name) for a 领域 first column.
- ``catalog_json(catalog) -> dict``: ``{"site", "areas", "items"}`` for the JSON download;
  dump it with ``ensure_ascii=False``. Items carry every key (empty text or lists when
  unset) and ``method`` is always a list, so machines need no special cases.
"""

from __future__ import annotations

import csv
import io
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO
from zipfile import ZIP_DEFLATED, ZipFile, ZipInfo

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.cell_range import CellRange
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from builder.model import Area, Catalog, Item, Site, catalog_title

TICK = "√"
CHANNEL_MARK = "■"
TITLE_ROWS = 1
"""Rows above the header in an XLSX written here (the title)."""


@dataclass(frozen=True, slots=True)
class Column:
    """One column: ``group`` is the first header row, ``name`` the second ("" when ungrouped)."""

    group: str
    name: str
    width: int

    @property
    def label(self) -> str:
        return self.name or self.group


def columns(site: Site) -> tuple[Column, ...]:
    def group(name: str, subs: Iterable[str], width: int) -> list[Column]:
        return [Column(name, s, width) for s in subs]

    return (
        Column("序号", "", 6), Column("事项编码", "", 12),
        *group("公开事项", ("一级事项", "二级事项", "三级事项"), 16),
        Column("公开内容（要素）", "", 40), Column("公开依据", "", 40),
        Column("公开时限", "", 22), Column("公开主体", "", 18),
        Column("公开渠道和载体", "", 22),
        *group("公开对象", ("全社会", "特定群体"), 9),
        *group("公开方式", ("主动", "依申请"), 7),
        *group("公开层级", site.levels, 7),
        Column("情况说明", "", 30),
    )


def header_rows(site: Site) -> tuple[list[str], list[str]]:
    return _header_rows(columns(site))


def _header_rows(cols: Sequence[Column]) -> tuple[list[str], list[str]]:
    first = [c.group if i == 0 or cols[i - 1].group != c.group else "" for i, c in enumerate(cols)]
    return first, [c.name for c in cols]


def cells(item: Item, site: Site, number: int = 0) -> list[str]:
    def tick(on: bool) -> str:
        return TICK if on else ""

    group = (item.audience_group or TICK) if item.audience == "特定群体" else ""
    return [
        str(number) if number else "", item.code, item.level1, item.level2, item.level3,
        item.content, "\n".join(item.basis), item.time_limit, item.subject,
        " ".join(f"{CHANNEL_MARK}{c}" for c in item.channels),
        tick(item.audience == "全社会"), group,
        tick("主动公开" in item.method), tick("依申请公开" in item.method),
        *(tick(level in item.levels) for level in site.levels),
        item.notes,
    ]


def split_channels(cell: str) -> list[str]:
    """The inverse of the channel cell written by ``cells``."""
    return [c.strip() for c in cell.split(CHANNEL_MARK) if c.strip()]


AREA_COLUMN = Column("领域", "", 12)
"""The first column of a table holding several areas (the whole-catalog CSV, the 汇总 sheet)."""


def rows(site: Site, items: Iterable[Item], areas: Mapping[str, str] | None = None) -> list[list[str]]:
    """Both header rows followed by one numbered row per item; with ``areas`` (slug →
    name) a 领域 column first."""
    if areas is None:
        return [*header_rows(site), *(cells(it, site, n) for n, it in enumerate(items, 1))]
    head = _header_rows((AREA_COLUMN, *columns(site)))
    return [*head, *([areas.get(it.area, ""), *cells(it, site, n)] for n, it in enumerate(items, 1))]


_FORMULA = re.compile(r"'*[=+\-@\t\r]")
_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
"""Characters an XLSX file cannot hold (openpyxl's ILLEGAL_CHARACTERS_RE)."""


def looks_like_formula(text: str) -> bool:
    """Whether a spreadsheet would read ``text`` as a formula (or a DDE call) when typed in."""
    return _FORMULA.match(text) is not None


def csv_cell(value: object) -> str:
    """A CSV cell's text: numbers as written, text Excel would run (=, +, -, @, tab or CR
    first) behind a leading ' that Excel shows and ``csv_unescape`` takes off."""
    text = "" if value is None else str(value)
    return f"'{text}" if looks_like_formula(text) else text


def csv_unescape(text: str) -> str:
    return text[1:] if text.startswith("'") and looks_like_formula(text[1:]) else text


def xlsx_cell(ws: Any, value: object, style: StyleArray | None = None, **named: Any) -> Cell:
    """An XLSX cell for any worksheet (write-only or not; ``append`` places it).

    Numbers and true/false stay what they are; everything else is text, typed 's' here so
    openpyxl never guesses (its guess makes a formula of any text starting with =). Text a
    spreadsheet would run when retyped carries Excel's quote prefix. A control character an
    XLSX file cannot hold (only an invalid catalog has one: validation refuses them) is shown
    as its escape.
    ``named`` sets openpyxl style attributes (font, fill, border, alignment)."""
    cell = Cell(ws, row=1, column=1, style_array=style)
    if isinstance(value, int | float):  # bool is an int: it stays TRUE/FALSE
        cell.value = value
    elif value is not None:
        text = _XML_ILLEGAL.sub(lambda m: f"\\x{ord(m.group()):02x}", str(value))
        cell._value = text  # type: ignore[attr-defined]  # not the setter: that is where openpyxl guesses
        cell.data_type = "s"
        if looks_like_formula(text):
            cell.quotePrefix = True
    for key, val in named.items():
        setattr(cell, key, val)
    return cell


def write_csv(target: Path | TextIO, site: Site, items: Iterable[Item],
              areas: Mapping[str, str] | None = None) -> None:
    table = [[csv_cell(c) for c in row] for row in rows(site, items, areas)]
    if isinstance(target, Path):
        with target.open("w", encoding="utf-8-sig", newline="") as stream:
            csv.writer(stream).writerows(table)
    else:
        target.write("\ufeff")
        csv.writer(target).writerows(table)


_THIN = Side(style="thin", color="999999")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEAD_FILL = PatternFill("solid", fgColor="DDE5F0")
_WRAP = Alignment(wrap_text=True, vertical="top")
_CENTER = Alignment(wrap_text=True, vertical="center", horizontal="center")
_SHEET_NAME_BAD = re.compile(r"[\[\]:*?/\\]")


def write_xlsx(path: Path, site: Site, items: Iterable[Item], title: str) -> None:
    """One sheet, streamed: openpyxl's write-only mode writes each row as it comes instead of
    keeping every cell (a 10,000-row sheet held 110 MB), so layout is set up front."""
    wb = Workbook(write_only=True)
    _sheet(wb, _SHEET_NAME_BAD.sub("_", title)[:31] or "目录", site, title, items)
    _save_reproducibly(wb, path)


def write_catalog_xlsx(path: Path, catalog: Catalog, title: str) -> None:
    """The whole catalog: a 汇总 sheet of every item (with a 领域 column), then a sheet per
    area, each titled and laid out for printing like a one-area workbook."""
    wb = Workbook(write_only=True)
    names = {a.slug: a.name for a in catalog.areas}
    _sheet(wb, SUMMARY_SHEET, catalog.site, title, catalog.items, names)
    for area in catalog.areas:
        sheet = _SHEET_NAME_BAD.sub("_", area.name)[:31]
        _sheet(wb, sheet, catalog.site, catalog_title(catalog.site, area), catalog.items_of(area))
    _save_reproducibly(wb, path)


SUMMARY_SHEET = "汇总"



def _sheet(wb: Workbook, name: str, site: Site, title: str, items: Iterable[Item],
           areas: Mapping[str, str] | None = None) -> None:
    ws = wb.create_sheet(name)
    cols = (AREA_COLUMN, *columns(site)) if areas is not None else columns(site)
    for i, c in enumerate(cols, 1):
        ws.column_dimensions[get_column_letter(i)].width = c.width
    # header rows and 序号/事项编码 (and 领域) stay in view
    ws.freeze_panes = f"{get_column_letter(3 + (areas is not None))}{TITLE_ROWS + 3}"
    print_setup(ws, cols)
    _title(ws, title, len(cols))
    _header(ws, cols)
    styles = _body_styles(ws, cols)
    for n, item in enumerate(items, 1):
        values = ([areas.get(item.area, "")] if areas is not None else []) + cells(item, site, n)
        ws.row_dimensions[TITLE_ROWS + 2 + n].height = row_height(values, cols)
        ws.append([xlsx_cell(ws, value, style) for value, style in zip(values, styles, strict=True)])


LINE_HEIGHT = 16.0
"""Points per wrapped line of 11-point text, Chinese included."""


def row_height(values: Sequence[str], cols: Sequence[Column]) -> float:
    """The height that shows every wrapped line of the row. Spreadsheet programs do not all
    fit rows to wrapped text when they open a file (LibreOffice 7.4 printed one line of
    each), so the writer says it: a Chinese character is two width units, a Latin one."""
    lines = max(sum(max(1, -(-_text_width(line) // max(1, c.width - 1))) for line in v.split("\n"))
                for v, c in zip(values, cols, strict=True))
    return lines * LINE_HEIGHT + 4


def _text_width(text: str) -> int:
    """Chinese characters and full-width marks two units, Latin one: the byte length in GB18030,
    which encodes those as two bytes and ASCII as one, worked out in C (a character-by-character
    ``unicodedata`` loop made the 10,000-item downloads take twice as long). A few marks (①, —)
    and emoji count wider than they print: a row is then a little taller, never cut."""
    return len(text.encode("gb18030"))


A3_ABOVE = 180
"""Total column width (Excel characters) above which a sheet prints on A3, not A4."""


def print_setup(ws: Any, cols: Sequence[Column]) -> None:
    """Ready to print (the 下载 page says so): landscape A4 or A3 by the table's width, one
    page wide, the two header rows repeated on every page, centred, page numbers below."""
    ws.page_setup.orientation = "landscape"
    wide = sum(c.width for c in cols) > A3_ABOVE
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A3 if wide else Worksheet.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # as many pages down as the rows need
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.print_title_rows = f"{TITLE_ROWS + 1}:{TITLE_ROWS + 2}"
    ws.print_options.horizontalCentered = True
    ws.page_margins = PageMargins(left=0.4, right=0.4, top=0.5, bottom=0.6)
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"


def _body_styles(ws: Worksheet, cols: Sequence[Column]) -> list[StyleArray]:
    """Each column's cell style, set once through openpyxl's style attributes and then copied
    into every row: setting them per cell hashes the style objects each time (half the
    time of a 10,000-row sheet). Narrow columns are centred, the others wrap."""
    styles = []
    for i, col in enumerate(cols, 1):
        proto = Cell(ws, row=1, column=i)  # never added to the sheet
        proto.alignment = _CENTER if col.width <= 9 else _WRAP
        proto.border = _BORDER
        styles.append(proto._style)  # type: ignore[attr-defined]  # its style indices; not in the stubs
    return styles


def _save_reproducibly(wb: Workbook, path: Path) -> None:
    """Same items, same bytes: fixed document dates and zip entry times.

    openpyxl stamps the save time into the workbook and into every zip entry, so each
    build would publish a "new" file. The time is SOURCE_DATE_EPOCH when set (the
    reproducible-builds convention), else 1980-01-01, the zip format's first date.
    """
    stamp = datetime.fromtimestamp(int(os.environ.get("SOURCE_DATE_EPOCH", "315532800")), UTC)
    stamp = stamp.replace(tzinfo=None)
    wb.properties.created = wb.properties.modified = stamp
    raw = io.BytesIO()
    ExcelWriter(wb, ZipFile(raw, "w", ZIP_DEFLATED, allowZip64=True)).save()  # closes the zip
    out = io.BytesIO()
    with ZipFile(io.BytesIO(raw.getvalue())) as src, ZipFile(out, "w", ZIP_DEFLATED) as dst:
        for info in src.infolist():
            entry = ZipInfo(info.filename, date_time=stamp.timetuple()[:6])
            entry.compress_type = ZIP_DEFLATED
            dst.writestr(entry, src.read(info.filename))
    Path(path).write_bytes(out.getvalue())


def _title(ws: Any, title: str, width: int) -> None:
    ws.row_dimensions[1].height = 28
    ws.merged_cells.add(CellRange(min_row=1, min_col=1, max_row=1, max_col=width))
    ws.append([xlsx_cell(ws, title, font=Font(bold=True, size=14), alignment=_CENTER)])


def _header(ws: Any, cols: Sequence[Column]) -> None:
    top = TITLE_ROWS + 1
    start = 0
    for i in range(1, len(cols) + 1):
        if i == len(cols) or cols[i].group != cols[start].group:
            _merge_group(ws, cols, start, i, top)
            start = i
    for row in _header_rows(cols):
        ws.append([xlsx_cell(ws, value or None, font=Font(bold=True), fill=_HEAD_FILL, border=_BORDER,
                             alignment=_CENTER) for value in row])


def _merge_group(ws: Any, cols: Sequence[Column], start: int, end: int, top: int) -> None:
    """Merge a group's first-row cell across its columns, or an ungrouped cell down both rows."""
    if not cols[start].name:
        ws.merged_cells.add(CellRange(min_row=top, min_col=start + 1, max_row=top + 1, max_col=start + 1))
    elif end - start > 1:
        ws.merged_cells.add(CellRange(min_row=top, min_col=start + 1, max_row=top, max_col=end))


def item_json(item: Item) -> dict[str, Any]:
    return {
        "code": item.code, "area": item.area, "file": item.file,
        "columns": {"level1": item.level1, "level2": item.level2, "level3": item.level3},
        "content": item.content, "basis": list(item.basis), "time_limit": item.time_limit,
        "subject": item.subject, "method": list(item.method), "channels": list(item.channels),
        "audience": item.audience, "audience_group": item.audience_group,
        "levels": list(item.levels), "notes": item.notes,
        "exemptions": [{"element": e.element, "reason": e.reason, "approved_by": e.approved_by,
                        "until": e.until} for e in item.exemptions],
    }


def _area_json(area: Area) -> dict[str, Any]:
    def unit(u: Any) -> dict[str, Any]:
        return {"name": u.name, "formerly": list(u.formerly)}

    return {
        "slug": area.slug, "name": area.name, "prefix": area.prefix, "order": area.order,
        "lead": unit(area.lead), "cooperating": [unit(u) for u in area.cooperating],
        "guideline": area.guideline, "channels": list(area.channels),
        "sources": [{"title": s.title, "url": s.url} for s in area.sources],
        "description": area.description,
    }


def _site_json(site: Site) -> dict[str, Any]:
    return {
        "jurisdiction": site.jurisdiction, "short_name": site.short_name,
        "levels": list(site.levels), "code_pattern": site.code_pattern,
        "site_url": site.site_url, "publisher": site.publisher, "contact": dict(site.contact),
    }


def catalog_json(catalog: Catalog) -> dict[str, Any]:
    return {"site": _site_json(catalog.site), "areas": [_area_json(a) for a in catalog.areas],
            "items": [item_json(i) for i in catalog.items]}
