"""The benchmark harness (bench/run.py) still runs: a smoke run on 50 items, no browser.

Figures are not asserted (speed is measured, never tested); only that every part ran
and produced a number beside its baseline, so the harness cannot rot unnoticed.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _row(table: str, measure: str) -> list[str]:
    for line in table.splitlines():
        cells = [c.strip() for c in line.strip("|").split("|")]
        if len(cells) > 2 and cells[1] == measure:
            return cells
    raise AssertionError(f"no row {measure!r} in:\n{table}")


@pytest.mark.slow
def test_quick_benchmark_prints_every_figure_beside_its_baseline() -> None:
    done = subprocess.run([sys.executable, "bench/run.py", "--quick"], cwd=ROOT, capture_output=True,
                          text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    number = re.compile(r"^-?\d+(\.\d+)?$")
    measures = {"validate, s": "(a)", "full build, s": "(b)", "peak memory, build, MB": "(b)",
                "search index gzip, MB": "(b)", "validate again, unchanged, s": "",
                "check − validate, s": ""}
    if shutil.which("node"):
        measures["search worker ready, s"] = "(b)"
    for measure, baseline in measures.items():
        cells = _row(done.stdout, measure)
        assert cells[0] == "50" and number.match(cells[2]), cells
        if baseline:
            assert cells[3].endswith(baseline) and cells[4].endswith("×"), cells
    assert "skipped" in _row(done.stdout, "serve: edit → visible, s")[7]
