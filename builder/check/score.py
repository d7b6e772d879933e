"""Check stage: score a loaded catalog against the rule book, each deduction with its legal basis.

The check reads what is there, not what validated: it walks the raw ``Entry.doc.data``
so a schema error never stops it, and a file that cannot be parsed counts as an item
with every element missing. Scores are 100 minus the points (floored at 0) for the
catalog, each area and each 公开主体; the completeness rate (present / expected) is not
floored, so large catalogs stay comparable. The rule book (schema/rules.yml) is the
one place the rules, their points, their citations and the pilot areas live.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import astuple, dataclass, field, replace
from datetime import UTC, date, datetime
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

from builder import __version__
from builder.cache import cached
from builder.catalog import AREA_FILE, Entry, LoadedCatalog, Scan, display_path, scan_catalog
from builder.check.rulebook import Rule, RuleBook
from builder.findings import Lang, Severity
from builder.load import Document, NodePath, load_document
from builder.revision import catalog_sha256, checkout, head_commit
from builder.validate import is_placeholder, schema

ExemptionStatus = Literal["in_force", "expired", "invalid"]
NO_SUBJECT = ""
"""Subject key of items whose 公开主体 is missing."""
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_AREA_LABEL = ("试点领域", "pilot area")


def element_label(element: str, lang: Lang = "zh") -> str:
    """An element's name for people: 一级事项 for columns.level1, from the item schema's titles."""
    if not element:
        return _AREA_LABEL[lang == "en"]
    return schema("item").label(element.rsplit(".", 1)[-1])[lang == "en"]


@dataclass(frozen=True, slots=True)
class Deduction:
    """One missing element (or one empty pilot area) and what it costs."""

    rule: str
    item: str | None
    """The item's code (its file name when the code itself is missing); None for an area."""
    area: str
    file: str
    line: int
    column: int
    element: str
    points: int
    reason: str
    """absent, null, empty, blank, placeholder, unparseable or empty-area."""
    basis: str
    severity: Severity


@dataclass(frozen=True, slots=True)
class Exemption:
    """An element an item declares not applicable, and whether the declaration holds on the check date."""

    item: str
    area: str
    file: str
    line: int
    element: str
    reason: str
    approved_by: str
    until: str
    status: ExemptionStatus
    waived: int
    """Points the exemption saved (0 when the element is filled in anyway or the exemption lapsed)."""


@dataclass(frozen=True, slots=True)
class Tally:
    """Score and completeness of a group of items: the catalog, one area, one 公开主体."""

    name: str
    slug: str
    items: int
    expected: int
    present: int
    points: int
    scale: int

    @property
    def score(self) -> int:
        return max(self.scale - self.points, 0)

    @property
    def rate(self) -> float | None:
        return round(self.present / self.expected, 4) if self.expected else None


@dataclass(frozen=True, slots=True)
class Stamp:
    """What a report was computed from, so that the same data and rules give the same numbers."""

    commit: str | None
    dirty: bool
    catalog_sha256: str
    rules_version: str
    rules_sha256: str
    tool_version: str
    generated_at: str


ItemRows = tuple[list[Deduction], list[Deduction], list[Exemption]]


@dataclass(frozen=True)
class CheckResult:
    rules: RuleBook
    date: str
    """The check date (YYYY-MM-DD): exemptions are judged as of this day."""
    jurisdiction: str
    total: Tally
    areas: tuple[Tally, ...]
    subjects: tuple[Tally, ...]
    deductions: tuple[Deduction, ...]
    advisories: tuple[Deduction, ...]
    """Recommended elements that are missing: reported, 0 points."""
    exemptions: tuple[Exemption, ...]
    stamp: Stamp

    @property
    def score(self) -> int:
        return self.total.score

    def of_item(self, code: str) -> ItemRows:
        """An item's deductions, recommendations and exemptions (for its page on the site)."""
        return self._by_item.get(code, ([], [], []))

    @cached_property
    def _by_item(self) -> dict[str, ItemRows]:
        # Built once: the site asks for every item, and a scan per item would be quadratic.
        index: dict[str, ItemRows] = {}
        for d in self.deductions:
            if d.item is not None:
                index.setdefault(d.item, ([], [], []))[0].append(d)
        for d in self.advisories:
            index.setdefault(d.item or "", ([], [], []))[1].append(d)
        for x in self.exemptions:
            index.setdefault(x.item, ([], [], []))[2].append(x)
        return index


