"""Putting a freshly built folder in the site's place, so that a failed or killed build
never harms the published site.

Two ways, chosen per run (``method()`` says which):

* ``exchange`` (Linux ≥ 3.15 with glibc ≥ 2.28): the two folders are swapped atomically
  with ``renameat2(RENAME_EXCHANGE)``; the site folder is complete at every instant even
  if the process is killed.
* ``rename`` (Windows, macOS, and wherever that call is missing or refused): the old
  folder is renamed aside (``site.old-<pid>``), then the new one into place. Killed
  between the two renames, there is briefly no site folder; the next run's
  ``clean_leftovers`` then puts the set-aside site back before anything else, so the
  last good site is never lost. ``GKML_SWAP=rename`` forces this way (tests use it).

A build holds a lock on its work folder meanwhile: ``fcntl.flock`` on POSIX,
``msvcrt.locking`` on Windows. No POSIX-only module is imported unless it exists.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import IO, Any

from builder import native
from builder.files import replace
from builder.site.sitedir import is_marked


@contextlib.contextmanager
def locked(work: Path) -> Iterator[None]:
    """One build per site at a time; a second one waits."""
    work.mkdir(parents=True, exist_ok=True)
    with (work / ".lock").open("a+") as lock:
        _lock(lock)
        yield


def _lock(stream: IO[str]) -> None:
    fcntl = _optional("fcntl")  # POSIX only
    if fcntl is not None:
        fcntl.flock(stream, fcntl.LOCK_EX)
    elif sys.platform == "win32":  # pragma: no cover
        import msvcrt

        stream.seek(0)
        while True:  # LK_LOCK itself gives up after ten seconds
            try:
                msvcrt.locking(stream.fileno(), msvcrt.LK_LOCK, 1)
                return
            except OSError:
                continue
    # Neither (an unusual platform): builds of one site are not kept apart.


def _optional(name: str) -> ModuleType | None:
    try:
        return importlib.import_module(name)
    except ImportError:
        return None


def recover(work: Path, site_dir: Path) -> None:
    """First thing in every build: put back a site that a killed swap left set aside, even
    if this build then stops at validation (the site must not stay missing till the next
    good build)."""
    if not site_dir.exists() and any(site_dir.parent.glob(f"{site_dir.name}.old-*")):
        with locked(work):
            clean_leftovers(site_dir)


def clean_leftovers(site_dir: Path) -> None:
    """Put back a site set aside by a killed swap, then remove half-built and set-aside
    folders of killed runs (we hold the lock, so none of them is in use): only those
    carrying gkml's marker, never a clerk's folder that happens to share the name."""
    aside = sorted(f for f in site_dir.parent.glob(f"{site_dir.name}.old-*") if is_marked(f))
    if aside and not site_dir.exists():
        replace(aside.pop(), site_dir)
    for folder in [*site_dir.parent.glob(f"{site_dir.name}.building-*"), *aside]:
        if is_marked(folder):
            shutil.rmtree(folder, ignore_errors=True)


def publishable(folder: Path) -> None:
    # mkdtemp makes a private (0700) folder; a web server running as another user must
    # be able to read the site, so give it the permissions a new folder normally has.
    umask = os.umask(0)
    os.umask(umask)
    folder.chmod(0o777 & ~umask)


def method() -> str:
    """'exchange' where the atomic swap is available, else 'rename'."""
    return "exchange" if _renameat2() is not None else "rename"


def swap(fresh: Path, site_dir: Path) -> None:
    """Put ``fresh`` at ``site_dir``; afterwards ``fresh`` holds what was there (if anything)."""
    if not site_dir.exists():
        replace(fresh, site_dir)
    elif not _exchange(fresh, site_dir):
        aside = site_dir.with_name(f"{site_dir.name}.old-{os.getpid()}")
        replace(site_dir, aside)
        replace(fresh, site_dir)
        replace(aside, fresh)


def _exchange(a: Path, b: Path) -> bool:
    """Atomically exchange two paths; False when unsupported (the caller renames instead)."""
    renameat2 = _renameat2()
    if renameat2 is None:
        return False
    at_fdcwd, rename_exchange = -100, 2
    return int(renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange)) == 0


def _renameat2() -> Any | None:
    if os.environ.get("GKML_SWAP") == "rename":
        return None
    fn = native.function("renameat2")
    if fn is not None:
        import ctypes

        fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    return fn
