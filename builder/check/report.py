"""Reporters over one ``CheckResult``: a table for the terminal, JSON, CSV, an XLSX 计分表 and
Markdown for a pull-request comment. A reporter only formats; the check decides.

Every report carries the stamp (commit, rule book version and hash, tool version,
time), so the same commit and rules give the same numbers; apart from
``generated_at`` two runs produce identical JSON.
"""

from __future__ import annotations

import csv
import io
import json
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from builder import markup
from builder.check.result import NO_SUBJECT, CheckResult, Deduction, Exemption, Tally, element_label
from builder.check.rulebook import MISSING_LABELS
from builder.findings import Lang
from builder.textsafe import terminal

if TYPE_CHECKING:
    pass

_WORDS: dict[str, tuple[str, str]] = {
    "title": ("完整性考核", "Completeness check"), "date": ("考核日期", "check date"),
    "score": ("得分", "score"), "rate": ("要素完整率", "completeness"),
    "points": ("扣分", "points"), "items": ("事项", "items"), "item": ("事项编码", "item"),
    "area": ("领域", "area"), "subject": ("公开主体", "subject"), "file": ("文件", "file"),
    "line": ("行", "line"), "column": ("列", "column"), "element": ("要素", "element"),
    "key": ("要素键", "element key"), "rule": ("规则", "rule"), "severity": ("类别", "kind"),
    "reason": ("缺失情形", "missing because"), "basis": ("依据", "basis"),
    "where": ("位置", "where"), "deductions": ("扣分明细", "Deductions"),
    "advisories": ("建议补充（不扣分）", "Recommended, not scored"),
    "exemptions": ("豁免（不扣分）", "Exemptions (no points)"),
    "exemptions_expired": ("已过期的豁免（照常扣分）", "Expired exemptions (points counted)"),
    "exemptions_invalid": ("登记不全的豁免（不生效，照常扣分）",
                           "Void exemptions (incomplete; points counted)"),
    "name": ("事项名称", "item name"), "charged": ("照常扣分", "points counted"),
    "count_points": ("{n} 条，扣 {p} 分", "{n}, {p} points"),
    "count_waived": ("{n} 条，免扣 {p} 分", "{n}, {p} points waived"),
    "baseline": ("与先前考核比较", "Compared with the earlier report"),
    "baseline_line": ("{file}（考核日期 {date}）：得分 {then} → {now}（{change:+d}）；"
                      "已整改 {fixed} 条，新增 {new} 条",
                      "{file} (dated {date}): score {then} → {now} ({change:+d}); {fixed} fixed, {new} new"),
    "fixed": ("已整改", "fixed"), "new": ("新增", "new"), "change": ("变化", "change"),
    "by_area": ("分领域", "By area"), "by_subject": ("分公开主体", "By subject"),
    "none": ("无。", "None."), "expected": ("应有要素", "expected"), "present": ("已有要素", "present"),
    "exempt_reason": ("豁免理由", "reason"), "approved_by": ("批准人", "approved by"),
    "until": ("有效期至", "valid until"), "status": ("状态", "status"), "waived": ("免扣", "waived"),
    "error": ("扣分", "deduction"), "warning": ("建议", "recommendation"),
    "in_force": ("有效", "in force"), "expired": ("已过期，照常扣分", "expired, counts again"),
    "invalid": ("登记不全，不生效", "incomplete, void"), "no_subject": ("（未填写公开主体）", "(no subject)"),
    "rules": ("规则手册", "rule book"), "commit": ("提交", "commit"), "tool": ("工具", "tool"),
    "generated": ("生成于", "generated"), "dirty": ("（有未提交的修改）", " (uncommitted changes)"),
    "jurisdiction": ("发布机关", "jurisdiction"), "summary": ("汇总", "Summary"),
    "more": ("另有 {n} 条未列出，完整清单见 JSON/CSV/XLSX 报告。",
             "{n} more not shown; the JSON/CSV/XLSX reports list them all."),
    "catalog_sha256": ("目录内容哈希", "catalog sha256"), "scale": ("满分", "out of"),
}
MARKDOWN_ROWS = 100
"""A pull-request comment lists this many deductions; the rest are counted."""


