"""Does the site's search find what a citizen types? The bundled catalog, built for real,
searched in Debian's Chromium through Material's own search box and worker (issue 13).

The figures (top-1 and top-3 hit rates over tests/search_queries.py) are printed with
``pytest -s``; every query must have a right first result.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Page

from builder.cli import main
from tests.conftest import ROOT
from tests.search_queries import CASES
from tests.sitekit import serve_dir
from tests.test_browser import browser  # noqa: F401  (the shared Chromium fixture)

pytestmark = pytest.mark.browser

BOX = "input.md-search__input"
ITEM = ".md-search-result__item"


@pytest.fixture(scope="module")
def bundled_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = tmp_path_factory.mktemp("bundled") / "site"
    out, err = io.StringIO(), io.StringIO()
    assert main(["build", str(ROOT / "catalog"), "--site-dir", str(site)], out, err) == 0, err.getvalue()
    return site


@pytest.fixture(scope="module")
def search_page(browser: Browser, bundled_site: Path) -> Iterator[Page]:  # noqa: F811
    with serve_dir(bundled_site) as base:
        context = browser.new_context(viewport={"width": 1366, "height": 900})
        page = context.new_page()
        page.goto(base)
        page.wait_for_load_state("networkidle")
        page.keyboard.press("s")  # Material's shortcut to the search box
        page.wait_for_function(f"document.activeElement.matches('{BOX}')")
        yield page
        context.close()


def _codes(page: Page) -> list[str]:
    hrefs = page.eval_on_selector_all(f"{ITEM} > a", "els => els.map(e => e.href)")
    return [urlsplit(h).path.strip("/").rsplit("/", 1)[-1] for h in hrefs]


def _clear(page: Page) -> None:
    page.fill(BOX, "")
    page.wait_for_function(f"!document.querySelector('{ITEM}')")


def _results(page: Page) -> list[str]:
    page.wait_for_selector(ITEM, timeout=30_000)
    return _codes(page)


def test_citizen_queries_find_the_right_item_first(search_page: Page) -> None:
    top1 = top3 = 0
    wrong = []
    for query, right in CASES:
        _clear(search_page)
        search_page.fill(BOX, query)  # an input event, no key: as a paste
        codes = _results(search_page)
        top1 += codes[0] in right
        top3 += any(c in right for c in codes[:3])
        if codes[0] not in right:
            wrong.append((query, codes[:3]))
    n = len(CASES)
    print(f"\nsearch relevance on {n} queries: top-1 {top1}/{n} ({top1 / n:.0%}), "
          f"top-3 {top3}/{n} ({top3 / n:.0%})")
    assert n >= 30
    assert not wrong, wrong


def test_text_put_in_without_a_key_searches(search_page: Page) -> None:
    # A mouse or long-press paste: the text arrives with an input event and no key event.
    _clear(search_page)
    search_page.keyboard.insert_text("危险废物")
    assert _results(search_page)[0] == "HJBH-004"


def test_an_input_method_searches_when_the_word_is_chosen(search_page: Page) -> None:
    # What an IME does: composition events around the text, input events flagged as
    # composing (ignored until the word is chosen), then compositionend. No keyup.
    _clear(search_page)
    search_page.evaluate("""box => {
        const el = document.querySelector(box)
        el.dispatchEvent(new CompositionEvent("compositionstart", {bubbles: true}))
        el.value = "zhaobiao"
        el.dispatchEvent(new InputEvent("input", {bubbles: true, isComposing: true}))
        el.value = "招标投标"
        el.dispatchEvent(new CompositionEvent("compositionend", {bubbles: true, data: "招标投标"}))
    }""", BOX)
    assert _results(search_page)[0] == "ZDJS-010"


def test_typing_still_searches(search_page: Page) -> None:
    _clear(search_page)
    search_page.keyboard.type("ggfl005")
    # each key searches; the answer to the whole query is the last to arrive
    search_page.wait_for_function(
        f"(document.querySelector('{ITEM} > a') || {{}}).href?.includes('/GGFL-005/')", timeout=30_000)
    assert _results(search_page)[0] == "GGFL-005"
