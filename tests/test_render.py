"""The render stage: golden files for the generated Markdown, and escaping that holds.

Regenerate the goldens after an intended change of the pages, then review the diff:

    GKML_UPDATE_GOLDENS=1 .venv/bin/python -m pytest tests/test_render.py
"""

from __future__ import annotations

import os
import re
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path

import markdown
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from builder.catalog import load_catalog
from builder.markup import text, title, url
from builder.model import Catalog
from builder.report import codes_markdown
from builder.site.pages import download_files, schema_files
from builder.site.render import ABOUT, area_path, broken_links, item_data_path, item_path, nav, render_site
from builder.site.table_style import listing_style

GOLDEN = Path(__file__).resolve().parent / "golden"
UPDATE = os.environ.get("GKML_UPDATE_GOLDENS") == "1"
DATES = {"cxgh/CXGH-001.yml": "2026-01-15", "cxgh/CXGH-002.yml": "2026-03-02",
         "czyj/CZYJ-001.yml": "2025-12-31", "site.yml": "2025-11-01"}
# The extensions of mkdocs.yml, so escaping is checked against the Markdown the site uses.
EXTENSIONS = ["tables", "attr_list", "md_in_html", "toc"]


def golden_catalog() -> Catalog:
    loaded = load_catalog(GOLDEN / "catalog")
    assert loaded.ok, loaded.findings
    return loaded.catalog()


def golden_pages() -> dict[str, str]:
    return render_site(golden_catalog(), DATES)


# The about page explains every element of the item schema, which grows with other
# stages; it is checked on its own below instead of by a golden file.
GOLDEN_PAGES = sorted(p for p in golden_pages() if p != ABOUT)


@pytest.mark.parametrize("page", GOLDEN_PAGES)
def test_page_matches_golden(page: str) -> None:
    expected = GOLDEN / "pages" / page
    actual = golden_pages()[page]
    if UPDATE:
        expected.parent.mkdir(parents=True, exist_ok=True)
        expected.write_text(actual, encoding="utf-8")
    assert expected.is_file(), f"no golden file for {page}; run with GKML_UPDATE_GOLDENS=1"
    assert actual == expected.read_text(encoding="utf-8")


def test_no_stale_golden_files() -> None:
    on_disk = {p.relative_to(GOLDEN / "pages").as_posix() for p in (GOLDEN / "pages").rglob("*.md")}
    assert on_disk == set(GOLDEN_PAGES)


def test_site_has_one_page_per_area_and_item() -> None:
    catalog = golden_catalog()
    pages = golden_pages()
    assert {area_path(a) for a in catalog.areas} <= pages.keys()
    assert {item_path(i) for i in catalog.items} <= pages.keys()
    assert item_path(catalog.items[0]) == "items/CXGH-001.md"


def test_about_page_explains_elements_without_file_keys_or_finding_codes() -> None:
    about = golden_pages()[ABOUT]
    for label in ("公开内容（要素）", "公开依据", "公开时限", "公开渠道和载体", "公开层级"):
        assert label in about
    body = re.sub(r"\{#[a-z-]+\}", "", about.split("---", 2)[2])  # heading ids are not shown
    assert codes_markdown("zh") not in about and "item-code" not in about
    assert not re.search(r"[a-z]{3,}|\.yml", body), re.findall(r".{20}(?:[a-z]{3,}|\.yml).{20}", body)


def test_extra_pages_and_item_sections_are_added_without_touching_the_rest() -> None:
    catalog = golden_catalog()
    plain = render_site(catalog, DATES)
    extended = render_site(catalog, DATES, extra_pages={"check.md": "# 考核\n"},
                           item_extras={"CXGH-001": "## 考核扣分\n\n无扣分。\n"})
    assert extended["check.md"] == "# 考核\n"
    assert "无扣分" in extended["items/CXGH-001.md"] and "无扣分" not in plain["items/CXGH-001.md"]
    changed = ("check.md", "items/CXGH-001.md")
    assert {k: v for k, v in extended.items() if k not in changed} == {
        k: v for k, v in plain.items() if k not in changed}
    assert ("", "check.md") in nav(catalog, ["check.md"])


def test_nav_leaves_items_out() -> None:
    flat = str(nav(golden_catalog()))
    assert "items/" not in flat and "areas/cxgh.md" in flat


def test_downloads_cover_the_catalog_and_each_area_in_three_formats() -> None:
    files = download_files(golden_catalog())
    # named as what they hold, so that a saved copy says so too
    assert {d.path for d in files} >= {"downloads/金样县人民政府政务公开事项标准目录.csv",
                                       "downloads/金样县人民政府政务公开事项标准目录.xlsx",
                                       "downloads/金样县人民政府城乡规划领域政务公开事项标准目录.csv",
                                       "downloads/金样县人民政府财政预决算领域政务公开事项标准目录.json"}
    assert len(files) == 3 * 3


def test_source_links_are_shown_only_when_the_site_asks() -> None:
    catalog = golden_catalog()
    assert "一个不可点击的来源" not in golden_pages()["areas/cxgh.md"]
    shown = Catalog(replace(catalog.site, show_sources=True), catalog.areas, catalog.items)
    assert "一个不可点击的来源" in render_site(shown, DATES)["areas/cxgh.md"]


