"""The one way gkml runs git: for ``check --at`` (``revision``) and page dates (``site.history``).

Paths are printed as they are (``core.quotePath=false``: Chinese file names are not
octal-escaped). A repository's own config can name programs for git to run
(``core.fsmonitor`` runs on ``git status``, hooks on other commands); a catalog arrives in
pull requests from anyone, so gkml never lets that config execute, as other tools reading
untrusted repositories do. No optional index lock is taken (``git status`` would
otherwise rewrite the index of the clerk's repository).
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

_SAFE = ("-c", "core.quotePath=false", "-c", "core.fsmonitor=false", "-c", "core.hooksPath=/dev/null")


def run(cwd: Path, *args: str, data: bytes | None = None) -> subprocess.CompletedProcess[bytes] | None:
    """``git ARGS`` in ``cwd``, output captured as bytes; None when git is not installed."""
    try:
        return subprocess.run(["git", *_SAFE, *args], cwd=cwd, input=data, capture_output=True,
                              check=False, env={**os.environ, "GIT_OPTIONAL_LOCKS": "0"})
    except OSError:
        return None
