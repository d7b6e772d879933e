"""The inspector's pages for the site: rendered with Python-Markdown (the extensions the site
uses for these pages) and read back as HTML, so escaping and accessibility are tested on
what a browser would get."""

from __future__ import annotations

from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import markdown
import pytest

from builder.check.result import CheckResult
from builder.check.rulebook import load_rules
from builder.check.score import check_path
from builder.site.check_pages import item_section, methodology_page, score_page
from tests.test_check import lay

VOID = {"br", "hr", "img", "input", "meta", "link", "col", "wbr"}


class _Html(HTMLParser):
    """Collects tags and checks that every element is closed in order."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.errors: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack.pop() != tag:
            self.errors.append(f"unexpected </{tag}>")

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def html_of(page: str) -> _Html:
    body = page.split("\n---\n", 1)[1] if page.startswith("---\n") else page
    parser = _Html()
    parser.feed(markdown.markdown(body, extensions=["tables", "attr_list", "md_in_html"]))
    parser.close()
    assert not parser.errors and not parser.stack, (parser.errors, parser.stack)
    return parser


@pytest.fixture
def result(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CheckResult:
    monkeypatch.chdir(tmp_path)
    cat = lay("single-missing", tmp_path / "catalog")
    lay("exemptions", tmp_path / "more")  # borrow the exemption items
    for f in (tmp_path / "more" / "hjbh").glob("HJBH-00[2-6].yml"):
        f.rename(cat / "hjbh" / f.name)
    item = cat / "cxgh" / "CXGH-003.yml"
    item.write_text(item.read_text(encoding="utf-8").replace(
        "subject: 考核测试县自然资源局", 'subject: "<script>alert(1)</script>*局*|[x](y)"'), encoding="utf-8")
    return check_path(cat, load_rules(), date(2027, 1, 1))


def test_score_page_tables_and_chart(result: CheckResult) -> None:
    page = score_page(result)
    doc = html_of(page)
    tags = [t for t, _ in doc.tags]
    assert "script" not in tags and "<script>alert(1)</script>*局*|[x](y)" in "".join(doc.text)
    svg = next(a for t, a in doc.tags if t == "svg")
    assert svg["role"] == "img" and "chart-areas-title" in (svg["aria-labelledby"] or "")
    assert tags.count("rect") == len(result.areas)
    assert "title" in tags and "desc" in tags
    assert tags.count("table") >= 4  # areas, subjects, deductions, exemptions (+ stamp)
    assert all(a.get("scope") in ("col", "row") for t, a in doc.tags if t == "th")
    assert f"<strong>得分 {result.score}</strong>" in page


def test_score_page_splits_exemptions_by_status_and_names_items(result: CheckResult) -> None:
    text = "".join(html_of(score_page(result)).text)
    assert "豁免（不扣分）（3 条，免扣 2 分）" in text
    assert "已过期的豁免（照常扣分）（1 条，扣 1 分）" in text
    assert "登记不全的豁免（不生效，照常扣分）（1 条，扣 1 分）" in text
    assert "规划编制 / 乡村建设规划许可证" in text  # CXGH-002's deduction names the item


def test_score_page_links_items_when_asked(result: CheckResult) -> None:
    page = score_page(result, item_href=lambda code: f"../items/{code}/")
    assert '<a href="../items/CXGH-002/">CXGH-002</a>' in page


def test_bars_are_proportional_to_scores(result: CheckResult) -> None:
    doc = html_of(score_page(result))
    widths = [float(a["width"] or 0) for t, a in doc.tags if t == "rect"]
    scores = [a.score for a in result.areas]
    assert widths == [round(400 * s / 100, 1) for s in scores]


def test_item_section(result: CheckResult) -> None:
    assert item_section(result, "CXGH-001") == ""
    section = item_section(result, "CXGH-002")
    text = "".join(html_of(section).text)
    assert "本事项扣 1 分" in text and "公开时限" in text and "国办发〔2019〕54号" in text
    exempt = "".join(html_of(item_section(result, "HJBH-002")).text)
    assert "本事项扣 0 分" in exempt and "有效期至 2030-12-31" in exempt


def test_methodology_page_cites_every_rule() -> None:
    book = load_rules()
    page = methodology_page(book)
    text = "".join(html_of(page).text)
    for rule in book.rules:
        assert f"{{#rule-{rule.id}}}" in page
        for c in rule.basis:
            assert c.text() in text
    assert "益阳市" in text and "扣分制，总分100分，扣完为止" in text  # the scale's real source
    assert "创立文件" not in text.split("空白试点领域")[0]
    settings = text.split("本规则手册自己的设定")[-1]
    assert "不是法定分值" in settings and "事项编码" in settings
    assert "已过期的豁免" in text and "照常扣分" in text
    assert all(name in text for name in book.pilot_areas)
    assert book.version in text and "同上" in text
