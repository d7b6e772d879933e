"""A cache of per-file load + schema results, keyed by content, so re-validating is fast.

A file's entry is found by the sha256 of its bytes, inside a cache namespaced by a
fingerprint of everything that decides its findings: gkml's own source files and the
schemas and rule book. Change a byte of either and nothing old is used, so the cache
can never be stale; it only ever saves repeating the same work on the same input.
Cross-file checks are not cached (they are cheap and depend on every file).

The cache lives outside the catalog (``$GKML_CACHE_DIR``, else ``$XDG_CACHE_HOME/gkml``,
else ``~/.cache/gkml``): validation never writes into a clerk's folder. It is plain JSON
(never pickle: loading it cannot run code), written atomically, and pruned to the files
of the last run. ``GKML_NO_CACHE=1`` turns it off. Any problem with it (unwritable
folder, corrupt file) silently falls back to doing the work.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from builder.findings import Finding
from builder.load import Coerced, Document, Mark, NodePath

_PACKAGE = Path(__file__).resolve().parent
_SCHEMAS = _PACKAGE.parent / "schema"
Compute = Callable[[], tuple[Document, list[Finding]]]


@functools.cache
def fingerprint() -> str:
    """A hash of gkml's code and rules: results computed under another one are never used."""
    h = hashlib.sha256()
    for path in sorted([*_PACKAGE.glob("*.py"), *_SCHEMAS.glob("*")]):
        if path.is_file():
            h.update(path.name.encode())
            h.update(path.read_bytes())
    return h.hexdigest()[:16]


def cache_dir() -> Path:
    if explicit := os.environ.get("GKML_CACHE_DIR"):
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "gkml"


class Cache:
    """Entries for one catalog folder; ``get`` computes and remembers what it lacks."""

    def __init__(self, root: Path) -> None:
        self.enabled = _enabled()
        self.path = cache_dir() / f"validate-{fingerprint()}-{_root_key(root)}.json"
        self.old: dict[str, Any] = self._read() if self.enabled else {}
        self.new: dict[str, Any] = {}

    def _read(self) -> dict[str, Any]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def get(self, digest: str | None, file: str, compute: Compute) -> tuple[Document, list[Finding]]:
        """The document and its findings for the content ``digest`` names, shown as ``file``."""
        if digest is None or not self.enabled:
            return compute()
        entry = self.old.get(digest)
        if entry is not None:
            with contextlib.suppress(KeyError, TypeError, ValueError):
                result = _thaw(entry, file)
                self.new[digest] = entry
                return result
        doc, findings = compute()
        self.new[digest] = _freeze(doc, findings)
        return doc, findings

    def save(self) -> None:
        """Write this run's entries (and only those) if they differ from what was read."""
        if self.enabled and self.new.keys() != self.old.keys():
            _write(self.path, self.new)


def _enabled() -> bool:
    return os.environ.get("GKML_NO_CACHE", "") in ("", "0")


def _root_key(root: Path) -> str:
    return hashlib.sha256(str(root.resolve()).encode()).hexdigest()[:16]


def _write(path: Path, data: object) -> None:
    """Atomically, or not at all: a cache that cannot be written is simply not used."""
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            # dumps, not dump: only the one-shot encoder is the C one (4x faster here).
            f.write(json.dumps(data, ensure_ascii=False, separators=(",", ":")))
        Path(tmp).replace(path)


def cached_findings(root: Path, key: str, compute: Callable[[], tuple[list[Finding], int]]
                    ) -> tuple[list[Finding], int]:
    """A whole catalog's (findings, files) for ``key`` (a digest of everything it depends on)."""
    if not _enabled():
        return compute()
    path = cache_dir() / f"result-{fingerprint()}-{_root_key(root)}.json"
    with contextlib.suppress(OSError, ValueError, KeyError, TypeError):
        stored = json.loads(path.read_text(encoding="utf-8"))
        if stored["key"] == key:
            return [Finding(*f) for f in stored["findings"]], int(stored["files"])
    findings, files = compute()
    rows = [[f.code, f.file, f.line, f.column, f.path, f.element, dict(f.params)] for f in findings]
    _write(path, {"key": key, "findings": rows, "files": files})
    return findings, files


def _freeze(doc: Document, findings: list[Finding]) -> dict[str, Any]:
    doc.mark(())  # a document thawed from the cache builds its marks first
    return {
        "data": doc.data,
        "marks": [[list(p), m.line, m.column] for p, m in doc.marks.items()],
        "keys": [[list(p), m.line, m.column] for p, m in doc.key_marks.items()],
        "coerced": [[list(p), c.tag, c.raw] for p, c in doc.coerced.items()],
        "loaded": [_finding(f) for f in doc.findings],
        "findings": [_finding(f) for f in findings],
    }


def _finding(f: Finding) -> list[Any]:
    return [f.code, f.line, f.column, f.path, f.element, dict(f.params)]


def _thaw(entry: dict[str, Any], file: str) -> tuple[Document, list[Finding]]:
    def marks() -> tuple[dict[NodePath, Mark], dict[NodePath, Mark]]:
        return ({tuple(p): Mark(line, col) for p, line, col in entry["marks"]},
                {tuple(p): Mark(line, col) for p, line, col in entry["keys"]})

    doc = Document(
        file, entry["data"], pending_marks=marks,
        coerced={tuple(p): Coerced(tag, raw) for p, tag, raw in entry["coerced"]},
        findings=[Finding(c, file, ln, col, path, el, params)
                  for c, ln, col, path, el, params in entry["loaded"]],
    )
    findings = [Finding(c, file, ln, col, path, el, params)
                for c, ln, col, path, el, params in entry["findings"]]
    return doc, findings
