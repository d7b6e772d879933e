from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest

from builder.cli import main

# The validation cache goes to a folder of the test run's own, never the user's cache.
os.environ["GKML_CACHE_DIR"] = tempfile.mkdtemp(prefix="gkml-test-cache-")

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = Path(__file__).resolve().parent / "examples"


class Result:
    def __init__(self, code: int, out: str, err: str) -> None:
        self.code, self.out, self.err = code, out, err


def run(*argv: str) -> Result:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out, err)
    return Result(code, out.getvalue(), err.getvalue())


@pytest.fixture
def gkml() -> Callable[..., Result]:
    return run


def synth(n: int, dest: Path) -> Path:
    """A synthetic catalog of ``n`` items in ``dest``, made by bench/synth.py as the benchmarks make it."""
    subprocess.run([sys.executable, str(ROOT / "bench" / "synth.py"), str(n), str(dest),
                    "--from", str(ROOT / "catalog")], check=True, capture_output=True)
    return dest


def lay_case(case: Path, dest: Path) -> Path:
    """The base catalog with one example case laid over it, in ``dest``."""
    shutil.copytree(EXAMPLES / "base", dest)
    for src in case.rglob("*"):
        if src.is_file() and src.name != "expected.yml":
            target = dest / src.relative_to(case)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src, target)
    return dest


from tests.sitekit import built_site  # noqa: E402, F401  (one site build shared by the site and browser tests)
