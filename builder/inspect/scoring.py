"""gkml inspect, one jurisdiction: read its sources, turn every catalog row into an item to score,
and score them all with the rule book ``gkml check`` uses (``check.scoring``, the same code).

A gkml catalog folder among the sources is read as ``gkml check`` reads it; every other
source goes through the readers (``sources.read_source``) and each table row through
``gkml import``'s row reader. A column a table lacks makes its element missing in every
row: reported once per table with the row count (``inspect-column-absent``), and costing
what the rule book says (nothing for the elements it leaves unscored in published tables).
A jurisdiction with no catalog table is not scored at all: never a 100.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from builder.catalog import SITE_FILE, display_path, scan_catalog
from builder.check.result import CheckResult, Stamp, element_label
from builder.check.rulebook import RuleBook
from builder.check.score import catalog_areas, catalog_items, make_stamp
from builder.check.scoring import AreaSlot, Scorable, Where, score
from builder.clerk.sheets import ELEMENT_COLUMNS
from builder.files import sha256_bytes
from builder.findings import Finding, Severity
from builder.inspect.published import Stamp as SourceStamp
from builder.inspect.published import Table, read_rows
from builder.inspect.sources import read_source

UNKNOWN_AREA = "（未识别领域）"
"""The area of a table whose title, caption and sheet name name no pilot area."""


@dataclass(frozen=True)
class TableInfo:
    """A catalog table that was scored: where it is, what it was taken to be, how many rows."""

    source: str
    locator: str
    title: str
    area: str
    rows: int


@dataclass(frozen=True)
class Inspection:
    """One jurisdiction's inspection: its score (None when nothing could be scored), what was
    read, and every finding about reading it."""

    name: str
    result: CheckResult | None
    tables: tuple[TableInfo, ...]
    findings: tuple[Finding, ...]
    sources: tuple[SourceStamp, ...]

    @property
    def score(self) -> int | None:
        return self.result.score if self.result else None

    @property
    def rate(self) -> float | None:
        return self.result.total.rate if self.result else None


@dataclass
class _Gathered:
    items: list[Scorable] = field(default_factory=list)
    areas: dict[str, AreaSlot] = field(default_factory=dict)
    tables: list[TableInfo] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    stamps: list[SourceStamp] = field(default_factory=list)
    jurisdiction: str = ""


def inspect_jurisdiction(name: str, sources: Sequence[str | Path], book: RuleBook, on: date, *,
                         evidence: Path, generated_at: str | None = None) -> Inspection:
    """Read and score one jurisdiction. ``name`` may be '': then a catalog folder's own
    jurisdiction, else the first source, names it."""
    got = _Gathered()
    for source in sources:
        if _is_catalog(source):
            _read_catalog(Path(source), book, got)
        else:
            _read_published(source, book, evidence, got)
    name = name or got.jurisdiction or (display_path(Path(sources[0])) if sources else "")
    if not got.items:
        got.findings.append(Finding("inspect-not-scored", name, params={"name": name}))
        return Inspection(name, None, tuple(got.tables), tuple(got.findings), tuple(got.stamps))
    everywhere = "、".join(s.source for s in got.stamps) or name  # an empty area is absent from all
    areas = [*got.areas.values(), *(AreaSlot(f"\0{a}", a, "", everywhere) for a in book.pilot_areas
                                    if a not in {s.name for s in got.areas.values()})]
    stamp = _stamp(book, got.stamps, generated_at)
    result = score(got.items, areas, book, on, stamp, name)
    return Inspection(name, result, tuple(got.tables), tuple(got.findings), tuple(got.stamps))


def _is_catalog(source: str | Path) -> bool:
    text = str(source)
    return not text.startswith(("http://", "https://")) and (Path(text) / SITE_FILE).is_file()


def _read_catalog(root: Path, book: RuleBook, got: _Gathered) -> None:
    """A gkml catalog folder, item by item as ``gkml check`` scores it."""
    scan = scan_catalog(root)
    loaded = scan.load()
    label = display_path(root)
    got.jurisdiction = got.jurisdiction or loaded.site.jurisdiction
    got.items += catalog_items(loaded, label)
    for slot in catalog_areas(loaded, book, label):
        if not slot.key.startswith("\0"):  # pilot areas without a folder are added once, at the end
            got.areas.setdefault(slot.key, slot)
    size = sum(p.stat().st_size for p in scan.files if p.is_file())
    got.stamps.append(SourceStamp(label, label, scan.content_sha256(), size))


def _read_published(source: str | Path, book: RuleBook, evidence: Path, got: _Gathered) -> None:
    reading = read_source(source, evidence=evidence)
    got.findings += reading.findings
    got.stamps += reading.stamps
    for table in reading.tables:
        rows, found = read_rows(table)
        got.findings += found
        area = table.area or UNKNOWN_AREA
        key = next((k for k, s in got.areas.items() if s.name == area), f"table:{area}")
        got.areas.setdefault(key, AreaSlot(key, area, "", table.source))
        got.tables.append(TableInfo(table.source, table.locator, table.title, area, len(rows)))
        absent = _absent_columns(table, book)
        got.findings += _gap_findings(table, book, absent, len(rows))
        # Not expected of any row: the rule book's unscored elements, and recommended elements
        # whose column is absent (said once for the table, not once per row).
        recommended = {r.element for r in book.rules if r.severity is not Severity.ERROR}
        unscored = frozenset(book.unscored_in_tables) | (absent & recommended)
        for row in rows:
            code = row.data.get("code")
            got.items.append(Scorable(
                row.data, code.strip() if isinstance(code, str) else "", key, table.source,
                _where(table, row.row), table.locator, row.number or str(row.row),
                no_column=absent - unscored, unscored=unscored))


def _absent_columns(table: Table, book: RuleBook) -> frozenset[str]:
    """The rules' elements whose column the table lacks."""
    kinds = {f.kind for f in table.layout.fields}
    return frozenset(r.element for r in book.rules
                     if r.element in ELEMENT_COLUMNS and kinds.isdisjoint(ELEMENT_COLUMNS[r.element]))


