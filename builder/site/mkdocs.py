"""Running ``mkdocs build`` in a child process, and reading its log.

``mkdocs build`` runs without ``-q``/``-v``: in MkDocs 1.6.1 ``--strict -q`` does not fail
on warnings (mkdocs#4126), and ``-v`` weakens the anchor checks (mkdocs#3991).
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys


def check_tools() -> str:
    """An error message when the build would silently degrade, else ''."""
    if importlib.util.find_spec("jieba") is None:
        return "jieba 未安装：中文搜索无法分词。请运行 make setup。 / jieba is not installed."
    return ""


def start_mkdocs(*args: str) -> subprocess.Popen[str]:
    # MkDocs' log is read as UTF-8: on Windows its console encoding would be GBK.
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONIOENCODING": "utf-8"}
    return subprocess.Popen([sys.executable, "-m", "mkdocs", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, encoding="utf-8", errors="replace", env=env)


def problems(log: str) -> str:
    lines = [ln for ln in log.splitlines()
             if not ln.startswith("INFO") and "mkdocs_2" not in ln.lower()]
    return "\n".join(lines).strip()
