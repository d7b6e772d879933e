"""Reports of an inspection: one jurisdiction (shaped like ``gkml check``'s) or a plan's ranking.

A jurisdiction's own part reuses ``check.report`` (the same deductions table, names and
citations), and adds what only a published catalog has: the tables read, the columns they
lack and the findings about reading them. Every cell of the CSV and XLSX reports goes
through ``tables.csv_cell`` / ``tables.xlsx_cell``.
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from builder import __version__
from builder.check import report as check_report
from builder.check.report import percent, reason_label, word
from builder.check.result import element_label
from builder.check.rulebook import RuleBook
from builder.findings import Finding, Lang
from builder.inspect.scoring import Inspection

_WORDS: dict[str, tuple[str, str]] = {
    "inspection": ("政务公开事项标准目录考核", "Catalog inspection"),
    "rank": ("名次", "rank"), "tables": ("读取的目录表", "Tables read"),
    "jurisdiction": ("被考核单位", "jurisdiction"),
    "findings": ("读取中的问题", "Reading findings"), "source": ("来源", "source"),
    "table": ("表格", "table"), "title": ("标题", "title"), "rows": ("行数", "rows"),
    "row": ("序号", "no."), "not_scored": ("未计分", "not scored"),
    "sources": ("来源及其哈希", "Sources and their hashes"), "fetched": ("获取时间", "fetched"),
    "message": ("问题", "finding"), "hint": ("建议", "hint"), "level1": ("一级事项", "level 1"),
    "level2": ("二级事项", "level 2"), "by_element": ("缺失要素（按要素）", "missing, by element"),
    "by_area": ("缺失要素（按领域）", "missing, by area"), "ranking": ("排名", "Ranking"),
}


def w(key: str, lang: Lang) -> str:
    return _WORDS[key][lang == "en"] if key in _WORDS else word(key, lang)


@dataclass(frozen=True)
class Ranked:
    """An inspection's outcome: every jurisdiction with its rank (None when it was not scored)."""

    title: str
    date: str
    book: RuleBook
    generated_at: str
    entries: tuple[tuple[int | None, Inspection], ...]


def rank(inspections: Sequence[Inspection]) -> list[tuple[int | None, Inspection]]:
    """By score, then completeness rate, then name; equal scores share a rank (1, 2, 2, 4);
    jurisdictions that could not be scored come last, without a rank."""
    scored = sorted((i for i in inspections if i.score is not None),
                    key=lambda i: (-(i.score or 0), -(i.rate or 0.0), i.name))
    out: list[tuple[int | None, Inspection]] = []
    for i in scored:
        out.append((1 + sum(1 for j in scored if (j.score or 0) > (i.score or 0)), i))
    return out + [(None, i) for i in inspections if i.score is None]


# ---- data (JSON) ------------------------------------------------------------------------------

def inspection_data(i: Inspection, lang: Lang) -> dict[str, Any]:
    """One jurisdiction, in the shape of ``gkml check --format json`` plus tables, findings and
    the sources' hashes; ``score`` is null when nothing could be scored."""
    if i.result is None:
        base: dict[str, Any] = {"jurisdiction": i.name, "score": None, "rate": None, "items": 0,
                                "points": 0, "deductions": [], "advisories": [], "areas": {}}
    else:
        base = check_report.as_data(i.result, lang)
    base["name"] = i.name
    base["tables"] = [{"source": t.source, "table": t.locator, "title": t.title, "area": t.area,
                       "rows": t.rows} for t in i.tables]
    base["findings"] = [_finding_data(f, lang) for f in i.findings]
    stamp = base.setdefault("stamp", {})
    stamp["sources"] = [{"source": s.source, "path": s.path, "sha256": s.sha256, "size": s.size,
                         **({"url": s.url, "fetched_at": s.fetched_at} if s.url else {})}
                        for s in i.sources]
    return base


