"""``gkml init``: lay out a county's own catalog repository, ready to fill and to publish.

A county starts from nothing but its name. ``init`` writes what the county would
otherwise copy by hand from this project: ``catalog/site.yml`` (every setting it can
guess from the name filled in, the rest as commented lines to fill), the nine pilot
areas' ``_area.yml`` (the bundled ones, their units renamed to the county's), the JSON
schemas for the editor, the CI workflow, the pre-commit hooks, VS Code settings, a
``.gitignore`` and a short Chinese README for the clerks.

gkml is installed in CI and by pre-commit the way a county can: from a wheel file kept in
the repository (``--wheel``: offices without git or without the package index), or from
a pinned spec (``--spec``). The files written are the same shape either way.

Nothing existing is ever overwritten: if any file is already there, ``init`` names each
one and writes nothing at all.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from builder import __version__
from builder.catalog import display_path, path_not_found
from builder.clerk.init_texts import (
    area_files,
    gitignore,
    hooks,
    readme,
    schema_text,
    settings,
    site_yml,
    workflow_text,
)
from builder.findings import Finding, Lang

SCHEMAS = ("item", "area", "site")
WHEELS = "wheels"
_SPEC_LINE = re.compile(r'^(\s*GKML_SPEC:\s*).*$', re.MULTILINE)


@dataclass(frozen=True)
class Plan:
    """Every file ``init`` would write (path relative to the repository → text), and a wheel to copy."""

    files: dict[str, str]
    wheel: Path | None = None

    def targets(self, root: Path) -> list[Path]:
        extra = [root / WHEELS / self.wheel.name] if self.wheel else []
        return [root / rel for rel in self.files] + extra


def guess_short_name(jurisdiction: str) -> str:
    """示例县人民政府 → 示例县; a name without the usual ending is kept as it is."""
    return re.sub(r"(人民政府|政府)$", "", jurisdiction.strip()) or jurisdiction.strip()


def plan(jurisdiction: str, spec: str | None = None, wheel: Path | None = None,
         short_name: str | None = None) -> Plan:
    """What ``init`` writes for ``jurisdiction``; the wheel, when given, is the install spec."""
    short = short_name or guess_short_name(jurisdiction)
    install = f"./{WHEELS}/{wheel.name}" if wheel else (spec or f"gkml=={__version__}")
    files = {"catalog/site.yml": site_yml(jurisdiction, short)}
    for slug, text in area_files().items():
        files[f"catalog/{slug}/_area.yml"] = text.replace("示例县", short)
    for kind in SCHEMAS:
        files[f"schema/{kind}.schema.json"] = schema_text(kind)
    files[".github/workflows/catalog.yml"] = workflow(install)
    files[".pre-commit-config.yaml"] = hooks(install, local=wheel is not None)
    files[".vscode/settings.json"] = json.dumps(settings(SCHEMAS), ensure_ascii=False, indent=2) + "\n"
    files[".vscode/extensions.json"] = '{\n  "recommendations": ["redhat.vscode-yaml"]\n}\n'
    files[".gitignore"] = gitignore()
    files[".gitattributes"] = "# 目录文件一律用 LF 换行，Windows 上也一样\n*.yml text eol=lf\n"
    files["README.md"] = readme(jurisdiction, install, wheel is not None)
    return Plan(files, wheel)


def workflow(install: str) -> str:
    """The project's own workflow, with the county's gkml pinned in ``GKML_SPEC``."""
    text = workflow_text()
    quoted = json.dumps(install, ensure_ascii=False)
    return _SPEC_LINE.sub(lambda m: f"{m.group(1)}{quoted}  # 本仓库使用的 gkml", text, count=1)


def existing(root: Path, p: Plan) -> list[Path]:
    return [t for t in p.targets(root) if t.exists() or t.is_symlink()]


def write(root: Path, p: Plan) -> list[Path]:
    """Write every file of the plan; the caller has made sure none exists."""
    for rel, text in p.files.items():
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("x", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
    if p.wheel is not None:
        (root / WHEELS).mkdir(exist_ok=True)
        shutil.copyfile(p.wheel, root / WHEELS / p.wheel.name)
    return p.targets(root)



# --- the command ---------------------------------------------------------------------------------

def add_command(sub: Any, common: Callable[[argparse.ArgumentParser], None]) -> None:
    p: argparse.ArgumentParser = sub.add_parser(
        "init", help="新建本县的目录仓库 / lay out a county's catalog repository",
        description="在 DIR 中建立一个县的目录仓库：catalog/site.yml、九个试点领域的 _area.yml、"
        "编辑器用的 schema、CI 工作流、提交前检查、VS Code 设置、.gitignore 和中文说明。"
        "不会覆盖任何已有文件。 Lay out a county's catalog repository in DIR; never overwrites.")
    p.add_argument("dir", nargs="?", type=Path, default=Path(), metavar="DIR",
                   help="仓库文件夹，默认当前文件夹 / repository folder (default: here)")
    p.add_argument("--jurisdiction", metavar="名称", required=True,
                   help="本级人民政府的全称，如 示例县人民政府 / the jurisdiction's full name")
    p.add_argument("--short-name", metavar="简称", help="简称，默认去掉“人民政府” / short name")
    how = p.add_mutually_exclusive_group()
    how.add_argument("--wheel", type=Path, metavar="FILE",
                     help="gkml 的 wheel 文件：复制进 wheels/，CI 从它安装 / a gkml wheel, kept in wheels/")
    how.add_argument("--spec", metavar="SPEC", help=f"CI 安装 gkml 用的 pip 写法，默认 gkml=={__version__}"
                     " / the pip requirement CI installs")
    common(p)
    p.set_defaults(run=cmd_init)


def cmd_init(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    lang: Lang = args.lang
    name = args.jurisdiction.strip()
    if not name or (args.wheel and not args.wheel.is_file()):
        if name:
            out.write(path_not_found(args.wheel).text(lang)[0] + "\n")
        else:
            err.write("gkml init：--jurisdiction 不能为空 / --jurisdiction must not be empty\n")
        return 2
    p = plan(name, args.spec, args.wheel, args.short_name)
    clash = existing(args.dir, p)
    if clash:
        message, hint = Finding("init-exists", "", 0, 0).text(lang)
        for target in clash:
            out.write(f"{display_path(target)}: [init-exists] {message}\n")
        out.write(f"    {_say(lang, '提示', 'hint')}: {hint}\n")
        return 1
    written = write(args.dir, p)
    where = display_path(args.dir)
    out.write(_say(lang, f"已在 {where} 建立“{name}”的目录仓库，共 {len(written)} 个文件。\n"
                   "下一步：填写 catalog/site.yml 中以 # 开头的几项，"
                   "然后用 gkml new 或 gkml import 添加事项。\n",
                   f"Laid out the catalog repository of {name} in {where}: {len(written)} files.\n"
                   "Next: fill in the commented lines of catalog/site.yml, then gkml new or gkml import.\n"))
    return 0


def _say(lang: Lang, zh: str, en: str) -> str:
    return en if lang == "en" else zh