@dataclass
class _Counter:
    name: str
    slug: str = ""
    order: tuple[int, str] = (0, "")
    items: int = 0
    expected: int = 0
    present: int = 0
    points: int = 0

    def freeze(self, scale: int) -> Tally:
        return Tally(self.name, self.slug, self.items, self.expected, self.present, self.points, scale)


@dataclass
class _Scored:
    """One item's outcome before it is added to the tallies."""

    deductions: list[Deduction] = field(default_factory=list)
    advisories: list[Deduction] = field(default_factory=list)
    exemptions: list[Exemption] = field(default_factory=list)
    expected: int = 0
    present: int = 0


def check_path(path: Path, book: RuleBook, on: date | None = None, at: str | None = None
               ) -> CheckResult:
    """Load and score the catalog folder ``path``, or that folder as it was at revision ``at``.

    ``on`` is the check date (exemptions are judged as of it): today by default, and the
    commit's own date with ``at``, so re-running an old inspection gives the same numbers.
    """
    label = display_path(path)
    if at is None:
        commit, dirty = head_commit(path)
        return _run(scan_catalog(path), book, on or date.today(), commit, dirty, label, remember=True)
    with checkout(at, path) as (root, snap):
        return _run(scan_catalog(root), book, on or snap.day, snap.commit, False, label)


def _run(scan: Scan, book: RuleBook, on: date, commit: str | None, dirty: bool, label: str,
         remember: bool = False) -> CheckResult:
    """Score what ``scan`` read. With ``remember``, the result is cached under everything it
    depends on (every file's hash, the rule book's, the date, the names shown): an unchanged
    catalog is scored again without loading it. Only the stamp is made afresh."""
    stamp = _stamp(book, commit, dirty, scan.content_sha256())

    def compute() -> CheckResult:
        return check(scan.load(), book, on, stamp, label)

    if not remember:  # a checkout of --at lives in a new temporary folder each time
        return compute()
    key = f"{scan.digest()}:{book.sha256}:{on}:{date.today()}:{label}:{Path.cwd()}"
    return cached("check", scan.root, key, compute, _freeze, lambda v: _thaw(v, book, stamp))


def check_loaded(loaded: LoadedCatalog, book: RuleBook, on: date | None = None) -> CheckResult:
    """Score a catalog that is already loaded (the site build), stamped with the working tree."""
    commit, dirty = head_commit(loaded.root)
    content = loaded.scan.content_sha256() if loaded.scan else catalog_sha256(loaded.root)
    return check(loaded, book, on or date.today(), _stamp(book, commit, dirty, content))


def _stamp(book: RuleBook, commit: str | None, dirty: bool, content: str) -> Stamp:
    now = datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    return Stamp(commit, dirty, content, book.version, book.sha256, __version__, now)


def check(loaded: LoadedCatalog, book: RuleBook, on: date, stamp: Stamp,
          label: str | None = None) -> CheckResult:
    """Score ``loaded``; ``label`` is how the catalog folder is named in file paths."""
    label = label or display_path(loaded.root)
    areas = _area_counters(loaded, book)
    subjects: dict[str, _Counter] = {}
    total = _Counter(loaded.site.jurisdiction)
    out = _Scored()
    for e in loaded.entries:
        scored = _score_item(e, book, on, f"{label}/{e.rel}", areas[e.area].name)
        subject = _subject(e, book)
        for c in (total, areas[e.area], subjects.setdefault(subject, _Counter(subject))):
            _add(c, scored)
        _merge(out, scored)
    for counter in areas.values():
        if counter.name in book.pilot_areas and not counter.items:
            d = _empty_area(book, counter, label, loaded.root)
            out.deductions.append(d)
            total.points += d.points
            counter.points += d.points
    return CheckResult(
        book, on.isoformat(), loaded.site.jurisdiction, total.freeze(book.scale),
        tuple(c.freeze(book.scale) for c in sorted(areas.values(), key=lambda c: c.order)),
        tuple(subjects[k].freeze(book.scale) for k in sorted(subjects)),
        tuple(out.deductions), tuple(out.advisories), tuple(out.exemptions), stamp)


