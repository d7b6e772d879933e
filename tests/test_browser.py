"""What the public sees: the built site in headless Chromium, served over http on 127.0.0.1.

Uses Debian's /usr/bin/chromium (no browser download) and axe-core from node_modules
(`npm ci`). When CI=true a missing Chromium fails the run instead of skipping it.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Browser, ConsoleMessage, Dialog, Page, Request, sync_playwright

from builder.model import Item
from builder.site.pages import download_path
from builder.site.render import area_path
from tests.conftest import ROOT
from tests.sitekit import XSS_CODE, BuiltSite, serve_dir

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        message = "Chromium is missing: apt-get install chromium (see .ci/run)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def base(built_site: BuiltSite) -> Iterator[str]:
    with serve_dir(built_site.site_dir) as url:
        yield url


@dataclass
class Tab:
    """A page with everything it did recorded."""

    page: Page
    base: str
    requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def open(self, path: str) -> Page:
        self.page.goto(self.base + path)
        self.page.wait_for_load_state("networkidle")
        return self.page

    def text(self, selector: str = "article") -> str:
        return self.page.inner_text(selector)

    def search(self, query: str) -> list[str]:
        """Type ``query`` into the search box; the paths of the results, best first."""
        self.open("")
        self.page.keyboard.press("s")  # Material's keyboard shortcut to the search box
        self.page.wait_for_function("document.activeElement.matches('input.md-search__input')")
        self.page.fill("input.md-search__input", query)
        self.page.keyboard.press("End")  # Material reads the query on keyup
        self.page.wait_for_selector(".md-search-result__item", timeout=30_000)
        hrefs = self.page.eval_on_selector_all(".md-search-result__item > a",
                                               "els => els.map(e => e.href)")
        return [urlsplit(h).path.removeprefix("/") for h in hrefs]

    def xss(self) -> object:
        return self.page.evaluate("window.__xss")


@pytest.fixture
def tab(browser: Browser, base: str) -> Iterator[Tab]:
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    page = context.new_page()
    t = Tab(page, base)
    page.on("request", lambda r: t.requests.append(_url(r)))
    page.on("console", lambda m: _console(t, m))
    page.on("pageerror", lambda e: t.errors.append(f"pageerror: {e}"))
    page.on("dialog", lambda d: _dialog(t, d))
    yield t
    context.close()


def _url(request: Request) -> str:
    return request.url


def _console(t: Tab, message: ConsoleMessage) -> None:
    if message.type == "error":
        t.errors.append(message.text)


def _dialog(t: Tab, dialog: Dialog) -> None:
    t.dialogs.append(dialog.message)
    dialog.dismiss()


# --- pages -------------------------------------------------------------------------------


def test_home_lists_the_nine_areas_with_their_counts(tab: Tab, built_site: BuiltSite) -> None:
    tab.open("")
    cards = tab.page.locator(".grid.cards li").all_inner_texts()
    catalog = built_site.catalog
    assert len(catalog.areas) == 9 and len(cards) == 9
    for area, card in zip(catalog.areas, cards, strict=True):
        assert area.name in card and f"{len(catalog.items_of(area))} 个事项" in card


def test_directory_shows_every_item(tab: Tab, built_site: BuiltSite) -> None:
    tab.open("directory/")
    tables = tab.page.locator(".gkml-sortable table")
    assert tables.count() == len(built_site.catalog.areas)
    codes = tab.page.eval_on_selector_all(".gkml-sortable tbody td a", "els => els.map(e => e.textContent)")
    assert sorted(codes) == sorted(i.code for i in built_site.catalog.items)
    headers = tab.page.eval_on_selector_all(".gkml-sortable thead th", "els => els.map(e => e.textContent)")
    for label in ("序号", "公开事项", "一级事项", "二级事项", "公开内容（要素）", "公开依据", "公开时限",
                  "公开主体", "公开渠道和载体", "全社会", "特定群体", "主动", "依申请", "县级", "乡级"):
        assert label in headers


def test_directory_sorts_from_the_keyboard(tab: Tab) -> None:
    page = tab.open("directory/")
    table = page.locator(".gkml-sortable table").first
    codes = table.locator("tbody td a").all_inner_texts()
    header = table.locator("th", has_text="事项编码")
    header.focus()
    page.keyboard.press("Enter")
    page.keyboard.press("Enter")
    assert header.get_attribute("aria-sort") == "descending"
    assert table.locator("tbody td a").all_inner_texts() == sorted(codes, reverse=True)


def test_area_page_shows_its_facts_and_items(tab: Tab, built_site: BuiltSite) -> None:
    catalog = built_site.catalog
    for area in catalog.areas:
        tab.open(area_path(area).removesuffix(".md") + "/")
        shown = tab.text()
        for fact in (area.name, area.lead.name, area.guideline, *(u.name for u in area.cooperating)):
            assert fact in shown
        links = tab.page.eval_on_selector_all(".gkml-sortable tbody td a",
                                              "els => els.map(e => e.textContent)")
        assert links == [i.code for i in catalog.items_of(area)]
        for item in catalog.items_of(area):
            assert item.level2 in shown and item.time_limit.splitlines()[0] in shown


def _samples(items: tuple[Item, ...]) -> list[Item]:
    """The first item, and the first with each optional element in use."""
    picks = [items[0], *(next((i for i in items if has(i)), None) for has in (
        lambda i: i.level3, lambda i: i.audience_group, lambda i: len(i.method) > 1, lambda i: i.notes,
        lambda i: i.exemptions))]
    return list(dict.fromkeys(p for p in picks if p is not None))


def test_item_pages_show_every_element(tab: Tab, built_site: BuiltSite) -> None:
    for item in _samples(built_site.catalog.items):
        tab.open(f"items/{item.code}/")
        shown = tab.text()
        expected = [item.code, item.level1, item.level2, item.level3, item.content, *item.basis,
                    item.time_limit, item.subject, *item.channels, item.audience, item.audience_group,
                    *item.method, *item.levels, item.notes]
        for value in filter(None, expected):
            assert " ".join(value.split()) in " ".join(shown.split()), (item.code, value)
        for label in ("事项编码", "所属领域", "公开内容（要素）", "公开依据", "公开时限", "公开主体",
                      "公开渠道和载体", "公开对象", "公开方式", "公开层级", "最后修改"):
            assert label in shown
        assert "源文件" not in shown and item.file not in shown  # published data only
        data_link = tab.page.get_attribute("a[href$='.json']", "href")
        assert data_link is not None and data_link.endswith(f"items/{item.code}.json")


def test_directory_prints_on_a4_landscape(tab: Tab) -> None:
    page = tab.open("directory/")
    pdf = page.pdf(prefer_css_page_size=True)
    boxes = {tuple(round(float(v)) for v in box.split()) for box in
             re.findall(r"/MediaBox\s*\[([^\]]*)\]", pdf.decode("latin-1"))}
    assert boxes == {(0, 0, 842, 595)}  # A4 landscape, in points
    page.set_viewport_size({"width": 1047, "height": 740})  # 277 mm: A4 landscape less margins
    page.emulate_media(media="print")
    widths = page.eval_on_selector_all(".gkml-sortable table", "ts => ts.map(t => t.scrollWidth)")
    article = page.eval_on_selector("article", "a => a.clientWidth")
    assert max(widths) <= article  # every column is on the paper


# --- search ------------------------------------------------------------------------------


def test_search_for_a_code_shows_that_item_first(tab: Tab, built_site: BuiltSite) -> None:
    items = built_site.catalog.items
    for item in (items[0], items[len(items) // 2], items[-1]):
        assert tab.search(item.code)[0] == f"items/{item.code}/"


def test_search_for_a_chinese_term_shows_a_matching_item_first(tab: Tab) -> None:
    first = tab.search("预决算")[0]
    assert first.startswith("items/CZYJ-"), first


def test_search_for_an_item_name_shows_that_item_first(tab: Tab, built_site: BuiltSite) -> None:
    item = next(i for i in built_site.catalog.items if i.code.startswith("HJBH"))
    assert tab.search(item.level2)[0] == f"items/{item.code}/"


# --- downloads ---------------------------------------------------------------------------


def test_every_download_opens_and_holds_every_item(tab: Tab, built_site: BuiltSite) -> None:
    page = tab.open("downloads/")
    hrefs = page.eval_on_selector_all("article a[href*='downloads/']", "els => els.map(e => e.href)")
    data = [h for h in hrefs if "/schema/" not in h]
    assert len(data) == 3 * (1 + len(built_site.catalog.areas))
    for href in data:
        response = page.request.get(href)
        assert response.ok, href
        name = unquote(href.rsplit("/", 1)[1])
        assert _codes(name, response.body()) == _expected(name, built_site), href
    for href in (h for h in hrefs if "/schema/" in h):
        assert json.loads(page.request.get(href).body())["$schema"].startswith("https://json-schema.org/")


def _expected(name: str, built_site: BuiltSite) -> list[str]:
    catalog = built_site.catalog
    scopes = {download_path(catalog.site, a, "csv").rsplit("/", 1)[1].removesuffix(".csv"): a
              for a in (None, *catalog.areas)}
    area = scopes[name.rsplit(".", 1)[0]]
    return [i.code for i in (catalog.items_of(area) if area else catalog.items)]


def _codes(name: str, body: bytes) -> list[str]:
    # the whole catalog's CSV and 汇总 sheet have a 领域 column first
    at = 1 + ("领域" not in name)
    if name.endswith(".csv"):
        assert body.startswith(b"\xef\xbb\xbf")  # the BOM Excel on Chinese Windows needs
        rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
        return [r[at] for r in rows[2:]]
    if name.endswith(".xlsx"):
        sheets = load_workbook(io.BytesIO(body), read_only=True).worksheets
        codes = [str(r[at]) for r in sheets[0].iter_rows(min_row=4, values_only=True) if r[at]]
        if at == 2:  # then a sheet per area, which together hold every item once
            assert [str(r[1]) for ws in sheets[1:] for r in ws.iter_rows(min_row=4, values_only=True)
                    if r[1]] == codes
        return codes
    return [i["code"] for i in json.loads(body)["items"]]


# --- safety ------------------------------------------------------------------------------


def test_no_request_leaves_localhost_and_no_console_errors(tab: Tab, built_site: BuiltSite) -> None:
    area = built_site.catalog.areas[0]
    for path in ("", "directory/", area_path(area).removesuffix(".md") + "/",
                 f"items/{built_site.catalog.items[0].code}/", "downloads/", "about/"):
        tab.open(path)
    tab.search("公开")
    assert tab.requests and all(r.startswith(tab.base) for r in tab.requests), \
        [r for r in tab.requests if not r.startswith(tab.base)]
    assert tab.errors == []


def test_hostile_item_runs_nothing_on_its_page(tab: Tab) -> None:
    page = tab.open(f"items/{XSS_CODE}/")
    page.hover("article")
    page.locator("article td", has_text="平台").first.hover()
    assert tab.xss() is None and tab.dialogs == []
    assert page.eval_on_selector_all("article script, article img, article iframe, article svg[onload]",
                                     "els => els.length") == 0
    assert page.eval_on_selector_all("a[href^='javascript' i]", "els => els.length") == 0
    shown = tab.text()
    assert "<script>window.__xss='content'</script>" in shown
    assert "[链接](javascript:window.__xss='link')" in shown
    assert "<script>window.__xss='publisher'</script>" in tab.text("footer")
    assert not any(r.rstrip("/").endswith("/x") for r in tab.requests)  # <img src=x> never loaded
    assert tab.errors == []


@pytest.mark.parametrize("query", [XSS_CODE, "恶意测试事项", "预决算测试"])
def test_hostile_item_runs_nothing_in_search_results(tab: Tab, query: str) -> None:
    results = tab.search(query)
    assert f"items/{XSS_CODE}/" in results
    shown = tab.text(".md-search-result")
    assert "<script>" in shown or "<img" in shown
    assert tab.xss() is None and tab.dialogs == []
    assert tab.page.eval_on_selector_all(".md-search-result img, .md-search-result script, "
                                         ".md-search-result iframe", "els => els.length") == 0
    assert tab.errors == []


# --- accessibility -----------------------------------------------------------------------


@pytest.mark.parametrize("path", ["", "directory/", "areas/cxgh/", "items/CXGH-001/", f"items/{XSS_CODE}/",
                                  "downloads/", "about/"])
def test_axe_finds_no_serious_violation(tab: Tab, path: str) -> None:
    assert AXE.is_file(), "axe-core is missing: run npm ci"
    page = tab.open(path)
    page.add_script_tag(path=str(AXE))
    violations = page.evaluate("""async () => (await axe.run()).violations
        .filter(v => v.impact === 'critical' || v.impact === 'serious')
        .map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}))""")
    assert violations == []
