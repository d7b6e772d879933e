"""Running ``mkdocs build`` in a child process, and reading its log.

``mkdocs build`` runs without ``-q``/``-v``: in MkDocs 1.6.1 ``--strict -q`` does not fail
on warnings (mkdocs#4126), and ``-v`` weakens the anchor checks (mkdocs#3991).
"""

from __future__ import annotations

import contextlib
import ctypes
import importlib.util
import os
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator


def check_tools() -> str:
    """An error message when the build would silently degrade, else ''."""
    if importlib.util.find_spec("jieba") is None:
        return "jieba 未安装：中文搜索无法分词。请运行 make setup。 / jieba is not installed."
    return ""


@contextlib.contextmanager
def start_mkdocs(*args: str) -> Iterator[subprocess.Popen[str]]:
    """MkDocs in a child process that does not outlive the build: killed when the build is
    interrupted (Ctrl+C, an exception), and on Linux killed by the kernel when the build
    process itself dies, even by ``kill -9`` (``PR_SET_PDEATHSIG``). Without this a killed
    build left MkDocs running and writing into a folder no one would clean up."""
    # MkDocs' log is read as UTF-8: on Windows its console encoding would be GBK.
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONIOENCODING": "utf-8"}
    proc = subprocess.Popen([sys.executable, "-m", "mkdocs", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, encoding="utf-8", errors="replace",
                            env=env, preexec_fn=_dies_with(os.getpid()))  # see _dies_with
    try:
        with proc:
            yield proc
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def _dies_with(parent: int) -> Callable[[], None] | None:
    """For Linux only: the child, between fork and exec, asks for SIGKILL when its parent
    dies, and exits if the parent is already gone. It runs only libc calls, as the
    ``preexec_fn`` warning asks; elsewhere nothing is asked (Windows has no fork)."""
    if not sys.platform.startswith("linux"):
        return None

    def arm() -> None:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
        if os.getppid() != parent:
            os._exit(1)

    return arm


_PR_SET_PDEATHSIG = 1


def problems(log: str) -> str:
    lines = [ln for ln in log.splitlines()
             if not ln.startswith("INFO") and "mkdocs_2" not in ln.lower()]
    return "\n".join(lines).strip()
