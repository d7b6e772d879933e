"""The site pipeline: load → validate → render → publish, and the live preview.

A catalog with any error is not published: the findings are reported and the site
folder stays exactly as it was. Downloads (CSV, XLSX, JSON, the JSON Schemas) are made
here from ``builder.tables`` so that the site and ``gkml export`` agree.
"""

from __future__ import annotations

import ctypes
import gc
import io
import json
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from builder import publish, tables
from builder.catalog import LoadedCatalog, load_catalog
from builder.check import check_loaded
from builder.check_pages import item_section, methodology_page, score_page
from builder.findings import Lang
from builder.history import History, read_history
from builder.model import Catalog
from builder.pages import download_files, schema_files
from builder.render import item_path, nav, render_site, site_title
from builder.report import REPORTERS
from builder.rulebook import RulesError, load_rules
from builder.validate import SCHEMA_DIR

Report = Callable[[LoadedCatalog], None]
CHECK_PAGE, METHOD_PAGE, GUIDE_PAGE = "check.md", "check-method.md", "guide.md"
GUIDE_SOURCE = Path(__file__).resolve().parent.parent / "pages" / "guide.md"
"""The clerk's guide, written by hand and published as it is."""


@dataclass(frozen=True, slots=True)
class Extras:
    """Pages and per-item sections contributed by other stages (the check, for one)."""

    pages: Mapping[str, str] = field(default_factory=dict)
    item_sections: Mapping[str, str] = field(default_factory=dict)


def build_site(root: Path, site_dir: Path, out: TextIO, err: TextIO, lang: Lang = "zh",
               extras: Extras | None = None) -> int:
    """``gkml build``: exit 0 when the site was published, 1 when it was not."""
    loaded = load_catalog(root)
    if loaded.findings:
        REPORTERS["text"](loaded.findings, loaded.files, lang, out)
    if not loaded.ok:
        err.write(_say(lang, "目录有错误，网站没有更新。",
                       "The catalog has errors; the site was not updated.\n"))
        return 1
    problem = publish.check_tools()
    if problem:
        err.write(problem + "\n")
        return 1
    try:
        extras = extras or site_extras(loaded)
    except RulesError as exc:
        err.write(f"{exc}\n")
        return 1
    work = publish.work_dir(site_dir)
    generate(loaded, work, extras)
    items = len(loaded.entries)
    del loaded, extras  # MkDocs needs only the docs folder
    _release_memory()
    result = publish.build(work, site_dir)
    if not result.ok:
        err.write(result.log + "\n")
        err.write(_say(lang, "网站生成失败，原有网站保持不变。",
                       "The build failed; the site was left as it was.\n"))
        return 1
    seconds = result.seconds
    out.write(_say(lang, f"网站已生成：{site_dir}（{items} 个事项，用时 {seconds:.1f} 秒）。",
                   f"Site written to {site_dir} ({items} items, {seconds:.1f} s).\n"))
    return 0


def _release_memory() -> None:
    """Give the catalog's freed memory back to the system before MkDocs starts: this process
    waits for the whole build, and glibc keeps freed heap pages otherwise (10,000 items:
    310 MB held beside MkDocs' own peak, 85 MB after this)."""
    gc.collect()
    trim = getattr(ctypes.CDLL(None), "malloc_trim", None)  # glibc only
    if trim is not None:
        trim(0)


def site_extras(loaded: LoadedCatalog) -> Extras:
    """The inspector's pages (考核, 考核方法), each item's own deductions, the clerk's guide."""
    book = load_rules()
    result = check_loaded(loaded, book)
    paths = {i.code: item_path(i) for i in loaded.catalog().items}
    pages = {CHECK_PAGE: score_page(result, item_href=paths.get),
             METHOD_PAGE: methodology_page(book)}
    if GUIDE_SOURCE.is_file():
        pages[GUIDE_PAGE] = GUIDE_SOURCE.read_text(encoding="utf-8")
    sections = {code: s for code in paths if (s := item_section(result, code))}
    return Extras(pages, sections)


def _say(lang: Lang, zh: str, en: str) -> str:
    return en if lang == "en" else zh + "\n"


