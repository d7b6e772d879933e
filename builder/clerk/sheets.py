"""Read spreadsheets as counties publish them: grids of text, and where each element's column is.

Two steps, both pure apart from reading the file:

- ``read_grids(path)``: an .xlsx workbook (every sheet) or a .csv file as rows of cell
  texts. Merged cells are filled with their top-left value, which is what a merged
  一级事项 spanning rows, or 公开事项 spanning its sub-columns, means. A CSV that is not
  UTF-8 is read as GB18030 (what Excel on Chinese Windows writes).
  Reading is bounded, because a 6 KB workbook can claim a million rows: workbooks are
  streamed (openpyxl's read-only mode), the used range is where cells hold text, not the
  sheet's declared dimension nor its merges (a stray cell at XFD1048576 or a merge
  A4:XFD1048576 costs nothing), and the decompressed size, rows, columns, cells and merged
  ranges have limits (``MAX_*``); past one, ``ReadError("import-format")`` names the number.
- ``find_layout(grid, site)``: finds the header (one row, or the official two rows),
  whichever of the spelling variants it uses (``official-format.md`` a.2), and maps each
  column to a ``Field``: an element, one tick column (主动, 县级 …), or an extra column.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.cell_range import CellRange
from openpyxl.xml.functions import iterparse

from builder.safefile import refusal
from builder.tables import csv_unescape
from builder.textsafe import strip_control

MAX_BYTES = 100 << 20
"""Largest decompressed workbook (or CSV file): a 10,000-row county sheet is about 10 MB."""
MAX_ROWS = 100_000
MAX_COLS = 500
MAX_CELLS = 5_000_000
"""Rows × columns of the used range: the grid held in memory (~40 MB of references)."""
MAX_MERGES = 20_000
HEADER_SCAN = 15
"""Rows searched for the header: title rows, 填报单位 and 填报时间 lines come first."""


@dataclass(frozen=True)
class Grid:
    sheet: str
    rows: list[list[str]]


class ReadError(Exception):
    """The file cannot be read as a table; ``code`` is the finding code to report."""

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(code)
        self.code, self.detail = code, detail


def cell_ref(row: int, col: int) -> str:
    """'C12' for 0-based ``row``/``col``."""
    return f"{get_column_letter(col + 1)}{row + 1}"


# --- reading -------------------------------------------------------------------------------------

def read_grids(path: Path) -> tuple[list[Grid], bool]:
    """The file's sheets as grids, and whether a CSV had to be read as GB18030."""
    suffix = path.suffix.lower()
    if suffix == ".xls":
        raise ReadError("import-xls")
    if suffix == ".csv":
        return _read_csv(path)
    if suffix not in (".xlsx", ".xlsm"):
        raise ReadError("import-format", path.suffix or path.name)
    _regular(path)
    try:
        _check_unzipped_size(path)
        wb = load_workbook(path, read_only=True, data_only=True, keep_links=False)
    except ReadError:
        raise
    except Exception as exc:  # openpyxl raises many kinds for a damaged or misnamed file
        raise ReadError("import-format", f"{type(exc).__name__}: {exc}") from exc
    try:
        return [Grid(ws.title, _sheet_rows(ws)) for ws in wb.worksheets], False
    except ReadError:
        raise
    except Exception as exc:  # a part that lies about itself shows only while streaming
        raise ReadError("import-format", f"{type(exc).__name__}: {exc}") from exc
    finally:
        wb.close()


def _regular(path: Path) -> None:
    """The table is a regular file: a FIFO would block, /dev/zero never end."""
    problem = refusal(path)
    if problem and problem.code != "file-symlink":  # a clerk may well link to a sheet
        raise ReadError("import-format", "不是普通文件 / not a regular file")
    if problem is None and not path.exists():
        raise OSError(2, "No such file or directory", str(path))


def _too_big(what_zh: str, what_en: str, number: int, limit: int) -> ReadError:
    return ReadError("import-format", f"{what_zh} {number:,}，超过上限 {limit:,} / "
                                      f"{what_en} {number:,}, over the limit of {limit:,}")


def _check_unzipped_size(path: Path) -> None:
    """The sizes a workbook declares for its parts bound what Python's zipfile inflates,
    so a zip bomb is refused before a byte of it is inflated."""
    with zipfile.ZipFile(path) as zf:
        size = sum(info.file_size for info in zf.infolist())
    if size > MAX_BYTES:
        raise _too_big("解压后字节数", "decompressed bytes", size, MAX_BYTES)


