"""Follow-up (整改): compare a report with an earlier one of the same shape (``--baseline``).

Both sides are the JSON reports (``as_data``), so an inspection saved months ago compares
with today's without either run being repeated. A deduction is the same deduction when it
names the same item and rule: by item code where there is one, else by the item's name and
area (a published table has no codes, and its row numbers shift when rows are added).
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from builder.catalog import display_path

Key = tuple[str, ...]


class BaselineError(Exception):
    """The earlier report cannot be read; the message says which file and why, in Chinese and English."""


@dataclass(frozen=True)
class Comparison:
    file: str
    date: str
    score: int
    change: int
    """Score now minus score then."""
    fixed: tuple[dict[str, Any], ...]
    """Deductions of the earlier report that are gone."""
    new: tuple[dict[str, Any], ...]
    """Deductions that the earlier report did not have."""

    def as_data(self) -> dict[str, Any]:
        return {"file": self.file, "date": self.date, "score": self.score, "change": self.change,
                "fixed": list(self.fixed), "new": list(self.new)}


def load_baseline(path: Path) -> dict[str, Any]:
    """An earlier JSON report (of gkml check or gkml inspect)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise BaselineError(f"{display_path(path)}：无法读取 / cannot read: {exc.strerror or exc}") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BaselineError(f"{display_path(path)}：不是 JSON 报告 / not a JSON report: {exc}") from None
    if not isinstance(data, dict) or not isinstance(data.get("score", data.get("jurisdictions")),
                                                    int | list):
        raise BaselineError(f"{display_path(path)}：不是 gkml 的 JSON 报告（缺 score）/ "
                            "not a gkml JSON report (no score)")
    return data


def deduction_key(d: dict[str, Any]) -> Key:
    if d.get("item"):
        return ("item", str(d["item"]), str(d.get("rule", "")))
    return ("name", str(d.get("name", "")), str(d.get("area", "")), str(d.get("rule", "")))


def compare(now: dict[str, Any], then: dict[str, Any], file: str) -> Comparison:
    """``now`` against ``then``: each a report (or one jurisdiction of a plan report)."""
    before = [d for d in then.get("deductions", []) if isinstance(d, dict)]
    after = list(now.get("deductions", []))
    score = int(then.get("score", 0))
    return Comparison(file, str(then.get("date", "")), score, int(now["score"]) - score,
                      _minus(before, after), _minus(after, before))


def _minus(a: list[dict[str, Any]], b: list[dict[str, Any]]) -> tuple[dict[str, Any], ...]:
    """The deductions of ``a`` that ``b`` does not have (as a multiset: two rows of the same name
    each count)."""
    left = Counter(deduction_key(d) for d in b)
    out = []
    for d in a:
        k = deduction_key(d)
        if left[k]:
            left[k] -= 1
        else:
            out.append(d)
    return tuple(out)
