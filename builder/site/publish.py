"""Publish stage: pages in, a published site folder out; MkDocs stays behind this boundary.

It writes the generated pages into a git-ignored docs folder (``docs``), runs
``mkdocs build --strict`` with the config ``config`` wrote into a fresh folder next to the
site (``mkdocs``), lays the item pages out from one prototype page MkDocs rendered
(``layout``), puts set-aside tables back (``aside``), merges the items' search entries
(``search_index``), adds the data files and, only when all that succeeded, swaps the folder
in (``swap``). A failed build leaves the published folder untouched. Only the modules named
here know MkDocs or Material: replacing the renderer (Zensical, ProperDocs) touches no other.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from builder.files import write_atomic
from builder.site.aside import put_back, set_aside
from builder.site.config import CONFIG
from builder.site.docs import DOCS, write_docs
from builder.site.downloads import label_sizes
from builder.site.layout import ITEMS, PROTO, PROTO_URL, Layout, merge_sitemap, prototype
from builder.site.mkdocs import problems, start_mkdocs
from builder.site.search_index import finish_index, search_entries
from builder.site.sitedir import mark
from builder.site.swap import clean_leftovers, locked, publishable, swap


@dataclass(frozen=True, slots=True)
class Result:
    ok: bool
    seconds: float
    log: str
    """MkDocs' warnings and errors (empty on success)."""


# --- build and swap ----------------------------------------------------------------------


def build(work: Path, site_dir: Path, pages: Mapping[str, str],
          data: Callable[[], Iterator[tuple[str, bytes]]] | None = None, *,
          reference: bool = False, items_published: int = 0,
          search_keys: Callable[[], Mapping[str, str]] | None = None) -> Result:
    """Build ``pages`` (docs path → Markdown) with the config in ``work`` into a fresh
    folder; swap it in only on success. ``data`` yields the data files (downloads);
    ``search_keys`` makes the items' hidden search field (``search_keys.catalog_keys``),
    while MkDocs runs.

    MkDocs does only what needs it. Item pages (under ``items/``, their body HTML blocks
    only, see ``render.item_page``) are laid out here from one prototype that MkDocs
    renders (``Layout``). Pages kept out of search have their tables (raw HTML, which
    Python-Markdown passes through untouched) set aside and put back into the HTML
    afterwards (``set_aside``): the 10,000-row 标准目录 alone took MkDocs 5 s and 120 MB.
    With ``reference``, MkDocs renders every page whole, the reference these shortcuts
    are tested against (byte for byte, tests/test_site_build.py).

    The order keeps memory down: MkDocs runs while this process makes the items' search
    entries; the data files are made while the item pages are written, after MkDocs.
    """
    started = time.monotonic()
    site_dir = site_dir.absolute()  # MkDocs reads a relative -d against the config's folder
    # Sorted as MkDocs sorts one folder's files: the search index and sitemap list them so.
    items = {} if reference else dict(sorted((p, md) for p, md in pages.items() if p.startswith(ITEMS)))
    docs = {p: md for p, md in pages.items() if p not in items}
    aside: dict[str, tuple[str, list[tuple[int, int]]]] = {}
    if not reference:
        docs = {p: set_aside(p, md, aside) for p, md in docs.items()}
    if items:
        docs[PROTO] = prototype(next(iter(items.values())))
    with locked(work):
        write_docs(work / DOCS, docs)
        clean_leftovers(site_dir)
        fresh = Path(tempfile.mkdtemp(prefix=f"{site_dir.name}.building-", dir=site_dir.parent))
        try:
            mark(fresh, items_published)  # first: a killed build's leftover is known as ours
            with start_mkdocs("build", "--strict", "-f", str(work / CONFIG), "-d", str(fresh)) as running:
                entries = search_entries(items, work / CONFIG) if items else []
                keys = search_keys() if search_keys else None
                log, _ = running.communicate()  # MkDocs' log, stderr into stdout
            if running.returncode != 0:
                return Result(False, time.monotonic() - started, problems(log))
            put_back(fresh, aside)
            with ThreadPoolExecutor(1) as pool:  # writing pages waits on the disk, not the CPU
                files = pool.submit(_write_data, fresh, data)
                if items:
                    layout = Layout.from_page((fresh / PROTO_URL / "index.html").read_text(encoding="utf-8"))
                    layout.save(work)
                    shutil.rmtree(fresh / PROTO_URL)
                    layout.write(fresh, items)
                    merge_sitemap(fresh, items)
                label_sizes(fresh, files.result())
            finish_index(fresh / "search" / "search_index.json", entries, keys)
            publishable(fresh)
            swap(fresh, site_dir)
        finally:
            shutil.rmtree(fresh, ignore_errors=True)
    return Result(True, time.monotonic() - started, "")


def _write_data(site: Path, data: Callable[[], Iterator[tuple[str, bytes]]] | None) -> dict[str, int]:
    """Write the data files; their sizes, for the 下载 page."""
    sizes = {}
    for rel, raw in data() if data else ():
        write_atomic(site / rel, raw)  # one file at a time: a 10,000-row XLSX is held only while made
        sizes[rel] = len(raw)
    return sizes
