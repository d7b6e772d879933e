"""gkml inspect: published tables scored row by row with check's rule book, and a plan ranked.

The tables are ``tests/inspect_tables.py``'s (real 公共法律服务 rows of official-format.md b.9,
laid out as county portals publish them); the gkml catalog is the shipped one.
"""

from __future__ import annotations

import csv
import datetime as dt
import http.server
import io
import json
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from tests import inspect_tables as T
from tests.conftest import ROOT, run

DATE = ("--date", "2027-01-10")


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


def inspect_json(*argv: str, code: int = 0) -> dict[str, Any]:
    result = run("inspect", *argv, *DATE, "--format", "json")
    assert result.code == code, result.err
    data: dict[str, Any] = json.loads(result.out)
    return data


def _without_row_value(monkeypatch: pytest.MonkeyPatch, row: int, col: int) -> None:
    rows = [list(r) for r in T.ROWS]
    rows[row][col] = ""
    monkeypatch.setattr(T, "ROWS", rows)


def test_one_element_left_out_of_one_row_costs_its_points_and_names_the_row(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    T.write_xlsx(tmp_path / "full.xlsx")
    _without_row_value(monkeypatch, 4, 6)  # row 5's 公开主体 (not under a merge)
    T.write_xlsx(tmp_path / "gap.xlsx")
    full, gap = inspect_json("full.xlsx"), inspect_json("gap.xlsx")
    assert full["score"] - gap["score"] == 1
    new = [d for d in gap["deductions"] if d["reason"] != "empty-area"]
    assert len(new) == 1
    d = new[0]
    assert (d["element"], d["points"], d["row"], d["level1"], d["level2"]) == (
        "subject", 1, "5", "法律援助", "法律援助服务")
    assert d["source"] == "gap.xlsx" and d["table"] and d["rule"] == "subject" and d["basis"]
    text = run("inspect", "gap.xlsx", *DATE).out
    assert "gap.xlsx｜" in text and "序号 5" in text and "法律援助 / 法律援助服务" in text


def test_the_json_report_has_the_shape_of_check_s(tmp_path: Path) -> None:
    import jsonschema

    T.write_xlsx(tmp_path / "c.xlsx")
    data = inspect_json("c.xlsx", "--jurisdiction", "测试县")
    schema = json.loads((ROOT / "schema" / "check.schema.json").read_text(encoding="utf-8"))
    jsonschema.validate(data, schema, format_checker=jsonschema.FormatChecker())
    assert data["jurisdiction"] == data["name"] == "测试县"
    assert data["tables"][0]["rows"] == 5 and data["tables"][0]["area"] == "公共法律服务"


def test_the_same_table_scores_the_same_as_xlsx_and_csv(tmp_path: Path) -> None:
    T.write_xlsx(tmp_path / "c.xlsx")
    T.write_csv(tmp_path / "c.csv")
    x, c = inspect_json("c.xlsx"), inspect_json("c.csv")
    assert (x["score"], x["rate"], x["items"]) == (c["score"], c["rate"], c["items"])

    def key(data: dict[str, Any]) -> list[tuple[str, ...]]:
        return sorted((d["rule"], d.get("row", ""), d["area"]) for d in data["deductions"])
    assert key(x) == key(c)


def test_an_absent_column_is_reported_once_per_table_and_costs_what_the_rule_book_says(
        tmp_path: Path) -> None:
    rows = [["序号", "一级事项", "二级事项", "公开内容", "公开依据", "公开时限", "公开主体", "公开渠道和载体",
             "公开方式"]]
    rows += [[r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], "主动公开"] for r in T.ROWS[:3]]
    with (tmp_path / "公共法律服务.csv").open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows)
    data = inspect_json("公共法律服务.csv")
    gaps = [f for f in data["findings"] if f["code"] == "inspect-column-absent"]
    by_element = {g["element"]: g for g in gaps}
    assert set(by_element) == {"code", "audience", "levels", "notes"}  # once per absent column, not per row
    assert (by_element["audience"]["rows"], by_element["audience"]["points"]) == (3, 3)
    assert by_element["code"]["points"] == 0 and "不扣分" in by_element["code"]["message"]
    audience = [d for d in data["deductions"] if d["element"] == "audience"]
    assert len(audience) == 3 and {d["reason"] for d in audience} == {"no-column"}
    assert not [d for d in data["deductions"] if d["element"] == "code"]  # the rule book's setting
    assert by_element["levels"]["points"] == 0 and "只提示" in by_element["levels"]["message"]
    assert not [d for d in data["advisories"] if d["element"] in ("levels", "notes")]  # said once above


