"""The command line: a thin layer that parses options, calls a stage, picks a reporter.

Exit codes: 0 no error, 1 findings with errors (or a failed build), 2 usage or internal
error. Streams are parameters so tests can call ``main`` directly; no traceback is
shown unless ``--debug`` is given.
"""

from __future__ import annotations

import argparse
import os
import sys
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NoReturn, TextIO, cast

from builder import __version__
from builder.catalog import catalog_root, display_path, load_catalog
from builder.findings import Finding, Lang
from builder.report import REPORTERS, codes_markdown

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
    return parser


def cmd_validate(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    paths: list[Path] = args.paths or [Path("catalog")]
    missing = [p for p in paths if not p.exists()]
    if missing:
        findings = [Finding("path-not-found", display_path(p), 1, 1, params={"path": str(p)})
                    for p in missing]
        REPORTERS[args.format](findings, 0, args.lang, out)
        return 2
    findings, files = _validate(paths)
    REPORTERS[args.format](findings, files, args.lang, out)
    return 1 if any(f.severity.value == "error" for f in findings) else 0


def cmd_codes(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    out.write(codes_markdown(args.lang))
    return 0


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
        loaded = load_catalog(root)
        findings += [f for f in loaded.findings if only is None or f.file in only]
        files += loaded.files if only is None else len(only)
    return findings, files


def main(argv: Sequence[str] | None = None, out: TextIO | None = None,
         err: TextIO | None = None) -> int:
    out, err = out or sys.stdout, err or sys.stderr
    try:
        args = build_parser().parse_args(argv)
    except _UsageError as exc:
        err.write(f"{exc}\n")
        return 2
    except SystemExit as exc:  # --help and --version
        return int(exc.code or 0)
    try:
        return cast(Command, args.run)(args, out, err)
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


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
