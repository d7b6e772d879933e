"""``gkml import``: a county's spreadsheet becomes one YAML file per row, then is validated.

Pipeline: ``sheets.read_grids`` (cells, merges filled) → ``sheets.find_layout`` (which
column is which element) → ``rows.RowReader`` (同上, ticks, citations, channels) →
codes (the sheet's 事项编码; else the code of the area's item with the same name, so a
sheet imported twice updates rather than duplicates; else the next free code, as ``gkml
new`` picks it) → plans
(path and canonical text) → write, never over an existing file without ``force`` →
validate the written files in their catalog and report the findings with the import's.

``--dry-run`` writes into a scratch copy of the site and the areas involved, so its
validation is the real one, and reports the files by the names they would have.
An existing item overwritten with ``--force`` keeps its exemptions: the table has no
column for them, and an approval must not vanish because a sheet was re-imported.
"""

from __future__ import annotations

import dataclasses
import re
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from builder.catalog import SITE_FILE, display_path, load_catalog
from builder.clerk.fmt import dumps
from builder.clerk.new import SCHEMA_LINE, Codes, Context, area_of_code, codes_for, find_area, read_context
from builder.clerk.rows import RowReader, known_channels
from builder.clerk.sheets import (
    ELEMENT_COLUMNS,
    HEADER_SCAN,
    Grid,
    Layout,
    ReadError,
    cell_ref,
    data_rows,
    find_layout,
    read_grids,
)
from builder.findings import Finding
from builder.load import load_document
from builder.model import Area
from builder.names import unsafe_name
from builder.progress import track
from builder.safefile import Refused, entry_kind, refusal, write_text
from builder.validate import schema

_SAFE_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
_EXPECTED = tuple((element.split(".")[0], kinds) for element, kinds in ELEMENT_COLUMNS.items()
                  if element not in ("code", "notes"))
"""The columns an import expects (an item's code is made when missing; notes are optional)."""


@dataclass
class Plan:
    """One file to write: where, what, and the row it came from."""

    area: Area
    code: str
    path: Path
    data: dict[str, Any]
    row: int
    sheet: str
    text: str = ""


@dataclass
class Imported:
    plans: list[Plan] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    rows: int = 0
    sheet: str = ""
    written: bool = False


@dataclass(frozen=True)
class Options:
    source: Path
    root: Path
    area: str | None = None
    sheet: str | None = None
    dry_run: bool = False
    force: bool = False


def import_table(opts: Options) -> Imported:
    ctx = read_context(opts.root)
    result = Imported()
    area = find_area(ctx.areas, opts.area) if opts.area else None
    picked = _pick(opts, result)
    if picked is None:
        return result
    grid, layout = picked
    result.sheet = grid.sheet
    result.findings += _missing_columns(opts.source, layout)
    reader = RowReader(ctx.site, grid, layout, display_path(opts.source),
                       known_channels(c for a in ctx.areas.values() for c in a.channels))
    rows = [(i, d) for i, row in data_rows(grid, layout) if (d := reader.read(i, row)) is not None]
    result.rows = len(rows)
    result.plans = list(_plans(ctx, area, rows, reader, opts.force))
    result.findings += reader.findings
    _render(result.plans, opts.source)
    result.findings += _write_and_validate(ctx, result.plans, opts, layout)
    result.written = not opts.dry_run
    return result


def _pick(opts: Options, result: Imported) -> tuple[Grid, Layout] | None:
    file = display_path(opts.source)
    try:
        grids, legacy = read_grids(opts.source)
    except ReadError as exc:
        result.findings.append(Finding(exc.code, file, 0, 0, params={"detail": exc.detail}))
        return None
    except OSError as exc:
        result.findings.append(Finding("path-not-found", file, 0, 0, params={"path": str(exc)}))
        return None
    if legacy:
        result.findings.append(Finding("import-csv-encoding", file, 1, 1))
    wanted = [g for g in grids if opts.sheet in (None, g.sheet)]
    found = [(g, lay) for g in wanted if (lay := find_layout(g)) is not None]
    if not found:
        names = "、".join(g.sheet for g in grids)
        sheet = opts.sheet or (grids[0].sheet if grids else "")
        result.findings.append(Finding("import-no-header", file, 1, 1, params={
            "sheet": sheet, "rows": HEADER_SCAN, "sheets": f"工作表：{names}",
            "sheets_en": f"sheets: {names}"}))
        return None
    for other, lay in found[1:]:
        result.findings.append(Finding("import-other-sheet", file, lay.header_rows, 1,
                                       f"{other.sheet}!A{lay.header_rows}", "", {"sheet": other.sheet}))
    return found[0]


