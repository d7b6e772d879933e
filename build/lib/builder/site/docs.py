"""The generated docs folder MkDocs reads: beside the site, rewritten file by file.

A file is written only when its bytes changed and stale files are deleted, so MkDocs'
own change detection and a live-reloading server see only real changes.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Mapping
from pathlib import Path

from builder.files import write_atomic

DOCS = "docs"


def work_dir(site_dir: Path) -> Path:
    """The generated docs folder's home, beside the site (``.docs/`` for ``site/``)."""
    site_dir = site_dir.absolute()
    return site_dir.parent / (".docs" if site_dir.name == "site" else f".docs-{site_dir.name}")


def write_docs(docs: Path, files: Mapping[str, str | bytes]) -> int:
    """Make ``docs`` hold exactly ``files``; return how many files were (re)written."""
    docs.mkdir(parents=True, exist_ok=True)
    written = sum(write_if_changed(docs / rel, data) for rel, data in files.items())
    _remove_stale(docs, {Path(rel) for rel in files})
    return written


def write_if_changed(path: Path, data: str | bytes) -> bool:
    raw = data.encode("utf-8") if isinstance(data, str) else data
    with contextlib.suppress(OSError):
        if path.read_bytes() == raw:
            return False
    write_atomic(path, raw)  # a live-reloading server never reads half a file
    return True


def _remove_stale(docs: Path, keep: set[Path]) -> None:
    for dirpath, _, filenames in os.walk(docs, topdown=False):
        folder = Path(dirpath)
        for name in filenames:
            if (folder / name).relative_to(docs) not in keep:
                (folder / name).unlink()
        if folder != docs and not any(folder.iterdir()):
            folder.rmdir()
