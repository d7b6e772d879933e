"""When each catalog file last changed, from git (one ``git log`` pass) or the file's mtime.

A catalog outside a git work tree, or files git does not know yet, still build: they get
the date of their last modification on disk.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from builder import git

_RECORD = "\x1e"


@dataclass(frozen=True, slots=True)
class History:
    dates: dict[str, str]
    """Catalog-relative path ('/'-separated) → YYYY-MM-DD."""
    repo_prefix: str | None
    """The catalog folder's path inside its git work tree ('catalog/'), None outside git."""


def read_history(root: Path, files: list[str]) -> History:
    """Dates for ``files`` (catalog-relative paths) under the catalog folder ``root``."""
    logged = _git_dates(root)
    dates = {f: logged.get(f) or _mtime_date(root / f) for f in files}
    return History({f: d for f, d in dates.items() if d}, _repo_prefix(root))


def _git(root: Path, *args: str) -> str | None:
    done = git.run(root, *args)
    return done.stdout.decode("utf-8", "replace") if done is not None and done.returncode == 0 else None


def _git_dates(root: Path) -> dict[str, str]:
    """Newest commit date of every path under ``root``, in one pass over the history."""
    out = _git(root, "log", "--relative", "--no-renames", "--name-only",
               f"--format={_RECORD}%cs", "--", ".")
    dates: dict[str, str] = {}
    for record in (out or "").split(_RECORD)[1:]:
        day, *names = record.strip("\n").split("\n")
        for name in filter(None, names):
            dates.setdefault(name, day)  # git log lists the newest commit first
    return dates


def _repo_prefix(root: Path) -> str | None:
    out = _git(root, "rev-parse", "--show-prefix")
    return out.strip() if out is not None else None


def _mtime_date(path: Path) -> str:
    try:
        return date.fromtimestamp(path.stat().st_mtime).isoformat()
    except OSError:
        return ""