def _finding_data(f: Finding, lang: Lang) -> dict[str, Any]:
    message, hint = f.text(lang)
    return {"code": f.code, "severity": f.severity.value, "source": f.file, "where": f.path,
            "element": f.element, "message": message, "hint": hint,
            **({"rows": f.params["rows"], "points": f.params["points"]} if "rows" in f.params else {})}


def plan_data(r: Ranked, lang: Lang) -> dict[str, Any]:
    return {"title": r.title, "date": r.date,
            "jurisdictions": [{"rank": n, **inspection_data(i, lang)} for n, i in r.entries],
            "stamp": {"rules_version": r.book.version, "rules_sha256": r.book.sha256,
                      "tool_version": __version__,
                      "generated_at": r.generated_at}}


def json_report(r: Ranked, lang: Lang, plan: bool) -> str:
    data = plan_data(r, lang) if plan else inspection_data(r.entries[0][1], lang)
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


# ---- text and Markdown --------------------------------------------------------------------------

def ranking_rows(r: Ranked, lang: Lang) -> list[list[object]]:
    return [[n if n is not None else "—", i.name,
             i.score if i.score is not None else w("not_scored", lang), percent(i.rate),
             i.result.total.items if i.result else 0, i.result.total.points if i.result else "—"]
            for n, i in r.entries]


def ranking_head(lang: Lang) -> list[str]:
    return [w(k, lang) for k in ("rank", "jurisdiction", "score", "rate", "items", "points")]


def text(r: Ranked, lang: Lang, plan: bool) -> str:
    out: list[str] = []
    if plan:
        out += [f"{r.title}（{word('date', lang)} {r.date}）", f"{w('ranking', lang)}",
                *check_report.text_table(ranking_head(lang), ranking_rows(r, lang)), ""]
    for _, i in r.entries:
        out.append(_jurisdiction_text(i, lang))
    return "\n".join(out)


def _jurisdiction_text(i: Inspection, lang: Lang) -> str:
    parts = [check_report.text(i.result, lang) if i.result else
             f"{w('inspection', lang)}: {i.name} — {w('not_scored', lang)}\n"]
    tables = [[t.source, t.locator, t.title, t.area, t.rows] for t in i.tables]
    parts.append(f"{w('tables', lang)} ({len(tables)})")
    parts += check_report.text_table([w(k, lang) for k in ("source", "table", "title", "area", "rows")],
                                 tables) if tables else [f"  {word('none', lang)}"]
    parts.append(f"\n{w('findings', lang)} ({len(i.findings)})")
    parts += [f"  {f.file} {f.path if f.path != '$' else ''} {f.text(lang)[0]}".rstrip()
              for f in i.findings] or [f"  {word('none', lang)}"]
    return "\n".join(parts) + "\n"


def markdown(r: Ranked, lang: Lang, plan: bool) -> str:
    out: list[str] = []
    if plan:
        out += [f"## {check_report.md(r.title)}", "", f"{word('date', lang)} {r.date}", "",
                *check_report.md_table(ranking_head(lang), ranking_rows(r, lang)), ""]
    for _, i in r.entries:
        out.append(check_report.markdown(i.result, lang) if i.result else
                   f"### {check_report.md(i.name)}: {w('not_scored', lang)}\n")
        if i.findings:
            out += [f"<details><summary>{w('findings', lang)} ({len(i.findings)})</summary>", "",
                    *(f"- {check_report.md(f.file)} {check_report.md(f.text(lang)[0])}" for f in i.findings),
                    "", "</details>", ""]
    return "\n".join(out) + "\n"


# ---- CSV and XLSX ---------------------------------------------------------------------------------

def _deduction_head(lang: Lang) -> list[str]:
    return [w(k, lang) for k in ("source", "table", "row", "level1", "level2", "area", "element", "rule",
                                 "points", "reason", "basis")]


def _deduction_cells(d: Any, lang: Lang) -> list[object]:
    return [d.file, d.table, d.row or (d.line if not d.table else ""), d.level1, d.level2, d.area,
            element_label(d.element, lang), d.rule, d.points, reason_label(d.reason, lang), d.basis]


