"""Scoring, pure: item data with positions in, a ``CheckResult`` out. No file is read here.

``gkml check`` hands in the items of a catalog folder, ``gkml inspect`` the rows of the
tables a county published; both are scored by the same code against the same rule book.
Scores are 100 minus the points (floored at 0) for the whole, each area and each 公开主体;
the completeness rate (present / expected) is not floored, so large catalogs stay comparable.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from builder import model
from builder.check.result import (
    NO_SUBJECT,
    CheckResult,
    Deduction,
    Exemption,
    ExemptionStatus,
    Stamp,
    Tally,
)
from builder.check.rulebook import Rule, RuleBook
from builder.findings import Severity

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
Where = Callable[[tuple[Any, ...]], tuple[int, int]]
"""A node path of the item (('columns', 'level1'), ('exemptions', 0, 'element')) → (line, column)."""
NO_COLUMN = "no-column"
"""The reason of a deduction for an element whose column the published table lacks."""


@dataclass(frozen=True)
class Scorable:
    """One item as read, and how to point at it."""

    data: dict[str, Any] | None
    """The item's data in the item file's shape; None when the file could not be parsed."""
    key: str
    """What names the item in deductions: its code, else its file name or row."""
    area: str
    """The key of its area among the ``AreaSlot``s."""
    file: str
    where: Where
    table: str = ""
    row: str = ""
    no_column: frozenset[str] = frozenset()
    """Elements whose column the table lacks: missing in this row because missing in all."""
    unscored: frozenset[str] = frozenset()
    """Elements not expected of this item at all (rule book's ``published_tables.unscored``)."""


@dataclass(frozen=True)
class AreaSlot:
    """An area the result has a tally for, in the order shown."""

    key: str
    name: str
    slug: str = ""
    file: str = ""
    """Where an empty-area deduction points (the area's _area.yml, else the catalog)."""


@dataclass
class _Counter:
    name: str
    slug: str = ""
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


def score(items: Iterable[Scorable], areas: Sequence[AreaSlot], book: RuleBook, on: date,
          stamp: Stamp, jurisdiction: str) -> CheckResult:
    """Score ``items``; ``areas`` lists every area to tally (pilot areas with no item included)."""
    counters = {a.key: _Counter(a.name, a.slug) for a in areas}
    subjects: dict[str, _Counter] = {}
    total = _Counter(jurisdiction)
    out = _Scored()
    for item in items:
        scored = score_item(item, book, on, counters[item.area].name)
        subject = _subject(item.data, book)
        for c in (total, counters[item.area], subjects.setdefault(subject, _Counter(subject))):
            _add(c, scored)
        _merge(out, scored)
    for a in areas:
        counter = counters[a.key]
        if counter.name in book.pilot_areas and not counter.items:
            d = _empty_area(book, a)
            out.deductions.append(d)
            total.points += d.points
            counter.points += d.points
    return CheckResult(
        book, on.isoformat(), jurisdiction, total.freeze(book.scale),
        tuple(counters[a.key].freeze(book.scale) for a in areas),
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


def score_item(item: Scorable, book: RuleBook, on: date, area: str) -> _Scored:
    """One item's deductions, recommendations and exemptions; ``area`` is its area's name."""
    data = item.data
    declared = list(_exemptions(item, on, area, book))
    holders: dict[str, int] = {}  # element → the first exemption in force for it
    for i, x in enumerate(declared):
        if x.status == "in_force":
            holders.setdefault(x.element, i)
    saved = [0] * len(declared)
    scored = _Scored()
    for rule in book.rules:
        if rule.element in item.unscored:
            continue
        if rule.element in item.no_column:
            reason = NO_COLUMN
        elif data is not None and len(rule.path) == 1 and _said(data.get(rule.path[0]), book):
            reason = ""  # the usual case: a text at the top, there and saying something
        else:
            reason = _missing(rule, data, book)
        if not reason:  # counted here without building anything
            if rule.severity is Severity.ERROR:
                scored.expected += 1
                scored.present += 1
            continue
        holder = _holder(rule, holders) if holders else None
        if reason and holder is not None:
            saved[holder] += rule.points
        else:  # a position only for a deduction: working one out may mean parsing the file again
            where = item.where(rule.path)
            _record(scored, rule, reason, item, area, where)
    scored.exemptions = [replace(x, waived=n, charged=_charged(x, scored.deductions))
                         for x, n in zip(declared, saved, strict=True)]
    return scored


def _charged(x: Exemption, deductions: list[Deduction]) -> int:
    """What a declaration that is not in force failed to save: the points of its element's deductions."""
    if x.status == "in_force" or not x.element:
        return 0
    return sum(d.points for d in deductions
               if d.element == x.element or d.element.startswith(x.element + "."))


def item_names(data: dict[str, Any] | None) -> tuple[str, str]:
    """The item's 一级事项 and 二级事项 as written ('' where missing)."""
    columns = data.get("columns") if data else None
    if not isinstance(columns, dict):
        return "", ""
    return _text(columns.get("level1")), _text(columns.get("level2"))


def _record(scored: _Scored, rule: Rule, reason: str, item: Scorable, area: str,
            where: tuple[int, int]) -> None:
    required = rule.severity is Severity.ERROR
    scored.expected += required
    scored.present += required and not reason
    if reason:
        d = Deduction(rule.id, item.key, area, item.file, *where, rule.element, rule.points, reason,
                      rule.citation(), rule.severity, *item_names(item.data), item.table, item.row)
        (scored.deductions if required else scored.advisories).append(d)


def _holder(rule: Rule, holders: dict[str, int]) -> int | None:
    """The exemption in force for the rule's element or an element containing it, if any."""
    return next((holders[k] for k in (rule.element, *_parents(rule.element)) if k in holders), None)


def _parents(element: str) -> Iterator[str]:
    parts = element.split(".")
    for n in range(1, len(parts)):
        yield ".".join(parts[:n])


def _missing(rule: Rule, data: dict[str, Any] | None, book: RuleBook) -> str:
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
    return _value_missing(rule, node, book)


def _said(value: Any, book: RuleBook) -> bool:
    """A text that is there and not a placeholder: what ``_value_missing`` finds of most values,
    asked without a call per rule (10,000 items × 13 rules)."""
    return value.__class__ is str and bool(value.strip()) and not book.is_placeholder(value)


def _value_missing(rule: Rule, value: Any, book: RuleBook) -> str:
    if value is None:
        return _counts(rule, "null-value")
    if isinstance(value, str):
        kind = "empty" if not value else "blank" if not value.strip() else (
            "placeholder" if book.is_placeholder(value) else "")
        return _counts(rule, kind) if kind else ""
    if isinstance(value, list | dict):
        parts = list(value.values() if isinstance(value, dict) else value)
        if not parts:
            return _counts(rule, "empty")
        # A list says something when any entry does: 同上 beside a real channel is validate's business.
        first = ""
        for v in parts:
            reason = _value_missing(rule, v, book)
            if not reason:
                return ""
            first = first or reason
        return first
    return ""  # numbers and true/false are there, only of the wrong type: validate reports them


def _counts(rule: Rule, reason: str) -> str:
    return reason if reason in rule.missing else ""


def _exemptions(item: Scorable, on: date, area: str, book: RuleBook) -> Iterator[Exemption]:
    raw = item.data.get("exemptions") if item.data else None
    for i, x in enumerate(raw if isinstance(raw, list) else []):
        element, reason, approved_by, until = (
            _text(x.get(k)) if isinstance(x, dict) else ""
            for k in ("element", "reason", "approved_by", "until"))
        status = _status((element, reason, approved_by, until), on, book)
        line = item.where(("exemptions", i, "element"))[0]
        declared = model.Exemption(element, reason, approved_by, until)
        yield Exemption(item.key, area, item.file, line, declared, status, 0)


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else "" if value is None else str(value)


def _status(fields: tuple[str, str, str, str], on: date, book: RuleBook) -> ExemptionStatus:
    """In force until the end of its ``until`` day; a declaration without reason or approver is void."""
    if not all(v and not book.is_placeholder(v) for v in fields) or not _DATE.fullmatch(fields[3]):
        return "invalid"
    try:
        until = date.fromisoformat(fields[3])
    except ValueError:
        return "invalid"
    return "expired" if until < on else "in_force"


def _subject(data: dict[str, Any] | None, book: RuleBook) -> str:
    value = data.get("subject") if data else None
    rule = next((r for r in book.rules if r.element == "subject"), None)
    if not isinstance(value, str) or (rule is not None and _missing(rule, data, book)):
        return NO_SUBJECT
    return value.strip()


def _empty_area(book: RuleBook, area: AreaSlot) -> Deduction:
    rule = book.empty_area
    return Deduction(rule.id, None, area.name, area.file, 1, 1, "", rule.points, "empty-area",
                     rule.citation(), rule.severity)
