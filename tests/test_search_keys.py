"""The hidden search fields and the tidied index (builder/site/search_keys.py)."""

from __future__ import annotations

import re
from typing import Any

from builder.site.search_keys import FIELD, SEPARATOR, item_keys, tidy, tune_index


def test_code_is_searchable_with_and_without_its_hyphen() -> None:
    words = item_keys("CXGH-001", []).split("\u200b")
    assert words == ["CXGH-001", "CXGH001"]


def test_names_are_kept_whole_cut_and_marked() -> None:
    names = ["行政处罚行政强制和行政命令", "行政处罚流程", "示例县生态环境局、示例县行政审批局"]
    words = item_keys("HJBH-005", names).split("\u200b")
    assert {"行政处罚", "行政", "流程", "审批"} <= set(words)
    assert [w for w in words if w.startswith("䶵")] == [
        "䶵行政处罚行政强制和行政命令䶵", "䶵行政处罚流程䶵", "䶵示例县生态环境局䶵", "䶵示例县行政审批局䶵"]


def test_tidy_leaves_no_break_before_punctuation() -> None:
    cut = "城市\u200b、\u200b镇\u200b总体规划\u200b（\u200b试行\u200b）"
    assert tidy(cut) == "城市、镇\u200b总体规划（试行）"


def test_tune_index_adds_the_fields_and_keeps_the_zero_width_separator() -> None:
    index: dict[str, Any] = {"config": {"separator": "x", "fields": {"title": {"boost": 1000.0}}},
             "docs": [{"location": "items/A-1/", "title": "A-1 \u200b、\u200b名", "text": ""},
                      {"location": "about/", "title": "说明", "text": ""}]}
    tune_index(index, {"items/A-1/": "名\u200bk\u200b䶵名䶵"})
    assert set(index["config"]["fields"]) == {"title", FIELD}
    assert re.fullmatch(SEPARATOR, "\u200b") and re.fullmatch(SEPARATOR, "》")
    # 名 is in the title already
    assert index["docs"][0] == {"location": "items/A-1/", "title": "A-1 、名", "text": "",
                                FIELD: "k\u200b䶵名䶵"}
    assert FIELD not in index["docs"][1]


def test_fields_are_escaped_html_and_never_hold_the_mark_alone() -> None:
    # the worker parses every field as HTML; a tag in a name must stay text
    keys = item_keys("X-1", ["<script>a</script>规划", "二䶵二五年"])
    assert "<" not in keys and "&lt;script&gt;" in keys
    words = re.split(SEPARATOR, keys)
    assert "䶵" not in words and "䶵二二五年䶵" in words