def word(key: str, lang: Lang) -> str:
    return _WORDS[key][lang == "en"]


def percent(rate: float | None) -> str:
    return "—" if rate is None else f"{rate * 100:.1f}%"


def reason_label(reason: str, lang: Lang) -> str:
    return MISSING_LABELS.get(reason, (reason, reason))[lang == "en"]


def subject_label(name: str, lang: Lang) -> str:
    return word("no_subject", lang) if name == NO_SUBJECT else name


def md(value: object) -> str:
    """Catalog text made inert for a Markdown table cell or paragraph (the site's escaping)."""
    return markup.text(str(value))


# ---- data rows shared by every format -------------------------------------------------------

def where(d: Deduction, lang: Lang = "zh") -> str:
    """file:line for a catalog file; source｜table｜序号 3 for a row of a published table; the area's
    file (or the sources) alone for an empty area."""
    if d.reason == "empty-area":
        return d.file
    if not d.table:
        return f"{d.file}:{d.line}"
    return f"{d.file}｜{d.table}｜{'no.' if lang == 'en' else '序号'} {d.row}"


def deduction_row(d: Deduction, lang: Lang) -> list[object]:
    return [d.item or "", d.name, d.area, d.file, d.line, d.column, element_label(d.element, lang),
            d.element, d.rule, word(d.severity.value, lang), d.points, reason_label(d.reason, lang),
            d.basis]


def deduction_head(lang: Lang) -> list[str]:
    return [word(k, lang) for k in ("item", "name", "area", "file", "line", "column", "element", "key",
                                    "rule", "severity", "points", "reason", "basis")]


EXEMPTION_GROUPS = (("in_force", "exemptions"), ("expired", "exemptions_expired"),
                    ("invalid", "exemptions_invalid"))
"""Exemptions by status, each under its own heading: only those in force save points."""


def exemption_groups(r: CheckResult) -> list[tuple[str, list[Exemption]]]:
    """(heading key, exemptions) for each status that has any."""
    return [(key, rows) for status, key in EXEMPTION_GROUPS
            if (rows := [x for x in r.exemptions if x.status == status])]


def exemption_count(key: str, rows: Sequence[Exemption], lang: Lang) -> str:
    """"2 条，免扣 3 分" for those in force, "1 条，扣 1 分" for the others."""
    if key == "exemptions":
        return word("count_waived", lang).format(n=len(rows), p=sum(x.waived for x in rows))
    return word("count_points", lang).format(n=len(rows), p=sum(x.charged for x in rows))


def tally_head(first: str, lang: Lang) -> list[str]:
    return [word(k, lang) for k in (first, "items", "score", "points", "rate", "present", "expected")]


def tally_row(t: Tally, lang: Lang, subject: bool = False) -> list[object]:
    name = subject_label(t.name, lang) if subject else t.name
    return [name, t.items, t.score, t.points, percent(t.rate), t.present, t.expected]


def exemption_head(lang: Lang) -> list[str]:
    return [word(k, lang) for k in ("item", "area", "file", "line", "element", "exempt_reason",
                                    "approved_by", "until", "status", "waived", "charged")]


def exemption_row(x: Exemption, lang: Lang) -> list[object]:
    return [x.item, x.area, x.file, x.line, element_label(x.element, lang) if x.element else "",
            x.reason, x.approved_by, x.until, word(x.status, lang), x.waived, x.charged]


def stamp_pairs(r: CheckResult, lang: Lang) -> list[tuple[str, str]]:
    s = r.stamp
    commit = (s.commit or "—") + (word("dirty", lang) if s.dirty else "")
    return [(word("date", lang), r.date), (word("commit", lang), commit),
            (word("rules", lang), f"{s.rules_version} (sha256 {s.rules_sha256})"),
            (word("catalog_sha256", lang), s.catalog_sha256),
            (word("tool", lang), f"gkml {s.tool_version}"), (word("generated", lang), s.generated_at)]


