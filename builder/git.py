"""The one way gkml runs git: for ``check --at`` (``revision``) and page dates (``site.history``).

Paths are printed as they are (``core.quotePath=false``: Chinese file names are not
octal-escaped), and a repository's ``core.fsmonitor`` setting, which names a program git
would start, is never followed: gkml reads repositories it did not make.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

_SAFE = ("-c", "core.quotePath=false", "-c", "core.fsmonitor=false")


def run(cwd: Path, *args: str, data: bytes | None = None) -> subprocess.CompletedProcess[bytes] | None:
    """``git ARGS`` in ``cwd``, output captured as bytes; None when git is not installed."""
    try:
        return subprocess.run(["git", *_SAFE, *args], cwd=cwd, input=data, capture_output=True, check=False)
    except OSError:
        return None
