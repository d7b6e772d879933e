"""Check stage: score a gkml catalog folder against the rule book, each deduction with its legal basis.

The check reads what is there, not what validated: it walks the raw ``Entry.doc.data``
so a schema error never stops it, and a file that cannot be parsed counts as an item
with every element missing. This module turns the catalog into ``scoring.Scorable``
items (with their YAML positions) and its areas into ``AreaSlot``s, stamps the result
with the commit, and caches it; ``scoring`` does the scoring. The rule book
(schema/rules.yml) is the one place the rules, their points, citations and pilot areas live.
"""

from __future__ import annotations

import gc
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from builder import __version__
from builder.cache import cached
from builder.catalog import AREA_FILE, Entry, LoadedCatalog, Scan, display_path, scan_catalog
from builder.check.result import CheckResult, Stamp
from builder.check.rulebook import RuleBook
from builder.check.scoring import AreaSlot, Scorable, score
from builder.check.serial import freeze, thaw
from builder.load import Document, load_document
from builder.revision import catalog_sha256, checkout, head_commit


def check_path(path: Path, book: RuleBook, on: date | None = None, at: str | None = None
               ) -> CheckResult:
    """Load and score the catalog folder ``path``, or that folder as it was at revision ``at``.

    ``on`` is the check date (exemptions are judged as of it): today by default, and the
    commit's own date with ``at``, so re-running an old inspection gives the same numbers.
    """
    label = display_path(path)
    if at is None:
        commit, dirty = head_commit(path)
        return _run(scan_catalog(path), book, on or date.today(), commit, dirty, label, remember=True)
    with checkout(at, path) as (root, snap):
        return _run(scan_catalog(root), book, on or snap.day, snap.commit, False, label)


def _run(scan: Scan, book: RuleBook, on: date, commit: str | None, dirty: bool, label: str,
         remember: bool = False) -> CheckResult:
    """Score what ``scan`` read. With ``remember``, the result is cached under everything it
    depends on (every file's hash, the rule book's, the date, the names shown): an unchanged
    catalog is scored again without loading it. Only the stamp is made afresh."""
    stamp = make_stamp(book, commit, dirty, scan.content_sha256())

    def compute() -> CheckResult:
        loaded = scan.load()
        # The loaded catalog lives till the command ends: the collector need not walk its
        # million objects again each time scoring makes a few thousand (10,000 items: 0.26 s
        # of scoring becomes 0.15 s). Objects are still freed when no longer referenced.
        gc.freeze()
        return check(loaded, book, on, stamp, label)

    if not remember:  # a checkout of --at lives in a new temporary folder each time
        return compute()
    key = f"{scan.digest()}:{book.sha256}:{on}:{date.today()}:{label}:{Path.cwd()}"
    return cached("check", scan.root, key, compute, freeze, lambda v: thaw(v, book, stamp))


def check_loaded(loaded: LoadedCatalog, book: RuleBook, on: date | None = None) -> CheckResult:
    """Score a catalog that is already loaded (the site build), stamped with the working tree."""
    commit, dirty = head_commit(loaded.root)
    content = loaded.scan.content_sha256() if loaded.scan else catalog_sha256(loaded.root)
    return check(loaded, book, on or date.today(), make_stamp(book, commit, dirty, content))


def make_stamp(book: RuleBook, commit: str | None, dirty: bool, content: str,
               generated_at: str | None = None) -> Stamp:
    """What a result was computed from (``gkml inspect`` passes its sources' hash as ``content``)."""
    now = generated_at or datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    return Stamp(commit, dirty, content, book.version, book.sha256, __version__, now)


def check(loaded: LoadedCatalog, book: RuleBook, on: date, stamp: Stamp,
          label: str | None = None) -> CheckResult:
    """Score ``loaded``; ``label`` is how the catalog folder is named in file paths."""
    label = label or display_path(loaded.root)
    return score(catalog_items(loaded, label), catalog_areas(loaded, book, label), book, on, stamp,
                 loaded.site.jurisdiction)


def catalog_items(loaded: LoadedCatalog, label: str) -> list[Scorable]:
    """The catalog's items as ``scoring`` takes them, named by ``label``/their path."""
    return [_scorable(e, f"{label}/{e.rel}") for e in loaded.entries]


def _scorable(e: Entry, file: str) -> Scorable:
    data = e.doc.data if isinstance(e.doc.data, dict) else None
    code = data.get("code") if data else None
    key = code.strip() if isinstance(code, str) and code.strip() else e.stem
    return Scorable(data, key, e.area, file, lambda path: _where(e.doc, path, data))


def _where(doc: Document, path: tuple[Any, ...], data: dict[str, Any] | None) -> tuple[int, int]:
    if data is None:
        first = doc.findings[0] if doc.findings else None
        return (first.line or 1, first.column or 1) if first else (1, 1)
    m = doc.mark(path)
    return m.line, m.column


def catalog_areas(loaded: LoadedCatalog, book: RuleBook, label: str) -> list[AreaSlot]:
    """One slot per area folder (named from _area.yml, read raw when invalid), in the areas'
    order, then the pilot areas that have no folder at all."""
    slugs = {e.area for e in loaded.entries} | {p.parent.name for p in loaded.root.glob(f"*/{AREA_FILE}")}
    found: list[tuple[tuple[int, str], AreaSlot]] = []
    for slug in slugs:
        area = loaded.areas.get(slug)
        name = area.name if area else _raw_name(loaded.root / slug / AREA_FILE) or slug
        meta = (loaded.root / slug / AREA_FILE).is_file()
        file = f"{label}/{slug}/{AREA_FILE}" if meta else label
        found.append(((area.order if area else 1 << 20, slug), AreaSlot(slug, name, slug, file)))
    slots = [slot for _, slot in sorted(found, key=lambda pair: pair[0])]
    present = {s.name for s in slots}
    slots += [AreaSlot(f"\0{name}", name, "", label) for name in book.pilot_areas if name not in present]
    return slots


def _raw_name(path: Path) -> str:
    if not path.is_file():
        return ""
    data = load_document(path, display_path(path)).data
    name = data.get("name") if isinstance(data, dict) else None
    return name.strip() if isinstance(name, str) else ""
