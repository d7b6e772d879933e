"""Render stage: the typed catalog → the site's pages as Markdown strings. Pure: no file I/O.

``render_site`` returns ``{relative path: Markdown}``; ``nav`` returns the navigation.
Page paths are stable: an item lives at ``items/<CODE>.md`` (URL ``items/<CODE>/``),
an area at ``areas/<prefix>.md``. Other stages add pages and per-item sections through
``extra_pages`` (path → Markdown) and ``item_extras`` (item code → Markdown appended to
its page) without touching this module.

Listing pages (home, directory, areas, downloads) are kept out of the search index so
that a search for an item's code or name finds the item's own page first.
"""

from __future__ import annotations

import hashlib
import html
import posixpath
import re
from collections.abc import Container, Iterable, Mapping, Sequence
from dataclasses import dataclass

from builder import tables
from builder.markup import (
    SEARCH_EXCLUDE,
    Cell,
    Head,
    anchor,
    bullet_list,
    front_matter,
    href,
    key_value_table,
    link,
    page_url,
    slug,
    table,
    text,
)
from builder.markup import title as safe_title
from builder.markup import url as safe_url
from builder.model import Area, Catalog, Item, Site, Unit, catalog_title
from builder.site.pages import DOWNLOADS, about_page, download_path, downloads_page
from builder.site.table_style import listing_style
from builder.validate import schema

HOME, DIRECTORY, ABOUT = "index.md", "directory.md", "about.md"
NO_SEARCH = {"search": {"exclude": True}}
FULL_TEXT_LIMIT = 1000
"""Up to this many items, search covers items' content and basis too. Beyond it only the
code, name, area and responsible body are indexed: the browser rebuilds the index on
every visit, and a full-text index of 10,000 items takes it many seconds (mkdocs-notes §3)."""


@dataclass(frozen=True, slots=True)
class Inputs:
    """What the pages are made from besides the catalog (all optional)."""

    dates: Mapping[str, str]
    """Catalog-relative file path → date it last changed (YYYY-MM-DD)."""
    full_text: bool = True
    """Index items' content and basis for search (small catalogs), or only their titles."""


def area_path(area: Area) -> str:
    return f"areas/{area.prefix.lower()}.md"


def item_path(item: Item) -> str:
    # A code that is not safe in a URL (a site's own code_pattern may allow anything)
    # gets a name derived from it, stable across builds.
    digest = hashlib.sha1(item.code.encode("utf-8")).hexdigest()[:10]
    return f"items/{slug(item.code, f'item-{digest}')}.md"


def item_data_path(item: Item) -> str:
    """The item's own JSON file, beside its page (``items/CXGH-001.json``)."""
    return item_path(item)[:-3] + ".json"


def render_site(catalog: Catalog, dates: Mapping[str, str] | None = None, *,
                extra_pages: Mapping[str, str] | None = None,
                item_extras: Mapping[str, str] | None = None,
                only_items: Container[str] | None = None) -> dict[str, str]:
    """Every page of the site, keyed by its path relative to the docs folder; with
    ``only_items`` (item codes), just those items' pages."""
    inputs = Inputs(dates or {}, len(catalog.items) <= FULL_TEXT_LIMIT)
    extras = item_extras or {}
    if only_items is not None:
        return {item_path(i): item_page(catalog, i, inputs, extras.get(i.code, ""))
                for i in catalog.items if i.code in only_items}
    pages = {
        HOME: home_page(catalog, inputs),
        DIRECTORY: directory_page(catalog),
        DOWNLOADS: downloads_page(catalog, dates),
        ABOUT: about_page(catalog.site),
    }
    for area in catalog.areas:
        pages[area_path(area)] = area_page(catalog, area)
    for item in catalog.items:
        pages[item_path(item)] = item_page(catalog, item, inputs, extras.get(item.code, ""))
    pages.update(extra_pages or {})
    return pages


def nav(catalog: Catalog, extra_pages: Sequence[str] = ()) -> list[tuple[str, str | list[tuple[str, str]]]]:
    """The navigation: fixed pages, one section of the areas, then ``extra_pages`` (titled
    by their own front matter, hence ""). Items are left out on purpose: every page embeds
    the whole nav, so listing thousands of items would make the build quadratic."""
    areas = [(safe_title(a.name), area_path(a)) for a in catalog.areas]
    return [("首页", HOME), ("标准目录", DIRECTORY), ("领域", areas), ("下载", DOWNLOADS),
            *(("", p) for p in extra_pages), ("说明", ABOUT)]


def last_changed(dates: Mapping[str, str]) -> str:
    return max(dates.values(), default="")


def site_title(site: Site) -> str:
    return safe_title(catalog_title(site))


# --- home -------------------------------------------------------------------------