def _gap_findings(table: Table, book: RuleBook, absent: frozenset[str], rows: int) -> list[Finding]:
    out = []
    for rule in book.rules:
        if rule.element not in absent:
            continue
        free = rule.element in book.unscored_in_tables
        advisory = rule.severity is not Severity.ERROR
        points = 0 if free or advisory else rule.points * rows
        cost, cost_en = (("按规则手册的设定不扣分（非法定）", "not scored, by the rule book's own setting")
                         if free else ("建议要素，只提示不扣分", "a recommended element, not scored")
                         if advisory else (f"每行扣 {rule.points} 分，共 {points} 分",
                                           f"{rule.points} point(s) a row, {points} in all"))
        out.append(Finding(
            "inspect-column-absent", table.source, 0, 0, table.locator, rule.element,
            {"table": table.title or table.locator, "label": element_label(rule.element),
             "label_en": element_label(rule.element, "en"), "rows": rows, "points": points,
             "cost": cost, "cost_en": cost_en}))
    return out


def _where(table: Table, row: int) -> Where:
    """Positions in the published table: the row, and the element's column (its first)."""
    columns: dict[str, int] = {}
    for i, f in enumerate(table.layout.fields, 1):
        columns.setdefault(f.kind, i)

    def where(path: tuple[Any, ...]) -> tuple[int, int]:
        element = ".".join(str(p) for p in path)
        kinds = ELEMENT_COLUMNS.get(element, ())
        return row, next((columns[k] for k in kinds if k in columns), 1)
    return where


def _stamp(book: RuleBook, stamps: Sequence[SourceStamp], generated_at: str | None) -> Stamp:
    """What the numbers were computed from: the sources' hashes stand in for a catalog's."""
    content = sha256_bytes("".join(sorted(f"{s.source}\0{s.sha256}\n" for s in stamps)).encode())
    return make_stamp(book, None, False, content, generated_at)
