"""``read_source``: a published catalog (a file, a folder of files, or an address) as tables.

Which reader reads a file is decided by its first bytes, then its name: portals serve
HTML tables under .xls names and Word saves "web pages" as .doc, so the name alone would
mislead. Every table any reader finds goes through ``sheets.find_layout``, the header
detection of ``gkml import``; the tables it recognises are the catalog tables, the others
(layout tables, navigation, a sheet of notes) are passed over. A source without any gives
one finding that shows the headers it saw.

Nothing here raises for bad input: each problem is a finding, and each read is bounded by
``Limits`` (size, unpacked size, cells, pages, files).
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

from builder.catalog import display_path
from builder.clerk.sheets import Grid, ReadError, find_layout, read_grids
from builder.files import sha256_file
from builder.findings import Finding
from builder.inspect.docx import read_docx
from builder.inspect.fetch import Fetched, fetch
from builder.inspect.html import read_html
from builder.inspect.pdf import read_pdf
from builder.inspect.published import (
    LIMITS,
    Captioned,
    Extract,
    Limits,
    Stamp,
    Table,
    failed,
    finding,
    guess_area,
    refuse,
    title_rows,
)
from builder.inspect.xls import read_xls

_PAGES = frozenset({".html", ".htm", ".shtml", ".shtm", ".xhtml"})
_READABLE = frozenset({*_PAGES, ".xlsx", ".xlsm", ".xls", ".csv", ".docx", ".pdf"})
_LEGACY = {".doc": ".docx", ".wps": ".docx", ".et": ".xlsx", ".dps": ".pptx"}
"""Old binary formats and what to save them as (另存为) first."""
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_HTML = re.compile(rb"<(?:!doctype html|html|table|meta)\b", re.I)
WALK_LIMIT = 20_000
"""Entries looked at under a folder."""
HEADERS_SHOWN = 5
"""Tables whose first row a 'no catalog table' finding shows."""


@dataclass
class Reading:
    """What ``read_source`` found: the catalog tables, the findings, and the evidence stamps."""

    tables: list[Table] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    stamps: list[Stamp] = field(default_factory=list)


def read_source(source: str | Path, *, evidence: Path = Path("gkml-evidence"),
                limits: Limits = LIMITS) -> Reading:
    """Read a file, a folder of files or an http(s) address. An address is fetched once into
    the folder ``evidence`` (kept next to the report) and the saved copy is read."""
    out = Reading()
    text = str(source)
    if text.startswith(("http://", "https://")):
        got = fetch(text, evidence, limits)
        if isinstance(got, Finding):
            out.findings.append(got)
        else:
            _read_fetched(got, out, limits)
        return out
    path = Path(source)
    if path.is_dir():
        _read_folder(path, out, limits)
    elif path.is_file():
        _read_file(path, display_path(path), out, limits)
    else:
        out.findings.append(finding("path-not-found", display_path(path), path=str(path)))
    return out


def _read_fetched(got: Fetched, out: Reading, limits: Limits) -> None:
    out.stamps.append(Stamp(got.url, display_path(got.path), got.sha256, got.size, got.url, got.fetched_at))
    _tables(_extract(got.path, got.url, limits, got.charset), got.url, out)


def _read_folder(folder: Path, out: Reading, limits: Limits) -> None:
    walked = islice(folder.rglob("*"), WALK_LIMIT)  # a folder given by mistake (a whole disk) stays cheap
    files = sorted(p for p in walked if p.is_file() and _wanted(p, folder))
    if len(files) > limits.files:
        out.findings.append(finding("inspect-files-skipped", display_path(folder), count=len(files),
                                    limit=limits.files))
    for path in files[:limits.files]:
        _read_file(path, display_path(path), out, limits)
    if not files:
        out.findings.append(finding("inspect-no-table", display_path(folder),
                                    headers="（文件夹中没有网页、表格或文档）"))


def _wanted(path: Path, folder: Path) -> bool:
    """Readable files, and legacy ones (to say how to convert them); not hidden ones nor
    fetched copies' notes."""
    parts = path.relative_to(folder).parts
    return not any(p.startswith(".") for p in parts) and path.suffix.lower() in _READABLE | set(_LEGACY)


def _read_file(path: Path, label: str, out: Reading, limits: Limits) -> None:
    size = path.stat().st_size
    if size > max(limits.file_bytes, limits.page_bytes):
        out.findings.append(finding("inspect-too-large", label, size=size, limit=limits.file_bytes))
        return
    out.stamps.append(Stamp(label, label, sha256_file(path), size))
    _tables(_extract(path, label, limits), label, out)


# --- which reader ---------------------------------------------------------------------------------

def _extract(path: Path, label: str, limits: Limits, charset: str = "") -> Extract:
    with path.open("rb") as f:
        head = f.read(4096)
    suffix = path.suffix.lower()
    if head.startswith(b"%PDF"):
        return _sized(read_pdf, path, label, limits)
    if head.startswith(_OLE):
        if suffix == ".xls":
            return _sized(read_xls, path, label, limits)
        return _legacy(suffix or ".doc", label)
    if head.startswith(b"PK\x03\x04"):
        return _zipped(path, label, limits)
    if suffix in _LEGACY and not _HTML.search(head):  # Word's "web page" saved as .doc is HTML
        return _legacy(suffix, label)
    if suffix == ".csv":
        return _csv(path, label, limits)
    return read_html(path, label, limits, charset)