def test_a_page_without_a_catalog_table_is_reported_not_scored(tmp_path: Path) -> None:
    (tmp_path / "nav.html").write_text(
        '<html><head><meta charset="utf-8"><title>首页</title></head><body>'
        "<table><tr><td>首页</td><td>政务公开</td><td>互动交流</td></tr></table></body></html>",
        encoding="utf-8")
    result = run("inspect", "nav.html", *DATE, "--format", "json")
    assert result.code == 1 and "未能计分" in result.err
    data = json.loads(result.out)
    assert data["score"] is None and data["deductions"] == []
    assert {f["code"] for f in data["findings"]} >= {"inspect-no-table", "inspect-not-scored"}


def _three(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "catalog", tmp_path / "甲县" / "catalog")
    (tmp_path / "乙县").mkdir()
    (tmp_path / "丙县").mkdir()
    T.write_html(tmp_path / "乙县" / "目录.html", "gbk")
    T.write_xlsx(tmp_path / "丙县" / "目录.xlsx")
    plan = tmp_path / "inspection.yml"
    plan.write_text("title: 测试市2027年度基层政务公开标准目录考核\n"
                    "date: \"2027-01-10\"\n"
                    "jurisdictions:\n"
                    "  - name: 丙县\n    sources: [丙县/目录.xlsx]\n"
                    "  - name: 甲县\n    sources: [甲县/catalog]\n"
                    "  - name: 乙县\n    sources: [乙县/目录.html]\n", encoding="utf-8")
    return plan


def test_a_plan_of_three_ranks_them(tmp_path: Path) -> None:
    _three(tmp_path)
    data = inspect_json("--plan", "inspection.yml")
    names = [j["name"] for j in data["jurisdictions"]]
    assert names[0] == "甲县"  # the gkml catalog, complete, first
    assert [j["rank"] for j in data["jurisdictions"]] == [1, 2, 2]  # 乙县 and 丙县 publish one table alike
    scores = [j["score"] for j in data["jurisdictions"]]
    assert scores == sorted(scores, reverse=True)
    check = json.loads(run("check", "甲县/catalog", *DATE, "--format", "json").out)
    assert data["jurisdictions"][0]["score"] == check["score"]  # scored exactly as gkml check scores it
    assert data["jurisdictions"][0]["deductions"] == check["deductions"]
    for j in data["jurisdictions"]:
        assert all(len(s["sha256"]) == 64 for s in j["stamp"]["sources"])


def test_a_plan_gives_the_same_numbers_twice(tmp_path: Path) -> None:
    _three(tmp_path)
    first, second = inspect_json("--plan", "inspection.yml"), inspect_json("--plan", "inspection.yml")
    for d in (first, second):
        d["stamp"].pop("generated_at")
        for j in d["jurisdictions"]:
            j["stamp"].pop("generated_at", None)
    assert first == second


def test_plan_xlsx_score_sheet_opens(tmp_path: Path) -> None:
    _three(tmp_path)
    done = run("inspect", "--plan", "inspection.yml", *DATE, "--format", "xlsx", "-o", "计分表.xlsx")
    assert done.code == 0
    wb = load_workbook(tmp_path / "计分表.xlsx")
    assert wb.sheetnames == ["汇总", "1.甲县", "2.丙县", "3.乙县"]
    rows = list(wb["汇总"].iter_rows(values_only=True))
    assert rows[0][:3] == ("名次", "被考核单位", "得分")
    assert [r[1] for r in rows[1:4]] == ["甲县", "丙县", "乙县"]
    assert any(str(h).startswith("缺失要素（按要素）") for h in rows[0])
    sheet = list(wb["2.丙县"].iter_rows(values_only=True))
    assert str(sheet[0][0]).startswith("丙县 · 得分")


def test_plan_html_is_self_contained(tmp_path: Path) -> None:
    _three(tmp_path)
    assert run("inspect", "--plan", "inspection.yml", *DATE, "--format", "html", "-o", "r.html").code == 0
    page = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert "<svg" in page and 'role="img"' in page
    assert "http://" not in page.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "https://" not in page and "<script" not in page and "<link" not in page
    assert page.count('<section class="jurisdiction"') == 3
    assert "益阳" in page  # each section cites the scale's source


def test_plan_baseline_shows_change(tmp_path: Path) -> None:
    _three(tmp_path)
    before = run("inspect", "--plan", "inspection.yml", *DATE, "--format", "json", "-o", "before.json")
    assert before.code == 0
    item = tmp_path / "甲县" / "catalog" / "cxgh" / "CXGH-002.yml"
    item.write_text("".join(x for x in item.read_text(encoding="utf-8").splitlines(True)
                            if not x.startswith("time_limit")), encoding="utf-8")
    data = inspect_json("--plan", "inspection.yml", "--baseline", "before.json")
    jia = next(j for j in data["jurisdictions"] if j["name"] == "甲县")
    assert jia["baseline"]["change"] == -1
    assert [(d["item"], d["element"]) for d in jia["baseline"]["new"]] == [("CXGH-002", "time_limit")]


