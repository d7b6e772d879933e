"""Caches keyed by content, so that re-validating and re-checking are fast.

A file's entry is found by the sha256 of its bytes, inside a cache namespaced by a
fingerprint of everything that decides its findings: gkml's own source files and the
schemas and rule book. Change a byte of either and nothing old is used, so the cache
can never be stale; it only ever saves repeating the same work on the same input.
Whole-catalog results (the findings of `gkml validate`, the scores of `gkml check`) are
kept under a key built from every file's hash and whatever else they depend on; with one
file changed, only that file is parsed again and the cross-file checks run again.

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
from collections.abc import Callable
from importlib.resources import files
from pathlib import Path
from typing import Any, TypeVar

from builder import resources
from builder.files import sha256_bytes, sha256_file, write_atomic
from builder.findings import Finding
from builder.load import Coerced, Document, Positions

Loaded = tuple[Document, list[Finding]]
"""A file's document and its own schema findings (the loader's are in ``doc.findings``)."""
T = TypeVar("T")


@functools.cache
def fingerprint() -> str:
    """A hash of gkml's code and data: results computed under another one are never used.
    Every module (subpackages too) and every shipped data file counts, each by its path
    and its bytes, so moving or editing any of them makes a new fingerprint."""
    package = Path(str(files("builder")))
    h = hashlib.sha256()
    for base, paths in ((package, sorted(package.rglob("*.py"))), (resources.root(), resources.data_files())):
        for path in paths:
            h.update(f"{path.relative_to(base).as_posix()}\0{sha256_file(path)}\0".encode())
    return h.hexdigest()[:16]


def cache_dir() -> Path:
    if explicit := os.environ.get("GKML_CACHE_DIR"):
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "gkml"


class Cache:
    """Entries for one catalog folder: ``lookup`` what was computed before, ``keep`` what was not.

    Positions are not stored (they are most of an entry, and most files never need one):
    a document thawed from the cache works them out from its bytes when first asked for.
    """

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

    def lookup(self, digest: str | None, file: str, positions: Callable[[], Positions]
               ) -> Loaded | None:
        """The document and findings stored for the content ``digest`` names, shown as ``file``."""
        entry = self.old.get(digest) if digest is not None and self.enabled else None
        if entry is not None:
            with contextlib.suppress(KeyError, TypeError, ValueError):
                result = _thaw(entry, file, positions)
                self.new[digest] = entry  # type: ignore[index]  # digest is not None here
                return result
        return None

    def keep(self, digest: str | None, loaded: Loaded) -> None:
        if digest is not None and self.enabled:
            self.new[digest] = _freeze(*loaded)

    def save(self) -> None:
        """Write this run's entries (and only those) if they differ from what was read."""
        if self.enabled and self.new.keys() != self.old.keys():
            _write(self.path, self.new)


def _enabled() -> bool:
    return os.environ.get("GKML_NO_CACHE", "") in ("", "0")


def _root_key(root: Path) -> str:
    return sha256_bytes(str(root.resolve()).encode())[:16]


def _write(path: Path, data: object) -> None:
    """Atomically, or not at all: a cache that cannot be written is simply not used."""
    with contextlib.suppress(OSError):
        # dumps, not dump: only the one-shot encoder is the C one (4x faster here).
        write_atomic(path, json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))


def cached(name: str, root: Path, key: str, compute: Callable[[], T],
           freeze: Callable[[T], Any], thaw: Callable[[Any], T]) -> T:
    """One whole-catalog result for ``key`` (a digest of everything it depends on): the stored
    one when the key matches, else ``compute``'s, stored as ``freeze`` makes it."""
    if not _enabled():
        return compute()
    path = cache_dir() / f"{name}-{fingerprint()}-{_root_key(root)}.json"
    with contextlib.suppress(OSError, ValueError, KeyError, TypeError):
        stored = json.loads(path.read_text(encoding="utf-8"))
        if stored["key"] == key:
            return thaw(stored["value"])
    result = compute()
    _write(path, {"key": key, "value": freeze(result)})
    return result


def cached_findings(root: Path, key: str, compute: Callable[[], tuple[list[Finding], int]]
                    ) -> tuple[list[Finding], int]:
    """A whole catalog's (findings, files) for ``key``."""
    return cached("result", root, key, compute, _freeze_findings, _thaw_findings)


def _freeze_findings(result: tuple[list[Finding], int]) -> Any:
    findings, files = result
    return {"findings": [[f.code, f.file, f.line, f.column, f.path, f.element, dict(f.params)]
                         for f in findings], "files": files}


def _thaw_findings(value: Any) -> tuple[list[Finding], int]:
    return [Finding(*f) for f in value["findings"]], int(value["files"])


def _freeze(doc: Document, findings: list[Finding]) -> dict[str, Any]:
    entry: dict[str, Any] = {"data": doc.data}  # and only what is there: most files have nothing else
    if doc.coerced:
        entry["coerced"] = [[list(p), c.tag, c.raw] for p, c in doc.coerced.items()]
    if doc.findings:
        entry["loaded"] = [_finding(f) for f in doc.findings]
    if findings:
        entry["findings"] = [_finding(f) for f in findings]
    return entry


def _finding(f: Finding) -> list[Any]:
    return [f.code, f.line, f.column, f.path, f.element, dict(f.params)]


def _thaw(entry: dict[str, Any], file: str, positions: Callable[[], Positions]) -> Loaded:
    doc = Document(
        file, entry["data"], positions=Positions.later(positions),
        coerced={tuple(p): Coerced(tag, raw) for p, tag, raw in entry.get("coerced", ())},
        findings=[Finding(c, file, ln, col, path, el, params)
                  for c, ln, col, path, el, params in entry.get("loaded", ())],
    )
    findings = [Finding(c, file, ln, col, path, el, params)
                for c, ln, col, path, el, params in entry.get("findings", ())]
    return doc, findings
