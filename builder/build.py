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
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Collection, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from builder import publish, tables
from builder.catalog import LoadedCatalog, load_catalog
from builder.check import check_loaded
from builder.check_pages import item_section, methodology_page, score_page
from builder.findings import Lang
from builder.history import History, read_history
from builder.markup import href
from builder.model import Catalog
from builder.pages import download_files, schema_files
from builder.render import broken_links, item_path, nav, render_site, site_title
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
    catalog = loaded.catalog()
    work = publish.work_dir(site_dir)
    pages = generate(loaded, work, extras)
    del loaded, extras  # the catalog's documents and marks are not needed any more
    _release_memory()
    result = publish.build(work, site_dir, pages, lambda: download_data(catalog))
    if not result.ok:
        err.write(result.log + "\n")
        err.write(_say(lang, "网站生成失败，原有网站保持不变。",
                       "The build failed; the site was left as it was.\n"))
        return 1
    seconds = result.seconds
    n = len(catalog.items)
    out.write(_say(lang, f"网站已生成：{site_dir}（{n} 个事项，用时 {seconds:.1f} 秒）。",
                   f"Site written to {site_dir} ({n} items, {seconds:.1f} s).\n"))
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
    pages = {CHECK_PAGE: score_page(result, item_href=lambda code: href(CHECK_PAGE, paths[code])
                                    if code in paths else None),
             METHOD_PAGE: methodology_page(book)}
    if GUIDE_SOURCE.is_file():
        pages[GUIDE_PAGE] = GUIDE_SOURCE.read_text(encoding="utf-8")
    sections = {code: s for code in paths if (s := item_section(result, code))}
    return Extras(pages, sections)


def _say(lang: Lang, zh: str, en: str) -> str:
    return en if lang == "en" else zh + "\n"


def generate(loaded: LoadedCatalog, work: Path, extras: Extras) -> dict[str, str]:
    """Every page (their links checked) by docs path; writes the MkDocs config."""
    catalog = loaded.catalog()
    pages = site_pages(loaded, catalog, extras)
    data = [d.path for d in download_files(catalog)] + schema_files()
    broken = broken_links(pages, data)
    if broken:  # a fault of gkml's, never of the catalog
        raise RuntimeError("broken links: " + ", ".join(f"{p} → {h}" for p, h in broken[:5]))
    publish.write_config(work, catalog.site, site_title(catalog.site),
                         nav(catalog, list(extras.pages)))
    return pages


def site_pages(loaded: LoadedCatalog, catalog: Catalog, extras: Extras,
               only_items: Collection[str] | None = None) -> dict[str, str]:
    """Every page, or with ``only_items`` (codes) just those items' pages."""
    chosen = None if only_items is None else {i.file for i in catalog.items if i.code in only_items}
    entries = [e for e in loaded.entries if chosen is None or e.rel in chosen]
    files = [e.rel for e in entries] + ["site.yml"] + [f"{a}/_area.yml" for a in loaded.areas]
    history = read_history(loaded.root, files)
    sources = {e.rel: (loaded.root / e.rel).read_text(encoding="utf-8-sig", errors="replace")
               for e in entries}
    return render_site(catalog, history.dates, sources=sources, edit_base=_edit_base(catalog, history),
                       extra_pages=extras.pages, item_extras=extras.item_sections, only_items=only_items)


def _edit_base(catalog: Catalog, history: History) -> str:
    site = catalog.site
    if not site.repo_url or history.repo_prefix is None:
        return ""
    return f"{site.repo_url.rstrip('/')}/{site.edit_uri.strip('/')}/{history.repo_prefix}"


# --- downloads ---------------------------------------------------------------------------


def download_data(catalog: Catalog) -> Iterator[tuple[str, bytes]]:
    """Every data file of the 下载 page with its path in the site, made one at a time."""
    for d in download_files(catalog):
        part = Catalog(catalog.site, (d.area,), catalog.items_of(d.area)) if d.area else catalog
        title = f"{catalog.site.jurisdiction}{d.area.name if d.area else ''}政务公开事项标准目录"
        yield d.path, _FORMATS[d.fmt](part, title)
    for path in schema_files():
        yield path, (SCHEMA_DIR / path.rsplit("/", 1)[1]).read_bytes()


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
    """``gkml serve``: a local preview that follows the catalog as it is edited.

    An edited item's page is laid out at once from the last build's layout and the open
    browser reloads (about a second at 10,000 items); then a full build in a child
    process brings the directory, area and check pages up to date, is swapped in, and the
    browser reloads again. A further edit kills that child (a killed build never harms
    the site, see ``publish.build``) and starts it anew, so the fast path has the CPU.
    """
    preview = publish.work_dir(site_dir) / "preview"
    seen = _snapshot(root)  # before anything is read: an edit from now on is seen below
    items = {i.code: i for i in load_catalog(root).catalog().items}
    if build_site(root, preview, out, err, lang) != 0:
        return 1
    try:
        server = publish.Preview(preview, addr)
    except (OSError, ValueError) as exc:  # the port is taken, or the address is not host:port
        why = getattr(exc, "strerror", None) or str(exc)
        err.write(_say(lang, f"无法在 {addr} 上启动预览（{why}）。请换一个地址，例如 --addr 127.0.0.1:8001。",
                       f"Cannot serve on {addr} ({why}); try another, e.g. --addr 127.0.0.1:8001.\n"))
        return 1
    out.write(_say(lang, f"预览地址：{server.url}（按 Ctrl+C 结束）",
                   f"Serving on {server.url} (Ctrl+C to stop)\n"))
    out.flush()
    rebuild = _Rebuild(root, preview, server)
    try:
        for _ in _changes(root, seen, interval, idle=rebuild.poll):
            rebuild.stop()
            loaded = load_catalog(root)
            if loaded.findings:
                REPORTERS["text"](loaded.findings, loaded.files, lang, out)
                out.flush()
            if not loaded.ok:
                continue
            catalog = loaded.catalog()
            changed = {i.code for i in catalog.items if items.get(i.code) != i}
            items = {i.code: i for i in catalog.items}
            if changed:
                pages = site_pages(loaded, catalog, site_extras(loaded), only_items=changed)
                if publish.refresh_items(publish.work_dir(preview), preview, pages):
                    server.reload()
            rebuild.start()
    except KeyboardInterrupt:
        pass
    finally:
        rebuild.stop()
        server.close()
    return 0


class _Rebuild:
    """The preview's full build, ``gkml build`` in a child process of its own group."""

    def __init__(self, root: Path, preview: Path, server: publish.Preview) -> None:
        self.root, self.preview, self.server = root, preview, server
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "builder", "build", str(self.root), "--site-dir", str(self.preview)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)

    def poll(self) -> None:
        """Once the build has finished, let the browser show it."""
        if self.proc is not None and self.proc.poll() is not None:
            self.proc = None
            self.server.reload()

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
        self.proc = None


def _changes(root: Path, seen: dict[str, tuple[int, int]], interval: float,
             idle: Callable[[], None]) -> Iterator[None]:
    """Yield once after every change to a file under ``root`` since the snapshot ``seen``
    (polling: no extra dependency, and a stat of 10,000 files takes a tenth of a second);
    call ``idle`` between polls."""
    while True:
        time.sleep(interval)
        idle()
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