def _headline(r: CheckResult, lang: Lang) -> str:
    t = r.total
    sep = " · "
    return sep.join([f"{word('score', lang)} {t.score}/{t.scale}",
                     f"{word('rate', lang)} {percent(t.rate)} ({t.present}/{t.expected})",
                     f"{word('points', lang)} {t.points}", f"{word('items', lang)} {t.items}"])


# ---- text -----------------------------------------------------------------------------------

def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def text_table(head: Sequence[str], rows: Iterable[Sequence[object]]) -> list[str]:
    cells = [[str(c) for c in head], *([str(c) for c in row] for row in rows)]
    widths = [max(_width(row[i]) for row in cells) for i in range(len(head))]
    return ["  " + "  ".join(c + " " * (w - _width(c)) for c, w in zip(row, widths, strict=True)).rstrip()
            for row in cells]


def text(r: CheckResult, lang: Lang) -> str:
    lines = [f"{word('title', lang)}: {r.jurisdiction} ({word('date', lang)} {r.date})",
             _headline(r, lang), "", *_baseline_text(r, lang)]
    sections: list[tuple[str, Sequence[Any], Callable[[], list[str]]]] = [
        ("deductions", r.deductions, lambda: text_table(
            [word(k, lang) for k in ("where", "item", "name", "element", "rule", "points", "reason",
                                     "basis")],
            ([where(d, lang), d.item or d.area, d.name, element_label(d.element, lang), d.rule, d.points,
              reason_label(d.reason, lang), _short_basis(r, d)] for d in r.deductions))),
        ("advisories", r.advisories, lambda: text_table(
            [word(k, lang) for k in ("where", "item", "name", "element", "reason")],
            ([where(d, lang), d.item or "", d.name, element_label(d.element, lang),
              reason_label(d.reason, lang)] for d in r.advisories))),
        ("by_area", r.areas, lambda: text_table(tally_head("area", lang),
                                            (tally_row(t, lang) for t in r.areas))),
        ("by_subject", r.subjects, lambda: text_table(tally_head("subject", lang),
                                                  (tally_row(t, lang, True) for t in r.subjects))),
    ]
    for key, rows, render in sections[:2]:
        lines += _text_section(word(key, lang), rows, render, lang)
    for key, group in exemption_groups(r):
        lines += [f"{word(key, lang)} ({exemption_count(key, group, lang)})", *text_table(
            exemption_head(lang)[:1] + exemption_head(lang)[4:],
            (row[:1] + row[4:] for row in (exemption_row(x, lang) for x in group))), ""]
    for key, rows, render in sections[2:]:
        lines += _text_section(word(key, lang), rows, render, lang)
    lines.append(" · ".join(f"{k} {v}" for k, v in stamp_pairs(r, lang)))
    return terminal("\n".join(lines)) + "\n"  # for a terminal: no catalog text may drive it


def _baseline_text(r: CheckResult, lang: Lang) -> list[str]:
    if r.baseline is None:
        return []
    return [f"{word('baseline', lang)}: {baseline_line(r, lang)}",
            *text_table([word(k, lang) for k in ("change", "item", "name", "element", "points")],
                    baseline_rows(r, lang)), ""]


def baseline_line(r: CheckResult, lang: Lang) -> str:
    c = r.baseline
    assert c is not None
    return word("baseline_line", lang).format(file=c.file, date=c.date, then=c.score, now=r.score,
                                              change=c.change, fixed=len(c.fixed), new=len(c.new))


def baseline_rows(r: CheckResult, lang: Lang = "zh") -> list[list[object]]:
    """One row per deduction fixed or new: change, item, name, element, points."""
    c = r.baseline
    assert c is not None
    return [[word(kind, lang), d.get("item") or d.get("area", ""), d.get("name", ""),
             d.get("label", ""), d.get("points", "")]
            for kind, rows in (("fixed", c.fixed), ("new", c.new)) for d in rows]


def _text_section(title: str, rows: Sequence[Any], render: Callable[[], list[str]], lang: Lang
                  ) -> list[str]:
    return [f"{title} ({len(rows)})", *(render() if rows else [f"  {word('none', lang)}"]), ""]


def _short_basis(r: CheckResult, d: Deduction) -> str:
    rule = next((x for x in (*r.rules.rules, r.rules.empty_area) if x.id == d.rule), None)
    return rule.short_citation() if rule else d.basis


