"""Each item's published data as a JSON file beside its page (``items/CXGH-001.json``),
linked from the page: what the page shows, for a program or a citizen who wants the data.
Pure apart from the encoding: catalog → (site path, bytes).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from builder import tables
from builder.model import Catalog, Item
from builder.site.render import item_data_path


def item_record(catalog: Catalog, item: Item) -> dict[str, Any]:
    """The item as in the JSON download, with its area's name and without the repository
    path of its file (a clerk's detail, not published)."""
    area = next(a for a in catalog.areas if a.slug == item.area)
    record = {k: v for k, v in tables.item_json(item).items() if k != "file"}
    return {**record, "area_name": area.name, "jurisdiction": catalog.site.jurisdiction}


def item_data_files(catalog: Catalog) -> Iterator[tuple[str, bytes]]:
    # Compact: with ``indent`` json falls back to its pure-Python encoder, six times slower
    # (10,000 items: 1.8 s against 0.3 s).
    for item in catalog.items:
        data = json.dumps(item_record(catalog, item), ensure_ascii=False, separators=(",", ":"))
        yield item_data_path(item), data.encode("utf-8")