def _missing_columns(source: Path, layout: Layout) -> Iterator[Finding]:
    sch = schema("item")
    for key, kinds in _EXPECTED:
        if not layout.has(*kinds):
            zh, en = sch.label(kinds[0] if key == "columns" else key)
            yield Finding("import-column-missing", display_path(source), layout.header_rows, 1,
                          element=key, params={"label": zh, "label_en": en})


@dataclass
class _Numbering:
    """Which area and code each row gets: its 事项编码, the code of the same-named item already
    in the area, or the area's next free code; each code once."""

    ctx: Context
    area: Area | None
    reader: RowReader
    given: list[str]
    codes: dict[str, Codes | None] = field(default_factory=dict)
    names: dict[str, dict[tuple[str, ...], str]] = field(default_factory=dict)
    seen: set[str] = field(default_factory=set)

    def place(self, index: int, data: dict[str, Any]) -> tuple[Area, str] | None:
        code = str(data.get("code", ""))
        target = self.area or (area_of_code(self.ctx.areas, code) if code else None)
        if target is None:
            self.reader.find("import-area-needed", index, _code_col(self.reader), value=code)
            return None
        self._prepare(target)
        code = _code(code or self.names[target.slug].get(_name(data), ""),
                     self.codes[target.slug], index, self.reader)
        if code in self.seen:
            self.reader.find("import-code-repeated", index, _code_col(self.reader), value=code)
            return None
        self.seen.add(code)
        return (target, code) if code else None

    def _prepare(self, target: Area) -> None:
        if target.slug not in self.codes:
            codes = self.codes[target.slug] = codes_for(self.ctx, target)
            if codes is not None:
                codes.reserve(self.given)
            self.names[target.slug] = _existing_names(self.ctx.root / target.slug)


def _plans(ctx: Context, area: Area | None, rows: list[tuple[int, dict[str, Any]]],
           reader: RowReader, force: bool) -> Iterator[Plan]:
    given = sorted({code for _, d in rows if _usable(code := str(d.get("code", "")))})
    numbering = _Numbering(ctx, area, reader, given)
    for index, data in rows:
        placed = numbering.place(index, data)
        if placed is None:
            continue
        target, code = placed
        plan = Plan(target, code, ctx.root / target.slug / f"{code}.yml", {**data, "code": code},
                    index + 1, reader.grid.sheet)
        if _may_write(plan, force, reader):
            yield plan


def _name(data: dict[str, Any]) -> tuple[str, ...]:
    columns = data.get("columns")
    cols = columns if isinstance(columns, dict) else {}
    return tuple(str(cols.get(k, "")) for k in ("level1", "level2", "level3"))


def _existing_names(folder: Path) -> dict[tuple[str, ...], str]:
    """Item name → code of the items already in an area, so a sheet imported again (without
    事项编码) updates its items instead of adding them a second time."""
    found: dict[tuple[str, ...], str] = {}
    for path in sorted(folder.glob("*.yml")):
        data = load_document(path, display_path(path)).data
        if path.name != "_area.yml" and isinstance(data, dict):
            found.setdefault(_name(data), path.stem)
    return found


def _code_col(reader: RowReader) -> int:
    return next((i for i, f in enumerate(reader.layout.fields) if f.kind == "code"), 0)


def _usable(code: str) -> bool:
    """Whether ``code`` can name its file: CON, NUL.txt or CXGH-011. would name a device or
    lose the dot on Windows, and a 300-character code is longer than any file system allows."""
    return bool(code) and _SAFE_CODE.fullmatch(code) is not None \
        and not unsafe_name(code) and not unsafe_name(f"{code}.yml")


def _code(code: str, codes: Codes | None, index: int, reader: RowReader) -> str:
    if _usable(code):
        return code
    new = codes.next() if codes else ""
    if code:
        reader.find("import-code-bad", index, _code_col(reader), value=code, new=new)
    elif not new:
        reader.find("code-no-shape", index, _code_col(reader), pattern=reader.site.code_pattern)
    return new


def _may_write(plan: Plan, force: bool, reader: RowReader) -> bool:
    problem = refusal(plan.path)  # a link, even a dangling one, is never written through
    if problem:
        reader.find(problem.code, plan.row - 1, _code_col(reader), **problem.params)
        return False
    if not plan.path.exists():
        return True
    if not force:
        reader.find("file-exists", plan.row - 1, _code_col(reader), target=display_path(plan.path))
        return False
    old = load_document(plan.path, display_path(plan.path)).data
    if isinstance(old, dict) and isinstance(old.get("exemptions"), list):
        plan.data["exemptions"] = old["exemptions"]
    return True