def generate(loaded: LoadedCatalog, work: Path, extras: Extras,
             downloads: Mapping[str, bytes] | None = None) -> int:
    """Write the docs folder and the MkDocs config; return how many files changed."""
    catalog = loaded.catalog()
    files: dict[str, str | bytes] = {**site_pages(loaded, catalog, extras)}
    files.update(downloads if downloads is not None else download_bytes(catalog))
    written = publish.write_docs(work / publish.DOCS, files)
    publish.write_config(work, catalog.site, site_title(catalog.site),
                         nav(catalog, list(extras.pages)))
    return written


def site_pages(loaded: LoadedCatalog, catalog: Catalog, extras: Extras) -> dict[str, str]:
    files = [e.rel for e in loaded.entries] + ["site.yml"] + [f"{a}/_area.yml" for a in loaded.areas]
    history = read_history(loaded.root, files)
    sources = {e.rel: (loaded.root / e.rel).read_text(encoding="utf-8-sig", errors="replace")
               for e in loaded.entries}
    return render_site(catalog, history.dates, sources=sources, edit_base=_edit_base(catalog, history),
                       extra_pages=extras.pages, item_extras=extras.item_sections)


def _edit_base(catalog: Catalog, history: History) -> str:
    site = catalog.site
    if not site.repo_url or history.repo_prefix is None:
        return ""
    return f"{site.repo_url.rstrip('/')}/{site.edit_uri.strip('/')}/{history.repo_prefix}"


# --- downloads ---------------------------------------------------------------------------


def download_bytes(catalog: Catalog) -> dict[str, bytes]:
    """Every data file of the 下载 page, by its path in the docs folder."""
    files: dict[str, bytes] = {}
    for d in download_files(catalog):
        part = Catalog(catalog.site, (d.area,), catalog.items_of(d.area)) if d.area else catalog
        title = f"{catalog.site.jurisdiction}{d.area.name if d.area else ''}政务公开事项标准目录"
        files[d.path] = _FORMATS[d.fmt](part, title)
    for path in schema_files():
        files[path] = (SCHEMA_DIR / path.rsplit("/", 1)[1]).read_bytes()
    return files


def _csv(part: Catalog, title: str) -> bytes:
    stream = io.StringIO(newline="")
    tables.write_csv(stream, part.site, part.items)
    return stream.getvalue().encode("utf-8")


def _xlsx(part: Catalog, title: str) -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "catalog.xlsx"
        tables.write_xlsx(path, part.site, part.items, title)
        return path.read_bytes()


def _json(part: Catalog, title: str) -> bytes:
    return json.dumps(tables.catalog_json(part), ensure_ascii=False, indent=1).encode("utf-8")


_FORMATS: dict[str, Callable[[Catalog, str], bytes]] = {"csv": _csv, "xlsx": _xlsx, "json": _json}


# --- live preview ------------------------------------------------------------------------


def serve(root: Path, site_dir: Path, out: TextIO, err: TextIO, lang: Lang = "zh", *,
          addr: str = "127.0.0.1:8000", interval: float = 0.3) -> int:
    """``gkml serve``: regenerate the pages whenever a catalog file changes; MkDocs'
    ``serve --dirty`` rebuilds just those pages and the browser reloads."""
    loaded = load_catalog(root)
    if not loaded.ok:
        REPORTERS["text"](loaded.findings, loaded.files, lang, out)
        return 1
    work = publish.work_dir(site_dir)
    downloads = download_bytes(loaded.catalog())  # data files refresh on the next build
    generate(loaded, work, site_extras(loaded), downloads)
    server = publish.start_server(work, addr)
    try:
        for _ in _changes(root, interval, lambda: server.poll() is None):
            loaded = load_catalog(root)
            if loaded.findings:
                REPORTERS["text"](loaded.findings, loaded.files, lang, out)
            if loaded.ok:
                generate(loaded, work, site_extras(loaded), downloads)
            out.flush()
    finally:
        server.terminate()
        server.wait()
    return 0


def _changes(root: Path, interval: float, alive: Callable[[], bool]) -> Iterator[None]:
    """Yield once after every change to a file under ``root`` (polling: no extra dependency,
    and a stat of a few thousand files takes milliseconds)."""
    seen = _snapshot(root)
    while alive():
        time.sleep(interval)
        now = _snapshot(root)
        if now != seen:
            seen = now
            yield


def _snapshot(root: Path) -> dict[str, tuple[int, int]]:
    stamps = {}
    for path in root.rglob("*.yml"):
        try:
            st = path.stat()
        except OSError:  # deleted while we looked
            continue
        stamps[str(path)] = (st.st_mtime_ns, st.st_size)
    return stamps
