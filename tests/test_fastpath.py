"""The fast paths give exactly what the reference paths give.

- the quick loader: the data, traps, findings and positions of the full event builder;
- the compiled schema check: jsonschema's verdict (jsonschema still lists the errors);
- two processes: what one process gives, in the same order.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator, FormatChecker

from builder import parallel
from builder.catalog import validate_catalog
from builder.fastschema import compile_schema
from builder.load import Document, parse_bytes
from builder.resources import schema_dir
from builder.validate import Kind, raw_schema, schema
from tests.conftest import EXAMPLES, ROOT, lay_case

FILES = sorted({*(ROOT / "tests").rglob("*.yml"), *(ROOT / "catalog").rglob("*.yml")})
KINDS: tuple[Kind, ...] = ("item", "area", "site")
MINIMAL = yaml.safe_load((EXAMPLES / "valid" / "minimal" / "cxgh" / "CXGH-001.yml").read_bytes())


def _state(doc: Document) -> tuple[Any, ...]:
    return doc.data, doc.coerced, doc.findings, doc.marks, doc.key_marks


def _valid(raw: dict[str, Any], data: Any) -> bool:
    return Draft202012Validator(raw, format_checker=FormatChecker()).is_valid(data)


def _id(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


@pytest.mark.parametrize("path", FILES, ids=_id)
def test_quick_load_gives_what_the_full_builder_gives(path: Path) -> None:
    raw = path.read_bytes()
    assert _state(parse_bytes(raw, "x.yml")) == _state(parse_bytes(raw, "x.yml", quick=False))


@pytest.mark.parametrize(("text", "code"), [
    ("".join(f"{' ' * i}k{i}:\n" for i in range(32)) + " " * 32 + "v\n", None),  # 32 mappings deep
    ("".join(f"{' ' * i}k{i}:\n" for i in range(33)) + " " * 33 + "v\n", "yaml-too-deep"),
    ("k:\n" + "".join(f"- {i}\n" for i in range(19_997)), None),  # 20,000 nodes with k and the collections
    ("k:\n" + "".join(f"- {i}\n" for i in range(19_998)), "yaml-alias-bomb"),
    ("k:\n" + "- []\n" * 19_998, "yaml-alias-bomb"),  # the last node a list
    ("a: &x [1, 2]\nb: *x\n", None),
    ("a: 1\na: 2\n", "yaml-duplicate-key"),
    ("<<: 1\n", "yaml-unsafe-tag"),
    ("a: 1\n---\nb: 2\n", "yaml-multi-doc"),
    ("? [a]\n: 1\n", "yaml-bad-key"),
    ("a: !!int 同上\n", "yaml-syntax"),
])
def test_the_limits_and_traps_hold_on_the_quick_path(text: str, code: str | None) -> None:
    raw = text.encode()
    doc = parse_bytes(raw, "x.yml")
    assert _state(doc) == _state(parse_bytes(raw, "x.yml", quick=False))
    assert [f.code for f in doc.findings] == ([code] if code else [])


def test_a_valid_item_is_loaded_without_positions_until_one_is_asked_for() -> None:
    valid = [p for p in FILES if "valid" in p.parts and p.parent.name == "cxgh" and p.stem != "_area"]
    assert valid
    for path in valid:
        doc = parse_bytes(path.read_bytes(), "x.yml")
        assert not doc.positions.known, path  # the quick path was taken
        assert doc.mark(("code",)).line >= 1 and doc.positions.known


@pytest.mark.parametrize("path", FILES, ids=_id)
def test_compiled_schemas_agree_with_jsonschema(path: Path) -> None:
    data = parse_bytes(path.read_bytes(), "x.yml").data
    for kind in KINDS:
        assert schema(kind).accepts(data) == _valid(raw_schema(kind), data), kind


def test_every_schema_compiles() -> None:
    """A schema the compiler cannot reproduce would silently send every file to jsonschema."""
    rules = json.loads((schema_dir() / "rules.schema.json").read_text(encoding="utf-8"))
    assert compile_schema(rules)(yaml.safe_load((schema_dir() / "rules.yml").read_bytes()))
    for kind in KINDS:
        assert compile_schema(raw_schema(kind)) is not compile_schema({"patternProperties": {}})


_EDGES: list[tuple[dict[str, Any], list[Any]]] = [
    ({"type": "integer"}, [1, 1.0, 1.5, True, "1", None]),
    ({"type": ["string", "null"]}, ["", None, 0, []]),
    ({"const": 0}, [0, 0.0, False, "0", [0]]),
    ({"enum": ["a", 1]}, ["a", 1, 1.0, True, "1"]),
    ({"minimum": 2}, [1, 2, 2.5, True, "x", float("nan")]),
    ({"format": "date"},
     ["2027-02-28", "2027-02-30", "2027-2-28", "20270228", "2027-02-28\n", "２０２７-02-28", 5]),
    ({"uniqueItems": True}, [["a", "b"], ["a", "a"], [1, True], [1, 1.0], [[1], [1]], "aa"]),
    ({"pattern": "^《"}, ["《法》", "法", 3]),
    ({"minLength": 2, "minItems": 1, "minProperties": 1}, ["ab", "a", [], [1], {}, {"a": 1}]),
    ({"required": ["a"], "properties": {"a": {"type": "string"}},
      "additionalProperties": {"type": "integer"}},
     [{"a": "x"}, {"a": 1}, {"a": "x", "b": 2}, {"a": "x", "b": "y"}, {}, []]),
    ({"if": {"properties": {"a": {"const": "x"}}}, "then": {"required": ["b"]}, "else": {"required": ["c"]}},
     [{"a": "x"}, {"a": "x", "b": 1}, {"a": "y"}, {"a": "y", "c": 1}, 5]),
    ({"anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]}, ["a", ["a"], [1], 1]),
    ({"propertyNames": {"pattern": "^[a-z]+$"}}, [{"ab": 1}, {"Ab": 1}, []]),
    ({"$ref": "#/$defs/tree", "$defs": {"tree": {"type": "array", "items": {"$ref": "#/$defs/tree"}}}},
     [[], [[], [[]]], [[1]], "x"]),
    ({"patternProperties": {"^x": {"type": "string"}}}, [{"x": "a"}, {"x": 1}]),  # unsupported
    ({"maxLength": 1}, ["a", "ab"]),  # unsupported
]


@pytest.mark.parametrize(("sch", "values"), _EDGES, ids=[json.dumps(s)[:40] for s, _ in _EDGES])
def test_never_accepts_what_jsonschema_rejects(sch: dict[str, Any], values: list[Any]) -> None:
    check = compile_schema(sch)
    for value in values:
        assert _valid(sch, value) or not check(value), value


def test_agrees_with_jsonschema_where_it_answers_exactly() -> None:
    """It says no to what it does not reproduce (uniqueItems over numbers, patternProperties,
    maxLength...); everywhere else it says what jsonschema says."""
    for sch, values in _EDGES:
        check = compile_schema(sch)
        unsupported = "patternProperties" in sch or "maxLength" in sch
        for value in values:
            mixed = "uniqueItems" in sch and isinstance(value, list) and not all(
                type(x) is str for x in value)
            if unsupported or mixed:
                assert not check(value)
            else:
                assert check(value) == _valid(sch, value), (sch, value)


texts = st.one_of(st.sampled_from(["", " ", "同上", "无", "2027-12-31", "2027-02-30", "《条例》", "条例",
                                   "主动公开", "依申请公开", "全社会", "特定群体", "政府网站", "其他：专栏",
                                   "县级", "time_limit", "notes", "CXGH-001"]), st.text(max_size=6))
scalars = st.one_of(texts, st.none(), st.booleans(), st.integers(-2, 2), st.floats(allow_nan=False))
inner_keys = st.sampled_from(["element", "reason", "approved_by", "until", "level1", "level2", "x"])
values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.dictionaries(inner_keys, inner, max_size=4)), max_leaves=8)
text = st.text(min_size=1, max_size=5)


def one_of_each(words: list[str] | st.SearchStrategy[str]) -> st.SearchStrategy[list[str]]:
    """Non-empty lists of distinct words."""
    return st.lists(words if isinstance(words, st.SearchStrategy) else st.sampled_from(words),
                    min_size=1, unique=True)


_WELL_FORMED: dict[str, st.SearchStrategy[Any]] = {
    "code": st.sampled_from(["CXGH-001", "X"]),
    "columns": st.fixed_dictionaries({"level1": text, "level2": text}, optional={"level3": text}),
    "basis": one_of_each(["《条例》", "《法》第三条", "《规定》(文号)"]),
    "method": st.one_of(st.sampled_from(["主动公开", "依申请公开"]), one_of_each(["主动公开", "依申请公开"])),
    "channels": one_of_each(st.one_of(st.sampled_from(["政府网站", "两微一端"]), text)),
    "audience": st.sampled_from(["全社会", "特定群体"]),
    "levels": one_of_each(["县级", "乡级"]),
    "notes": st.text(max_size=3),
    "exemptions": st.lists(st.fixed_dictionaries({
        "element": st.sampled_from(["notes", "time_limit", "content"]), "reason": text,
        "approved_by": text, "until": st.sampled_from(["2027-12-31", "2020-01-01"])}), max_size=2),
}


def _value(key: str) -> st.SearchStrategy[Any]:
    well_formed = _WELL_FORMED.get(key, text)
    return st.one_of(well_formed, well_formed, well_formed, well_formed, values)  # mostly well formed


items = st.fixed_dictionaries({}, optional={k: _value(k) for k in raw_schema("item")["properties"]})
seldom = st.sampled_from([False] * 4 + [True])


@settings(max_examples=int(os.environ.get("GKML_FUZZ_EXAMPLES", "300")), deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(items, seldom, st.sampled_from(sorted(MINIMAL)), seldom)
def test_random_items_get_jsonschemas_verdict(changes: dict[str, Any], drop: bool, key: str,
                                               extra: bool) -> None:
    data = {k: v for k, v in {**MINIMAL, **changes}.items() if not (drop and k == key)}
    if extra:
        data["extra"] = 1
    assert schema("item").accepts(data) == _valid(raw_schema("item"), data)


def _pid(x: int) -> tuple[int, int]:
    return x, os.getpid()


def test_two_processes_give_the_results_in_order() -> None:
    if not parallel._can_fork():
        pytest.skip("one core, or threads: this machine runs serially")
    results = parallel.ordered_map(_pid, range(100), min_items=2)
    assert [x for x, _ in results] == list(range(100))
    assert len({pid for _, pid in results}) == 2


def test_a_failing_child_leaves_its_share_to_the_parent() -> None:
    parent = os.getpid()

    def only_here(x: int) -> int:
        if os.getpid() != parent:
            os._exit(3)  # the child dies without a word
        return x * x

    assert parallel.ordered_map(only_here, range(50), min_items=2) == [x * x for x in range(50)]


def test_an_error_is_raised_as_in_one_process() -> None:
    def fails(x: int) -> int:
        if x == 40:
            raise ValueError("at 40")
        return x

    with pytest.raises(ValueError, match="at 40"):
        parallel.ordered_map(fails, range(50), min_items=2)


def test_a_catalog_validated_on_two_cores_is_reported_the_same(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GKML_NO_CACHE", "1")
    cat = lay_case(EXAMPLES / "invalid" / "code-duplicate", tmp_path / "catalog")
    for case in sorted((EXAMPLES / "invalid").iterdir())[:20]:
        for item in case.glob("cxgh/CXGH-*.yml"):
            (cat / "cxgh" / f"{case.name}-{item.name}").write_bytes(item.read_bytes())
    serial = validate_catalog(cat)
    monkeypatch.setattr(parallel, "MIN_ITEMS", 2)
    assert validate_catalog(cat) == serial
    assert len(serial[0]) > 20