def _sized(reader: Callable[[Path, str, Limits], Extract], path: Path, label: str, limits: Limits) -> Extract:
    size = path.stat().st_size
    if size > limits.file_bytes:
        return refuse("inspect-too-large", label, size=size, limit=limits.file_bytes)
    return reader(path, label, limits)


def _legacy(suffix: str, label: str) -> Extract:
    target = _LEGACY.get(suffix, ".docx 或 .xlsx")
    return refuse("inspect-legacy-office", label, suffix=suffix, target=f"{target} 格式", target_en=target)


def _zipped(path: Path, label: str, limits: Limits) -> Extract:
    """An .xlsx or a .docx: what its names say it is, after checking what it unpacks to."""
    try:
        with zipfile.ZipFile(path) as z:
            infos = z.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        return failed(label, "zip", exc)
    names = {i.filename for i in infos}
    kind = "docx" if "word/document.xml" in names else "xlsx" if "xl/workbook.xml" in names else ""
    if not kind:
        return refuse("inspect-format", label, detail="zip 中既无 Word 文档也无 Excel 工作簿")
    unpacked = sum(i.file_size for i in infos)
    if unpacked > limits.unpacked_bytes:
        return refuse("inspect-unpacked-too-large", label, kind=kind, size=unpacked,
                      limit=limits.unpacked_bytes)
    counts = _count_cells(path, kind)
    table = max(counts, key=lambda name: counts[name], default="")
    if kind == "xlsx" and table and counts[table] > limits.cells:  # a sheet is one table
        return refuse("inspect-table-too-large", label, table=table, cells=counts[table], limit=limits.cells)
    if sum(counts.values()) > 2 * limits.cells:
        return refuse("inspect-table-too-large", label, table=path.name, cells=sum(counts.values()),
                      limit=2 * limits.cells)
    return _sized(read_docx, path, label, limits) if kind == "docx" else _grids(path, label, limits)


_CELL_TAGS = {"xlsx": ("xl/worksheets/", (b"<c ", b"<c>", b"<c/")),
              "docx": ("word/document.xml", (b"<w:tc>", b"<w:tc ", b"<w:tc/"))}


def _count_cells(path: Path, kind: str) -> dict[str, int]:
    """Cells written in each sheet of a workbook, or in a document, counted in the XML before
    openpyxl or python-docx build them (each costs hundreds of bytes there, a few here)."""
    prefix, tags = _CELL_TAGS[kind]
    counts: dict[str, int] = {}
    with zipfile.ZipFile(path) as z:
        for info in z.infolist():
            if info.filename.startswith(prefix) and info.filename.endswith(".xml"):
                with z.open(info) as f:
                    tail = b""  # a tag cut between two chunks is seen once, in the joined block
                    count = 0
                    while chunk := f.read(1 << 16):
                        block = tail + chunk
                        count += sum(block.count(t) for t in tags)
                        tail = block[-len(tags[0]) + 1:]  # shorter than a tag: none counted twice
                counts[info.filename] = count
    return counts


def _csv(path: Path, label: str, limits: Limits) -> Extract:
    with path.open("rb") as f:
        raw = f.read(limits.file_bytes + 1)
    rough = raw.count(b",") + raw.count(b"\n")
    if rough > 2 * limits.cells:  # commas inside quoted cells count too: a generous margin
        return refuse("inspect-table-too-large", label, table=path.name, cells=rough, limit=2 * limits.cells)
    return _grids(path, label, limits)


def _grids(path: Path, label: str, limits: Limits) -> Extract:
    out = Extract()
    try:
        grids, legacy = read_grids(path)
    except ReadError as exc:
        return refuse("inspect-format", label, detail=exc.detail or exc.code)
    if legacy:
        out.findings.append(Finding("import-csv-encoding", label, 1, 1))
    for grid in grids:
        cells = len(grid.rows) * max((len(r) for r in grid.rows), default=0)
        if cells > limits.cells:
            out.findings.append(finding("inspect-table-too-large", label, grid.sheet,
                                        table=f"工作表“{grid.sheet}”", cells=cells, limit=limits.cells))
        else:
            out.tables.append(Captioned(grid, "", (grid.sheet, path.stem)))
    return out


# --- which tables are catalogs --------------------------------------------------------------------

def _tables(extract: Extract, label: str, out: Reading) -> None:
    out.findings += extract.findings
    seen: list[str] = []
    for found in extract.tables:
        layout = find_layout(found.grid)
        if layout is None:
            seen.append(_first_row(found.grid))
            continue
        titles = title_rows(found.grid, layout)
        texts = [found.caption, *titles, *found.context]
        out.tables.append(Table(label, sum(t.source == label for t in out.tables) + 1, found.grid.sheet,
                                found.caption or next(iter(titles), found.grid.sheet),
                                guess_area(t for t in texts if t), found.grid, layout))
    skipped = any(f.code == "inspect-table-too-large" for f in extract.findings)  # it may have been the one
    if not any(t.source == label for t in out.tables) and not extract.refused and not skipped:
        shown = "；".join(f"{i}. {h}" for i, h in enumerate(seen[:HEADERS_SHOWN], 1) if h) or "（没有表格）"
        out.findings.append(finding("inspect-no-table", label, headers=shown, tables=len(seen)))


def _first_row(grid: Grid) -> str:
    """The first rows with text, as a header shows: '序号 | 名称 | 日期'."""
    for row in grid.rows[:5]:
        cells = [c.replace("\n", " ") for c in dict.fromkeys(row) if c]
        if cells:
            return f"{grid.sheet}：" + " | ".join(cells)[:120]
    return ""

