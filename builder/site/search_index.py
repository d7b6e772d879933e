"""The items' search entries, made by Material's own indexer, and the one pass that puts
them into the index MkDocs wrote."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Mapping
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import yaml

from builder.markup import page_url
from builder.site.layout import PROTO_URL, split_page
from builder.site.search_keys import tune_index


def search_entries(items: Mapping[str, str], config_path: Path) -> list[dict[str, Any]]:
    """The search index entries of ``items``, made by Material's own indexer, as its search
    plugin would make them for pages MkDocs rendered (jieba segments the Chinese)."""
    from material.plugins.search import plugin as search  # type: ignore[import-untyped]

    if search.jieba is not None:
        search.jieba.setLogLevel(logging.WARNING)
        user = _plugin_option(config_path, "jieba_dict_user")
        if user:
            search.jieba.load_userdict(user)
    index = search.SearchIndex()
    for rel, item in items.items():
        meta, body = split_page(item)
        index.add_entry_from_context(SimpleNamespace(
            meta=meta, content=_EXCLUDED.sub("", body), toc=[], url=page_url(rel), title=meta["title"]))
    return index.entries


_EXCLUDED = re.compile(r'<(tr|th|div)\b[^>]* data-search-exclude="true"[^>]*>.*?</\1>', re.S)
"""Elements the indexer would skip, cut out before it parses the page: it then reads a
third of the HTML (10,000 items: 6 s → 2 s) and makes the same entries. Sound for what
``render`` writes: none of these elements holds another of its kind or a heading."""


def _plugin_option(config_path: Path, key: str) -> Any:
    config = yaml.safe_load(config_path.read_text(encoding="utf-8"))
    for plugin in config.get("plugins", []):
        if isinstance(plugin, dict) and "search" in plugin:
            return (plugin["search"] or {}).get(key)
    return None


def finish_index(path: Path, entries: list[dict[str, Any]],
                 keys: Mapping[str, str] | None = None) -> None:
    """Put the items' ``entries`` where the prototype's are in Material's search index, give
    it the items' hidden search field ``keys`` (``search_keys``), and write it as UTF-8:
    Material escapes every Chinese character (and jieba's zero-width separators) as a
    6-byte \\uXXXX, doubling the download."""
    if not path.is_file():
        return
    data = json.loads(path.read_text(encoding="utf-8"))
    docs = data["docs"]
    proto = [i for i, e in enumerate(docs) if e["location"].startswith(PROTO_URL + "/")]
    at = proto[0] if proto else len(docs)
    docs[:] = [*docs[:at], *entries, *(e for i, e in enumerate(docs) if i >= at and i not in proto)]
    tune_index(data, keys or {})
    path.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
