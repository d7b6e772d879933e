"""Files, the one way gkml handles them: content hashes, atomic writes, and renames that
survive Windows' brief locks.

``write_atomic`` writes beside the target under a name no other writer uses and renames
it into place, so a reader (a live-reloading server, a second gkml) never sees half a
file and two writers never share a temporary file. ``replace`` retries for a few seconds
where another program (a virus scanner, a file being served) holds the target open:
Windows refuses the rename then, POSIX never does.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import threading
import time
from collections.abc import Iterable
from pathlib import Path

RETRIES = 50
"""Tries of ``replace`` 0.1 s apart: five seconds of someone else's open file."""


def sha256_bytes(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


def sha256_file(path: Path) -> str:
    """A file's sha256, read in pieces: a published source may be large."""
    with path.open("rb") as stream:
        return sha256_chunks(iter(lambda: stream.read(1 << 16), b""))


def sha256_chunks(chunks: Iterable[bytes]) -> str:
    """The sha256 of the pieces, in order (``safefile.digest`` reads them from a no-follow open)."""
    digest = hashlib.sha256()
    for chunk in chunks:
        digest.update(chunk)
    return digest.hexdigest()


def write_atomic(path: Path, raw: bytes) -> None:
    """Write ``raw`` to ``path`` whole, or leave ``path`` as it was."""
    path.parent.mkdir(parents=True, exist_ok=True)
    # Named for this process and thread, created only if new; not mkstemp, whose 0600
    # would keep a web server running as another user from reading a published page.
    tmp = path.with_name(f".{path.name}.{os.getpid()}-{threading.get_ident()}.tmp")
    try:
        with tmp.open("xb") as stream:
            stream.write(raw)
        replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


def replace(src: Path, dst: Path) -> None:
    """``os.replace(src, dst)`` (files, or a folder onto a name that is free), retried while
    Windows reports the target in use."""
    for _ in range(RETRIES - 1):
        try:
            src.replace(dst)
            return
        except PermissionError:
            time.sleep(0.1)
    src.replace(dst)
