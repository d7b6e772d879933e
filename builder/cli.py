"""The command line: a thin layer that parses options, calls a stage, picks a reporter.

Exit codes: 0 no error, 1 findings with errors (or a failed build), 2 usage or internal
error. Streams are parameters so tests can call ``main`` directly; no traceback is
shown unless ``--debug`` is given.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import sys
import traceback
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import NoReturn, TextIO, cast

from builder import __version__, progress
from builder.catalog import catalog_root, display_path, path_not_found, validate_catalog
from builder.check.baseline import BaselineError, compare, load_baseline
from builder.check.report import FORMATS as CHECK_FORMATS
from builder.check.report import as_data, min_score_gate, write_report
from builder.check.rulebook import RulesError, load_rules
from builder.check.score import check_path
from builder.clerk.commands import add_commands as _add_clerk_commands
from builder.clerk.init import add_command as _add_init
from builder.findings import Finding, Lang, errors
from builder.inspect.command import add_command as _add_inspect_command
from builder.report import REPORTERS, codes_markdown
from builder.revision import RevisionError

Command = Callable[[argparse.Namespace, TextIO, TextIO], int]


class _UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    """argparse with Chinese-first headings, and usage errors as exceptions, not exits."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self._positionals.title = "参数 / arguments"
        self._optionals.title = "选项 / options"

    def format_usage(self) -> str:
        return super().format_usage().replace("usage:", "用法 / usage:", 1)

    def format_help(self) -> str:
        return super().format_help().replace("usage:", "用法 / usage:", 1)

    def error(self, message: str) -> NoReturn:
        raise _UsageError(f"{self.format_usage()}{self.prog}: 用法错误 / usage error: {message}")


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--lang", choices=["zh", "en"], default=os.environ.get("GKML_LANG", "zh"),
                   help="输出语言，默认中文 / output language (default zh)")
    p.add_argument("--debug", action="store_true",
                   help="出错时显示技术细节 / show tracebacks on internal errors")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="gkml", description="政务公开事项标准目录工具 / "
                     "standard government disclosure catalog tool")
    parser.add_argument("--version", action="version", version=f"gkml {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="命令 / command", parser_class=_Parser)
    sub.required = True
    v = sub.add_parser("validate", help="校验目录 YAML 文件 / validate catalog files",
                       description="校验目录中的 YAML 文件，逐条列出问题（文件:行:列）。"
                       " Validate catalog files and list every finding with file:line:col.")
    v.add_argument("paths", nargs="*", type=Path, metavar="PATH",
                   help="目录文件夹或单个文件，默认 catalog / catalog folder or files")
    v.add_argument("--format", choices=sorted(REPORTERS), default="text",
                   help="输出格式 / output format (text, json, github)")
    _common(v)
    v.set_defaults(run=cmd_validate)
    c = sub.add_parser("codes", help="列出全部问题代码及说明 / list every finding code",
                       description="以 Markdown 表格列出校验可能报告的全部问题代码。"
                       " Print every finding code as a Markdown table.")
    _common(c)
    c.set_defaults(run=cmd_codes)
    _add_check(sub)
    _add_clerk_commands(sub, _common)  # new, import, export, fmt (builder/clerk/commands.py)
    _add_init(sub, _common)  # init (builder/clerk/init.py)
    _add_inspect_command(sub, _common, _iso_date)
    _add_site(sub)
    return parser


def _add_site(sub: argparse._SubParsersAction[_Parser]) -> None:
    b = sub.add_parser("build", help="校验目录并生成公开网站 / validate and build the public site",
                       description="校验目录；没有错误时生成网站（标准目录、领域、事项、下载、说明）。"
                       "目录有错误或生成失败时退出码为 1，原有网站保持不变。"
                       " Validate the catalog and build the site; on any error exit 1 and leave "
                       "the existing site untouched.")
    _site_args(b, "网站输出文件夹，默认 site；只写入不存在的、空的或 gkml 生成过的文件夹 / output "
               "folder (default site); only one that does not exist, is empty or holds a gkml site")
    b.add_argument("--allow-shrink", action="store_true",
                   help="允许发布的事项数为 0 或少于现有网站的一半 / allow publishing no items, "
                   "or fewer than half of the site's")
    b.add_argument("--guide", action="store_true",
                   help="同时生成公开专员操作指南页，仅供本机预览，不要公开 / also build the clerk's "
                   "guide page, for a local preview only (gkml serve uses it)")
    b.set_defaults(run=cmd_build)
    s = sub.add_parser("serve", help="本地预览网站，修改事项后自动刷新 / live preview",
                       description="在本机预览网站：修改目录中的 YAML 文件后，浏览器中的页面自动刷新。"
                       " Preview the site locally; editing a catalog file refreshes the page.")
    _site_args(s, "生成文件放在此文件夹旁，默认 site / generated files go beside DIR")
    s.add_argument("--addr", default="127.0.0.1:8000", metavar="IP:PORT",
                   help="预览地址，默认 127.0.0.1:8000 / address to serve on")
    s.set_defaults(run=cmd_serve)


def _site_args(p: argparse.ArgumentParser, site_help: str) -> None:
    p.add_argument("path", nargs="?", type=Path, default=Path("catalog"), metavar="CATALOG",
                   help="目录文件夹，默认 catalog / catalog folder (default catalog)")
    p.add_argument("--site-dir", type=Path, default=Path("site"), metavar="DIR", help=site_help)
    _common(p)


def cmd_build(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from builder.site.build import build_site  # imported late: validate needs none of it

    if _no_catalog(args, out):
        return 2
    return build_site(args.path, args.site_dir, out, err, args.lang, allow_shrink=args.allow_shrink,
                      guide=args.guide)


def cmd_serve(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from builder.site.serve import serve

    if _no_catalog(args, out):
        return 2
    return serve(args.path, args.site_dir, out, err, args.lang, addr=args.addr)


def _no_catalog(args: argparse.Namespace, out: TextIO) -> bool:
    if args.path.is_dir():
        return False
    REPORTERS["text"]([path_not_found(args.path)], 0, args.lang, out)
    return True


def _add_check(sub: argparse._SubParsersAction[_Parser]) -> None:
    k = sub.add_parser("check", help="完整性考核：逐项扣分并注明依据 / completeness check and score",
                       description="按规则手册 schema/rules.yml 给目录打分：每缺一项要素扣分，"
                       "每条扣分注明依据；报告注明提交号和规则版本。"
                       " Score the catalog against the rule book; every deduction "
                       "cites its legal basis and every report carries the commit and rules version.")
    k.add_argument("path", nargs="?", type=Path, default=Path("catalog"), metavar="PATH",
                   help="目录文件夹，默认 catalog / catalog folder (default catalog)")
    k.add_argument("--format", choices=CHECK_FORMATS, default="text",
                   help="输出格式 / output format (text, json, csv, xlsx, markdown)")
    k.add_argument("--output", "-o", type=Path, metavar="FILE",
                   help="写入文件（xlsx 必须指定）/ write the report to FILE (required for xlsx)")
    k.add_argument("--min-score", type=int, metavar="N",
                   help="得分低于 N 时退出码为 1，供 CI 使用 / exit 1 when the score is below N")
    k.add_argument("--baseline", type=Path, metavar="EARLIER.json",
                   help="与先前的 JSON 报告比较：得分变化、已整改和新增的扣分 / compare with an earlier "
                   "JSON report: score change, deductions fixed and new")
    k.add_argument("--at", metavar="REV",
                   help="考核某个 git 版本时的目录，不改动工作区 / "
                   "check the catalog as it was at a git revision")
    k.add_argument("--date", type=_iso_date, metavar="YYYY-MM-DD",
                   help="考核日期，据此判断豁免是否过期；默认今天，用 --at 时为该提交的日期 / check date "
                   "for exemptions (default today, or the commit's date with --at)")
    _common(k)
    k.set_defaults(run=cmd_check)


def _iso_date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"不是 YYYY-MM-DD 日期 / not a YYYY-MM-DD date: {value!r}") from None


def cmd_validate(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    paths: list[Path] = args.paths or [Path("catalog")]
    missing = [p for p in paths if not p.exists()]
    if missing:
        findings = [path_not_found(p) for p in missing]
        REPORTERS[args.format](findings, 0, args.lang, out)
        return 2
    findings, files = _validate(paths)
    REPORTERS[args.format](findings, files, args.lang, out)
    return 1 if errors(findings) else 0


def cmd_codes(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    out.write(codes_markdown(args.lang))
    return 0


def cmd_check(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    if args.format == "xlsx" and args.output is None:
        err.write("gkml：xlsx 格式须用 --output 指定文件 / --format xlsx needs --output FILE\n")
        return 2
    if args.at is None and not args.path.is_dir():
        err.write(path_not_found(args.path).text(args.lang)[0] + "\n")
        return 2
    try:
        earlier = load_baseline(args.baseline) if args.baseline else None
        result = check_path(args.path, load_rules(), args.date, args.at)
    except RulesError as exc:
        err.write(exc.text(args.lang) + "\n")
        return 2
    except RevisionError as exc:
        err.write(f"gkml：--at {args.at}：{exc}\n")
        return 2
    except BaselineError as exc:
        err.write(f"gkml：--baseline：{exc}\n")
        return 2
    if earlier is not None:
        comparison = compare(as_data(result, args.lang), earlier, display_path(args.baseline))
        result = replace(result, baseline=comparison)
    write_report(result, args.format, args.lang, args.output, out)
    return min_score_gate(result.score, args.min_score, args.lang, err)



def _validate(paths: list[Path]) -> tuple[list[Finding], int]:
    roots: dict[Path, set[str] | None] = {}
    for p in paths:
        root = catalog_root(p).resolve()
        if p.is_dir():
            roots[root] = None
        elif roots.get(root, set()) is not None:
            roots.setdefault(root, set()).add(display_path(p.resolve()))  # type: ignore[union-attr]
    findings: list[Finding] = []
    files = 0
    for root, only in roots.items():
        found, count = validate_catalog(root)
        findings += [f for f in found if only is None or f.file in only]
        files += count if only is None else len(only)
    return findings, files


def main(argv: Sequence[str] | None = None, out: TextIO | None = None,
         err: TextIO | None = None) -> int:
    out, err = _lenient(out or sys.stdout), _lenient(err or sys.stderr)
    try:
        args = build_parser().parse_args(argv)
    except _UsageError as exc:
        err.write(f"{exc}\n")
        return 2
    except SystemExit as exc:  # --help and --version
        return int(exc.code or 0)
    try:
        with progress.reporting(err):
            return cast(Command, args.run)(args, out, err)
    except BrokenPipeError:
        # `gkml validate | head`: the reader left. Point stdout at devnull so the
        # interpreter's final flush does not fail again (the recipe in Python's signal docs).
        with contextlib.suppress(OSError, ValueError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        err.write("已中断 / interrupted\n")
        return 2
    except Exception as exc:
        if args.debug:
            traceback.print_exc(file=err)
        lang: Lang = args.lang
        if lang == "en":
            err.write(f"gkml: internal error: {exc!r}. Run again with --debug for details.\n")
        else:
            err.write(f"gkml：内部错误：{exc!r}。加 --debug 重新运行可查看详情。\n")
        return 2


def _lenient(stream: TextIO) -> TextIO:
    """A console that cannot show a character gets '?' instead of an error: on a Chinese
    Windows console, or with output redirected there, the encoding is GBK (cp936), and a
    clerk's text may hold characters outside it (✓, an emoji, a rare name)."""
    if isinstance(stream, io.TextIOWrapper) and stream.errors == "strict":
        with contextlib.suppress(ValueError, io.UnsupportedOperation):
            stream.reconfigure(errors="replace")
    return stream


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
