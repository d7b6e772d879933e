"""The public site carries published data only (issue 13, item 1).

One real build of the bundled catalog (its items carry '# 来源：' comments, and no 情况说明,
so the check pages list a recommendation for each) with more of what a clerk keeps out of
public view: ``#`` comments in item files; and the footer's record numbers. Then every
page, the search index and the sitemap are scanned for the comments, repository paths,
finding codes and English identifiers.
"""

from __future__ import annotations

import html
import io
import json
import re
import shutil
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

from builder.catalog import load_catalog
from builder.check.rulebook import MISSING_LABELS, load_rules
from builder.cli import main
from builder.findings import CODES
from builder.model import ITEM_KEYS
from tests.conftest import ROOT

pytestmark = pytest.mark.slow

SECRET = "领导说先不公开"
RECORDS = {"site_code": "4400000099", "icp_record": "粤ICP备12345678号-1",
           "police_record": "粤公网安备 44010402000123号"}
EXEMPTION = """exemptions:
  - element: channels
    reason: 《中华人民共和国政府信息公开条例》第二十条
    approved_by: 示例县政务公开办
    until: "2099-12-31"
"""
ALLOWED_WORDS = {"https", "http"}
"""Lowercase words a public page may show: none of gkml's identifiers are among them."""


@pytest.fixture(scope="module")
def public_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("public")
    catalog = base / "catalog"
    shutil.copytree(ROOT / "catalog", catalog)
    site = yaml.safe_load((catalog / "site.yml").read_text(encoding="utf-8"))
    site.update(RECORDS)
    site["contact"].pop("email", None)  # a published address, but lowercase ASCII by nature
    (catalog / "site.yml").write_text(yaml.safe_dump(site, allow_unicode=True), encoding="utf-8")
    for n, item in enumerate(sorted(catalog.glob("*/*-00[12].yml"))):
        text = item.read_text(encoding="utf-8")
        item.write_text(text.replace("content:", f"# {SECRET}（{n}）\ncontent:", 1), encoding="utf-8")
    with (catalog / "cxgh" / "CXGH-003.yml").open("a", encoding="utf-8") as f:
        f.write(EXEMPTION)
    out, err = io.StringIO(), io.StringIO()
    assert main(["build", str(catalog), "--site-dir", str(base / "site")], out, err) == 0, err.getvalue()
    return base / "site"


class _Visible(HTMLParser):
    """The text a reader sees or hears: text nodes outside script and style, and the
    attributes that are shown or spoken."""

    SPOKEN = ("title", "aria-label", "placeholder", "alt", "value")

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._hidden += 1
        self.parts += [v for k, v in attrs if k in self.SPOKEN and v]

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)


def visible(page: str) -> str:
    parser = _Visible()
    parser.feed(page)
    return " ".join(parser.parts)


def _public_texts(site: Path) -> Iterator[tuple[str, str]]:
    """(where, text) for every page's visible text, every search entry, the sitemap."""
    for page in sorted(site.rglob("*.html")):
        yield page.relative_to(site).as_posix(), visible(page.read_text(encoding="utf-8"))
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    for doc in index["docs"]:
        yield f"search:{doc['location']}", visible(doc["title"]) + " " + visible(doc["text"])
    yield "sitemap.xml", (site / "sitemap.xml").read_text(encoding="utf-8")


def _identifiers() -> set[str]:
    rules = load_rules()
    return ({*CODES, *ITEM_KEYS, *MISSING_LABELS, "audience_group", "time_limit", "level1"}
            | {r.id for r in rules.rules})


def _problems(texts: Iterator[tuple[str, str]]) -> list[tuple[str, str]]:
    identifiers = _identifiers()
    problems = []
    for where, text in texts:
        for needle in (SECRET, "来源：依据", "catalog/", ".yml", "sha256", "源文件"):
            if needle in text:
                problems.append((where, needle))
        if where == "sitemap.xml":
            continue
        words = set(re.findall(r"(?<![A-Za-z0-9])[a-z][a-z0-9_-]{2,}", text)) - ALLOWED_WORDS
        problems += [(where, w) for w in sorted(words)]
        problems += [(where, i) for i in identifiers if re.search(rf"(?<![\w-]){re.escape(i)}(?![\w-])", text)
                     and i not in ALLOWED_WORDS and not i.isupper()]
    return sorted(set(problems))


