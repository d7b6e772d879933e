"""Every folder under tests/examples/{valid,invalid} is a test case; add one to add a test.

An invalid case holds the files that differ from tests/examples/base and an
``expected.yml`` listing the finding codes it must produce (no more, no fewer).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from builder.findings import CODES, Severity
from tests.conftest import EXAMPLES, lay_case, run

VALID = sorted(p for p in (EXAMPLES / "valid").iterdir() if p.is_dir())
INVALID = sorted(p for p in (EXAMPLES / "invalid").iterdir() if p.is_dir())


@pytest.mark.parametrize("case", VALID, ids=[p.name for p in VALID])
def test_valid_case_has_no_findings(case: Path, tmp_path: Path) -> None:
    cat = lay_case(case, tmp_path / "catalog")
    result = run("validate", str(cat), "--format", "json")
    report = json.loads(result.out)
    assert report["findings"] == []
    assert result.code == 0


@pytest.mark.parametrize("case", INVALID, ids=[p.name for p in INVALID])
def test_invalid_case_reports_expected_codes(case: Path, tmp_path: Path) -> None:
    expected = set(yaml.safe_load((case / "expected.yml").read_text(encoding="utf-8"))["codes"])
    cat = lay_case(case, tmp_path / "catalog")
    result = run("validate", str(cat), "--format", "json")
    report = json.loads(result.out)
    assert {f["code"] for f in report["findings"]} == expected
    assert result.code == (1 if any(CODES[c].severity is Severity.ERROR for c in expected) else 0)
    for f in report["findings"]:
        assert f["line"] >= 1 and f["column"] >= 1, f
        assert f["message"] and "Traceback" not in f["message"]
    assert "Traceback" not in result.err


@pytest.mark.parametrize("case", INVALID, ids=[p.name for p in INVALID])
def test_invalid_case_text_output_names_place(case: Path, tmp_path: Path) -> None:
    cat = lay_case(case, tmp_path / "catalog")
    result = run("validate", str(cat))
    lines = [ln for ln in result.out.splitlines()[:-1] if not ln.startswith(" ")]
    assert lines, result.out
    for line in lines:
        where, _, rest = line.partition(": ")
        assert where.count(":") == 2, line  # file:line:col
        assert rest.startswith(("错误 [", "警告 [")), line
    assert result.out.splitlines()[-1].startswith("校验未通过" if result.code else "校验通过")


def test_at_least_25_invalid_cases() -> None:
    assert len(INVALID) >= 25


def test_a_colon_and_a_tab_are_reported_in_one_run_and_read_past(tmp_path: Path) -> None:
    """Both traps at once, and what lies behind them, each marked as found assuming the mend."""
    case = EXAMPLES / "invalid" / "fullwidth-colon-and-tab"
    cat = lay_case(case, tmp_path / "catalog")
    report = json.loads(run("validate", str(cat), "--format", "json").out)["findings"]
    got = [(f["code"], f["line"], f.get("assuming")) for f in report]
    assert got == [("yaml-tab", 4, None), ("yaml-fullwidth-colon", 6, None),
                   ("placeholder", 9, "假定第 4、6 行已按上面的提示改正后发现")]
    en = run("validate", str(cat), "--lang", "en").out
    assert "assuming: found assuming line(s) 4、6 are mended" in en


def test_findings_read_past_a_trap_keep_the_clerks_columns() -> None:
    """The mend moves text (a tab becomes two spaces, ： becomes ': '); findings do not move."""
    from builder.load import parse_bytes
    from builder.validate import validate_document

    text = "code: CXGH-001\ncolumns:\n\tlevel1: 待补充\n  level2: 乡规划\ncontent：待补充\n"
    doc = parse_bytes(text.encode(), "x.yml")
    assert [(f.code, f.line, f.column) for f in doc.findings] == [("yaml-tab", 3, 1),
                                                                  ("yaml-fullwidth-colon", 5, 8)]
    found = {(f.code, f.path): (f.line, f.column) for f in validate_document(doc, "item")}
    assert found[("placeholder", "$.columns.level1")] == (3, text.split("\n")[2].index("待") + 1)
    assert found[("placeholder", "$.content")] == (5, text.split("\n")[4].index("待") + 1)
    assert ("required", "$") in found  # the rest of the file is checked too
