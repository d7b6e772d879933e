"""``gkml build``, the site pipeline: load → validate → check → render → publish.

A catalog with any error is not published: the findings are reported and the site
folder stays exactly as it was.
"""

from __future__ import annotations

import gc
import itertools
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from builder import native, resources
from builder.catalog import LoadedCatalog, load_catalog
from builder.check.rulebook import RulesError, load_rules
from builder.check.score import CheckResult, check_loaded
from builder.findings import Finding, Lang
from builder.markup import href
from builder.model import Catalog
from builder.report import REPORTERS
from builder.site import publish, swap
from builder.site.changes import latest_section, read_record, record_pages
from builder.site.check_pages import item_section, methodology_page, score_page
from builder.site.config import write_config
from builder.site.docs import work_dir
from builder.site.downloads import download_data
from builder.site.history import History, read_history
from builder.site.item_data import item_data_files
from builder.site.mkdocs import check_tools
from builder.site.pages import download_files, schema_files
from builder.site.render import HOME, broken_links, item_data_path, item_path, nav, render_site, site_title
from builder.site.search_keys import catalog_keys
from builder.site.sitedir import Refusal, shrink, site_target

Report = Callable[[LoadedCatalog], None]
CHECK_PAGE, METHOD_PAGE, GUIDE_PAGE = "check.md", "check-method.md", "guide.md"


@dataclass(frozen=True, slots=True)
class Extras:
    """Pages and per-item sections contributed by other stages (the check, for one)."""

    pages: Mapping[str, str] = field(default_factory=dict)
    item_sections: Mapping[str, str] = field(default_factory=dict)


def build_site(root: Path, site_dir: Path, out: TextIO, err: TextIO, lang: Lang = "zh",
               extras: Extras | None = None, *, allow_shrink: bool = False, guide: bool = False) -> int:
    """``gkml build``: exit 0 when the site was published, 1 when it was not, 2 when
    ``site_dir`` is not a folder a build may replace (``sitedir.site_target``). ``guide``
    adds the clerk's guide, for the clerk's own preview (``gkml serve``) only."""
    target = site_target(site_dir, root)
    if isinstance(target, Refusal):
        REPORTERS["text"]([Finding(target.code, str(site_dir), params=target.params)], 0, lang, out)
        return 2
    swap.recover(work_dir(target), target)
    loaded = load_catalog(root)
    if loaded.findings:
        REPORTERS["text"](loaded.findings, loaded.files, lang, out)
    if not loaded.ok:
        err.write(say(lang, "目录有错误，网站没有更新。",
                       "The catalog has errors; the site was not updated.\n"))
        return 1
    problem = check_tools()
    if problem:
        err.write(problem + "\n")
        return 1
    try:
        extras = extras or site_extras(loaded, guide=guide)
    except RulesError as exc:
        err.write(f"{exc}\n")
        return 1
    catalog = loaded.catalog()
    shrunk = None if allow_shrink else shrink(target, len(catalog.items))
    if shrunk:
        REPORTERS["text"]([Finding(shrunk.code, str(site_dir), params=shrunk.params)], 0, lang, out)
        return 1
    work = work_dir(site_dir)
    pages = generate(loaded, work, extras)
    del loaded, extras  # the catalog's documents and marks are not needed any more
    _release_memory()
    result = publish.build(work, target, pages,
                           lambda: itertools.chain(download_data(catalog), item_data_files(catalog)),
                           items_published=len(catalog.items), search_keys=lambda: catalog_keys(catalog))
    if not result.ok:
        err.write(result.log + "\n")
        err.write(say(lang, "网站生成失败，原有网站保持不变。",
                       "The build failed; the site was left as it was.\n"))
        return 1
    seconds = result.seconds
    n = len(catalog.items)
    out.write(say(lang, f"网站已生成：{site_dir}（{n} 个事项，用时 {seconds:.1f} 秒）。",
                   f"Site written to {site_dir} ({n} items, {seconds:.1f} s).\n"))
    return 0


