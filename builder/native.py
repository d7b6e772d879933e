"""The C library of this process, where there is one to ask (Linux): ``renameat2`` for the
site swap (``site.swap``) and ``malloc_trim`` before MkDocs starts (``site.build``).

Elsewhere (Windows, or a C library without the function) callers get None and do
without; nothing here is imported or loaded at module level.
"""

from __future__ import annotations

import functools
import sys
from typing import Any


@functools.cache
def libc() -> Any | None:
    """``ctypes.CDLL(None)`` on Linux, else None."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        import ctypes

        return ctypes.CDLL(None, use_errno=True)
    except (ImportError, OSError, TypeError):
        return None


def function(name: str) -> Any | None:
    """A C library function by name, or None when there is none."""
    lib = libc()
    return getattr(lib, name, None) if lib is not None else None
