"""A ``CheckResult`` as JSON for the cache, and back: the cache stores scores, not YAML."""

from __future__ import annotations

from dataclasses import astuple, replace
from typing import Any

from builder import model
from builder.check.result import CheckResult, Deduction, Exemption, Stamp, Tally
from builder.check.rulebook import RuleBook
from builder.findings import Severity


def freeze(r: CheckResult) -> dict[str, Any]:
    """The result as JSON for the cache (its rule book and stamp are supplied again on thawing)."""
    return {"date": r.date, "jurisdiction": r.jurisdiction, "total": astuple(r.total),
            "areas": [astuple(t) for t in r.areas], "subjects": [astuple(t) for t in r.subjects],
            "deductions": [astuple(d) for d in r.deductions],
            "advisories": [astuple(d) for d in r.advisories],
            "exemptions": [astuple(x) for x in r.exemptions]}


def thaw(v: dict[str, Any], book: RuleBook, stamp: Stamp) -> CheckResult:
    def deductions(rows: list[list[Any]]) -> tuple[Deduction, ...]:
        return tuple(replace(d, severity=Severity(d.severity)) for d in (Deduction(*row) for row in rows))

    return CheckResult(
        book, v["date"], v["jurisdiction"], Tally(*v["total"]),
        tuple(Tally(*t) for t in v["areas"]), tuple(Tally(*t) for t in v["subjects"]),
        deductions(v["deductions"]), deductions(v["advisories"]),
        tuple(_exemption(x) for x in v["exemptions"]), stamp)


def _exemption(x: list[Any]) -> Exemption:
    item, area, file, line, declared, status, waived, charged = x
    return Exemption(item, area, file, line, model.Exemption(*declared), status, waived, charged)