def home_page(catalog: Catalog, inputs: Inputs) -> str:
    site = catalog.site
    when = last_changed(inputs.dates)
    lines = [
        front_matter({"title": "首页", "hide": ["navigation", "toc"], **NO_SEARCH}),
        f"# {text(catalog_title(site))}\n",
        f"本目录列出{text(site.jurisdiction)}在 {len(catalog.areas)} 个试点领域依法公开的"
        f" {len(catalog.items)} 个政务公开事项：每个事项公开什么、依据什么、何时由谁通过什么渠道公开。"
        + (f"目录最后更新于 {when}。" if when else "") + "\n",
        '<div class="grid cards" markdown>\n',
        *(_area_card(catalog, a) for a in catalog.areas),
        "</div>\n",
        f"{link('查看完整的标准目录', DIRECTORY)} · {link('下载全部数据', DOWNLOADS)}"
        f" · {link('目录说明', ABOUT)}\n",
    ]
    return "\n".join(lines)


def _area_card(catalog: Catalog, area: Area) -> str:
    count = len(catalog.items_of(area))
    return (f"-   **{link(area.name, area_path(area))}**\n\n"
            f"    {count} 个事项 · 牵头单位：{text(area.lead.name)}\n")


# --- directory and area tables ------------------------------------------------------


def directory_page(catalog: Catalog) -> str:
    parts = [
        front_matter({"title": "标准目录", "hide": ["navigation", "toc"], **NO_SEARCH}),
        "# 标准目录\n",
        f"{text(catalog_title(catalog.site))}，共 {len(catalog.items)} 项，"
        "按领域分表。点击表头可排序；打印时为 A4 横向。√ 表示适用。\n",
        listing_style(catalog.site),
    ]
    for area in catalog.areas:
        items = catalog.items_of(area)
        parts.append(f"## {text(area.name)}（{len(items)} 项） {{#area-{area.prefix.lower()}}}\n")
        parts.append(area_table(catalog.site, items, f"area-{area.prefix.lower()}", DIRECTORY))
    return "\n".join(parts)


def area_table(site: Site, items: Sequence[Item], label_id: str, page: str) -> str:
    """The official two-row-header table for ``items``, on the page ``page``.

    Cell texts come from ``builder.tables`` so the site and the downloads agree. 情况说明 is
    not an official column and is left to the item pages; 三级事项 is shown where used.
    """
    cols = tables.columns(site)
    keep = [i for i, c in enumerate(cols) if c.label != "情况说明"
            and (c.name != "三级事项" or any(it.level3 for it in items))]
    rows = [_row(site, item, n, cols, keep, page) for n, item in enumerate(items, 1)]
    return table(_heads(cols, keep), rows, label_id=label_id, css="gkml-table gkml-sortable",
                 search=False)


def _heads(cols: Sequence[tables.Column], keep: Sequence[int]) -> list[Head]:
    heads: list[Head] = []
    for i in keep:
        c = cols[i]
        if not c.name:
            heads.append(Head(c.group, key=f"c{i}"))
        elif heads and heads[-1].label == c.group and heads[-1].sub:
            last = heads[-1]
            heads[-1] = Head(c.group, last.key, (*last.sub, c.name), (*last.sub_keys, f"c{i}"))
        else:
            # A group sorts by its first column (公开事项 by 一级事项), each of its columns by itself.
            heads.append(Head(c.group, key=f"c{i}", sub=(c.name,), sub_keys=(f"c{i}",)))
    return heads


def _row(site: Site, item: Item, number: int, cols: Sequence[tables.Column],
         keep: Sequence[int], page: str) -> list[Cell]:
    values = tables.cells(item, site, number)
    row = []
    for i in keep:
        key, label = f"c{i}", cols[i].label
        if label == "事项编码":
            row.append(Cell(anchor(item.code, href(page, item_path(item))), key=key))
        elif label == "序号":
            row.append(Cell(values[i], key=key, sort=f"{number:06d}"))
        else:
            row.append(Cell(text(values[i]), key=key))
    return row


# --- area -------------------------------------------------------------------------


def area_page(catalog: Catalog, area: Area) -> str:
    items = catalog.items_of(area)
    page = area_path(area)
    schema = _area_labels()
    facts = [
        (schema["lead"], _unit(area.lead), True),
        (schema["cooperating"], "、".join(_unit(u) for u in area.cooperating) or "—", True),
        (schema["guideline"], text(area.guideline), True),
    ]
    if area.channels:
        facts.append((schema["channels"], text("、".join(area.channels)), True))
    if area.sources and catalog.site.show_sources:
        facts.append((schema["sources"], _sources(area), True))
    downloads = " · ".join(anchor(fmt.upper(), href(page, download_path(catalog.site, area, fmt)))
                           for fmt in ("csv", "xlsx", "json"))
    return "\n".join([
        front_matter({"title": safe_title(area.name), "hide": ["navigation", "toc"], **NO_SEARCH}),
        f"# {text(area.name)}\n",
        *([f"{text(area.description)}\n"] if area.description else []),
        "## 领域概况 {#facts}\n",
        key_value_table(facts, label_id="facts", css="gkml-table gkml-facts"),
        f"## 本领域标准目录（{len(items)} 项） {{#items}}\n",
        listing_style(catalog.site),
        area_table(catalog.site, items, "items", page),
        f"下载本领域目录：{downloads}\n",
    ])


