"""gkml check on the command line: every format, the stamp, --min-score and --at REV."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from openpyxl import load_workbook

from tests.conftest import ROOT, run
from tests.test_check import FIXTURES, lay

SCHEMA = json.loads((ROOT / "schema" / "check.schema.json").read_text(encoding="utf-8"))
DATE = ("--date", "2027-01-01")


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


def report(*argv: str) -> dict[str, Any]:
    result = run("check", *argv, "--format", "json", *DATE)
    assert result.code == 0, result.err
    data: dict[str, Any] = json.loads(result.out)
    return data


CASES = ["single-missing", "placeholders", "whitespace", "unparseable", "exemptions"]


@pytest.mark.parametrize("case", CASES)
def test_json_report_validates_against_its_schema(case: str, tmp_path: Path) -> None:
    lay(case, tmp_path / "catalog")
    data = report("catalog")
    jsonschema.validate(data, SCHEMA, format_checker=jsonschema.FormatChecker())
    assert data["score"] == 100 - sum(d["points"] for d in data["deductions"])
    assert set(data["deductions"][0]) >= {"item", "file", "line", "element", "rule", "points", "basis"}


def test_two_runs_differ_only_in_generated_at(tmp_path: Path) -> None:
    lay("exemptions", tmp_path / "catalog")
    first, second = report("catalog"), report("catalog")
    for r in (first, second):
        assert r["stamp"]["commit"] is None  # not a git repository
        r["stamp"].pop("generated_at")
    assert first == second


def test_text_report(tmp_path: Path) -> None:
    lay("single-missing", tmp_path / "catalog")
    out = run("check", "catalog", *DATE).out
    assert "得分 96/100" in out and "要素完整率 96.9% (126/130)" in out
    assert "catalog/cxgh/CXGH-004.yml:10" in out and "国办发〔2019〕54号" in out
    assert "规则手册 0.3.0" in out.splitlines()[-1]
    en = run("check", "catalog", *DATE, "--lang", "en").out
    assert en.startswith("Completeness check") and "score 96/100" in en


def test_csv_report_has_a_bom_and_a_row_per_deduction(tmp_path: Path) -> None:
    lay("single-missing", tmp_path / "catalog")
    assert run("check", "catalog", *DATE, "--format", "csv", "--output", "score.csv").code == 0
    raw = (tmp_path / "score.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    head = rows[0]
    assert head[:3] == ["事项编码", "事项名称", "领域"] and "规则手册" in head
    assert len(rows) == 1 + 4 + 1  # header, 4 deductions, 1 recommendation
    assert rows[1][head.index("扣分")] == "1"
    assert {r[head.index("得分")] for r in rows[1:]} == {"96"}  # the overall score on every row
    assert {r[head.index("满分")] for r in rows[1:]} == {"100"}
    by_item = {r[0]: r for r in rows[1:]}
    assert by_item["CXGH-002"][1] == "规划编制 / 乡村建设规划许可证"


def test_csv_report_of_a_clean_catalog_still_carries_the_score(tmp_path: Path) -> None:
    lay(None, tmp_path / "catalog")
    raw = run("check", "catalog", *DATE, "--format", "csv").out
    rows = list(csv.reader(io.StringIO(raw.lstrip("\ufeff"))))
    assert len(rows) == 2 and rows[1][rows[0].index("得分")] == "100"


def test_xlsx_score_sheet(tmp_path: Path) -> None:
    lay("exemptions", tmp_path / "catalog")
    assert run("check", "catalog", *DATE, "--format", "xlsx").code == 2  # needs --output
    assert run("check", "catalog", *DATE, "--format", "xlsx", "-o", "score.xlsx").code == 0
    wb = load_workbook(tmp_path / "score.xlsx")
    assert wb.sheetnames == ["汇总", "扣分明细", "建议补充（不扣分）", "豁免（不扣分）",
                             "已过期的豁免（照常扣分）", "登记不全的豁免（不生效，照常扣分）"]
    summary = {r[0]: r[1] for r in wb["汇总"].iter_rows(values_only=True) if r and r[0]}
    assert summary["得分"] == 98 and summary["要素完整率"] == "98.6%"
    assert summary["已过期的豁免（照常扣分）"] == "1 条，扣 1 分"
    assert summary["豁免（不扣分）"] == "3 条，免扣 2 分"
    deductions = list(wb["扣分明细"].iter_rows(values_only=True))
    assert len(deductions) == 1 + 2 and deductions[0][1] == "事项名称"
    assert deductions[1][1] == "环境监测 / 水质监测"
    assert len(list(wb["豁免（不扣分）"].iter_rows())) == 1 + 3
    expired = list(wb["已过期的豁免（照常扣分）"].iter_rows(values_only=True))
    assert expired[1][0] == "HJBH-003" and expired[1][expired[0].index("照常扣分")] == 1


def test_markdown_for_a_pull_request(tmp_path: Path) -> None:
    lay("single-missing", tmp_path / "catalog")
    out = run("check", "catalog", *DATE, "--format", "markdown").out
    assert out.startswith("### 完整性考核: 得分 **96** / 100")
    assert "| CXGH-002 | 规划编制 / 乡村建设规划许可证 | catalog/cxgh/CXGH-002.yml:2 | 公开时限 | 1 |" in out
    assert "<details><summary>分领域</summary>" in out and "<sub>" in out


def test_min_score_gates_ci(tmp_path: Path) -> None:
    lay("single-missing", tmp_path / "catalog")  # scores 96
    passed = run("check", "catalog", *DATE, "--min-score", "96")
    assert passed.code == 0 and passed.err == ""
    failed = run("check", "catalog", *DATE, "--min-score", "97")
    assert failed.code == 1 and "得分 96 低于 --min-score 97" in failed.err
    en = run("check", "catalog", *DATE, "--min-score", "97", "--lang", "en")
    assert "score 96 is below --min-score 97" in en.err


def test_every_report_names_the_item(tmp_path: Path) -> None:
    lay("single-missing", tmp_path / "catalog")
    assert "规划编制 / 乡村建设规划许可证" in run("check", "catalog", *DATE).out
    data = report("catalog")
    d = next(d for d in data["deductions"] if d["item"] == "CXGH-002")
    assert (d["level1"], d["level2"], d["name"]) == ("规划编制", "乡村建设规划许可证",
                                                     "规划编制 / 乡村建设规划许可证")


def test_expired_exemptions_have_their_own_heading_and_count(tmp_path: Path) -> None:
    lay("exemptions", tmp_path / "catalog")
    out = run("check", "catalog", *DATE).out
    assert "豁免（不扣分） (3 条，免扣 2 分)" in out
    assert "已过期的豁免（照常扣分） (1 条，扣 1 分)" in out
    assert "登记不全的豁免（不生效，照常扣分） (1 条，扣 1 分)" in out
    in_force = out[out.index("豁免（不扣分）"):out.index("已过期的豁免")]
    assert "HJBH-003" not in in_force  # the expired one is not listed as free
    md = run("check", "catalog", *DATE, "--format", "markdown").out
    assert "豁免（不扣分）：3 条，免扣 2 分；已过期的豁免（照常扣分）：1 条，扣 1 分" in md
    data = report("catalog")
    assert {x["item"]: x["charged"] for x in data["exemptions"]}["HJBH-003"] == 1


def test_citations_name_the_clause_and_the_scale_cites_yiyang(tmp_path: Path) -> None:
    lay("single-missing", tmp_path / "catalog")
    data = report("catalog")
    time_limit = next(d for d in data["deductions"] if d["element"] == "time_limit")
    assert "《中华人民共和国政府信息公开条例》（国务院令第711号）第二十六条" in time_limit["basis"]
    assert "益阳市" in data["scoring_basis"] and "计分表第7项" in data["scoring_basis"]
    assert "创立文件" not in data["scoring_basis"]
    text = run("check", "catalog", *DATE).out
    assert "《中华人民共和国政府信息公开条例》第二十六条" in text  # the short form names the clause too


def test_local_settings_are_labelled_as_such(tmp_path: Path) -> None:
    (lay(None, tmp_path / "catalog") / "ggfl" / "GGFL-001.yml").unlink()  # an empty pilot area
    data = report("catalog")
    empty = [d for d in data["deductions"] if d["reason"] == "empty-area"]
    assert empty and all(d["basis"].startswith("本规则手册设定的分值（非法定）") for d in empty)
    rule = next(r for r in data["rules"] if r["id"] == "area-empty")
    assert "不是法定分值" in rule["setting"]
    assert all("setting" not in r for r in data["rules"] if r["id"] != "area-empty")


def test_baseline_shows_the_score_change_and_what_was_fixed(tmp_path: Path) -> None:
    lay("single-missing", tmp_path / "catalog")
    assert run("check", "catalog", *DATE, "--format", "json", "-o", "before.json").code == 0
    item = tmp_path / "catalog" / "cxgh" / "CXGH-002.yml"
    item.write_text(item.read_text(encoding="utf-8") + "time_limit: 20个工作日内\n", encoding="utf-8")
    other = tmp_path / "catalog" / "ggfl" / "GGFL-001.yml"
    other.write_text("".join(line for line in other.read_text(encoding="utf-8").splitlines(True)
                             if not line.startswith("audience:")), encoding="utf-8")
    data = report("catalog", "--baseline", "before.json")
    base = data["baseline"]
    assert (base["score"], data["score"], base["change"]) == (96, 96, 0)
    assert [(d["item"], d["element"]) for d in base["fixed"]] == [("CXGH-002", "time_limit")]
    assert [(d["item"], d["element"]) for d in base["new"]] == [("GGFL-001", "audience")]
    jsonschema.validate(data, SCHEMA, format_checker=jsonschema.FormatChecker())
    text = run("check", "catalog", *DATE, "--baseline", "before.json").out
    assert "与先前考核比较" in text and "已整改 1 条" in text
    bad = run("check", "catalog", *DATE, "--baseline", "nowhere.json")
    assert bad.code == 2 and "nowhere.json" in bad.err and "Traceback" not in bad.err


def test_usage_errors(tmp_path: Path) -> None:
    missing = run("check", "nowhere")
    assert missing.code == 2 and "nowhere" in missing.err
    assert run("check", "catalog", "--date", "2027-13-01").code == 2
    assert "Traceback" not in missing.err


def _git(repo: Path, *args: str) -> str:
    done = subprocess.run(["git", "-c", "user.name=考核测试", "-c", "user.email=check@example.org",
                           "-c", "commit.gpgsign=false", *args],
                          cwd=repo, capture_output=True, text=True, check=True,
                          env={"GIT_COMMITTER_DATE": "2026-06-30T12:00:00+08:00",
                               "GIT_AUTHOR_DATE": "2026-06-30T12:00:00+08:00", "PATH": "/usr/bin:/bin",
                               "HOME": str(repo)})
    return done.stdout.strip()


def test_at_revision_leaves_the_working_tree_alone(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    _git(repo, "init", "-q")
    cat = lay(None, repo / "catalog")
    _git(repo, "add", "catalog")
    _git(repo, "commit", "-q", "-m", "complete")
    first = _git(repo, "rev-parse", "HEAD")
    (cat / "cxgh" / "CXGH-002.yml").write_text("code: CXGH-002\n", encoding="utf-8")  # 9 missing
    _git(repo, "add", "catalog")
    _git(repo, "commit", "-q", "-m", "one incomplete item")
    (cat / "ggfl" / "GGFL-001.yml").unlink()  # uncommitted: an empty area
    before = _git(repo, "status", "--porcelain")
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(repo)
        old = report("catalog", "--at", first)
        head = report("catalog", "--at", "HEAD")
        now = report("catalog")
    assert (old["score"], old["stamp"]["commit"], old["stamp"]["dirty"]) == (100, first, False)
    assert head["score"] == 91  # 100 - 9
    assert now["score"] == 81 and now["stamp"]["dirty"]  # 100 - 9 - 10 (the empty area)
    assert head["deductions"][0]["file"] == "catalog/cxgh/CXGH-002.yml"  # not a temporary path
    assert _git(repo, "status", "--porcelain") == before
    assert not (cat / "ggfl" / "GGFL-001.yml").exists()


def test_at_revision_defaults_to_the_commit_date(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    _git(repo, "init", "-q")
    lay("exemptions", repo / "catalog")
    _git(repo, "add", "catalog")
    _git(repo, "commit", "-q", "-m", "exemptions")
    shutil.rmtree(repo / "catalog")  # the catalog may be gone from the working tree
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(repo)
        result = run("check", "catalog", "--at", "HEAD", "--format", "json")
        bad = run("check", "catalog", "--at", "no-such-rev")
    data = json.loads(result.out)
    assert data["date"] == "2026-06-30"  # the commit's date
    assert data["score"] == 99  # on 2026-06-30 only HJBH-004's void exemption costs a point
    assert bad.code == 2 and "no-such-rev" in bad.err


def test_fixtures_are_not_modified_by_a_run() -> None:
    before = sorted(p.read_bytes() for p in FIXTURES.rglob("*.yml"))
    run("check", str(FIXTURES / "base"), *DATE)
    assert sorted(p.read_bytes() for p in FIXTURES.rglob("*.yml")) == before