# ---- JSON -----------------------------------------------------------------------------------

def as_data(r: CheckResult, lang: Lang = "zh") -> dict[str, Any]:
    """The JSON report as data (schema/check.schema.json)."""
    t = r.total
    return {
        "jurisdiction": r.jurisdiction, "date": r.date, "score": t.score, "scale": t.scale,
        "rate": t.rate, "points": t.points, "items": t.items, "expected": t.expected,
        "present": t.present,
        "deductions": [deduction_data(d, lang) for d in r.deductions],
        "advisories": [deduction_data(d, lang) for d in r.advisories],
        "exemptions": [_exemption_data(x, lang) for x in r.exemptions],
        "scoring_basis": "；".join(c.text() for c in r.rules.scoring_basis),
        "areas": _keyed(r.areas),
        "subjects": _keyed(r.subjects),
        "rules": [{"id": x.id, "element": x.element, "label": element_label(x.element, lang),
                   "points": x.points, "severity": x.severity.value,
                   "requirement": x.describe(lang), "basis": x.citation(),
                   **({"setting": x.explain_setting(lang)} if x.setting else {})}
                  for x in (*r.rules.rules, r.rules.empty_area)],
        "stamp": {"commit": r.stamp.commit, "dirty": r.stamp.dirty,
                  "catalog_sha256": r.stamp.catalog_sha256, "rules_version": r.stamp.rules_version,
                  "rules_sha256": r.stamp.rules_sha256, "tool_version": r.stamp.tool_version,
                  "generated_at": r.stamp.generated_at},
        **({"baseline": r.baseline.as_data()} if r.baseline else {}),
    }


def deduction_data(d: Deduction, lang: Lang) -> dict[str, Any]:
    return {"item": d.item, "name": d.name, "level1": d.level1, "level2": d.level2, "area": d.area,
            "file": d.file, "line": d.line, "column": d.column,
            "element": d.element, "label": element_label(d.element, lang), "rule": d.rule,
            "points": d.points, "severity": d.severity.value, "reason": d.reason, "basis": d.basis,
            **({"source": d.file, "table": d.table, "row": d.row} if d.table else {})}


def _exemption_data(x: Exemption, lang: Lang) -> dict[str, Any]:
    return {"item": x.item, "area": x.area, "file": x.file, "line": x.line, "element": x.element,
            "label": element_label(x.element, lang) if x.element else "", "reason": x.reason,
            "approved_by": x.approved_by, "until": x.until, "status": x.status, "waived": x.waived,
            "charged": x.charged}


def _keyed(tallies: Sequence[Tally]) -> dict[str, dict[str, Any]]:
    """By name; two area folders that share a name are told apart by their folder."""
    names = Counter(t.name for t in tallies)
    return {(f"{t.name} ({t.slug})" if names[t.name] > 1 else t.name): _tally_data(t) for t in tallies}


def _tally_data(t: Tally) -> dict[str, Any]:
    return {"slug": t.slug, "items": t.items, "expected": t.expected, "present": t.present,
            "points": t.points, "score": t.score, "rate": t.rate}


def json_report(r: CheckResult, lang: Lang) -> str:
    return json.dumps(as_data(r, lang), ensure_ascii=False, indent=2) + "\n"


# ---- CSV and XLSX ---------------------------------------------------------------------------

def csv_report(r: CheckResult, lang: Lang) -> str:
    """One row per deduction (then each recommendation), the overall score and the stamp on every
    row, so that any row cut out of the file still says what it belongs to; BOM for Excel.
    A catalog without deductions still gets one row, carrying the score."""
    from builder.tables import csv_cell  # late: tables needs openpyxl, ~100 ms to import
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    stamp = _summary_pairs(r, lang) + stamp_pairs(r, lang)
    writer.writerow([csv_cell(c) for c in deduction_head(lang) + [k for k, _ in stamp]])
    rows = [deduction_row(d, lang) for d in (*r.deductions, *r.advisories)]
    for row in rows or [[""] * len(deduction_head(lang))]:
        writer.writerow([csv_cell(c) for c in row + [v for _, v in stamp]])
    return "\ufeff" + buf.getvalue()


