"""Putting a freshly built folder in the site's place, so that a failed or killed build
never harms the published site.

On Linux the two folders are exchanged atomically with ``renameat2(RENAME_EXCHANGE)``,
so the site folder is complete at every instant even if the process is killed; where
that call is unavailable the old folder is renamed aside first."""

from __future__ import annotations

import contextlib
import ctypes
import fcntl
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

from builder.site.sitedir import is_marked


@contextlib.contextmanager
def locked(work: Path) -> Iterator[None]:
    """One build per site at a time; a second one waits."""
    work.mkdir(parents=True, exist_ok=True)
    with (work / ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def clean_leftovers(site_dir: Path) -> None:
    """Remove half-built or set-aside folders of a run that was killed (we hold the lock):
    only those carrying gkml's marker, never a clerk's folder that happens to share the name."""
    for pattern in (f"{site_dir.name}.building-*", f"{site_dir.name}.old-*"):
        for folder in site_dir.parent.glob(pattern):
            if is_marked(folder):
                shutil.rmtree(folder, ignore_errors=True)


def publishable(folder: Path) -> None:
    # mkdtemp makes a private (0700) folder; a web server running as another user must
    # be able to read the site, so give it the permissions a new folder normally has.
    umask = os.umask(0)
    os.umask(umask)
    folder.chmod(0o777 & ~umask)


def swap(fresh: Path, site_dir: Path) -> None:
    """Put ``fresh`` at ``site_dir``; afterwards ``fresh`` holds what was there (if anything)."""
    if not site_dir.exists():
        fresh.rename(site_dir)
    elif not _exchange(fresh, site_dir):
        aside = site_dir.with_name(f"{site_dir.name}.old-{os.getpid()}")
        site_dir.rename(aside)
        fresh.rename(site_dir)
        aside.rename(fresh)


def _exchange(a: Path, b: Path) -> bool:
    """Atomically exchange two paths (Linux ≥ 3.15, glibc ≥ 2.28); False when unsupported."""
    renameat2 = getattr(ctypes.CDLL(None, use_errno=True), "renameat2", None)
    if renameat2 is None:
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    at_fdcwd, rename_exchange = -100, 2
    return int(renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange)) == 0
