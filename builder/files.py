"""Writing files so that a reader never sees half of one."""

from __future__ import annotations

from pathlib import Path


def write_atomic(path: Path, raw: bytes) -> None:
    """Write ``raw`` beside ``path`` and rename it into place: a live-reloading server or
    a killed process never leaves or reads a half-written file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(raw)
    tmp.replace(path)