def _add(c: _Counter, s: _Scored) -> None:
    c.items += 1
    c.expected += s.expected
    c.present += s.present
    c.points += sum(d.points for d in s.deductions)


def _merge(out: _Scored, s: _Scored) -> None:
    out.deductions += s.deductions
    out.advisories += s.advisories
    out.exemptions += s.exemptions


def _score_item(e: Entry, book: RuleBook, on: date, file: str, area: str) -> _Scored:
    data = e.doc.data if isinstance(e.doc.data, dict) else None
    code = _code(e, data)
    declared = list(_exemptions(e.doc, data, on, code, area, file))
    holders: dict[str, int] = {}  # element → the first exemption in force for it
    for i, x in enumerate(declared):
        if x.status == "in_force":
            holders.setdefault(x.element, i)
    saved = [0] * len(declared)
    scored = _Scored()
    for rule in book.rules:
        reason = _missing(rule, data)
        holder = _holder(rule, holders) if reason and holders else None
        if reason and holder is not None:
            saved[holder] += rule.points
        else:  # a position only for a deduction: working one out may mean parsing the file again
            where = _where(e.doc, rule.path, data) if reason else (0, 0)
            _record(scored, rule, reason, code, area, file, where)
    scored.exemptions = [replace(x, waived=n) for x, n in zip(declared, saved, strict=True)]
    return scored


def _record(scored: _Scored, rule: Rule, reason: str, code: str, area: str, file: str,
            where: tuple[int, int]) -> None:
    required = rule.severity is Severity.ERROR
    scored.expected += required
    scored.present += required and not reason
    if reason:
        d = Deduction(rule.id, code, area, file, *where, rule.element, rule.points, reason,
                      rule.citation(), rule.severity)
        (scored.deductions if required else scored.advisories).append(d)


def _holder(rule: Rule, holders: dict[str, int]) -> int | None:
    """The exemption in force for the rule's element or an element containing it, if any."""
    return next((holders[k] for k in (rule.element, *_parents(rule.element)) if k in holders), None)


def _parents(element: str) -> Iterator[str]:
    parts = element.split(".")
    for n in range(1, len(parts)):
        yield ".".join(parts[:n])


def _code(e: Entry, data: dict[str, Any] | None) -> str:
    code = data.get("code") if data else None
    return code.strip() if isinstance(code, str) and code.strip() else e.stem


def _where(doc: Document, path: NodePath, data: dict[str, Any] | None) -> tuple[int, int]:
    if data is None:
        first = doc.findings[0] if doc.findings else None
        return (first.line or 1, first.column or 1) if first else (1, 1)
    m = doc.mark(path)
    return m.line, m.column


def _missing(rule: Rule, data: dict[str, Any] | None) -> str:
    """Why the rule's element counts as missing, or '' when it is there."""
    if data is None:
        return "unparseable"
    node: Any = data
    for part in rule.path:
        if node is None:
            return _counts(rule, "null-value")
        if not isinstance(node, dict) or part not in node:
            return _counts(rule, "absent")
        node = node[part]
    return _value_missing(rule, node)


def _value_missing(rule: Rule, value: Any) -> str:
    if value is None:
        return _counts(rule, "null-value")
    if isinstance(value, str):
        kind = "empty" if not value else "blank" if not value.strip() else (
            "placeholder" if is_placeholder(value) else "")
        return _counts(rule, kind) if kind else ""
    if isinstance(value, list | dict):
        parts = list(value.values() if isinstance(value, dict) else value)
        if not parts:
            return _counts(rule, "empty")
        # A list says something when any entry does: 同上 beside a real channel is validate's business.
        first = ""
        for v in parts:
            reason = _value_missing(rule, v)
            if not reason:
                return ""
            first = first or reason
        return first
    return ""  # numbers and true/false are there, only of the wrong type: validate reports them


def _counts(rule: Rule, reason: str) -> str:
    return reason if reason in rule.missing else ""


