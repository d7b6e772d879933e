"""When each catalog file last changed, from git (one ``git log`` pass) or the file's mtime.

A catalog outside a git work tree, or files git does not know yet, still build: they get
the date of their last modification on disk. The same pass keeps every change (added,
modified, deleted) for the record of changes (``changes``), and ``last_content`` reads a
deleted file as it was just before its deletion.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from builder import git

_RECORD = "\x1e"


@dataclass(frozen=True, slots=True)
class Event:
    """One file touched by one commit."""

    day: str
    status: str
    """git's letter: A added, M modified, D deleted."""
    path: str
    """Catalog-relative, '/'-separated."""
    commit: str


@dataclass(frozen=True, slots=True)
class History:
    dates: dict[str, str]
    """Catalog-relative path ('/'-separated) → YYYY-MM-DD."""
    repo_prefix: str | None
    """The catalog folder's path inside its git work tree ('catalog/'), None outside git."""
    events: tuple[Event, ...] = ()
    """Every committed change under the catalog folder, newest first."""


def read_history(root: Path, files: list[str]) -> History:
    """Dates for ``files`` (catalog-relative paths) under the catalog folder ``root``."""
    events = _git_events(root)
    logged: dict[str, str] = {}
    for e in events:
        logged.setdefault(e.path, e.day)  # git log lists the newest commit first
    dates = {f: logged.get(f) or _mtime_date(root / f) for f in files}
    return History({f: d for f, d in dates.items() if d}, _repo_prefix(root), tuple(events))


def last_content(root: Path, event: Event) -> str | None:
    """The text of the file deleted by ``event`` as it was just before, None if unreadable."""
    return _git(root, "show", f"{event.commit}^:./{event.path}")


def _git(root: Path, *args: str) -> str | None:
    done = git.run(root, *args)
    return done.stdout.decode("utf-8", "replace") if done is not None and done.returncode == 0 else None


def _git_events(root: Path) -> list[Event]:
    """Every change of every path under ``root``, newest first, in one pass over the history."""
    out = _git(root, "log", "--relative", "--no-renames", "--name-status",
               f"--format={_RECORD}%cs %H", "--", ".")
    events = []
    for record in (out or "").split(_RECORD)[1:]:
        head, *lines = record.strip("\n").split("\n")
        day, _, commit = head.partition(" ")
        for line in filter(None, lines):
            status, _, path = line.partition("\t")
            events.append(Event(day, status[:1], path, commit))
    return events


def _repo_prefix(root: Path) -> str | None:
    out = _git(root, "rev-parse", "--show-prefix")
    return out.strip() if out is not None else None


def _mtime_date(path: Path) -> str:
    try:
        return date.fromtimestamp(path.stat().st_mtime).isoformat()
    except OSError:
        return ""
