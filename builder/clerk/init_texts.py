"""The texts ``gkml init`` writes into a county's repository (kept apart from the logic).

Each is a function of the few values that differ between counties: the jurisdiction's
name and how gkml is installed (``install``: a pip requirement, or ``./wheels/<file>``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any

from builder import resources


def area_files() -> dict[str, str]:
    """The bundled catalog's area files by folder (cxgh → text)."""
    return {p.parent.name: p.read_text(encoding="utf-8") for p in resources.area_templates()}


def schema_text(kind: str) -> str:
    return (resources.schema_dir() / f"{kind}.schema.json").read_text(encoding="utf-8")


def workflow_text() -> str:
    return resources.workflow().read_text(encoding="utf-8")


_PLAIN = re.compile(r"^[\w\u3000-\u303f\u4e00-\u9fff\uff08\uff09·]+$")


def _scalar(text: str) -> str:
    """A YAML scalar: plain when it is only words and Chinese, else a quoted (JSON) string."""
    return text if _PLAIN.match(text) and not text[0].isdigit() else json.dumps(text, ensure_ascii=False)


def site_yml(jurisdiction: str, short: str) -> str:
    return f"""\
# yaml-language-server: $schema=../schema/site.schema.json
# 本级目录的设置，由 gkml init 生成。能从名称推断的已经填好，请核对；
# 以 # 开头的几行请按实际填写（去掉行首的“# ”）。
jurisdiction: {_scalar(jurisdiction)}
short_name: {_scalar(short)}
levels: [县级, 乡级]                  # 公开层级
code_pattern: "^{{prefix}}-[0-9]{{3,5}}$"   # 事项编码：领域前缀-三到五位数字，如 CXGH-001
publisher: {_scalar(jurisdiction + "办公室")}    # 负责维护目录的单位
# site_url: https://gkml.example.gov.cn/     # 发布网站的地址
# repo_url: https://git.example.gov.cn/gkml  # 目录所在的 git 仓库，网页上的“编辑此页”链接用
# contact:
#   phone: "0000-00000000"                   # 电话请加引号
#   email: gkml@example.gov.cn
#   address: 某某路1号
"""


def hooks(install: str, local: bool) -> str:
    """pre-commit hooks: gkml from ``install`` (pinned), or the clerk's own when it is a wheel file."""
    if local:
        head = ("# 提交前检查（https://pre-commit.com）。先按 README 从 wheels/ 安装 gkml，\n"
                "# 再运行：pip install pre-commit && pre-commit install\n")
        how = "        language: system\n"
    else:
        head = ("# 提交前检查（https://pre-commit.com）：pip install pre-commit && pre-commit install\n"
                "# pre-commit 自行安装下面指定版本的 gkml。\n")
        how = f"        language: python\n        additional_dependencies: [{json.dumps(install)}]\n"
    hook = ("      - id: gkml-{cmd}\n        name: gkml {cmd}（{zh}）\n        entry: gkml {cmd}\n{how}"
            "        files: ^catalog/.*\\.yml$\n        require_serial: true\n")
    names = (("validate", "校验目录"), ("fmt", "统一格式"))
    body = "".join(hook.format(cmd=c, zh=z, how=how) for c, z in names)
    return f"{head}repos:\n  - repo: local\n    hooks:\n{body}"


def settings(kinds: Sequence[str]) -> dict[str, Any]:
    """VS Code: each catalog file gets its schema (from schema/, written by init) and LF, UTF-8."""
    globs = {"item": ["catalog/*/*.yml", "!catalog/*/_area.yml"], "area": ["catalog/*/_area.yml"],
             "site": ["catalog/site.yml"]}
    return {
        "yaml.schemas": {f"./schema/{k}.schema.json": globs[k] for k in kinds},
        "yaml.format.enable": False,
        "files.encoding": "utf8",
        "files.eol": "\n",
        "files.insertFinalNewline": True,
        "files.trimTrailingWhitespace": True,
        "[yaml]": {"editor.insertSpaces": True, "editor.tabSize": 2, "editor.detectIndentation": False},
    }


def gitignore() -> str:
    return """\
# gkml build 生成的网站和中间文件，不提交
/site/
/site.*/
/.docs/
/.docs-*/
# Python 虚拟环境
.venv/
__pycache__/
"""


def readme(jurisdiction: str, install: str, wheel: bool) -> str:
    if wheel:
        how = (f"gkml 的安装文件在 `{install[2:]}`，无需联网下载 gkml 本身（其依赖仍从 PyPI 安装）：\n\n"
               f"```sh\n# Windows（命令提示符）\npy -3.11 -m venv .venv\n"
               f".venv\\Scripts\\pip install {install[2:].replace('/', chr(92))}\n\n"
               f"# Linux / macOS\npython3 -m venv .venv\n.venv/bin/pip install {install}\n```\n")
    else:
        how = (f"```sh\n# Windows（命令提示符）\npy -3.11 -m venv .venv\n"
               f".venv\\Scripts\\pip install \"{install}\"\n\n"
               f"# Linux / macOS\npython3 -m venv .venv\n.venv/bin/pip install \"{install}\"\n```\n")
    return f"""\
# {jurisdiction}政务公开事项标准目录

本仓库用 YAML 文件保存{jurisdiction}的政务公开事项标准目录：每个事项一个文件，
放在 `catalog/<领域>/` 下；`catalog/site.yml` 是本级设置，各领域的 `_area.yml` 写明领域名称、
编码前缀和牵头单位。网站、Excel 表格和考核报告都由 gkml 从这些文件生成。

## 安装（每台电脑一次）

需要 Python 3.11 或更新版本。

{how}
下文的 `gkml` 在 Windows 上写作 `.venv\\Scripts\\gkml`，在 Linux 上写作 `.venv/bin/gkml`。

## 日常操作

```sh
gkml new 城乡规划                 # 新事项：取下一个空号，生成带中文说明的模板
gkml import 目录.xlsx --area 城乡规划 --dry-run   # 导入已有的 Excel 目录表，先试运行
gkml validate                     # 校验：每个问题写明文件、行号和改法
gkml fmt                          # 统一格式（注释保留）
gkml serve                        # 本机预览网站 http://127.0.0.1:8000/
gkml check                        # 完整性考核：得分和逐条扣分
gkml export                       # 导出官方两行表头的 xlsx
```

先填好 `catalog/site.yml` 中以 # 开头的几项（网站地址、联系方式）。

## 提交和发布

提交到 git 后，`.github/workflows/catalog.yml` 自动校验、考核并生成网站；主分支通过后发布。
`.pre-commit-config.yaml` 可在每次提交前先校验（见文件开头的说明）。
编辑器推荐 VS Code 加 YAML 扩展：`.vscode/settings.json` 让每个要素显示中文说明（说明来自 `schema/`）。
"""
