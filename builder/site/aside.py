"""Tables of pages kept out of search, set aside before MkDocs and put back after.

Python-Markdown passes a raw HTML table through untouched, but still scans it: the
10,000-row 标准目录 alone took MkDocs 5 s and 120 MB. The page keeps a marker where each
table was; the rendered HTML gets the table back, byte for byte as MkDocs would have
written it (tests/test_site_build.py compares the two)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

from builder.markup import TABLE_BLOCK, page_url
from builder.site.layout import STRIP, split_page

_ASIDE = "<!--gkml-aside-{}-->"


def set_aside(path: str, page: str, aside: dict[str, tuple[str, list[tuple[int, int]]]]) -> str:
    """``page`` with each table replaced by a marker, for pages kept out of search only (for
    the others the search plugin reads the tables); ``aside[path]`` keeps the page and where
    its tables are, not copies of them."""
    if not page.startswith("---\n") or not (split_page(page)[0].get("search") or {}).get("exclude"):
        return page
    spans: list[tuple[int, int]] = []

    def mark(match: re.Match[str]) -> str:
        spans.append(match.span())
        return _ASIDE.format(len(spans) - 1) + "\n"

    marked = TABLE_BLOCK.sub(mark, page)
    if spans:
        aside[path] = (page, spans)
    return marked


def put_back(site: Path, aside: Mapping[str, tuple[str, list[tuple[int, int]]]]) -> None:
    for path, (source, spans) in aside.items():
        html_file = site / page_url(path) / "index.html"
        page = html_file.read_text(encoding="utf-8")
        for n, (start, end) in enumerate(spans):
            marker = _ASIDE.format(n)
            if page.count(marker) != 1:  # never publish a page without its table
                raise RuntimeError(f"{path}: table {n} not found in the rendered page (theme changed?)")
            page = page.replace(marker, STRIP.sub("", source[start:end].rstrip("\n")))
        html_file.write_text(page, encoding="utf-8")
