"""What a completeness check produces: deductions, exemptions, tallies, the stamp and the result.

Shared by ``gkml check`` (a gkml catalog folder) and ``gkml inspect`` (a catalog as a county
publishes it), and read by every reporter; only ``scoring`` makes them.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Literal

from builder import model
from builder.check.baseline import Comparison
from builder.check.rulebook import RuleBook
from builder.findings import Lang, Severity
from builder.validate import schema

ExemptionStatus = Literal["in_force", "expired", "invalid"]
NO_SUBJECT = ""
"""Subject key of items whose 公开主体 is missing."""
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
    level1: str = ""
    level2: str = ""
    """The item's name as written (一级事项, 二级事项), so that a report names the item, not only its code."""
    table: str = ""
    """gkml inspect: the table in the source (a sheet's name, 表2); '' for a catalog file."""
    row: str = ""
    """gkml inspect: the row's 序号 as published ('' when the table has none)."""

    @property
    def name(self) -> str:
        return " / ".join(n for n in (self.level1, self.level2) if n)


@dataclass(frozen=True, slots=True)
class Exemption:
    """An exemption as the check judged it: the item's declaration (``model.Exemption``, the one
    definition of what an item declares), where it is, and whether it holds on the check date."""

    item: str
    area: str
    file: str
    line: int
    declared: model.Exemption
    status: ExemptionStatus
    waived: int
    """Points the exemption saved (0 when the element is filled in anyway or the exemption lapsed)."""
    charged: int = 0
    """Points deducted for its element although it was declared: an expired or void exemption."""

    @property
    def element(self) -> str:
        return self.declared.element

    @property
    def reason(self) -> str:
        return self.declared.reason

    @property
    def approved_by(self) -> str:
        return self.declared.approved_by

    @property
    def until(self) -> str:
        return self.declared.until


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
    baseline: Comparison | None = None
    """The comparison with an earlier report (--baseline), when asked for."""

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