def _read_csv(path: Path) -> tuple[list[Grid], bool]:
    _regular(path)
    with path.open("rb") as stream:
        raw = stream.read(MAX_BYTES + 1)
    if len(raw) > MAX_BYTES:
        raise _too_big("文件字节数", "file bytes", path.stat().st_size, MAX_BYTES)
    try:
        text, legacy = raw.decode("utf-8-sig"), False
    except UnicodeDecodeError:
        try:
            text, legacy = raw.decode("gb18030"), True
        except UnicodeDecodeError as exc:
            raise ReadError("import-format", "CSV 既不是 UTF-8 也不是 GBK / neither UTF-8 nor GBK") from exc
    try:
        rows = _used(enumerate(([clean(csv_unescape(c)) for c in row]
                                for row in csv.reader(io.StringIO(text))), 1))
    except csv.Error as exc:  # a cell over csv's field limit (131,072 characters), a stray quote
        raise ReadError("import-format", f"CSV：{exc}") from exc
    return [Grid(path.stem, rows)], legacy


def _sheet_rows(ws: Any) -> list[list[str]]:
    ws.reset_dimensions()  # the declared dimension may say A1:XFD1048576; trust the cells
    texts = (([clean(v) for v in row] if row else []) for row in ws.iter_rows(values_only=True))
    rows = _used(enumerate(texts, 1))
    _fill_merges(rows, _merged_ranges(ws))
    return rows


def _used(numbered: Iterable[tuple[int, list[str]]]) -> list[list[str]]:
    """The rows up to the last that holds text, each padded to the widest; ``ReadError``
    as soon as text lies beyond ``MAX_ROWS``, ``MAX_COLS`` or ``MAX_CELLS``."""
    kept: dict[int, list[str]] = {}
    width = 0
    for n, cells in numbered:
        while cells and not cells[-1]:
            cells.pop()
        if not cells:
            continue
        if n > MAX_ROWS:
            raise _too_big("有内容的行号", "row with text", n, MAX_ROWS)
        if len(cells) > MAX_COLS:
            raise _too_big(f"第 {n} 行有内容的列数", f"columns with text in row {n}", len(cells), MAX_COLS)
        width = max(width, len(cells))
        if n * width > MAX_CELLS:
            raise _too_big("表格单元格数", "cells in the table", n * width, MAX_CELLS)
        kept[n] = cells
    last = max(kept, default=0)
    return [kept.get(n, []) + [""] * (width - len(kept.get(n, []))) for n in range(1, last + 1)]


def _merged_ranges(ws: Any) -> list[CellRange]:
    """The sheet's merged ranges, streamed from its XML (read-only mode does not read them)."""
    ranges: list[CellRange] = []
    with ws.parent._archive.open(ws._worksheet_path) as src:  # openpyxl's read-only sheet
        for _, elem in iterparse(src):
            if elem.tag.endswith("}mergeCell") and elem.get("ref"):
                ranges.append(CellRange(elem.get("ref")))
                if len(ranges) > MAX_MERGES:
                    raise _too_big("合并单元格区域数", "merged ranges", len(ranges), MAX_MERGES)
            elem.clear()
    return ranges


def _fill_merges(rows: list[list[str]], ranges: Iterable[CellRange]) -> None:
    """Each merged range's cells, within the used range only, get its top-left text."""
    width = len(rows[0]) if rows else 0
    for merged in ranges:
        if merged.min_row > len(rows) or merged.min_col > width:
            continue
        top = rows[merged.min_row - 1][merged.min_col - 1]
        for r in range(merged.min_row - 1, min(merged.max_row, len(rows))):
            for c in range(merged.min_col - 1, min(merged.max_col, width)):
                rows[r][c] = top


def clean(value: Any) -> str:
    """A cell's text: trimmed lines, Windows line ends and non-breaking spaces normalised."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime):
        value = value.date() if value.time() == dt.time() else value
    if isinstance(value, dt.date | dt.datetime):
        value = value.isoformat()
    text = strip_control(str(value).replace("\r\n", "\n").replace("\u00a0", " "))  # Word's \x07, \x0b
    return "\n".join(ln.strip() for ln in text.split("\n") if ln.strip())


# --- header --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Field:
    """What one column holds. ``kind`` is an element key, a tick kind or 'extra'."""

    kind: str
    name: str
    """The header's own text, as shown to the clerk in findings."""
    value: str = ""
    """For tick columns: the level or channel the tick stands for."""


@dataclass(frozen=True)
class Layout:
    header_rows: int
    """0-based index of the first row after the header."""
    fields: list[Field]

    def has(self, *kinds: str) -> bool:
        return any(f.kind in kinds for f in self.fields)


ELEMENT_COLUMNS: dict[str, tuple[str, ...]] = {
    "code": ("code",), "columns.level1": ("level1",), "columns.level2": ("level2",),
    "content": ("content",), "basis": ("basis",), "time_limit": ("time_limit",),
    "subject": ("subject",), "method": ("method", "method_active", "method_request"),
    "channels": ("channels", "channel_tick"),
    "audience": ("audience", "audience_all", "audience_group"),
    "levels": ("levels", "level_tick"), "notes": ("notes", "extra"),
}
"""Element (dotted item key) → the column kinds that can supply it: what gkml import reads and
what gkml inspect looks for in a published table."""

