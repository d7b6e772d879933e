"""Gather stage: read a whole catalog folder, validate every file, check across files.

Layout (the data contract)::

    catalog/site.yml               jurisdiction, levels, code pattern, publisher
    catalog/<area>/_area.yml       one pilot area
    catalog/<area>/<CODE>.yml      one item; the file name is its code

Every file is loaded even when others fail, so one broken file never hides the
findings of the rest; ``LoadedCatalog`` is the single hand-off to reporters, the
check and the site.
"""

from __future__ import annotations

import functools
import hashlib
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path, PurePath
from typing import Any

from builder.cache import Cache, Loaded, cached_findings
from builder.crosscheck import cross_checks
from builder.files import sha256_bytes
from builder.findings import Finding, Severity
from builder.load import MAX_BYTES, Document, load_document, parse_bytes, positions
from builder.model import Area, Catalog, Item, Site
from builder.parallel import ordered_map
from builder.progress import Bar
from builder.revision import manifest_sha256
from builder.safefile import Refused, digest, read_regular, refusal
from builder.schema_errors import find
from builder.validate import Kind, schema, validate_document

SITE_FILE = "site.yml"
AREA_FILE = "_area.yml"


@dataclass
class Entry:
    """One item file: its loaded document and where it sits."""

    doc: Document
    area: str
    """Slug of the folder it sits in ('' when it is not in an area folder)."""
    rel: str
    """Path relative to the catalog folder, '/'-separated."""

    @property
    def stem(self) -> str:
        return Path(self.rel).stem


@dataclass
class LoadedCatalog:
    root: Path
    site: Site
    areas: dict[str, Area]
    entries: list[Entry]
    findings: list[Finding] = field(default_factory=list)
    files: int = 0
    """How many .yml files were read."""
    scan: Scan | None = field(default=None, repr=False, compare=False)
    """What was read, and each file's hash (for the content hash of a report)."""
    _typed: Catalog | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def ok(self) -> bool:
        return not any(f.severity is Severity.ERROR for f in self.findings)

    def catalog(self) -> Catalog:
        """The typed catalog (built once); only meaningful when ``ok``."""
        if self._typed is None:
            self._typed = self._build_catalog()
        return self._typed

    def _build_catalog(self) -> Catalog:
        order = {a.slug: (a.order, a.slug) for a in self.areas.values()}
        items = [
            Item.from_data(e.area, e.rel, e.doc.data) for e in self.entries
            if isinstance(e.doc.data, dict) and e.area in self.areas
        ]
        items.sort(key=lambda i: (order[i.area], i.code))
        areas = sorted(self.areas.values(), key=lambda a: (a.order, a.slug))
        return Catalog(self.site, tuple(areas), tuple(items))


def path_not_found(path: Path) -> Finding:
    """The finding for a path given on the command line that does not exist."""
    return Finding("path-not-found", display_path(path), 1, 1, params={"path": str(path)})


def display_path(path: PurePath, start: str | None = None, paths: Any = os.path) -> str:
    """A path as a clerk would type it: relative to the working directory when inside it,
    '/'-separated on every system (Windows takes it as typed). A path on another drive of
    a Windows machine has no relative form and is shown whole (``D:/县/catalog``).
    ``start`` and ``paths`` (``ntpath`` or ``posixpath``) let tests play another system."""
    try:
        rel = paths.relpath(str(path), start)
    except ValueError:  # another drive
        return path.as_posix()
    return path.as_posix() if rel.startswith("..") else rel.replace(paths.sep, "/")


def load_catalog(root: Path) -> LoadedCatalog:
    return scan_catalog(root).load()


def load_settings(root: Path) -> tuple[Site, dict[str, Area]]:
    """``site.yml`` and every ``_area.yml``, taken as a whole load takes them (the same
    keys kept, the same areas dropped), without reading any item: for ``gkml new`` and
    ``gkml import``, which need the settings, not the catalog's findings."""
    shown = _display_under(root)

    def loaded(path: Path, kind: Kind) -> Loaded | None:
        if not path.is_file():
            return None
        return _compute((path, kind, _read(path), shown(path.relative_to(root).as_posix())))

    found: list[Finding] = []
    metas = [p for p in sorted(root.glob(f"*/{AREA_FILE}")) if not p.parent.name.startswith(".")]
    site = _load_site(root, loaded(root / SITE_FILE, "site"), found)
    docs = {p.parent.name: doc for p in metas if (doc := loaded(p, "area")) is not None}
    return site, _load_areas(docs, found)


