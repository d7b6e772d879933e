"""Markdown building blocks that keep clerks' text inert: escaping, titles, links, HTML tables.

Every value from YAML reaches the site through ``text`` (or ``title``, ``url``), so
``<script>``, raw HTML, Markdown links and attribute lists in an element are shown as
the characters the clerk typed and never become markup. Escaping happens here, before
the Markdown, because Material's search index is built from the rendered HTML and its
result snippets are inserted as HTML: what is escaped once here stays text in both.

Tables and item pages are raw HTML blocks (the official two-row header needs
``rowspan``/``colspan``, and key/value tables need row headers for screen readers), which
Python-Markdown passes through verbatim: no ``md_in_html`` parsing, which is quadratic on
a 10,000-row table. Links in raw HTML are written as final URLs (``href``) and are
checked by ``render.broken_links``, since MkDocs checks only Markdown links.
"""

from __future__ import annotations

import html
import json
import posixpath
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

# HTML's special characters, and Markdown punctuation that could start inline markup
# (emphasis, code, links, images, attribute lists, table cells, headings), written as
# character references in one pass: Markdown passes them through and the browser shows
# the character itself.
_ESCAPES = str.maketrans({"<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;", "'": "&#39;",
                          **{c: f"&#{ord(c)};" for c in "\\`*_{}[]|#!~^="}})
# Characters a title must not carry: MkDocs and Material print page titles unescaped in
# places (and `striptags` unescapes entities), so they are swapped for full-width forms.
_TITLE = str.maketrans({"<": "＜", ">": "＞", "&": "＆", '"': "＂", "'": "＇", "\n": " ",
                        "\r": " ", "\t": " "})
_SAFE_SLUG = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


def text(value: str) -> str:
    """``value`` as inline Markdown that renders to exactly these characters."""
    lines = (line.strip().translate(_ESCAPES) for line in value.strip().splitlines())
    return "<br>".join(line for line in lines if line)


def title(value: str) -> str:
    """``value`` made safe for a page title or nav label (no markup characters)."""
    return " ".join(value.translate(_TITLE).split())


def url(value: str) -> str | None:
    """An http(s) address for a Markdown link destination, or None when it is not one."""
    parts = urlsplit(value.strip())
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return quote(value.strip(), safe=":/?#@!$&'*+,;=%~-._")


def link(label: str, target: str) -> str:
    """A Markdown link; ``label`` is raw text, ``target`` a page path or checked address."""
    return f"[{text(label)}](<{target}>)"


def anchor(label: str, href_: str) -> str:
    """An HTML link; ``label`` is raw text, ``href_`` a final URL (see ``href``)."""
    return f'<a href="{html.escape(href_, quote=True)}">{text(label)}</a>'


def page_url(path: str) -> str:
    """The URL of the docs file ``path`` under MkDocs' ``use_directory_urls``, relative to
    the site root: ``index.md`` → ``""``, ``items/X.md`` → ``items/X/``; other files keep
    their path."""
    if not path.endswith(".md"):
        return path
    stem = path[:-3]
    if stem == "index" or stem.endswith("/index"):
        stem = stem[:-5]
    return stem.rstrip("/") + "/" if stem.rstrip("/") else ""


def href(from_page: str, to_path: str) -> str:
    """The relative URL from the page ``from_page`` to the docs file ``to_path``."""
    here = page_url(from_page)
    target = page_url(to_path)
    rel = posixpath.relpath(target or ".", here or ".")
    rel = "./" if rel == "." else rel
    is_page = target == "" or target.endswith("/")
    return rel + "/" if is_page and not rel.endswith("/") else rel


def slug(value: str, fallback: str) -> str:
    """``value`` when it is safe as a file and URL name, else ``fallback``."""
    return value if _SAFE_SLUG.fullmatch(value) else fallback  # `$` would pass 'x\n'


def front_matter(meta: Mapping[str, object]) -> str:
    """YAML front matter; JSON values are valid YAML and need no quoting rules."""
    lines = [f"{key}: {json.dumps(value, ensure_ascii=False)}" for key, value in meta.items()]
    return "---\n" + "\n".join(lines) + "\n---\n"


def attrs(values: Mapping[str, str | int]) -> str:
    return "".join(f' {k}="{html.escape(str(v), quote=True)}"' for k, v in values.items())


SEARCH_EXCLUDE = 'data-search-exclude="true"'
"""Keeps an element out of Material's search index; the search plugin strips the attribute
from the page (only when it has a value, hence ``="true"``)."""