def _area_labels() -> dict[str, str]:
    sch = schema("area")
    return {k: sch.label(k)[0] for k in ("lead", "cooperating", "guideline", "channels", "sources")}


def _unit(unit: Unit) -> str:
    former = f"（原：{'、'.join(unit.formerly)}）" if unit.formerly else ""
    return text(unit.name + former)


def _sources(area: Area) -> str:
    def one(title: str, address: str) -> str:
        target = safe_url(address)
        return anchor(title, target) if target else text(title)

    return "<br>".join(one(s.title, s.url) for s in area.sources)


# --- item ---------------------------------------------------------------------------


def item_page(catalog: Catalog, item: Item, inputs: Inputs, extra: str = "") -> str:
    """The item's page: front matter, then HTML blocks only (``extra`` is HTML too), which
    Python-Markdown passes through verbatim, so the publish stage may lay the page out
    without it (see ``publish``)."""
    area = next(a for a in catalog.areas if a.slug == item.area)
    heading = f"{item.code} {item.name}"
    page = item_path(item)
    blocks = [
        f'<h1 id="item">{text(heading)}</h1>',
        key_value_table(_elements(item, area, inputs, page), label_id="elements",
                        css="gkml-table gkml-item"),
        *([extra] if extra else []),
        _data_link(item, page),
    ]
    return (front_matter({"title": safe_title(heading), "hide": ["navigation", "toc"]})
            + "\n".join(b.strip("\n") for b in blocks) + "\n")


def _elements(item: Item, area: Area, inputs: Inputs, page: str) -> list[tuple[str, str, bool]]:
    """(label, HTML, indexed) rows; the code and name are indexed through the title."""
    full = inputs.full_text

    def label(key: str) -> str:
        return schema("item").label(key)[0]

    audience = item.audience + (f"：{item.audience_group}" if item.audience_group else "")
    rows = [
        (label("code"), text(item.code), False),
        ("所属领域", anchor(area.name, href(page, area_path(area))), True),
        (label("level1"), text(item.level1), False),
        (label("level2"), text(item.level2), False),
        *([(label("level3"), text(item.level3), False)] if item.level3 else []),
        (label("content"), text(item.content), full),
        (label("basis"), bullet_list(item.basis), full),
        (label("time_limit"), text(item.time_limit), False),
        (label("subject"), text(item.subject), True),
        (label("channels"), text("、".join(item.channels)), False),
        (label("audience"), text(audience), False),
        (label("method"), text("、".join(item.method)), False),
        (label("levels"), text("、".join(item.levels)), False),
        *([(label("notes"), text(item.notes), False)] if item.notes else []),
        *([(label("exemptions"), _exemptions(item), False)] if item.exemptions else []),
    ]
    when = inputs.dates.get(item.file)
    return [*rows, *([("最后修改", when, False)] if when else [])]


def _exemptions(item: Item) -> str:
    sch = schema("item")
    return bullet_list(
        f"{sch.label(e.element)[0]}：{e.reason}（批准：{e.approved_by}，有效期至 {e.until}）"
        for e in item.exemptions)


def _data_link(item: Item, page: str) -> str:
    """The item's published data as a file (what the page shows, nothing more)."""
    return (f'<p class="gkml-data" {SEARCH_EXCLUDE}>本事项数据下载：'
            f'{anchor("JSON", href(page, item_data_path(item)))}</p>')


# --- links -------------------------------------------------------------------------

_HREF = re.compile(r'<a href="([^"]*)"')


def broken_links(pages: Mapping[str, str], files: Iterable[str] = ()) -> list[tuple[str, str]]:
    """(page, href) for every relative link written as HTML whose target is neither a page
    nor one of ``files``. MkDocs checks Markdown links; the links this stage writes as
    final URLs in raw HTML (tables, item pages) are checked here."""
    targets = {page_url(p) for p in pages} | set(files)
    broken = []
    for page, body in pages.items():
        base = page_url(page)
        for raw in _HREF.findall(body):
            target = html.unescape(raw).split("#", 1)[0]
            if not target or "://" in target or target.startswith(("/", "mailto:")):
                continue
            resolved = posixpath.normpath(posixpath.join(base, target))
            resolved = "" if resolved == "." else resolved + ("/" if target.endswith("/") else "")
            if resolved not in targets:
                broken.append((page, raw))
    return broken