def validate_catalog(root: Path) -> tuple[list[Finding], int]:
    """`gkml validate` of a whole folder: (findings, files read). When no byte of the catalog
    (nor gkml, nor the day, which decides expired exemptions) changed since the last run,
    the findings come from the cache without parsing anything."""
    scan = scan_catalog(root)
    key = f"{scan.digest()}:{date.today().isoformat()}:{Path.cwd()}"

    def compute() -> tuple[list[Finding], int]:
        loaded = scan.load()
        return loaded.findings, loaded.files

    return cached_findings(root, key, compute)


@dataclass
class Scan:
    """Every file of a catalog folder, found, read and hashed once; ``load`` does the rest."""

    root: Path
    found: list[Finding]
    site: Path | None
    areas: dict[str, Path]
    items: list[tuple[Path, str]]
    raw: dict[Path, bytes | None]
    digests: dict[Path, str | None]
    files: list[Path]
    """Every file in the folder (as the content hash counts them), in order."""
    rel: dict[Path, str]
    """Each file's path relative to the folder, '/'-separated."""

    def digest(self) -> str:
        h = hashlib.sha256()
        for path in sorted(self.digests):
            h.update(f"{path}\0{self.digests[path]}\0".encode())
        h.update(repr([(f.code, f.file) for f in self.found]).encode())
        return h.hexdigest()

    def content_sha256(self) -> str:
        """``revision.catalog_sha256`` of the folder, from the hashes already taken (a file
        not read, such as a stray .txt or a broken link, is looked at as that function does)."""
        hashes = {p: self.digests.get(p) or digest(p) for p in self.files}
        return manifest_sha256((self.rel[p], h) for p, h in hashes.items() if h)

    def load(self) -> LoadedCatalog:
        return _load_scanned(self)


def scan_catalog(root: Path) -> Scan:
    found: list[Finding] = []
    files, rel, odd = _files(root)
    site, areas, items = _discover(root, files, rel, odd, found)
    paths = [*([site] if site else []), *areas.values(), *(p for p, _ in items)]
    raw = {p: _read(p) for p in paths}
    digests = {p: sha256_bytes(b) if b is not None else None for p, b in raw.items()}
    return Scan(root, found, site, areas, items, raw, digests, files, rel)


def _load_scanned(scan: Scan) -> LoadedCatalog:
    root, found = scan.root, list(scan.found)
    jobs: list[tuple[Path, Kind]] = [(scan.site, "site")] if scan.site else []
    jobs += [(p, "area") for p in scan.areas.values()]
    jobs += [(p, "item") for p, _ in scan.items]
    done = dict(zip((p for p, _ in jobs), _load_all(scan, jobs), strict=True))
    site = _load_site(root, done[scan.site] if scan.site else None, found)
    areas = _load_areas({slug: done[p] for slug, p in scan.areas.items()}, found)
    entries = []
    for path, slug in scan.items:
        doc, problems = done[path]
        entries.append(Entry(doc, slug, scan.rel[path]))
        found += doc.findings + problems
    found += cross_checks(site, areas, entries, set(scan.areas))
    files = len(entries) + len(scan.areas) + (scan.site is not None)
    return LoadedCatalog(root, site, areas, entries, found, files, scan)


def _load_all(scan: Scan, jobs: list[tuple[Path, Kind]]) -> list[Loaded]:
    """Each file's document and findings: from the cache, else computed (on two cores when many)."""
    cache = Cache(scan.root)
    shown = _display_under(scan.root)
    files = [shown(scan.rel[path]) for path, _ in jobs]
    # The same bytes validate differently as an item, an area or the site file.
    keys = [f"{kind}:{scan.digests[path]}" if scan.digests[path] else None for path, kind in jobs]
    out = [_cached(cache, key, scan.raw[path], file)
           for (path, _), key, file in zip(jobs, keys, files, strict=True)]
    todo = [i for i, loaded in enumerate(out) if loaded is None]
    work = [(*jobs[i], scan.raw[jobs[i][0]], files[i]) for i in todo]
    with Bar("校验 validate", len(work)) as bar:
        computed = ordered_map(_compute, work, tick=bar.advance)
    for i, loaded in zip(todo, computed, strict=True):
        out[i] = loaded
        cache.keep(keys[i], loaded)
    cache.save()
    return [loaded for loaded in out if loaded is not None]


def _cached(cache: Cache, key: str | None, raw: bytes | None, file: str) -> Loaded | None:
    if raw is None:
        return None
    return cache.lookup(key, file, functools.partial(positions, raw, file))


def _compute(job: tuple[Path, Kind, bytes | None, str]) -> Loaded:
    path, kind, raw, file = job
    doc = load_document(path, file) if raw is None else parse_bytes(raw, file)
    return doc, validate_document(doc, kind)


