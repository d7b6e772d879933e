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
    assert "规则手册 0.2.0" in out.splitlines()[-1]
    en = run("check", "catalog", *DATE, "--lang", "en").out
    assert en.startswith("Completeness check") and "score 96/100" in en


def test_csv_report_has_a_bom_and_a_row_per_deduction(tmp_path: Path) -> None:
    lay("single-missing", tmp_path / "catalog")
    assert run("check", "catalog", *DATE, "--format", "csv", "--output", "score.csv").code == 0
    raw = (tmp_path / "score.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0][:3] == ["事项编码", "领域", "文件"] and "规则手册" in rows[0]
    assert len(rows) == 1 + 4 + 2  # header, 4 deductions, 2 recommendations
    assert rows[1][rows[0].index("扣分")] == "1"


def test_xlsx_score_sheet(tmp_path: Path) -> None:
    lay("exemptions", tmp_path / "catalog")
    assert run("check", "catalog", *DATE, "--format", "xlsx").code == 2  # needs --output
    assert run("check", "catalog", *DATE, "--format", "xlsx", "-o", "score.xlsx").code == 0
    wb = load_workbook(tmp_path / "score.xlsx")
    assert wb.sheetnames == ["汇总", "扣分明细", "建议补充（不扣分）", "豁免（不扣分）"]
    summary = {r[0]: r[1] for r in wb["汇总"].iter_rows(values_only=True) if r and r[0]}
    assert summary["得分"] == 98 and summary["要素完整率"] == "98.6%"
    assert len(list(wb["扣分明细"].iter_rows())) == 1 + 2
    assert len(list(wb["豁免（不扣分）"].iter_rows())) == 1 + 5


def test_markdown_for_a_pull_request(tmp_path: Path) -> None:
    lay("single-missing", tmp_path / "catalog")
    out = run("check", "catalog", *DATE, "--format", "markdown").out
    assert out.startswith("### 完整性考核: 得分 **96** / 100")
    assert "| CXGH-002 | catalog/cxgh/CXGH-002.yml:2 | 公开时限 | 1 |" in out
    assert "<details><summary>分领域</summary>" in out and "<sub>" in out


def test_min_score_gates_ci(tmp_path: Path) -> None:
    lay("single-missing", tmp_path / "catalog")  # scores 96
    assert run("check", "catalog", *DATE, "--min-score", "96").code == 0
    assert run("check", "catalog", *DATE, "--min-score", "97").code == 1


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