_NOTE = re.compile(r"[（(][^（）()]*[）)]|【[^】]*】")
_TOP = (  # (pattern on the normalised header text, kind); the first match wins
    (r"^序号|^编号$", "number"), (r"^(所属)?领域$", "area"), (r"事项编[码号]|事项代码|^编码", "code"),
    (r"^一级", "level1"), (r"^二级", "level2"), (r"^三级", "level3"),
    (r"公开事项|事项名称|^事项$", "name"), (r"公开内容|^内容", "content"),
    (r"依据", "basis"), (r"时限", "time_limit"), (r"主体", "subject"),
    (r"渠道|载体", "channels"), (r"对象", "audience"), (r"方式", "method"),
    (r"层级", "levels"), (r"情况说明|备注|^说明", "notes"),
    (r"^全社会", "audience_all"), (r"^特定群", "audience_group"),
    (r"^主动", "method_active"), (r"^依申请", "method_request"),
)
_SUB = {  # group kind → ((pattern, kind), ...) for the second header row
    "name": ((r"^一级(事项)?$", "level1"), (r"^二级(事项)?$", "level2"), (r"^三级(事项)?$", "level3")),
    "audience": ((r"^全社会", "audience_all"), (r"^特定群", "audience_group")),
    "method": ((r"^主动", "method_active"), (r"^依申请", "method_request")),
}
_GROUPS = frozenset({"name", "audience", "method", "levels", "channels"})


def normalise(header: str) -> str:
    """Header text without spaces, breaks or bracketed notes: 公开内容（要素）及要求 → 公开内容及要求."""
    return _NOTE.sub("", re.sub(r"\s+", "", header)).strip("*＊:：")


def _top_kind(text: str) -> str:
    norm = normalise(text)
    return next((kind for pat, kind in _TOP if re.search(pat, norm)), "extra") if norm else ""


def find_layout(grid: Grid) -> Layout | None:
    for i, row in enumerate(grid.rows[:HEADER_SCAN]):
        kinds = {_top_kind(c) for c in row} - {"", "extra", "number", "area"}
        if len(kinds) >= 3:
            return _layout(grid.rows, i)
    return None


def _layout(rows: Sequence[list[str]], at: int) -> Layout:
    sub = rows[at + 1] if at + 1 < len(rows) else []
    top = _carry_groups(rows[at], sub)
    if not _is_sub_header(top, sub):
        return Layout(at + 1, [_single(c) for c in rows[at]])
    fields = [_field(t, sub[i] if i < len(sub) else "") for i, t in enumerate(top)]
    return Layout(at + 2, fields)


def _is_sub_header(top: list[str], sub: list[str]) -> bool:
    """The row below the header is its second row when it names sub-columns under groups
    (一级事项, 全社会, 县级 …) and holds nothing else but the header's own merged texts.
    A data row fails the second test: its 公开内容 cell is not the header's."""
    named = False
    for i, text in enumerate(top):
        below = sub[i] if i < len(sub) else ""
        if _top_kind(text) in _GROUPS and below and normalise(below) != normalise(text):
            named = True
        elif below and normalise(below) != normalise(text):
            return False
    return named


def _carry_groups(top: list[str], sub: list[str]) -> list[str]:
    """In a CSV (or a table pasted without merges) a group's name stands over its first column only."""
    out: list[str] = []
    for i, text in enumerate(top):
        below = sub[i] if i < len(sub) else ""
        carried = not text and below and out and _top_kind(out[-1]) in _GROUPS
        out.append(out[-1] if carried else text)
    return out


def _single(text: str) -> Field:
    kind = _top_kind(text)
    return Field("level2" if kind == "name" else kind, text)


def _field(top: str, sub: str) -> Field:
    kind = _top_kind(top)
    if kind not in _GROUPS or not sub or normalise(sub) == normalise(top):
        return _single(top)
    label = f"{top}/{sub}"
    for pat, sub_kind in _SUB.get(kind, ()):
        if re.search(pat, normalise(sub)):
            return Field(sub_kind, label)
    if kind == "levels":
        return Field("level_tick", label, re.sub(r"\s+", "", sub))
    if kind == "channels":
        return Field("channel_tick", label, sub)
    return Field("extra", label)


def data_rows(grid: Grid, layout: Layout) -> Iterator[tuple[int, list[str]]]:
    """(0-based row index, cells) for every row below the header that holds anything."""
    header = [normalise(c) for c in grid.rows[layout.header_rows - 1]]
    for i in range(layout.header_rows, len(grid.rows)):
        row = grid.rows[i] + [""] * (len(layout.fields) - len(grid.rows[i]))
        if any(row) and [normalise(c) for c in row] != header:
            yield i, row