@dataclass(frozen=True, slots=True)
class Cell:
    """One table cell; ``body`` is HTML (escaped text, ``anchor`` links)."""

    body: str
    sort: str = ""
    key: str = ""
    header: bool = False

    def html(self) -> str:
        tag = "th" if self.header else "td"
        a: dict[str, str | int] = {"scope": "row"} if self.header else {}
        if self.key:
            a["data-sort-column-key"] = self.key
        if self.sort:
            a["data-sort"] = self.sort
        return f"<{tag}{attrs(a)}>{self.body}</{tag}>"


@dataclass(frozen=True, slots=True)
class Head:
    """One header cell of a table's first (or only) header row."""

    label: str
    key: str = ""
    sub: tuple[str, ...] = ()
    """Labels of the second header row under this cell (a group such as 公开对象)."""
    sub_keys: tuple[str, ...] = ()
    """The sort keys of the ``sub`` cells (each names its column's cells, as ``key`` does)."""

    def html(self, two_rows: bool) -> str:
        a: dict[str, str | int] = {"scope": "colgroup" if self.sub else "col"}
        if self.sub:
            a["colspan"] = len(self.sub)
        elif two_rows:
            a["rowspan"] = 2
        if self.key:
            a["data-sort-column-key"] = self.key
        else:
            a["data-sort-method"] = "none"
        return f"<th{attrs(a)}>{text(self.label)}</th>"


def table(heads: Sequence[Head], rows: Iterable[Sequence[Cell]], *, label_id: str,
          css: str, search: bool = True) -> str:
    """An HTML table labelled by the heading ``label_id``; sortable by tablesort.

    With a two-row header, tablesort drives the first row (``data-sort-method=thead``) and
    gkml.js the second; each sortable header names its cells by ``data-sort-column-key``,
    because tablesort's column index is wrong once a row holds spanning cells.
    """
    two_rows = any(h.sub for h in heads)
    head = "<tr" + (' data-sort-method="thead"' if two_rows else "") + ">"
    head += "".join(h.html(two_rows) for h in heads) + "</tr>\n"
    if two_rows:
        head += "<tr>" + "".join(_sub_head(h) for h in heads) + "</tr>\n"
    exclude = "" if search else f" {SEARCH_EXCLUDE}"
    body = "".join("<tr>" + "".join(c.html() for c in row) + "</tr>\n" for row in rows)
    return _wrap(css, f'<table aria-labelledby="{label_id}"{exclude}>\n'
                 f"<thead>\n{head}</thead>\n<tbody>\n{body}</tbody>\n</table>\n")


def _sub_head(head: Head) -> str:
    keys = head.sub_keys or ("",) * len(head.sub)
    return "".join(f'<th scope="col"{attrs({"data-sort-column-key": k}) if k else ""}>{text(s)}</th>'
                   for s, k in zip(head.sub, keys, strict=True))


def key_value_table(rows: Iterable[tuple[str, str, bool]], *, label_id: str, css: str) -> str:
    """A two-column table of (label, HTML, searchable) rows, labels as row headers.

    Labels, and rows not marked searchable, are kept out of the search index: they repeat
    on every page and would only make the index bigger.
    """
    body = "".join(
        f'<tr{"" if indexed else " " + SEARCH_EXCLUDE}>'
        f'<th scope="row" {SEARCH_EXCLUDE}>{text(label)}</th><td>{value}</td></tr>\n'
        for label, value, indexed in rows)
    return _wrap(css, f'<table aria-labelledby="{label_id}">\n<tbody>\n{body}</tbody>\n</table>\n')


def _wrap(css: str, table_html: str) -> str:
    # The class goes on a wrapper: Material styles, and wraps for horizontal scrolling,
    # only tables that have no class of their own.
    return f'<div class="{css}">\n{table_html}</div>\n'


TABLE_BLOCK = re.compile(r'^<div class="gkml-table[^"\n]*">\n<table .*?</table>\n</div>\n', re.S | re.M)
"""One table as ``table`` and ``key_value_table`` write it: a raw HTML block of its own."""


def bullet_list(values: Iterable[str]) -> str:
    """Escaped values as an HTML list (usable inside a table cell)."""
    return "<ul>" + "".join(f"<li>{text(v)}</li>" for v in values) + "</ul>"


def code_block(source: str, lang: str = "yaml") -> str:
    """A fenced code block that no backtick run inside ``source`` can close early."""
    longest = max((len(m) for m in re.findall(r"`+", source)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}{lang}\n{source.rstrip()}\n{fence}\n"
