"""Measure how fast and how lean gkml refuses hostile files (run: .venv/bin/python bench/traps.py).

Each case runs `gkml validate --format json` in a fresh interpreter on a one-item
catalog and reports wall time and the child's peak RSS. Not a test: figures only.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BASE = ROOT / "tests" / "examples" / "base"
BOMB = ROOT / "tests" / "examples" / "invalid" / "alias-bomb" / "cxgh" / "CXGH-001.yml"


def _cases(item: Path) -> dict[str, object]:
    return {
        "alias bomb (9^9 nodes in 300 bytes)": BOMB.read_bytes(),
        "50 MB file": lambda: _big(item, 50 << 20),
        "deep flow nesting (100k '[')": b"code: " + b"[" * 100_000,
        "1 MB of plain text": b"content: " + "政".encode() * 349_000,
    }


def _big(item: Path, size: int) -> None:
    # Written in chunks: a 50 MB object in this process would inflate the child's
    # peak RSS, which Linux carries across fork and exec.
    chunk = b"x" * (1 << 20)
    with item.open("wb") as f:
        f.write(b"content: ")
        for _ in range(size // len(chunk)):
            f.write(chunk)


_CHILD = ("import resource, sys; from builder.cli import main; main(['validate', sys.argv[1], '--format', "
          "'json']); print('PEAK_KB', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)")


def _run(cat: Path) -> tuple[float, int, str]:
    """Validate in a fresh interpreter that reports its own peak RSS (a parent's pages
    copied by fork before exec would inflate RUSAGE_CHILDREN)."""
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", _CHILD, str(cat)], capture_output=True, text=True,
                          cwd=ROOT, check=False)
    elapsed = time.perf_counter() - t0
    peak_kb = int(proc.stdout.rsplit("PEAK_KB", 1)[1])
    codes = sorted({line.split('"')[3] for line in proc.stdout.splitlines() if '"code"' in line})
    return elapsed, peak_kb // 1024, ",".join(codes)


def main() -> None:
    print(f"{'case':40} {'seconds':>8} {'peak MB':>8}  codes")
    with tempfile.TemporaryDirectory() as tmp:
        cat = Path(tmp) / "catalog"
        shutil.copytree(BASE, cat)
        item = cat / "cxgh" / "CXGH-001.yml"
        for name, content in _cases(item).items():
            if callable(content):
                content()
            else:
                item.write_bytes(content)  # type: ignore[arg-type]
            seconds, peak, codes = _run(cat)
            print(f"{name:40} {seconds:8.2f} {peak:8d}  {codes}")


if __name__ == "__main__":
    main()