def test_usage_errors(tmp_path: Path) -> None:
    assert run("inspect").code == 2
    (tmp_path / "bad.yml").write_text("title: x\njurisdictions: []\n", encoding="utf-8")
    bad = run("inspect", "--plan", "bad.yml")
    assert bad.code == 2 and "jurisdictions" in bad.err and "Traceback" not in bad.err
    T.write_csv(tmp_path / "c.csv")
    assert run("inspect", "c.csv", "--format", "xlsx").code == 2  # needs --output
    low = run("inspect", "c.csv", *DATE, "--min-score", "99")
    assert low.code == 1 and "低于 --min-score 99" in low.err


def test_csv_and_markdown_carry_scores_and_names(tmp_path: Path) -> None:
    _three(tmp_path)
    out = run("inspect", "--plan", "inspection.yml", *DATE, "--format", "csv").out
    rows = list(csv.reader(io.StringIO(out.lstrip("\ufeff"))))
    head = rows[0]
    assert head[:4] == ["名次", "被考核单位", "得分", "要素完整率"]
    assert {r[1] for r in rows[1:]} == {"甲县", "乙县", "丙县"}
    md = run("inspect", "--plan", "inspection.yml", *DATE, "--format", "markdown").out
    assert "| 1 | 甲县 |" in md


@pytest.mark.browser
def test_plan_html_passes_axe_in_chromium(tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    from tests.test_browser import ARGS, AXE, CHROMIUM

    if not CHROMIUM.exists():
        pytest.skip("Chromium is missing: apt-get install chromium (see .ci/run)")
    assert AXE.is_file(), "axe-core is missing: run npm ci"
    _three(tmp_path)
    assert run("inspect", "--plan", "inspection.yml", *DATE, "--format", "html", "-o", "r.html").code == 0
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        page = browser.new_page()
        requests: list[str] = []
        page.on("request", lambda r: requests.append(r.url))
        page.goto((tmp_path / "r.html").as_uri())
        page.add_script_tag(path=str(AXE))
        violations = page.evaluate("""async () => (await axe.run()).violations
            .filter(v => v.impact === 'critical' || v.impact === 'serious')
            .map(v => ({id: v.id, impact: v.impact,
                        nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}))""")
        section = page.inner_text("#j2")
        page.goto((tmp_path / "r.html").as_uri() + "#j2")  # one county's report, printed alone
        page.emulate_media(media="print")
        alone = [page.is_visible(s) for s in ("#j1", "#j2", "#j3", "#ranking")]
        browser.close()
    assert alone == [False, True, False, False]
    assert violations == []
    assert [u for u in requests if not u.startswith("file://")] == []  # nothing fetched from anywhere
    assert "丙县" in section and "益阳" in section and "名次 2 / 3" in section


def test_the_rule_book_decides_what_an_absent_code_column_costs(tmp_path: Path) -> None:
    T.write_xlsx(tmp_path / "c.xlsx")  # no 事项编码 column, as published tables go
    shipped = (ROOT / "schema" / "rules.yml").read_text(encoding="utf-8")
    assert "  unscored: [code]\n" in shipped
    (tmp_path / "strict.yml").write_text(shipped.replace("  unscored: [code]\n", "  unscored: []\n"),
                                         encoding="utf-8")
    lenient, strict = inspect_json("c.xlsx"), inspect_json("c.xlsx", "--rules", "strict.yml")
    assert lenient["score"] - strict["score"] == 5  # 5 rows, 1 point each
    [gap] = [f for f in strict["findings"] if f["element"] == "code"]
    assert (gap["rows"], gap["points"]) == (5, 5)
    assert strict["stamp"]["rules_sha256"] != lenient["stamp"]["rules_sha256"]


class _Page(http.server.BaseHTTPRequestHandler):
    """A county portal's catalog page, GBK as many are, served on 127.0.0.1."""

    def do_GET(self) -> None:
        body = T.page_html("gbk").encode("gb18030")
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=GBK")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:  # the base class's parameter name
        pass


@pytest.fixture
def server() -> Iterator[str]:
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Page)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_an_address_is_inspected_and_its_fetch_kept_as_evidence(server: str, tmp_path: Path) -> None:
    url = f"{server}/zwgk/ggfl.shtml"
    (tmp_path / "out").mkdir()
    done = run("inspect", url, "--jurisdiction", "测试县", *DATE, "--format", "json", "-o", "out/r.json")
    assert done.code == 0, done.err
    data = json.loads((tmp_path / "out" / "r.json").read_text(encoding="utf-8"))
    [source] = data["stamp"]["sources"]
    assert source["url"] == url and len(source["sha256"]) == 64
    assert dt.datetime.fromisoformat(source["fetched_at"].replace("Z", "+00:00")).tzinfo is not None
    kept = [p for p in (tmp_path / "out" / "gkml-evidence").rglob("*") if p.is_file()]
    assert kept  # the fetched copy lies next to the report
    assert data["tables"][0]["rows"] == 5 and data["score"] is not None