def _render(plans: Sequence[Plan], source: Path) -> None:
    for plan in track("导入 import", plans, len(plans)):
        origin = f"由 gkml import 导入：{source.name} 工作表“{plan.sheet}”第 {plan.row} 行"
        plan.text = dumps(plan.data, [SCHEMA_LINE, origin])


# --- write, then validate what was written --------------------------------------------------------

def _write_and_validate(ctx: Context, plans: list[Plan], opts: Options, layout: Layout) -> list[Finding]:
    if not plans:
        return []
    cells = _Cells(display_path(opts.source), layout, opts.dry_run)
    if not opts.dry_run:
        written, failed = _write_all(plans)
        return failed + _findings_for(ctx.root, {display_path(p.path): p for p in written}, cells)
    with tempfile.TemporaryDirectory(prefix="gkml-import-") as tmp:
        scratch = Path(tmp) / "catalog"
        _scratch_copy(ctx, {p.area.slug for p in plans}, scratch)
        names = {}
        for plan in plans:
            path = scratch / plan.area.slug / plan.path.name
            path.write_text(plan.text, encoding="utf-8", newline="\n")
            names[display_path(path)] = plan
        return _findings_for(scratch, names, cells)


def _write_all(plans: list[Plan]) -> tuple[list[Plan], list[Finding]]:
    """Write each plan; a file that cannot be written (a read-only folder, a full disk, a
    link put there meanwhile) is a finding, and the others are still written."""
    written, failed = [], []
    for plan in plans:
        try:
            write_text(plan.path, plan.text)
        except Refused as refused:
            failed.append(Finding(refused.code, display_path(plan.path), 0, 0, params=refused.params))
        except OSError as exc:
            failed.append(Finding("write-failed", display_path(plan.path), 0, 0, params={
                "target": display_path(plan.path), "reason": exc.strerror or str(exc)}))
        else:
            written.append(plan)
    return written, failed


def _scratch_copy(ctx: Context, slugs: set[str], scratch: Path) -> None:
    """The site and the areas involved, links copied as links and special files left out
    (copying would follow a link to /dev/zero, or wait on a FIFO)."""
    scratch.mkdir()
    if entry_kind(ctx.root / SITE_FILE) == "file":
        shutil.copyfile(ctx.root / SITE_FILE, scratch / SITE_FILE)
    for slug in slugs:
        if entry_kind(ctx.root / slug) == "folder":  # a real folder, not a link to one
            shutil.copytree(ctx.root / slug, scratch / slug, symlinks=True, ignore=_special_files)


def _special_files(folder: str, names: list[str]) -> list[str]:
    return [n for n in names if entry_kind(Path(folder, n)) == "special"]


def _findings_for(root: Path, plans: dict[str, Plan], cells: _Cells) -> list[Finding]:
    """The catalog's findings about the written files, each naming the sheet cell it came from."""
    loaded = load_catalog(root)
    return [cells.locate(f, plans[f.file]) for f in loaded.findings if f.file in plans]


_SOURCE_KINDS = {  # an item element → the column kinds it may have come from, the likeliest first
    "method": ("method", "method_active", "method_request"),
    "channels": ("channels", "channel_tick"),
    "audience": ("audience", "audience_all", "audience_group"),
    "audience_group": ("audience_group", "audience"),
    "levels": ("levels", "level_tick"),
    "notes": ("notes", "extra"),
}


@dataclass(frozen=True)
class _Cells:
    """Puts the sheet cell a value came from on a finding about an imported file: the clerk fixes
    the sheet (a dry run wrote no file at all), so the cell is what the finding must name."""

    source: str
    layout: Layout
    dry_run: bool

    def locate(self, f: Finding, plan: Plan) -> Finding:
        col = self.column(f.element)
        ref = f"{plan.sheet}!{cell_ref(plan.row - 1, col)}"
        params = {**f.params, "source": f"{self.source} {ref}"}
        if not self.dry_run:  # the file exists: keep its line, and name the cell too
            return dataclasses.replace(f, file=display_path(plan.path), params=params)
        return dataclasses.replace(f, file=self.source, line=plan.row, column=col + 1, params=params)

    def column(self, element: str) -> int:
        kinds = _SOURCE_KINDS.get(element, (element,))
        found = (i for k in kinds for i, c in enumerate(self.layout.fields) if c.kind == k)
        return next(found, 0)
