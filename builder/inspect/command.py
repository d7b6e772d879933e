"""``gkml inspect``: the command line of an inspection, kept apart from ``cli`` so that cli stays a
list of commands. Parses options, runs ``scoring`` or ``plan``, hands the result to a reporter.

Exit codes as everywhere: 0 scored (and at or above --min-score), 1 a jurisdiction could not
be scored or scored below --min-score, 2 usage errors (a bad plan, rule book or baseline).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from builder.check.baseline import BaselineError, compare, load_baseline
from builder.check.report import min_score_gate
from builder.check.rulebook import RULES_FILE, RulesError, load_rules
from builder.findings import Lang

if TYPE_CHECKING:
    from builder.inspect.report import Ranked

FORMATS = ("text", "json", "csv", "xlsx", "markdown", "html")
EVIDENCE = "gkml-evidence"
"""The folder, next to the report, where fetched pages are kept with their hashes."""


def add_command(sub: Any, common: Callable[[argparse.ArgumentParser], None],
                iso_date: Callable[[str], date]) -> None:
    p = sub.add_parser(
        "inspect", help="考核各地公开的目录（网页、Excel、Word、PDF 或 gkml 目录）/ score published catalogs",
        description="按规则手册考核一个或多个单位公开的政务公开事项标准目录：逐行扣分，注明来源、表格、"
        "序号、事项名称、要素和依据；用 --plan 考核多个单位并排名。"
        " Score catalogs as counties publish them, row by row with the rule book of gkml check; "
        "--plan scores and ranks many jurisdictions.")
    p.add_argument("sources", nargs="*", metavar="SOURCE",
                   help="网页、工作簿、文档、PDF、文件夹、gkml 目录或网址 / page, workbook, document, PDF, "
                   "folder, gkml catalog or http(s) address")
    p.add_argument("--plan", type=Path, metavar="inspection.yml",
                   help="考核计划：多个单位及其来源 / a plan of many jurisdictions")
    p.add_argument("--jurisdiction", default="", metavar="NAME", help="被考核单位名称 / jurisdiction name")
    p.add_argument("--rules", type=Path, metavar="FILE", help="规则手册，默认随附的 / rule book file")
    p.add_argument("--date", type=iso_date, metavar="YYYY-MM-DD", help="考核日期，默认今天 / inspection date")
    p.add_argument("--format", choices=FORMATS, default="text", help="输出格式 / output format")
    p.add_argument("--output", "-o", type=Path, metavar="FILE",
                   help="写入文件（xlsx 必须指定）/ write the report to FILE (required for xlsx)")
    p.add_argument("--baseline", type=Path, metavar="EARLIER.json",
                   help="与先前的 JSON 报告比较（整改）/ compare with an earlier JSON report")
    p.add_argument("--min-score", type=int, metavar="N",
                   help="任一单位得分低于 N 时退出码为 1 / exit 1 when any score is below N")
    common(p)
    p.set_defaults(run=cmd_inspect)


def cmd_inspect(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    # Late: the readers import lxml, pdfplumber, python-docx and httpx (~1 s), which no other
    # command needs.
    from builder.inspect.plan import PlanError, load_plan, run_plan
    from builder.inspect.report import Ranked, rank
    from builder.inspect.scoring import inspect_jurisdiction

    lang: Lang = args.lang
    if bool(args.plan) == bool(args.sources):
        err.write("gkml：请给出来源，或用 --plan 给出考核计划（二者选一）/ "
                  "give SOURCEs or --plan, not both and not neither\n")
        return 2
    if args.format == "xlsx" and args.output is None:
        err.write("gkml：xlsx 格式须用 --output 指定文件 / --format xlsx needs --output FILE\n")
        return 2
    now = datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    evidence = (args.output.parent if args.output else Path.cwd()) / EVIDENCE
    try:
        earlier = load_baseline(args.baseline) if args.baseline else None
        if args.plan:
            plan = load_plan(args.plan)
            book = load_rules(args.rules or plan.rules or RULES_FILE)
            ranked = run_plan(plan, book, args.date or plan.date or date.today(), evidence, now)
        else:
            book = load_rules(args.rules or RULES_FILE)
            on = args.date or date.today()
            one = inspect_jurisdiction(args.jurisdiction, args.sources, book, on, evidence=evidence,
                                       generated_at=now)
            ranked = Ranked(one.name, on.isoformat(), book, now, tuple(rank([one])))
    except (RulesError, PlanError) as exc:
        err.write(exc.text(lang) if isinstance(exc, RulesError) else exc.text())
        err.write("\n")
        return 2
    except BaselineError as exc:
        err.write(f"gkml：--baseline：{exc}\n")
        return 2
    if earlier is not None:
        ranked = _with_baseline(ranked, earlier, str(args.baseline), lang, bool(args.plan))
    write(ranked, args.format, lang, bool(args.plan), args.output, out)
    return _exit(ranked, args.min_score, lang, err)


def _with_baseline(r: Ranked, earlier: dict[str, Any], file: str, lang: Lang, plan: bool) -> Ranked:
    """Each jurisdiction compared with the same-named one of the earlier report."""
    from builder.inspect.report import inspection_data

    then = {str(j.get("name") or j.get("jurisdiction")): j for j in earlier.get("jurisdictions", [])
            if isinstance(j, dict)} if plan else {r.entries[0][1].name: earlier}
    entries = []
    for n, i in r.entries:
        old = then.get(i.name)
        if i.result is not None and old is not None and isinstance(old.get("score"), int):
            comparison = compare(inspection_data(i, lang), old, file)
            i = replace(i, result=replace(i.result, baseline=comparison))
        entries.append((n, i))
    return replace(r, entries=tuple(entries))


def write(r: Ranked, fmt: str, lang: Lang, plan: bool, output: Path | None, out: TextIO) -> None:
    from builder.inspect import report

    if fmt == "xlsx":
        assert output is not None
        output.write_bytes(report.xlsx_report(r, lang))
        return
    if fmt == "html":
        from builder.inspect.page import html_report

        body = html_report(r, plan)
    else:
        body = {"text": report.text, "json": report.json_report, "csv": report.csv_report,
                "markdown": report.markdown}[fmt](r, lang, plan)
    if output is None:
        out.write(body)
    else:
        output.write_text(body, encoding="utf-8", newline="")


def _exit(r: Ranked, minimum: int | None, lang: Lang, err: TextIO) -> int:
    code = 0
    for _, i in r.entries:
        if i.score is None:
            err.write(f"gkml: {i.name} was not scored\n" if lang == "en" else f"gkml：{i.name}未能计分\n")
            code = 1
        else:
            code = max(code, min_score_gate(i.score, minimum, lang, err, i.name))
    return code