def _release_memory() -> None:
    """Give the catalog's freed memory back to the system before MkDocs starts: this process
    waits for the whole build, and glibc keeps freed heap pages otherwise (10,000 items:
    310 MB held beside MkDocs' own peak, 85 MB after this)."""
    gc.collect()
    trim = native.function("malloc_trim")  # glibc only
    if trim is not None:
        trim(0)


def site_extras(loaded: LoadedCatalog, *, guide: bool = False) -> Extras:
    """The inspector's pages (考核, 考核方法) and each item's own deductions, unless the county
    keeps them off its site (``show_check_pages`` in site.yml); with ``guide``, the clerk's
    guide, which is never part of the public site."""
    catalog = loaded.catalog()
    pages: dict[str, str] = {}
    sections: dict[str, str] = {}
    if catalog.site.show_check_pages:
        book = load_rules()
        result = check_loaded(loaded, book)
        paths = {i.code: item_path(i) for i in catalog.items}
        pages = {CHECK_PAGE: score_page(result, item_href=lambda code: href(CHECK_PAGE, paths[code])
                                        if code in paths else None),
                 METHOD_PAGE: methodology_page(book)}
        sections = {code: item_section(result, code) for code in paths if _has_points(result, code)}
    if guide and resources.guide().is_file():
        pages[GUIDE_PAGE] = resources.guide().read_text(encoding="utf-8")
    return Extras(pages, sections)


def _has_points(result: CheckResult, code: str) -> bool:
    """Whether an item's page shows its check: only for a deduction or an exemption. A mere
    recommendation (an optional element left out, 不扣分) stays on the 考核 page: on every
    item page it would only tell the public that the item lost nothing."""
    deductions, _, exemptions = result.of_item(code)
    return bool(deductions or exemptions)


def say(lang: Lang, zh: str, en: str) -> str:
    return en if lang == "en" else zh + "\n"


def generate(loaded: LoadedCatalog, work: Path, extras: Extras) -> dict[str, str]:
    """Every page (their links checked) by docs path; writes the MkDocs config."""
    catalog = loaded.catalog()
    pages = site_pages(loaded, catalog, extras)
    data = [d.path for d in download_files(catalog)] + schema_files()
    data += [item_data_path(i) for i in catalog.items]
    broken = broken_links(pages, data)
    if broken:  # a fault of gkml's, never of the catalog
        raise RuntimeError("broken links: " + ", ".join(f"{p} → {h}" for p, h in broken[:5]))
    write_config(work, catalog.site, site_title(catalog.site),
                         nav(catalog, list(extras.pages)))
    return pages


def site_pages(loaded: LoadedCatalog, catalog: Catalog, extras: Extras,
               only_items: Collection[str] | None = None) -> dict[str, str]:
    """Every page, or with ``only_items`` (codes) just those items' pages."""
    chosen = None if only_items is None else {i.file for i in catalog.items if i.code in only_items}
    entries = [e for e in loaded.entries if chosen is None or e.rel in chosen]
    files = [e.rel for e in entries] + ["site.yml"] + [f"{a}/_area.yml" for a in loaded.areas]
    history = read_history(loaded.root, files)
    pages = render_site(catalog, history.dates, extra_pages=extras.pages,
                        item_extras=extras.item_sections, only_items=only_items)
    if only_items is None:
        add_record(pages, loaded.root, catalog, history)
    return pages


def add_record(pages: dict[str, str], root: Path, catalog: Catalog, history: History) -> None:
    """The record of changes (``changes``): the latest on the home page, the feed, and a
    page at each withdrawn item's address."""
    record = read_record(root, catalog, history)
    pages[HOME] = pages[HOME].rstrip("\n") + "\n" + latest_section(record, HOME)
    pages.update(record_pages(catalog, record))