def csv_report(r: Ranked, lang: Lang, plan: bool) -> str:
    """One row per deduction, each carrying its jurisdiction, rank and score; a jurisdiction
    without deductions (or not scored) still has a row."""
    from builder.tables import csv_cell  # late: tables needs openpyxl

    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    head = [w(k, lang) for k in ("rank", "jurisdiction", "score", "rate")] + _deduction_head(lang)
    writer.writerow([csv_cell(c) for c in head])
    for n, i in r.entries:
        lead: list[object] = [n if n is not None else "", i.name,
                              i.score if i.score is not None else w("not_scored", lang), percent(i.rate)]
        rows = [_deduction_cells(d, lang) for d in i.result.deductions] if i.result else []
        for row in rows or [[""] * len(_deduction_head(lang))]:
            writer.writerow([csv_cell(c) for c in lead + row])
    return "\ufeff" + buf.getvalue()


def xlsx_report(r: Ranked, lang: Lang) -> bytes:
    """The 计分表: 汇总 (rank, jurisdiction, score, rate, items, missing elements by element and
    by area), then one sheet per jurisdiction with its deductions, absent columns and findings."""
    from openpyxl import Workbook

    from builder.check.xlsx import bold
    from builder.tables import xlsx_cell

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = word("summary", lang)
    elements = [rule.element for rule in r.book.rules if rule.points]
    areas = list(dict.fromkeys(d.area for _, i in r.entries if i.result for d in i.result.deductions))
    head = ranking_head(lang) + [f"{w('by_element', lang)}：{element_label(e, lang)}" for e in elements] + [
        f"{w('by_area', lang)}：{a}" for a in areas]
    ws.append([xlsx_cell(ws, h, font=bold()) for h in head])
    for row, (_, i) in zip(ranking_rows(r, lang), r.entries, strict=True):
        ds = i.result.deductions if i.result else ()
        by_element, by_area = Counter(d.element for d in ds), Counter(d.area for d in ds)
        ws.append([xlsx_cell(ws, v) for v in [*row, *(by_element[e] for e in elements),
                                               *(by_area[a] for a in areas)]])
    ws.append([])
    ws.append([xlsx_cell(ws, f"{r.title} · {word('date', lang)} {r.date} · {word('rules', lang)} "
                             f"{r.book.version} (sha256 {r.book.sha256})")])
    ws.freeze_panes = "C2"
    for n, (_, i) in enumerate(r.entries, 1):
        _jurisdiction_sheet(wb.create_sheet(_sheet_name(n, i.name)), i, lang)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _sheet_name(n: int, name: str) -> str:
    """Sheet names are at most 31 characters, without []:*?/\\, and unique: numbered."""
    clean = "".join("_" if c in "[]:*?/\\" else c for c in name)
    return f"{n}.{clean}"[:31]


def _jurisdiction_sheet(ws: Any, i: Inspection, lang: Lang) -> None:
    from builder.check.xlsx import bold
    from builder.tables import xlsx_cell

    bold = bold()
    head = (f"{i.name} · {word('score', lang)} {i.score}/{i.result.total.scale}" if i.result
            else f"{i.name} · {w('not_scored', lang)}")
    ws.append([xlsx_cell(ws, head, font=bold)])
    ws.append([])
    ws.append([xlsx_cell(ws, h, font=bold) for h in _deduction_head(lang)])
    for d in i.result.deductions if i.result else ():
        ws.append([xlsx_cell(ws, v) for v in _deduction_cells(d, lang)])
    ws.append([])
    ws.append([xlsx_cell(ws, w("findings", lang), font=bold)])
    for f in i.findings:
        ws.append([xlsx_cell(ws, v) for v in (f.file, f.path, f.text(lang)[0], f.text(lang)[1])])
    ws.freeze_panes = "A4"
    for col, width in zip("ABCDEFGHIJK", (28, 12, 8, 16, 28, 12, 14, 14, 6, 14, 60), strict=True):
        ws.column_dimensions[col].width = width

