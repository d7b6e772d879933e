"""gkml new: the next free code, a template validate refuses until it is filled in, no overwrites."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml

from builder.clerk.fmt import format_text
from builder.clerk.new import write_new
from tests.conftest import EXAMPLES, ROOT, run


@pytest.fixture
def catalog(tmp_path: Path) -> Path:
    cat = tmp_path / "catalog"
    shutil.copytree(EXAMPLES / "base", cat)
    return cat


def test_first_item_of_an_empty_area(catalog: Path) -> None:
    result = run("new", "城乡规划", "--catalog", str(catalog))
    assert result.code == 0, result.out
    path = catalog / "cxgh" / "CXGH-001.yml"
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../../schema/item.schema.json\n")
    assert "# 公开时限：" in text and "# 公开渠道和载体：" in text and str(path.name) in result.out
    data = yaml.safe_load(text)
    assert data["code"] == "CXGH-001" and data["subject"] == "测试县自然资源局"
    assert format_text(text, "item", "x").text == text  # already in gkml fmt's form


def test_unedited_template_fails_validation_until_filled(catalog: Path) -> None:
    run("new", "cxgh", "--catalog", str(catalog))
    report = json.loads(run("validate", str(catalog), "--format", "json").out)
    flagged = {f["path"] for f in report["findings"] if f["code"] == "placeholder"}
    assert flagged == {"$.columns.level1", "$.columns.level2", "$.content", "$.basis[0]", "$.time_limit"}
    path = catalog / "cxgh" / "CXGH-001.yml"
    filled = (path.read_text(encoding="utf-8")
              .replace("level1: 待补充", "level1: 规划编制").replace("level2: 待补充", "level2: 乡规划")
              .replace("content: 待补充", "content: 脱密后的文本及图纸等")
              .replace("  - 待补充", "  - 《中华人民共和国城乡规划法》")
              .replace("time_limit: 待补充", "time_limit: 信息形成或者变更之日起20个工作日内"))
    path.write_text(filled, encoding="utf-8")
    assert run("validate", str(catalog)).code == 0


def test_next_code_follows_existing_codes_and_never_overwrites(catalog: Path) -> None:
    for code in ("CXGH-001", "CXGH-007"):
        shutil.copyfile(ROOT / "catalog" / "cxgh" / "CXGH-001.yml", catalog / "cxgh" / f"{code}.yml")
    assert run("new", "CXGH", "--catalog", str(catalog)).code == 0
    assert (catalog / "cxgh" / "CXGH-008.yml").is_file()
    existing = {p.name: p.read_bytes() for p in (catalog / "cxgh").iterdir()}
    refused = write_new(catalog / "cxgh" / "CXGH-007.yml", "code: x\n")
    assert refused is not None and refused.code == "file-exists"
    assert {p.name: p.read_bytes() for p in (catalog / "cxgh").iterdir()} == existing


def test_like_copies_elements_but_not_the_name(catalog: Path) -> None:
    shutil.copyfile(ROOT / "catalog" / "cxgh" / "CXGH-001.yml", catalog / "cxgh" / "CXGH-001.yml")
    source = yaml.safe_load((catalog / "cxgh" / "CXGH-001.yml").read_text(encoding="utf-8"))
    assert run("new", "cxgh", "--like", "CXGH-001", "--catalog", str(catalog)).code == 0
    copy = yaml.safe_load((catalog / "cxgh" / "CXGH-002.yml").read_text(encoding="utf-8"))
    assert copy["basis"] == source["basis"] and copy["channels"] == source["channels"]
    assert copy["columns"] == {"level1": source["columns"]["level1"], "level2": "待补充"}
    assert "notes" not in copy and copy["code"] == "CXGH-002"


def test_bad_arguments(catalog: Path, tmp_path: Path) -> None:
    unknown = run("new", "nowhere", "--catalog", str(catalog))
    assert unknown.code == 2 and "[area-unknown]" in unknown.out and "cxgh（CXGH，城乡规划）" in unknown.out
    missing = run("new", "cxgh", "--like", "CXGH-404", "--catalog", str(catalog))
    assert missing.code == 2 and "[item-not-found]" in missing.out
    assert run("new", "cxgh", "--catalog", str(tmp_path / "none")).code == 2
    assert not list((catalog / "cxgh").glob("CXGH-*.yml"))


def test_site_code_pattern_without_separator(catalog: Path) -> None:
    site = catalog / "site.yml"
    text = site.read_text(encoding="utf-8")
    site.write_text(text.replace('"^{prefix}-[0-9]{3,5}$"', '"^{prefix}[0-9]{4}$"'), encoding="utf-8")
    assert run("new", "cxgh", "--catalog", str(catalog)).code == 0
    assert [p.name for p in (catalog / "cxgh").glob("CXGH*.yml")] == ["CXGH0001.yml"]


FILLED = EXAMPLES / "invalid" / "new-marker-in-notes" / "cxgh" / "CXGH-001.yml"
_AUDIENCE = "audience: 全社会"
MARKED = {  # each element with gkml new's blank left in it: how to write it, the path, the element
    "level1": ("  level1: 规划编制", "  level1: 待补充", "$.columns.level1", "一级事项"),
    "content": ("content: 规划批准", "content: 待补充\n# ", "$.content", "公开内容（要素）"),
    "basis": ("  - 《中华人民共和国城乡规划法》", "  - 待补充", "$.basis[0]", "公开依据"),
    "subject": ("subject: 测试县自然资源局", "subject: 待补充", "$.subject", "公开主体"),
    "audience_group": (_AUDIENCE, "audience: 特定群体\naudience_group: 待补充", "$.audience_group",
                       "特定群体"),
    "notes": ("levels: [县级]", "levels: [县级]\nnotes: 待补充。", "$.notes", "情况说明"),
    "exemption": ("levels: [县级]", "levels: [县级]\nexemptions:\n  - element: time_limit\n"
                  "    reason: 待补充\n    approved_by: 县政务公开办\n    until: \"2099-12-31\"",
                  "$.exemptions[0].reason", "豁免理由"),
}


@pytest.mark.parametrize("element", sorted(MARKED))
def test_new_marker_fails_validation_in_any_element(catalog: Path, element: str) -> None:
    old, new, path, label = MARKED[element]
    text = FILLED.read_text(encoding="utf-8").replace("notes: 待补充\n", "")
    assert old in text
    (catalog / "cxgh" / "CXGH-001.yml").write_text(text.replace(old, new, 1), encoding="utf-8")
    result = run("validate", str(catalog), "--format", "json")
    found = [f for f in json.loads(result.out)["findings"] if f["code"] == "placeholder"]
    assert result.code == 1 and [(f["path"], f["element"]) for f in found] == [(path, label)]
    assert "待补充" in found[0]["message"]


def test_new_marker_is_one_of_the_rule_books_placeholders() -> None:
    from builder.clerk.new import PLACEHOLDER
    from builder.validate import UNFILLED, placeholders

    assert PLACEHOLDER is UNFILLED and UNFILLED in placeholders()
