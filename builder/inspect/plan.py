"""An inspection plan (``gkml inspect --plan inspection.yml``): many jurisdictions, one rule book,
one date, ranked by score.

    title: 2027年度基层政务公开标准目录考核
    date: 2027-01-10
    rules: rules.yml                 # optional; the shipped rule book otherwise
    jurisdictions:
      - name: 甲县
        sources: [甲县/catalog]       # paths are relative to this file; addresses as they are
      - name: 乙县
        sources: [乙县/目录.html, 乙县/目录.xlsx]

A plan that cannot be used is refused as a whole, every problem listed with its line, so
that an inspection never ranks a half-read list.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from builder.catalog import display_path
from builder.check.rulebook import RuleBook
from builder.inspect.report import Ranked, rank
from builder.inspect.scoring import inspect_jurisdiction
from builder.load import load_document


class PlanError(Exception):
    """The plan cannot be used; ``problems`` each name file:line and what is wrong."""

    def __init__(self, file: str, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.file, self.problems = file, problems

    def text(self) -> str:
        return "\n".join([f"gkml：考核计划 {self.file} 无法使用 / the plan cannot be used:",
                          *(f"  {p}" for p in self.problems)])


@dataclass(frozen=True)
class Plan:
    file: Path
    title: str
    date: date | None
    rules: Path | None
    jurisdictions: tuple[tuple[str, tuple[str, ...]], ...]


def load_plan(path: Path) -> Plan:
    label = display_path(path)
    if not path.is_file():
        raise PlanError(label, [f"{label}: 找不到文件 / no such file"])
    doc = load_document(path, label)
    if doc.findings:
        raise PlanError(label, [f"{f.file}:{f.line}:{f.column}: {f.text('zh')[0]}" for f in doc.findings])
    data = doc.data if isinstance(doc.data, dict) else {}
    problems = list(_problems(data, label, lambda *p: doc.mark(p).line))
    if problems:
        raise PlanError(label, problems)
    base = path.parent
    when = data.get("date")
    return Plan(path, str(data["title"]).strip(),
                when if isinstance(when, date) else date.fromisoformat(str(when)) if when else None,
                base / str(data["rules"]) if data.get("rules") else None,
                tuple((str(j["name"]).strip(), tuple(_source(base, str(s)) for s in j["sources"]))
                      for j in data["jurisdictions"]))


def _source(base: Path, source: str) -> str:
    return source if source.startswith(("http://", "https://")) else str(base / source)


def _problems(data: dict[str, Any], label: str, line: Any) -> Iterator[str]:
    if not isinstance(data.get("title"), str) or not data["title"].strip():
        yield f"{label}:{line()}: 缺少 title（考核名称）/ title is missing"
    when = data.get("date")
    if when is not None and not isinstance(when, date):
        try:
            date.fromisoformat(str(when))
        except ValueError:
            yield f"{label}:{line('date')}: date 应为 YYYY-MM-DD / date must be YYYY-MM-DD: {when!r}"
    if data.get("rules") is not None and not isinstance(data["rules"], str):
        yield f"{label}:{line('rules')}: rules 应为规则手册的路径 / rules must be a path"
    juris = data.get("jurisdictions")
    if not isinstance(juris, list) or not juris:
        yield f"{label}:{line()}: 缺少 jurisdictions（被考核单位列表）/ jurisdictions is missing"
        return
    names: set[str] = set()
    for n, j in enumerate(juris):
        name = j.get("name") if isinstance(j, dict) else None
        sources = j.get("sources") if isinstance(j, dict) else None
        if not isinstance(name, str) or not name.strip():
            yield f"{label}:{line('jurisdictions', n)}: 第 {n + 1} 个单位缺少 name / entry {n + 1}: no name"
        elif name.strip() in names:
            yield f"{label}:{line('jurisdictions', n, 'name')}: 单位重名 / duplicate name {name!r}"
        else:
            names.add(name.strip())
        if not isinstance(sources, list) or not sources or not all(isinstance(s, str) for s in sources):
            yield (f"{label}:{line('jurisdictions', n)}: 第 {n + 1} 个单位的 sources 应为来源列表 / "
                   f"entry {n + 1}: sources must be a list of paths or addresses")


def run_plan(plan: Plan, book: RuleBook, on: date, evidence: Path, generated_at: str) -> Ranked:
    """Every jurisdiction scored on the same day with the same rule book, ranked."""
    inspections = [inspect_jurisdiction(name, sources, book, on, evidence=evidence / _folder(n, name),
                                        generated_at=generated_at)
                   for n, (name, sources) in enumerate(plan.jurisdictions, 1)]
    return Ranked(plan.title, on.isoformat(), book, generated_at, tuple(rank(inspections)))


def _folder(n: int, name: str) -> str:
    return f"{n:02d}-" + "".join(c if c.isalnum() else "_" for c in name)[:40]
