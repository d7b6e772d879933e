"""Command line for the clerk workflow: ``gkml new``, ``import``, ``export`` and ``fmt``.

Kept apart from ``builder.cli`` so that file stays small; ``cli.build_parser`` calls
``add_commands``. As everywhere: exit 0 ok, 1 findings or failure, 2 usage error.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from builder.catalog import display_path, path_not_found
from builder.findings import Finding, Lang, Severity
from builder.load import load_document
from builder.report import REPORTERS
from builder.textsafe import terminal

if TYPE_CHECKING:
    from builder.clerk.importer import Imported

_CATALOG_HELP = "目录文件夹，默认 catalog / catalog folder (default catalog)"
_AREA_HELP = "领域：文件夹名、编码前缀或名称，如 cxgh、CXGH、城乡规划 / area: folder, prefix or name"


def add_commands(sub: Any, common: Callable[[argparse.ArgumentParser], None]) -> None:
    for add in (_add_new, _add_import, _add_export, _add_fmt):
        common(add(sub))


def _parser(sub: Any, name: str, run: Any, **texts: str) -> argparse.ArgumentParser:
    p: argparse.ArgumentParser = sub.add_parser(name, **texts)
    p.set_defaults(run=run)
    return p


def _add_new(sub: Any) -> argparse.ArgumentParser:
    p = _parser(sub, "new", cmd_new, help="新建事项：取下一个空号，生成带说明的模板 / start a new item",
                description="在领域中取下一个未用的事项编码，生成带中文说明的事项模板；"
                "不会覆盖已有文件。 Write the area's next free code as a commented template.")
    p.add_argument("area", metavar="AREA", help=_AREA_HELP)
    p.add_argument("--like", metavar="CODE", help="复制这个事项的要素 / copy this item's elements")
    p.add_argument("--catalog", type=Path, default=Path("catalog"), metavar="DIR", help=_CATALOG_HELP)
    return p


def _add_import(sub: Any) -> argparse.ArgumentParser:
    p = _parser(sub, "import", cmd_import, help="从 Excel/CSV 表格导入事项 / import a spreadsheet",
                description="读取县里发布的目录表格（.xlsx 或 .csv，两行表头、合并单元格、同上、"
                "■/□ 和 √ 均可），每行写成一个事项文件，并校验写入的文件。"
                " Import an .xlsx or .csv catalog table: one YAML file per row, then validate.")
    p.add_argument("file", type=Path, metavar="FILE", help="表格文件 / spreadsheet (.xlsx, .csv)")
    p.add_argument("--area", metavar="AREA",
                   help=f"{_AREA_HELP}；表中有事项编码时可省略 / optional when the sheet has codes")
    p.add_argument("--catalog", type=Path, default=Path("catalog"), metavar="DIR", help=_CATALOG_HELP)
    p.add_argument("--sheet", metavar="NAME", help="只导入这个工作表 / import only this sheet")
    p.add_argument("--dry-run", action="store_true",
                   help="只检查，不写入任何文件 / check only, write nothing")
    p.add_argument("--force", action="store_true",
                   help="覆盖已有的事项文件 / overwrite existing item files")
    p.add_argument("--format", choices=sorted(REPORTERS), default="text",
                   help="问题的输出格式 / findings format (text, json, github)")
    return p


def _add_export(sub: Any) -> argparse.ArgumentParser:
    p = _parser(sub, "export", cmd_export, help="导出为官方表格（xlsx/csv）/ export the official table",
                description="把目录导出为官方两行表头的表格；导出的表格可以再导入。"
                " Export the catalog as the official two-row-header table; it imports back.")
    p.add_argument("--format", choices=["xlsx", "csv"], default="xlsx",
                   help="xlsx（默认）或 csv / xlsx (default) or csv")
    p.add_argument("--area", metavar="AREA", help=f"{_AREA_HELP}；默认全部领域 / default: all areas")
    p.add_argument("--catalog", type=Path, default=Path("catalog"), metavar="DIR", help=_CATALOG_HELP)
    p.add_argument("--output", "-o", type=Path, metavar="FILE",
                   help="输出文件，默认是目录文件夹旁 导出/ 中的“<发布机关>…政务公开事项标准目录.xlsx”"
                   "（git 不提交这个文件夹）；csv 可用 - 输出到屏幕 / output file (default: 导出/ "
                   "beside the catalog, ignored by git); - writes csv to stdout")
    p.add_argument("--force", action="store_true", help="覆盖已有的输出文件 / overwrite FILE")
    return p


def _add_fmt(sub: Any) -> argparse.ArgumentParser:
    p = _parser(sub, "fmt", cmd_fmt, help="统一 YAML 格式（键的顺序、引号），保留注释 / format YAML",
                description="把事项文件整理成统一格式：键按标准顺序、引号统一，注释保留；"
                "只改写有变化的文件。 Rewrite files in the canonical key order and quoting.")
    p.add_argument("paths", nargs="*", type=Path, metavar="PATH",
                   help="文件或文件夹，默认 catalog / files or folders (default catalog)")
    p.add_argument("--check", action="store_true",
                   help="只检查不改写；有需要格式化的文件时退出码为 1 / exit 1 if any file would change")
    return p


def _say(lang: Lang, zh: str, en: str) -> str:
    """The message in ``lang``, with any control character in a name or value made visible."""
    return terminal(en if lang == "en" else zh)


def _fail(findings: Sequence[Finding], lang: Lang, out: TextIO, code: int) -> int:
    REPORTERS["text"](findings, 0, lang, out)
    return code




def _area_unknown(name: str, ctx: Any) -> Finding:
    areas = "、".join(f"{a.slug}（{a.prefix}，{a.name}）" for a in ctx.areas.values()) or "（无）"
    return Finding("area-unknown", display_path(ctx.root), 0, 0, params={"area": name, "areas": areas})


# --- new -----------------------------------------------------------------------------------------

def cmd_new(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from builder.clerk.new import find_area, find_like, new_item, read_context, write_new  # late: see cli.py

    if not args.catalog.is_dir():
        return _fail([path_not_found(args.catalog)], args.lang, out, 2)
    ctx = read_context(args.catalog)
    area = find_area(ctx.areas, args.area)
    if area is None:
        return _fail([_area_unknown(args.area, ctx)], args.lang, out, 2)
    like, source = None, ""
    if args.like:
        found = find_like(args.catalog, args.like)
        data = load_document(found, display_path(found)).data if found else None
        if found is None or not isinstance(data, dict):
            return _fail([Finding("item-not-found", display_path(args.catalog), 0, 0,
                                  params={"code": args.like})], args.lang, out, 2)
        like, source = data, found.relative_to(args.catalog).as_posix()
    made = new_item(ctx, area, like, source)
    if made is None:
        return _fail([Finding("code-no-shape", display_path(args.catalog), 0, 0,
                              params={"pattern": ctx.site.code_pattern})], args.lang, out, 1)
    path, text = made
    problem = write_new(path, text)
    if problem:
        return _fail([problem], args.lang, out, 1)
    where = display_path(path)
    out.write(_say(args.lang, f"已创建 {where}：把其中的“待补充”换成实际内容，然后运行 gkml validate。\n",
                   f"Created {where}: replace each 待补充 and run gkml validate.\n"))
    return 0


# --- import --------------------------------------------------------------------------------------

def cmd_import(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from builder.clerk.importer import Options, import_table
    from builder.clerk.new import find_area, read_context

    for path, is_ok in ((args.file, args.file.is_file()), (args.catalog, args.catalog.is_dir())):
        if not is_ok:
            return _fail([path_not_found(path)], args.lang, out, 2)
    ctx = read_context(args.catalog)
    if args.area and find_area(ctx.areas, args.area) is None:
        return _fail([_area_unknown(args.area, ctx)], args.lang, out, 2)
    result = import_table(Options(args.file, args.catalog, args.area, args.sheet, args.dry_run, args.force))
    _import_summary(result, args, out if args.format == "text" else err)
    REPORTERS[args.format](result.findings, len(result.plans), args.lang, out)
    return 1 if any(f.severity is Severity.ERROR for f in result.findings) else 0


def _import_summary(result: Imported, args: argparse.Namespace, out: TextIO) -> None:
    lang, n = args.lang, len(result.plans)
    if not result.sheet:
        return
    out.write(_say(lang, f"{display_path(args.file)} 工作表“{result.sheet}”：{result.rows} 行事项，",
                   f"{display_path(args.file)} sheet '{result.sheet}': {result.rows} item rows, "))
    if args.dry_run:
        out.write(_say(lang, f"试运行，将写入 {n} 个文件（没有写入任何文件）。\n",
                       f"dry run: {n} files would be written (nothing was written).\n"))
    else:
        out.write(_say(lang, f"写入 {n} 个文件。\n", f"{n} files written.\n"))
    for plan in result.plans[:10]:
        out.write(terminal(f"  {display_path(plan.path)} ← {plan.sheet}:{plan.row}") + "\n")
    if n > 10:
        out.write(_say(lang, f"  ……共 {n} 个\n", f"  … {n} in all\n"))


# --- export --------------------------------------------------------------------------------------

def cmd_export(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from builder.clerk.export import default_output, ignored_folder, select, write
    from builder.clerk.new import read_context

    if not args.catalog.is_dir():
        return _fail([path_not_found(args.catalog)], args.lang, out, 2)
    catalog, items, result = select(args.catalog, args.area)
    if result.unknown_area:
        return _fail([_area_unknown(args.area, read_context(args.catalog))], args.lang, out, 2)
    if args.output == Path("-"):
        if args.format != "csv":
            err.write(_say(args.lang, "gkml：只有 csv 可以输出到屏幕（-）\n",
                           "gkml: only csv can go to stdout (-)\n"))
            return 2
        write(out, "csv", catalog, items, result.area)
        if result.findings:
            REPORTERS["text"](result.findings, result.items, args.lang, err)
        return 0
    target = args.output or default_output(args.catalog, catalog, result.area, args.format)
    if target.exists() and not args.force:
        return _fail([Finding("file-exists", display_path(target), 0, 0,
                              params={"target": display_path(target)})], args.lang, out, 1)
    if not args.output:
        ignored_folder(target.parent)
    try:
        write(target, args.format, catalog, items, result.area)
    except OSError as exc:
        return _fail([Finding("write-failed", display_path(target), 0, 0, params={
            "target": display_path(target), "reason": exc.strerror or str(exc)})], args.lang, out, 1)
    shown = display_path(target) if args.output else str(target)  # the default: say exactly where
    out.write(_say(args.lang, f"已导出 {result.items} 个事项到 {shown}\n",
                   f"Exported {result.items} items to {shown}\n"))
    if not args.output:
        out.write(_say(args.lang, "（这个文件夹不会被 git 提交；要写到别处，用 --output 指定文件）\n",
                       "(git never commits this folder; use --output to write elsewhere)\n"))
    if result.findings:
        REPORTERS["text"](result.findings, result.items, args.lang, out)
    return 0


# --- fmt -----------------------------------------------------------------------------------------

def cmd_fmt(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from builder.clerk.fmt import format_paths

    paths: list[Path] = args.paths or [Path("catalog")]
    missing = [path_not_found(p) for p in paths if not p.exists()]
    if missing:
        return _fail(missing, args.lang, out, 2)
    result = format_paths(paths, args.check)
    verb = _say(args.lang, "需要格式化" if args.check else "已格式化",
                "would reformat" if args.check else "reformatted")
    for file in result.changed:
        out.write(terminal(f"{verb}: {file}") + "\n")
    if result.findings:
        REPORTERS["text"](result.findings, result.files, args.lang, out)
    n, total = len(result.changed), result.files
    out.write(_say(args.lang, f"{total} 个文件，{n} 个{verb}。\n", f"{total} files, {n} {verb}.\n"))
    failed = any(f.severity is Severity.ERROR for f in result.findings)
    return 1 if failed or (args.check and n) else 0