_CHECK_SECTION = re.compile(r'<h2 id="check">.*?(?=<p class="gkml-data")', re.S)
"""An item page's 考核 section (check_pages.item_section), up to the data link after it."""
ELSEWHERE = ("check/", "check-method/", "downloads/", "search:check", "search:downloads")
"""The 考核 pages (their wording comes from the rule book) and the 下载 page, scanned whole
by the test after this one; item pages are scanned here with their 考核 section cut out."""


def test_no_comment_path_code_or_identifier_is_published(public_site: Path) -> None:
    def texts() -> Iterator[tuple[str, str]]:
        for where, text in _public_texts(public_site):
            if not where.startswith(ELSEWHERE):
                yield where, text
        for page in sorted((public_site / "items").glob("*/index.html")):
            yield "check-free:" + page.parent.name, visible(
                _CHECK_SECTION.sub("", page.read_text(encoding="utf-8")))

    problems = [p for p in _problems(texts()) if not p[0].startswith("items/")]
    assert problems == [], problems[:60]


def test_check_pages_and_downloads_name_no_internals(public_site: Path) -> None:
    assert _problems(_public_texts(public_site)) == []


def test_every_file_holds_no_clerk_comment(public_site: Path) -> None:
    for path in public_site.rglob("*"):
        if path.is_file() and path.suffix in (".html", ".json", ".xml", ".csv", ".js"):
            raw = path.read_text(encoding="utf-8-sig")
            assert SECRET not in raw and "来源：依据" not in raw, path


def test_the_guide_is_not_public_and_the_check_pages_are(public_site: Path) -> None:
    assert not (public_site / "guide").exists()
    index = (public_site / "index.html").read_text(encoding="utf-8")
    assert "公开专员操作指南" not in index and "考核方法" in index
    assert (public_site / "check" / "index.html").is_file()


def test_item_page_keeps_its_table_date_and_data_link(public_site: Path) -> None:
    code = "CXGH-002"
    page = (public_site / "items" / code / "index.html").read_text(encoding="utf-8")
    shown = visible(page)
    assert "公开内容（要素）" in shown and "最后修改" in shown
    assert f'href="../{code}.json"' in page
    data = json.loads((public_site / "items" / f"{code}.json").read_text(encoding="utf-8"))
    assert data["code"] == code and "file" not in data and data["area_name"] == "城乡规划"


def test_footer_shows_the_record_numbers_with_their_links(public_site: Path) -> None:
    page = (public_site / "about" / "index.html").read_text(encoding="utf-8")
    footer = page[page.index('<div class="md-copyright">'):]
    assert "网站标识码：4400000099" in visible(footer)
    assert '<a href="https://beian.miit.gov.cn/"' in footer and "粤ICP备12345678号-1" in footer
    assert html.escape("https://beian.mps.gov.cn/#/query/webSearch?code=44010402000123") in footer
    assert "粤公网安备 44010402000123号" in footer


def test_404_page_is_chinese_with_search_and_a_way_home(public_site: Path) -> None:
    page = (public_site / "404.html").read_text(encoding="utf-8")
    shown = visible(page)
    assert "页面不存在" in shown and "返回首页" in shown and "Not found" not in shown
    assert re.search(r'<form[^>]*role="search"', page) and 'name="q"' in page


def test_a_county_can_keep_the_check_pages_and_guide_off(tmp_path: Path) -> None:
    catalog = tmp_path / "catalog"
    shutil.copytree(ROOT / "catalog", catalog)
    with (catalog / "site.yml").open("a", encoding="utf-8") as f:
        f.write("show_check_pages: false\n")
    assert load_catalog(catalog).ok
    out, err = io.StringIO(), io.StringIO()
    assert main(["build", str(catalog), "--site-dir", str(tmp_path / "site")], out, err) == 0, err.getvalue()
    site = tmp_path / "site"
    assert not (site / "check").exists() and not (site / "check-method").exists()
    assert "考核" not in visible((site / "index.html").read_text(encoding="utf-8"))
    assert main(["build", str(catalog), "--site-dir", str(tmp_path / "preview"), "--guide"], out, err) == 0
    assert (tmp_path / "preview" / "guide" / "index.html").is_file()


def test_an_item_page_shows_its_check_only_for_points_or_an_exemption(public_site: Path) -> None:
    def page(code: str) -> str:
        return (public_site / "items" / code / "index.html").read_text(encoding="utf-8")

    assert '<h2 id="check">' in page("CXGH-003") and "豁免" in visible(page("CXGH-003"))
    assert '<h2 id="check">' not in page("CXGH-002")  # nothing deducted, nothing exempted
