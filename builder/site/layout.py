"""Item pages laid out from one prototype page that MkDocs renders, and the sitemap entries
for them."""

from __future__ import annotations

import gzip
import io
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from builder.files import write_atomic
from builder.markup import page_url
from builder.progress import track

# --- item pages laid out from a prototype ---------------------------------------------------
#
# Every item page sits at the same depth (items/<CODE>/), is out of the nav and has the same
# front matter but its title, so MkDocs and Material would render all of them with the same
# page around a different title, address and content. MkDocs renders one prototype with
# markers in those places; every item page is that page with the markers replaced. This
# takes a 10,000-item build from about 56 s of MkDocs to a few seconds; the result is the
# page MkDocs itself makes, byte for byte (tests/test_site_build.py builds both and compares).

ITEMS = "items/"
PROTO = f"{ITEMS}_gkml-prototype.md"  # "_" first: no item code's page can have this name
PROTO_URL = PROTO[:-3]
_TITLE = "GKMLPROTOTYPETITLE"
_BODY = f'<h1 id="item">{_TITLE}</h1>\n<p>GKMLPROTOTYPEBODY</p>'
_LAYOUT = "item-layout.json"
STRIP = re.compile(r'\s?data-search-\w+="[^"]+"')
"""What Material's search plugin removes from every page's HTML (on_page_context)."""


def split_page(page: str) -> tuple[dict[str, Any], str]:
    """A page from ``render`` → (front matter, body); its front matter lines are JSON values."""
    _, head, body = page.split("---\n", 2)
    meta = {k: json.loads(v) for k, v in (line.split(": ", 1) for line in head.splitlines())}
    return meta, body


def prototype(item: str) -> str:
    """An item page's front matter with the title marked, and the marked body."""
    meta, _ = split_page(item)
    lines = (f"{k}: {json.dumps(_TITLE if k == 'title' else v, ensure_ascii=False)}" for k, v in meta.items())
    return "---\n" + "\n".join(lines) + "\n---\n" + _BODY + "\n"


@dataclass(frozen=True, slots=True)
class Layout:
    """The prototype page cut at its content, with the title and address still marked."""

    head: str
    tail: str

    @classmethod
    def from_page(cls, page: str) -> Layout:
        if page.count(_BODY) != 1:
            raise RuntimeError("item prototype not found in the rendered page: has the theme changed?")
        head, tail = page.split(_BODY)
        return cls(head, tail)

    def page(self, item: str, url: str) -> str:
        meta, body = split_page(item)
        title = str(meta["title"])  # render.item_page made it safe (no markup characters)

        def fill(part: str) -> str:
            return part.replace(PROTO_URL + "/", url).replace(_TITLE, title)

        return fill(self.head) + STRIP.sub("", body.rstrip("\n")) + fill(self.tail)

    def write(self, site: Path, items: Mapping[str, str], *, atomic: bool = False) -> int:
        """Write the pages of ``items`` into ``site``; ``atomic`` replaces each file whole
        (for a folder being served), else files are written in place (a fresh folder)."""
        for rel, item in track("写入页面 pages", items.items(), len(items)):
            url = page_url(rel)
            raw = self.page(item, url).encode("utf-8")
            if atomic:
                write_atomic(site / url / "index.html", raw)
            else:
                (site / url).mkdir(parents=True, exist_ok=True)
                (site / url / "index.html").write_bytes(raw)
        return len(items)

    def save(self, work: Path) -> None:
        write_atomic(work / _LAYOUT, json.dumps({"head": self.head, "tail": self.tail}).encode("utf-8"))

    @classmethod
    def load(cls, work: Path) -> Layout | None:
        try:
            saved = json.loads((work / _LAYOUT).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return cls(saved["head"], saved["tail"])


def merge_sitemap(site: Path, items: Mapping[str, str]) -> None:
    """One sitemap entry per item where MkDocs wrote the prototype's."""
    path = site / "sitemap.xml"
    if not path.is_file():
        return
    xml = path.read_text(encoding="utf-8")
    marker = PROTO_URL + "/"
    at = xml.find(marker)
    if at < 0:
        return
    start = xml.rfind("<url>", 0, at)
    start = xml.rfind("\n", 0, start) + 1
    end = xml.index("</url>", at) + len("</url>\n")
    entry = xml[start:end]
    xml = xml[:start] + "".join(entry.replace(marker, page_url(rel)) for rel in items) + xml[end:]
    raw = xml.encode("utf-8")
    path.write_bytes(raw)
    gz = site / "sitemap.xml.gz"
    mtime = int.from_bytes(gz.read_bytes()[4:8], "little") if gz.is_file() else 0
    buffer = io.BytesIO()
    with gzip.GzipFile(fileobj=buffer, filename=str(gz), mode="wb", mtime=mtime) as out:
        out.write(raw)
    gz.write_bytes(buffer.getvalue())


def refresh_items(work: Path, site_dir: Path, items: Mapping[str, str]) -> int:
    """Lay out ``items`` into an already built ``site_dir`` with the last build's layout, in
    place (each file replaced atomically): the live preview's fast path. Returns how many
    pages were written, 0 when there is no saved layout yet."""
    layout = Layout.load(work)
    if layout is None:
        return 0
    return layout.write(site_dir, items, atomic=True)
