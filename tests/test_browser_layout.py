"""What the public sees, continued (issue 13): tables that fit at 1366 and 1280 px and on a
phone, every header sorting, the Chinese 404 page, and the text-size and high-contrast
switches, with axe in every mode. Debian's Chromium, as in test_browser.py.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from playwright.sync_api import Browser, Page

from builder.site.render import area_path
from tests.sitekit import BuiltSite
from tests.test_browser import AXE, base, browser  # noqa: F401  (fixtures shared with test_browser)

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}
Opener = Callable[..., Page]
"""Opens a path of the built site in a new browser context: ``open_page(path, viewport)``."""


@pytest.fixture
def open_page(browser: Browser, base: str) -> Iterator[Opener]:  # noqa: F811
    contexts = []

    def go(path: str, viewport: dict[str, int] = DESKTOP) -> Page:
        context = browser.new_context(viewport=viewport)  # type: ignore[arg-type]
        contexts.append(context)
        page = context.new_page()
        page.goto(base + path)
        page.wait_for_load_state("networkidle")
        return page

    yield go
    for c in contexts:
        c.close()


def _area_urls(built_site: BuiltSite) -> list[str]:
    return [area_path(a).removesuffix(".md") + "/" for a in built_site.catalog.areas]


def _listing_urls(built_site: BuiltSite) -> list[str]:
    return ["directory/", *_area_urls(built_site)]


_OVERFLOW = """() => [...document.querySelectorAll('.gkml-sortable table')].map(t => {
    const box = t.closest('.md-typeset__scrollwrap') || t.parentElement
    const doc = document.documentElement.scrollWidth
    return [t.getBoundingClientRect().width, box.clientWidth, doc, innerWidth]
})"""


@pytest.mark.parametrize("width", [1366, 1280])
def test_listing_tables_need_no_sideways_scrolling(
        open_page: Opener, built_site: BuiltSite, width: int) -> None:
    for url in _listing_urls(built_site):
        page = open_page(url, {"width": width, "height": 768})
        for table, box, doc, window in page.evaluate(_OVERFLOW):
            assert table <= box + 0.5 and doc <= window, (url, table, box, doc, window)
        assert page.eval_on_selector_all("nav.md-nav--primary, .md-sidebar--secondary nav",
                                         "ns => ns.filter(n => n.offsetWidth > 0).length") == 0, url


def test_every_item_code_is_reachable_on_a_phone(open_page: Opener, built_site: BuiltSite) -> None:
    page = open_page("directory/", PHONE)
    boxes = page.eval_on_selector_all(".gkml-sortable tbody td a", """links => links.map(a => {
        const r = a.getBoundingClientRect(); return [a.textContent, r.left, r.right, r.width]})""")
    assert sorted(b[0] for b in boxes) == sorted(i.code for i in built_site.catalog.items)
    for code, left, right, width in boxes:
        assert width > 0 and left >= 0 and right <= PHONE["width"], (code, left, right)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    label = page.evaluate("""() => getComputedStyle(
        document.querySelector('.gkml-sortable td[data-sort-column-key="c1"]'), '::before').content""")
    assert label == '"事项编码"'  # each value of a card says what it is


_COLUMN = """(th) => {
    const key = th.getAttribute('data-sort-column-key')
    return [...th.closest('table').tBodies[0].rows].map(r => {
        const td = [...r.cells].find(c => c.getAttribute('data-sort-column-key') === key)
        return (td.getAttribute('data-sort') || td.textContent).trim().toLowerCase()
    })
}"""


def test_every_header_cell_sorts_both_rows_included(open_page: Opener, built_site: BuiltSite) -> None:
    page = open_page(_area_urls(built_site)[0])
    table = page.locator(".gkml-sortable table").first
    headers = table.locator("thead th")
    assert headers.count() > 16
    for n in range(headers.count()):
        th = headers.nth(n)
        label = th.inner_text()
        th.click()
        assert th.get_attribute("aria-sort") == "ascending", label
        values = th.evaluate(_COLUMN)
        assert values == sorted(values, reverse=True) or values == sorted(values), label
        th.focus()
        page.keyboard.press("Enter")
        assert th.get_attribute("aria-sort") == "descending", label
        assert table.locator("th[aria-sort]").count() == 1, label  # one column at a time


def test_404_page_is_chinese_with_header_search_and_home(open_page: Opener) -> None:
    page = open_page("404.html")
    assert page.inner_text("article h1") == "页面不存在"
    assert page.locator("header.md-header").is_visible()
    assert page.locator("article a", has_text="返回首页").count() == 1
    page.fill("#gkml-search-q", "城乡规划")
    page.click("article button[type=submit]")
    page.wait_for_selector(".md-search-result__item", timeout=30_000)
    assert "q=" in page.url


def _size(page: Page) -> float:
    return float(page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)"))


def test_text_size_and_contrast_switches_work_and_are_remembered(open_page: Opener) -> None:
    page = open_page("directory/")
    medium = _size(page)
    page.click(".gkml-display button[data-gkml-size='l']")
    assert _size(page) > medium * 1.1
    assert page.get_attribute(".gkml-display button[data-gkml-size='l']", "aria-pressed") == "true"
    page.click(".gkml-display [data-gkml-contrast]")
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(0, 0, 0)"
    page.goto(page.url.replace("directory/", "about/"))
    page.wait_for_load_state("networkidle")
    assert _size(page) > medium * 1.1 and page.get_attribute("html", "data-gkml-contrast") == "high"
    assert page.get_attribute(".gkml-display [data-gkml-contrast]", "aria-pressed") == "true"
    page.click(".gkml-display button[data-gkml-size='s']")
    assert _size(page) < medium
    page.click(".gkml-display button[data-gkml-size='m']")
    page.click(".gkml-display [data-gkml-contrast]")
    assert _size(page) == medium and page.get_attribute("html", "data-gkml-contrast") is None


MODES = {"default": {}, "large": {"gkml-text-size": "l"}, "small": {"gkml-text-size": "s"},
         "contrast": {"gkml-contrast": "high"},
         "large-contrast": {"gkml-text-size": "l", "gkml-contrast": "high"}}


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("path", ["", "directory/", "areas/cxgh/", "items/CXGH-001/", "check/", "404.html"])
@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_axe_passes_in_every_mode(open_page: Opener, path: str, mode: str, viewport: dict[str, int]) -> None:
    page = open_page(path, viewport)
    for key, value in MODES[mode].items():
        page.evaluate("([k, v]) => localStorage.setItem(k, v)", [key, value])
    page.reload()
    page.wait_for_load_state("networkidle")
    page.add_script_tag(path=str(AXE))
    violations = page.evaluate("""async () => (await axe.run()).violations
        .filter(v => v.impact === 'critical' || v.impact === 'serious')
        .map(v => ({id: v.id, nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}))""")
    assert violations == []
