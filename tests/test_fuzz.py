"""Fuzzing: whatever bytes or YAML a file holds, loading and validating yield findings, never an
exception, and the quick loader gives what the full builder gives."""

from __future__ import annotations

import os
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from builder.findings import CODES
from builder.load import parse_bytes
from builder.validate import validate_document

scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False),
                    st.text(max_size=20), st.sampled_from(["同上", "无", "001", "yes", "2020-01-01"]))
keys = st.one_of(st.sampled_from(["code", "columns", "basis", "method", "channels", "levels",
                                  "audience", "exemptions", "level1", "<<", "=", "yes", "001", "~"]),
                   st.text(max_size=8))
documents = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(keys, inner, max_size=6)), max_leaves=25)
yaml_tokens = st.lists(st.sampled_from(
    ["a", ":", " ", "\n", "- ", "[", "]", "{", "}", ",", "&x ", "*x", "!!python/name:os.system",
     "'", '"', "\t", "：", "#", "---", "? ", "|", ">", "%YAML 1.1", "同上", "\\", "\x00", "\ufeff",
     "!!int ", "!!float ", "!!bool ", "!!str ", "! ", "~", "001", "yes", "1.10", "0x1F", ".inf",
     "2020-01-01", "<<: ", "= ", "&y ", "*y"]),
    max_size=40).map("".join)

FUZZ = settings(max_examples=int(os.environ.get("GKML_FUZZ_EXAMPLES", "300")), deadline=None,
                suppress_health_check=[HealthCheck.too_slow])


def _check(raw: bytes) -> None:
    doc = parse_bytes(raw, "fuzz.yml")
    full = parse_bytes(raw, "fuzz.yml", quick=False)  # the reference the quick path must equal
    assert (doc.data, doc.coerced, doc.findings) == (full.data, full.coerced, full.findings)
    assert (doc.marks, doc.key_marks) == (full.marks, full.key_marks)
    found = doc.findings + validate_document(doc, "item")
    for f in found:
        assert f.code in CODES
        assert f.line >= 0 and f.column >= 0
        message, _ = f.text("zh")
        assert message


@FUZZ
@given(st.binary(max_size=400))
def test_random_bytes(raw: bytes) -> None:
    _check(raw)


@FUZZ
@given(yaml_tokens)
def test_yaml_shaped_noise(text: str) -> None:
    _check(text.encode("utf-8", "surrogatepass"))


@FUZZ
@given(documents)
def test_random_documents(data: Any) -> None:
    _check(yaml.safe_dump(data, allow_unicode=True).encode())