def _exemptions(doc: Document, data: dict[str, Any] | None, on: date, code: str, area: str,
                file: str) -> Iterator[Exemption]:
    raw = data.get("exemptions") if data else None
    for i, x in enumerate(raw if isinstance(raw, list) else []):
        element, reason, approved_by, until = (
            _text(x.get(k)) if isinstance(x, dict) else ""
            for k in ("element", "reason", "approved_by", "until"))
        status = _status((element, reason, approved_by, until), on)
        line = doc.mark(("exemptions", i, "element")).line
        yield Exemption(code, area, file, line, element, reason, approved_by, until, status, 0)


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else "" if value is None else str(value)


def _status(fields: tuple[str, str, str, str], on: date) -> ExemptionStatus:
    """In force until the end of its ``until`` day; a declaration without reason or approver is void."""
    if not all(v and not is_placeholder(v) for v in fields) or not _DATE.fullmatch(fields[3]):
        return "invalid"
    try:
        until = date.fromisoformat(fields[3])
    except ValueError:
        return "invalid"
    return "expired" if until < on else "in_force"


def _subject(e: Entry, book: RuleBook) -> str:
    data = e.doc.data if isinstance(e.doc.data, dict) else None
    value = data.get("subject") if data else None
    rule = next((r for r in book.rules if r.element == "subject"), None)
    if not isinstance(value, str) or (rule is not None and _missing(rule, data)):
        return NO_SUBJECT
    return value.strip()


def _area_counters(loaded: LoadedCatalog, book: RuleBook) -> dict[str, _Counter]:
    """One counter per area folder (named from _area.yml, read raw when invalid), plus pilot areas
    that have no folder at all, which sort after the areas on disk."""
    slugs = {e.area for e in loaded.entries} | {p.parent.name for p in loaded.root.glob(f"*/{AREA_FILE}")}
    counters: dict[str, _Counter] = {}
    for slug in sorted(slugs):
        area = loaded.areas.get(slug)
        name = area.name if area else _raw_name(loaded.root / slug / AREA_FILE) or slug
        counters[slug] = _Counter(name, slug, (area.order if area else 1 << 20, slug))
    present = {c.name for c in counters.values()}
    for i, name in enumerate(book.pilot_areas):
        if name not in present:
            counters[f"\0{name}"] = _Counter(name, "", (1 << 21, f"{i:04}"))
    return counters


def _raw_name(path: Path) -> str:
    if not path.is_file():
        return ""
    data = load_document(path, display_path(path)).data
    name = data.get("name") if isinstance(data, dict) else None
    return name.strip() if isinstance(name, str) else ""


def _empty_area(book: RuleBook, area: _Counter, label: str, root: Path) -> Deduction:
    rule = book.empty_area
    has_meta = bool(area.slug) and (root / area.slug / AREA_FILE).is_file()
    file = f"{label}/{area.slug}/{AREA_FILE}" if has_meta else label
    return Deduction(rule.id, None, area.name, file, 1, 1, "", rule.points, "empty-area",
                     rule.citation(), rule.severity)


def _freeze(r: CheckResult) -> dict[str, Any]:
    """The result as JSON for the cache (its rule book and stamp are supplied again on thawing)."""
    return {"date": r.date, "jurisdiction": r.jurisdiction, "total": astuple(r.total),
            "areas": [astuple(t) for t in r.areas], "subjects": [astuple(t) for t in r.subjects],
            "deductions": [astuple(d) for d in r.deductions],
            "advisories": [astuple(d) for d in r.advisories],
            "exemptions": [astuple(x) for x in r.exemptions]}


def _thaw(v: dict[str, Any], book: RuleBook, stamp: Stamp) -> CheckResult:
    def deductions(rows: list[list[Any]]) -> tuple[Deduction, ...]:
        return tuple(replace(Deduction(*row), severity=Severity(row[-1])) for row in rows)

    return CheckResult(
        book, v["date"], v["jurisdiction"], Tally(*v["total"]),
        tuple(Tally(*t) for t in v["areas"]), tuple(Tally(*t) for t in v["subjects"]),
        deductions(v["deductions"]), deductions(v["advisories"]),
        tuple(Exemption(*x) for x in v["exemptions"]), stamp)
