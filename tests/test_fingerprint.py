"""The cache fingerprint changes with any module (subpackages too) and any shipped data
file, so no edit to gkml can ever be answered from an old cache."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from builder import resources
from tests.conftest import ROOT

PROBE = "import builder, builder.cache as c; print(builder.__file__); print(c.fingerprint())"


def _installed_like(dest: Path) -> Path:
    """builder/ with its data inside it as builder/data/, as the wheel lays it out."""
    shutil.copytree(ROOT / "builder", dest / "builder", ignore=shutil.ignore_patterns("__pycache__"))
    for path in resources.data_files():
        target = dest / "builder" / "data" / path.relative_to(resources.root())
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
    return dest


def _fingerprint(pkg: Path) -> str:
    env = {**os.environ, "PYTHONPATH": str(pkg)}
    done = subprocess.run([sys.executable, "-c", PROBE], cwd=pkg, env=env, capture_output=True, text=True,
                          check=True)
    module, fingerprint = done.stdout.split()
    assert Path(module).is_relative_to(pkg)  # the copy, not the checkout
    return fingerprint


def test_any_module_or_data_file_changes_the_fingerprint(tmp_path: Path) -> None:
    pkg = _installed_like(tmp_path)
    seen = {_fingerprint(pkg)}
    for rel in ("builder/site/swap.py", "builder/clerk/__init__.py", "builder/data/schema/rules.yml",
                "builder/data/catalog/cxgh/_area.yml", "builder/data/site_overrides/partials/search.html",
                "builder/data/pages/guide.md", "builder/data/mkdocs.yml"):
        with (pkg / rel).open("a", encoding="utf-8") as stream:
            stream.write("\n")
        seen.add(_fingerprint(pkg))
    assert len(seen) == 8
    (pkg / "builder/data/catalog/cxgh/_area.yml").rename(pkg / "builder/data/catalog/cxgh/_area.yml.bak")
    (pkg / "builder/data/catalog/zdjs/_area.yml").rename(pkg / "builder/data/catalog/cxgh/_area.yml")
    assert _fingerprint(pkg) not in seen  # the same bytes under another folder: a new fingerprint