def _summary_pairs(r: CheckResult, lang: Lang) -> list[tuple[str, object]]:
    t = r.total
    return [(word("jurisdiction", lang), r.jurisdiction), (word("score", lang), t.score),
            (word("scale", lang), t.scale), (word("rate", lang), percent(t.rate))]


# ---- Markdown (a pull-request comment) -------------------------------------------------------

def markdown(r: CheckResult, lang: Lang) -> str:
    t = r.total
    out = [f"### {word('title', lang)}: {word('score', lang)} **{t.score}** / {t.scale}", "",
           md(_headline(r, lang)) + f" · {word('date', lang)} {r.date}", ""]
    out += md_table([word(k, lang) for k in ("item", "name", "where", "element", "points", "reason",
                                             "basis")],
                     [[d.item or d.area, d.name, where(d, lang), element_label(d.element, lang),
                       d.points, reason_label(d.reason, lang), d.basis]
                      for d in r.deductions[:MARKDOWN_ROWS]]
                     ) if r.deductions else [f"{word('deductions', lang)}: {word('none', lang)}"]
    if len(r.deductions) > MARKDOWN_ROWS:
        out += ["", word("more", lang).format(n=len(r.deductions) - MARKDOWN_ROWS)]
    if r.baseline is not None:
        out += ["", f"**{word('baseline', lang)}**: {md(baseline_line(r, lang))}", "",
                *md_table([word(k, lang) for k in ("change", "item", "name", "element", "points")],
                          baseline_rows(r, lang)[:MARKDOWN_ROWS])]
    for key, rows in (("by_area", [tally_row(a, lang) for a in r.areas]),
                      ("by_subject", [tally_row(s, lang, True) for s in r.subjects])):
        head = tally_head("area" if key == "by_area" else "subject", lang)
        out += ["", f"<details><summary>{word(key, lang)}</summary>", "", *md_table(head, rows),
                "", "</details>"]
    groups = exemption_groups(r)
    if groups:
        out += ["", "；".join(f"{word(k, lang)}：{exemption_count(k, g, lang)}" for k, g in groups)]
    stamp = " · ".join(f"{k} {v}" for k, v in stamp_pairs(r, lang))
    return "\n".join([*out, "", f"<sub>{md(stamp)}</sub>"]) + "\n"


def md_table(head: Sequence[str], rows: Iterable[Sequence[object]]) -> list[str]:
    """A pipe table (rendered with <th> header cells); every cell escaped."""
    lines = ["| " + " | ".join(md(h) for h in head) + " |", "|" + "---|" * len(head)]
    return lines + ["| " + " | ".join(md(v) for v in row) + " |" for row in rows]


TEXT_REPORTERS: dict[str, Callable[[CheckResult, Lang], str]] = {
    "text": text, "json": json_report, "csv": csv_report, "markdown": markdown}
FORMATS = (*TEXT_REPORTERS, "xlsx")


def write_report(r: CheckResult, fmt: str, lang: Lang, output: Path | None, out: TextIO) -> None:
    """The report in ``fmt`` to ``output`` (or ``out``); xlsx needs a file."""
    if fmt == "xlsx":
        from builder.check.xlsx import xlsx_report  # late: openpyxl

        assert output is not None, "the CLI asks for --output before this"
        output.write_bytes(xlsx_report(r, lang))
    elif output is None:
        out.write(TEXT_REPORTERS[fmt](r, lang))
    else:
        output.write_text(TEXT_REPORTERS[fmt](r, lang), encoding="utf-8", newline="")


def min_score_gate(score: int, minimum: int | None, lang: Lang, err: TextIO, who: str = "") -> int:
    """Exit 1, saying why on stderr, when ``score`` is below ``--min-score``; else 0."""
    if minimum is None or score >= minimum:
        return 0
    who = f"{who} " if who else ""
    err.write(f"gkml: {who}score {score} is below --min-score {minimum}\n" if lang == "en"
              else f"gkml：{who}得分 {score} 低于 --min-score {minimum} 的要求\n")
    return 1
