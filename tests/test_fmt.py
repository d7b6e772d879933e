"""gkml fmt: canonical key order and quoting, comments kept, idempotent, --check for CI."""

from __future__ import annotations

import random
import shutil
from pathlib import Path
from typing import Any

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from builder.clerk.fmt import format_text
from builder.model import ITEM_KEYS
from tests.conftest import EXAMPLES, ROOT, run
from tests.test_export import item

MESSY = """# yaml-language-server: $schema=../../schema/item.schema.json
# 一个事项，键的顺序被打乱了
code: 'CXGH-001'   # 编码
# 内容上方的说明
content: 城乡规划领域相关法律
subject: 测试县自然资源局   # 主体
# 栏目上方的说明
columns:
  level2: 法规文件  # 二级
  level1: 公共服务
# 依据上方的说明
basis:
    - 《中华人民共和国城乡规划法》  # 第一条依据
    # 两条依据之间
    - '《中华人民共和国政府信息公开条例》'
time_limit: '2020年1月1日起'
channels: [政府网站, '政务服务中心']  # 渠道
levels: [县级]
audience: 全社会
notes: "001"
method: 主动公开
# 文件末尾的说明
"""
CANONICAL = """# yaml-language-server: $schema=../../schema/item.schema.json
# 一个事项，键的顺序被打乱了
code: "CXGH-001"   # 编码
# 栏目上方的说明
columns:
  level1: 公共服务
  level2: 法规文件  # 二级
# 内容上方的说明
content: 城乡规划领域相关法律
# 依据上方的说明
basis:
  - 《中华人民共和国城乡规划法》    # 第一条依据
    # 两条依据之间
  - "《中华人民共和国政府信息公开条例》"
time_limit: "2020年1月1日起"
subject: 测试县自然资源局   # 主体
method: 主动公开
channels: [政府网站, "政务服务中心"]  # 渠道
audience: 全社会
levels: [县级]
notes: "001"
# 文件末尾的说明
"""


def test_order_quoting_and_comments() -> None:
    done = format_text(MESSY, "item", "x.yml")
    assert done.findings == [] and done.text == CANONICAL
    assert yaml.safe_load(CANONICAL) == yaml.safe_load(MESSY)
    assert format_text(CANONICAL, "item", "x.yml").text == CANONICAL


def test_unknown_key_stays_beside_its_neighbour() -> None:
    text = "code: A-001\nsubjcet: 某局\ncolumns:\n  level1: a\n  level2: b\ncontent: c\n"
    assert format_text(text, "item", "x").text == "code: A-001\nsubjcet: 某局\ncolumns:\n  level1: a\n" \
        "  level2: b\ncontent: c\n"


def test_values_yaml_would_misread_get_quotes() -> None:
    text = "code: A-001\nnotes: 'yes'\ncontent: '2020-01-01'\ntime_limit: '0755'\n"
    out = format_text(text, "item", "x").text or ""
    assert 'notes: "yes"' in out and 'content: "2020-01-01"' in out and 'time_limit: "0755"' in out


def test_check_names_files_and_changes_nothing(tmp_path: Path) -> None:
    cat = tmp_path / "catalog"
    shutil.copytree(EXAMPLES / "base", cat)
    messy = cat / "cxgh" / "CXGH-001.yml"
    messy.write_text(MESSY, encoding="utf-8")
    tidy = cat / "cxgh" / "CXGH-002.yml"
    tidy.write_text(CANONICAL.replace("CXGH-001", "CXGH-002"), encoding="utf-8")
    stamp = tidy.stat().st_mtime_ns
    check = run("fmt", str(cat), "--check")
    assert check.code == 1 and "CXGH-001.yml" in check.out and "CXGH-002.yml" not in check.out
    assert messy.read_text(encoding="utf-8") == MESSY
    fixed = run("fmt", str(cat))
    assert fixed.code == 0 and messy.read_text(encoding="utf-8") == CANONICAL
    assert tidy.stat().st_mtime_ns == stamp  # files already canonical are not rewritten
    assert run("fmt", str(cat), "--check").code == 0


def test_files_validate_must_fix_first_are_left_alone(tmp_path: Path) -> None:
    cat = tmp_path / "catalog"
    shutil.copytree(EXAMPLES / "base", cat)
    for case in ("yes-becomes-boolean", "duplicate-key", "tab-indentation"):
        src = next((EXAMPLES / "invalid" / case / "cxgh").glob("*.yml"))
        shutil.copyfile(src, cat / "cxgh" / f"{case}.yml")
    before = {p: p.read_bytes() for p in (cat / "cxgh").iterdir()}
    result = run("fmt", str(cat))
    assert result.code == 0 and result.out.count("[fmt-skipped]") == 3
    assert {p: p.read_bytes() for p in (cat / "cxgh").iterdir()} == before
    assert run("fmt", str(tmp_path / "missing")).code == 2


def test_bundled_catalog_is_canonical() -> None:
    result = run("fmt", str(ROOT / "catalog"), "--check")
    assert result.code == 0, result.out


@settings(max_examples=60, deadline=None)
@given(data=item("CXGH-001"), seed=st.integers(0, 2**16))
def test_any_item_in_any_order_formats_once(data: dict[str, Any], seed: int) -> None:
    keys = list(data)
    random.Random(seed).shuffle(keys)
    text = yaml.safe_dump({k: data[k] for k in keys}, allow_unicode=True, sort_keys=False)
    once = format_text(text, "item", "x").text
    assert once is not None and yaml.safe_load(once) == data
    assert [k for k in yaml.safe_load(once) if k in ITEM_KEYS] == [k for k in ITEM_KEYS if k in data]
    assert format_text(once, "item", "x").text == once
