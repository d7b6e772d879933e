"""The record of changes (动态调整): which items were added, changed or withdrawn, and when.

Read from the catalog's git history (``history``: one ``git log`` pass). The home page
lists the latest changes, ``feed.xml`` carries them as an Atom feed, and an item whose
file was removed keeps its address: a page that says when it was withdrawn and shows its
last published content, so a citizen's bookmark or a link checker never meets a dead page.
The directory and the downloads hold current items only (they are made from the catalog).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

import yaml

from builder import tables
from builder.markup import front_matter, href, key_value_table, page_url, text
from builder.model import Catalog, Item
from builder.site.history import Event, History, last_content
from builder.site.render import area_path, item_path

FEED = "feed.xml"
"""The Atom feed, at the site root (a file MkDocs copies as it is)."""

LATEST = 10
"""Changes listed on the home page; the feed carries ``FEED_SIZE``."""
FEED_SIZE = 50

_KINDS = {"A": "新增", "M": "修改", "D": "撤销"}
_ITEM_FILE = re.compile(r"^([^/_][^/]*)/([^/]+)\.yml$")


@dataclass(frozen=True, slots=True)
class Change:
    day: str
    kind: str
    """新增, 修改 or 撤销."""
    code: str
    name: str
    page: str
    """The item's docs path (``items/CODE.md``), current or withdrawn."""


@dataclass(frozen=True, slots=True)
class Withdrawn:
    item: Item
    day: str


@dataclass(frozen=True, slots=True)
class Record:
    changes: tuple[Change, ...]
    withdrawn: tuple[Withdrawn, ...]


def read_record(root: Path, catalog: Catalog, history: History) -> Record:
    """The changes of item files, newest first, and the items withdrawn for good."""
    current = {i.file: i for i in catalog.items}
    codes = {i.code for i in catalog.items}
    areas = {a.slug for a in catalog.areas}
    events = [e for e in history.events if (m := _ITEM_FILE.match(e.path)) and m[1] in areas]
    withdrawn = {}
    for e in events:  # newest first: the latest deletion of a file not there any more
        if e.status == "D" and e.path not in current and e.path not in withdrawn:
            item = _last_item(root, e)
            if item.code not in codes:
                withdrawn[e.path] = Withdrawn(item, e.day)
    changes: dict[tuple[str, str, str], Change] = {}
    for e in events:
        known = current.get(e.path) or (withdrawn[e.path].item if e.path in withdrawn else None)
        if known is not None and e.status in _KINDS:
            change = Change(e.day, _KINDS[e.status], known.code, known.name, item_path(known))
            changes.setdefault((e.day, change.kind, change.code), change)  # one a day, as feed ids
    return Record(tuple(changes.values()), tuple(withdrawn.values()))


def _last_item(root: Path, event: Event) -> Item:
    """The deleted item as last committed; only its code (from the file name) if unreadable."""
    area, stem = event.path.split("/", 1)[0], event.path.rsplit("/", 1)[1].removesuffix(".yml")
    try:
        data = yaml.safe_load(last_content(root, event) or "")
    except yaml.YAMLError:
        data = None
    if not isinstance(data, dict):
        data = {}
    data = {**data, "code": data.get("code") if isinstance(data.get("code"), str) else stem}
    try:
        return Item.from_data(area, event.path, data)
    except (TypeError, ValueError, AttributeError):
        return Item.from_data(area, event.path, {"code": stem})


# --- pages -------------------------------------------------------------------------------


def withdrawn_page(catalog: Catalog, gone: Withdrawn) -> str:
    """The page at a withdrawn item's address: when, and what it last said."""
    item, page = gone.item, item_path(gone.item)
    area = next((a for a in catalog.areas if a.slug == item.area), None)
    heading = f"{item.code} {item.name}（已撤销）".replace("  ", " ")
    rows = [(c.label, text(v), False) for c, v in zip(tables.columns(catalog.site),
                                                      tables.cells(item, catalog.site), strict=True)
            if v and c.label != "序号"]
    back = f'<a href="{href(page, area_path(area))}">{text(area.name)}</a>、' if area else ""
    return (front_matter({"title": heading, "hide": ["navigation", "toc"]})
            + f'<h1 id="item">{text(heading)}</h1>\n'
            + f'<p class="gkml-withdrawn"><strong>本事项已于 {text(gone.day)} 从目录中撤销，不再公开。'
            + f'</strong>以下是撤销前最后公布的内容，仅供查阅。现行事项见{back}'
            + f'<a href="{href(page, "directory.md")}">标准目录</a>。</p>\n'
            + key_value_table(rows, label_id="item", css="gkml-table gkml-item") + "\n")


def withdrawn_pages(catalog: Catalog, record: Record) -> dict[str, str]:
    return {item_path(w.item): withdrawn_page(catalog, w) for w in record.withdrawn}


def latest_section(record: Record, page: str = "index.md") -> str:
    """The home page's list of the latest changes, with the feed's link."""
    feed = f'<a href="{href(page, FEED)}">订阅更新（Atom）</a>'
    if not record.changes:
        return f"\n## 最近更新 {{#changes}}\n\n目录自发布以来没有调整。{feed}\n"
    lines = [f"- {text(c.day)} {c.kind} "
             f'<a href="{href(page, c.page)}">{text(c.code)}</a> {text(c.name)}'
             for c in record.changes[:LATEST]]
    return "\n".join(["\n## 最近更新 {#changes}\n", *lines, "", feed, ""])


# --- feed --------------------------------------------------------------------------------


def atom_feed(catalog: Catalog, record: Record) -> str:
    """The changes as an Atom feed (RFC 4287). Links are absolute under ``site_url``,
    else relative to the feed (a site without an address); ids are stable either way."""
    site = catalog.site
    base = site.site_url.rstrip("/") + "/" if site.site_url else ""
    title = f"{site.jurisdiction}政务公开事项标准目录：动态调整"
    updated = max((c.day for c in record.changes), default="1980-01-01")
    entries = "".join(_entry(c, base, site.jurisdiction) for c in record.changes[:FEED_SIZE])
    return ('<?xml version="1.0" encoding="utf-8"?>\n'
            '<feed xmlns="http://www.w3.org/2005/Atom">\n'
            f"<title>{escape(title)}</title>\n"
            f"<id>{_id(site.jurisdiction, 'feed')}</id>\n"
            f"<updated>{updated}T00:00:00Z</updated>\n"
            f'<link rel="self" href="{escape(base + FEED)}"/>\n'
            f'<link rel="alternate" href="{escape(base or "./")}"/>\n'
            f"<author><name>{escape(site.publisher or site.jurisdiction)}</name></author>\n"
            f"{entries}</feed>\n")


def _entry(c: Change, base: str, owner: str) -> str:
    url = base + page_url(c.page)
    return ("<entry>\n"
            f"<title>{escape(f'{c.kind} {c.code} {c.name}')}</title>\n"
            f"<id>{_id(owner, c.day, c.kind, c.code)}</id>\n"
            f"<updated>{c.day}T00:00:00Z</updated>\n"
            f'<link rel="alternate" href="{escape(url)}"/>\n'
            f"<summary>{escape(f'{c.day}{c.kind}事项 {c.code}（{c.name}）。')}</summary>\n"
            "</entry>\n")


def _id(*parts: str) -> str:
    return uuid.uuid5(uuid.NAMESPACE_URL, "gkml:" + "/".join(parts)).urn


def record_pages(catalog: Catalog, record: Record) -> Mapping[str, str]:
    """The withdrawn items' pages and the feed, by docs path."""
    return {**withdrawn_pages(catalog, record), FEED: atom_feed(catalog, record)}
