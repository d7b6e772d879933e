"""Run a command and measure its wall time and peak memory, children included.

Memory is sampled from /proc every 20 ms over the whole process tree (``gkml build``
runs MkDocs in a child): the peak of the tree's summed RSS, and the peak of its largest
process. Not ``ru_maxrss``: on Linux a child's maximum RSS starts from its parent's RSS at
fork (exec keeps the old high-water mark), so it would charge gkml's pages to MkDocs.
RSS counts shared library pages once per process, so the sum slightly overstates.
"""

from __future__ import annotations

import os
import subprocess
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

PAGE = os.sysconf("SC_PAGE_SIZE")


@dataclass(frozen=True, slots=True)
class Measured:
    seconds: float
    peak_mb: float
    """Peak of the summed RSS of the process and its descendants."""
    largest_mb: float
    """Peak RSS of the largest single process."""
    out: str
    err: str


def _children(pid: int) -> list[int]:
    kids: list[int] = []
    try:
        for task in os.scandir(f"/proc/{pid}/task"):
            kids.extend(int(k) for k in Path(task.path, "children").read_text().split())
    except OSError:  # gone meanwhile
        pass
    return kids


def _rss(pid: int) -> int:
    try:
        return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE
    except (OSError, IndexError, ValueError):
        return 0


def _tree_rss(root: int) -> list[int]:
    todo, sizes = [root], []
    while todo:
        pid = todo.pop()
        sizes.append(_rss(pid))
        todo.extend(_children(pid))
    return sizes


def run(cmd: Sequence[str], *, env: Mapping[str, str] | None = None, cwd: Path | None = None,
        check: bool = True) -> Measured:
    """Run ``cmd`` to completion; raise on a non-zero exit when ``check``."""
    peaks = [0, 0]
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, **(env or {})}, cwd=cwd)
    stop = threading.Event()

    def sample() -> None:
        while not stop.wait(0.02):
            sizes = _tree_rss(proc.pid)
            peaks[0], peaks[1] = max(peaks[0], sum(sizes)), max(peaks[1], *sizes, 0)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = proc.communicate()
    seconds = time.perf_counter() - t0
    stop.set()
    sampler.join()
    if check and proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} exited {proc.returncode}:\n{err[-3000:]}")
    return Measured(seconds, peaks[0] / 2**20, peaks[1] / 2**20, out, err)