def _display_under(root: Path) -> Callable[[str], str]:
    """``display_path`` of the files under ``root`` by their relative path, with one
    ``relpath`` for the folder instead of one per file."""
    base = display_path(root)
    if base == ".":
        return lambda rel: rel
    base = base.rstrip("/")
    return lambda rel: f"{base}/{rel}"


def _read(path: Path) -> bytes | None:
    """The file's bytes, or None when it is too large (or unreadable) to be worth caching."""
    try:
        return read_regular(path, MAX_BYTES)
    except (Refused, OSError):
        return None


def catalog_root(path: Path) -> Path:
    """The catalog folder a file belongs to (for `gkml validate catalog/cxgh/CXGH-001.yml`)."""
    if path.is_dir():
        return path
    if path.name == SITE_FILE:
        return path.parent
    if path.name == AREA_FILE or (path.parent / AREA_FILE).exists():
        return path.parent.parent
    return path.parent


def _discover(root: Path, files: list[Path], rel: dict[Path, str], odd: set[Path], found: list[Finding]
              ) -> tuple[Path | None, dict[str, Path], list[tuple[Path, str]]]:
    site: Path | None = None
    areas: dict[str, Path] = {}
    items: list[tuple[Path, str]] = []
    shown = _display_under(root)
    for path in files:
        parts = rel[path].split("/")
        problem = refusal(path) if path in odd else None
        if problem:
            found.append(Finding(problem.code, shown(rel[path]), 0, 0, params=problem.params))
        elif not parts[-1].endswith(".yml"):
            found.append(Finding("file-ignored", shown(rel[path]), 1, 1, params={"name": path.name}))
        elif parts == [SITE_FILE]:
            site = path
        elif len(parts) == 2 and parts[1] == AREA_FILE:
            areas[parts[0]] = path
        elif len(parts) == 2:
            items.append((path, parts[0]))
        else:
            found.append(Finding("item-outside-area", shown(rel[path]), 1, 1))
    return site, areas, items


def _files(root: Path) -> tuple[list[Path], dict[Path, str], set[Path]]:
    """Every entry not hidden (nor in a hidden folder) that is not a real folder: files,
    links (to files or folders, never followed) and special files, sorted as paths sort,
    with its relative path; plain strings until the end, since pathlib costs 10 µs a file.
    Also the entries that the folder listing did not show as regular files (links, special
    files, or unknown), the only ones ``lstat`` is asked about again."""
    found: list[tuple[list[str], str]] = []
    odd: set[str] = set()
    todo: list[tuple[list[str], str]] = [([], str(root))]
    while todo:
        prefix, folder = todo.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            if entry.name.startswith("."):
                continue
            if entry.is_dir(follow_symlinks=False):
                todo.append(([*prefix, entry.name], entry.path))
            else:
                found.append(([*prefix, entry.name], entry.path))
                if not entry.is_file(follow_symlinks=False):
                    odd.add(entry.path)
    found.sort(key=lambda pair: pair[0])
    paths = [Path(full) for _, full in found]
    rel = {p: "/".join(parts) for p, (parts, _) in zip(paths, found, strict=True)}
    return paths, rel, {p for p in paths if str(p) in odd}


def _load_site(root: Path, loaded: Loaded | None, found: list[Finding]) -> Site:
    if loaded is None:
        found.append(Finding("site-missing", display_path(root / SITE_FILE), 1, 1))
        return Site()
    doc, own = loaded
    problems = doc.findings + own
    found += problems
    if not isinstance(doc.data, dict):
        return Site()
    usable = {k: v for k, v in doc.data.items()
              if not any(f.path.startswith(f"$.{k}") for f in problems)}
    site = Site.from_data(usable)
    try:
        re.compile(site.code_pattern.replace("{prefix}", "X"))
    except re.error as exc:
        found.append(find(doc, schema("site"), "site-bad-pattern", ("code_pattern",),
                          pattern=site.code_pattern, detail=str(exc)))
        site = Site.from_data({**usable, "code_pattern": Site().code_pattern})
    return site


def _load_areas(docs: dict[str, Loaded], found: list[Finding]) -> dict[str, Area]:
    areas: dict[str, Area] = {}
    by_prefix: dict[str, str] = {}
    for slug, (doc, own) in docs.items():
        problems = doc.findings + own
        found += problems
        if problems and any(f.severity is Severity.ERROR for f in problems):
            continue
        area = Area.from_data(slug, doc.data)
        if area.prefix in by_prefix:
            found.append(find(doc, schema("area"), "area-prefix-duplicate", ("prefix",),
                              prefix=area.prefix, other=by_prefix[area.prefix]))
        by_prefix[area.prefix] = area.name
        areas[slug] = area
    return areas