def test_unsafe_addresses_are_not_linked() -> None:
    catalog = golden_catalog()
    catalog = Catalog(replace(catalog.site, show_sources=True), catalog.areas, catalog.items)
    area = render_site(catalog, DATES)["areas/cxgh.md"]
    assert "一个不可点击的来源" in area and "](<javascript:" not in area
    assert url("javascript:alert(1)") is None and url("https://a.example/x y") == "https://a.example/x%20y"


def test_titles_carry_no_markup_characters() -> None:
    assert title("A <b>&\"x\"</b>\n y") == "A ＜b＞＆＂x＂＜/b＞ y"
    page = golden_pages()["items/CXGH-002.md"]
    front = page.split("---", 2)[1]
    assert "<" not in front and "＜script＞" in front


# --- escaping: any text renders as exactly that text -----------------------------------


class _Collect(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attrs: list[str] = []
        self.data: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attrs += [k for k, _ in attrs]
        if tag == "br":
            self.data.append("\n")

    def handle_data(self, data: str) -> None:
        self.data.append(data)


def _render(markdown_text: str) -> _Collect:
    parsed = _Collect()
    parsed.feed(markdown.markdown(markdown_text, extensions=EXTENSIONS))
    return parsed


HOSTILE = [
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "[x](javascript:alert(1))",
    "<javascript:alert(1)>", "![i](x.png)", "text {: onclick=\"alert(1)\" }", "**b** _i_ `c`",
    "&lt;script&gt;", "\\<b>", "# heading", "1. list", "- item", "> quote", "a | b", "~~s~~",
    "<!-- c -->", "\u3000全角\u3000空格", "[^1]", "[TOC]", "a  \nb", "*", "`",
]


@pytest.mark.parametrize("value", HOSTILE)
def test_text_renders_as_itself(value: str) -> None:
    _assert_inert(value)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from([*"<>&\"'`*_[](){}#!|\\~^=:/.-+ \nab中文", "javascript:", "&lt;",
                                 "&#60;", "<b>", "{:", "](", "![", "\u3000"]), max_size=30).map("".join))
def test_any_text_renders_as_itself(value: str) -> None:
    _assert_inert(value)


def _assert_inert(value: str) -> None:
    # Inside a table cell, as on the site, and on its own line as a paragraph.
    cell = _render(f'<table markdown="1"><tbody markdown="1"><tr markdown="1">'
                   f'<td markdown="span">{text(value)}</td></tr></tbody></table>')
    para = _render(f"前文{text(value)}")
    expected = "\n".join(ln.strip() for ln in value.strip().splitlines() if ln.strip())
    for parsed, allowed in ((cell, {"table", "tbody", "tr", "td", "br"}), (para, {"p", "br"})):
        assert set(parsed.tags) <= allowed, parsed.tags
        assert not parsed.attrs
        shown = "".join(parsed.data).strip().removeprefix("前文")
        assert _spaces(shown) == _spaces(expected)


def _spaces(value: str) -> str:
    return re.sub(r"[^\S\n]+", " ", value).strip()


def test_html_links_of_every_page_resolve() -> None:
    pages = golden_pages()
    catalog = golden_catalog()
    files = [d.path for d in download_files(catalog)] + schema_files()
    assert broken_links(pages, files + [item_data_path(i) for i in catalog.items]) == []
    assert '<a href="../CXGH-001.json">JSON</a>' in pages["items/CXGH-001.md"]
    assert '<a href="../items/CXGH-001/">' in pages["directory.md"]  # the links checked are there


def test_a_link_to_a_missing_page_or_file_is_reported() -> None:
    pages = {"directory.md": '<a href="../items/CXGH-404/">x</a> <a href="https://example.org/">ok</a>',
             "items/CXGH-001.md": '<a href="../../downloads/none.csv">y</a> <a href="../../">home</a>',
             "index.md": ""}
    assert broken_links(pages, ["downloads/catalog.csv"]) == [
        ("directory.md", "../items/CXGH-404/"), ("items/CXGH-001.md", "../../downloads/none.csv")]


def test_listing_style_names_every_column_and_escapes_level_names() -> None:
    site = replace(golden_catalog().site, levels=("县级", 'x"</style><script>'))
    style = listing_style(site)
    assert style.startswith("<style>\n") and style.count("</style>") == 1
    assert "<script>" not in style and 'x"' not in style
    assert 'content: "事项编码"' in style and "公开层级\\ff1a 县级" in style


def test_second_header_row_sorts_by_its_own_columns() -> None:
    area = golden_pages()["areas/cxgh.md"]
    head = area.split("<thead>", 1)[1].split("</thead>", 1)[0]
    second = head.split("</tr>\n<tr>", 1)[1]  # the header's second row
    assert re.findall(r'data-sort-column-key="(c\d+)">(\w+)<', second)[:3] == [
        ("c2", "一级事项"), ("c3", "二级事项"), ("c10", "全社会")]
    assert 'data-sort-method="none"' not in area.split("</thead>", 1)[0]
