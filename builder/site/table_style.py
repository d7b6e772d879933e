"""Render stage, the listing tables' per-site CSS: how the 标准目录 and area tables fit.

The columns depend on the site (its levels name the last tick columns), so the rules that
name columns are written here, once per page, into a ``<style>`` block: the short tick
columns (公开对象, 公开方式, 公开层级) as narrow as their header, and on a phone, where each
row is shown as a card (gkml.css), the label in front of every value. Cells carry only
their column key (``data-sort-column-key``), which the sort needs anyway, so a
10,000-row table grows by nothing. Pure: site → HTML string.
"""

from __future__ import annotations

from builder import tables
from builder.model import Site

PHONE = "screen and (max-width: 44.9375em)"
"""Material's breakpoint below which the navigation is a drawer (719 px)."""
WIDE = "screen and (min-width: 45em), print"
_TABLE = ".md-typeset .gkml-sortable table:not([class])"
_SHORT = ("公开对象", "公开方式", "公开层级")
"""Groups whose columns hold a tick (or a few words): as wide as their header, in em (one
Chinese character each, and 1.4 em of padding: widths include it). A fixed width, because
the browser's table layout would hand spare room to a column sized "as narrow as possible"."""


def listing_style(site: Site) -> str:
    """The ``<style>`` block for a page with listing tables (a raw HTML block)."""
    cols = tables.columns(site)
    narrow = "\n".join(
        f'  {_TABLE} td[data-sort-column-key="c{i}"] {{ width: {_em(c)}em; text-align: center; }}'
        for i, c in enumerate(cols) if c.group in _SHORT or c.label == "序号")
    labels = "\n".join(
        f'  {_TABLE} td[data-sort-column-key="c{i}"]::before {{ content: "{_css(_label(c))}"; }}'
        for i, c in enumerate(cols))
    return (f"<style>\n@media {WIDE} {{\n{narrow}\n}}\n"
            f"@media {PHONE} {{\n{labels}\n}}\n</style>\n")


def _em(col: tables.Column) -> float:
    return max(len(col.label), 2) + 1.6


def _label(col: tables.Column) -> str:
    return f"{col.group}：{col.name}" if col.name and col.group != "公开事项" else col.label


def _css(value: str) -> str:
    """``value`` as the inside of a CSS string: every character but letters and digits
    (Chinese ones included) escaped, so a site's level name can neither end the string nor
    the style element."""
    return "".join(c if c.isalnum() else f"\\{ord(c):x} " for c in value)
