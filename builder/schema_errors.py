"""jsonschema's errors as findings a clerk can act on: each names the element by its Chinese
title (from the schema, the one place element names live), where it is, and a hint.

``builder.validate`` asks jsonschema for the errors of a document the compiled schema
rejected, and hands each to ``translate`` here; ``find`` makes any finding at a path of a
document, its element named the same way, for the checks in ``validate`` and ``catalog``.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from builder.findings import Finding
from builder.load import Document, NodePath

if TYPE_CHECKING:
    from jsonschema.exceptions import ValidationError

    from builder.validate import Schema

_TYPE_ZH = {"string": "文字", "array": "列表", "object": "一组“键: 值”", "integer": "整数",
            "number": "数字", "boolean": "是/否", "null": "空值"}
_TYPE_EN = {"string": "text", "array": "a list", "object": "a mapping of keys to values",
            "integer": "a whole number", "number": "a number", "boolean": "true/false",
            "null": "empty"}
_COERCED_ZH = {"int": "数字", "float": "数字", "bool": "是/否值", "timestamp": "日期", "null": "空值"}
_COERCED_EN = {"int": "a number", "float": "a number", "bool": "a true/false value",
               "timestamp": "a date", "null": "nothing"}


def _element(path: NodePath, sch: Schema) -> str:
    for part in reversed(path):
        if isinstance(part, str) and part in sch.labels:
            return part
    return ""


def find(doc: Document, sch: Schema, code: str, path: NodePath, element: str = "", /,
         **params: object) -> Finding:
    """A finding at ``path`` of ``doc``, its element named by ``sch``'s titles."""
    element = element or _element(path, sch)
    zh, en = sch.label(element) if element else ("", "")
    return doc.finding(code, path, element, label=zh, label_en=en, **params)


def translate(error: ValidationError, doc: Document, sch: Schema) -> Iterator[Finding]:
    if error.validator in ("anyOf", "oneOf") and error.context:
        yield from translate(_best(error), doc, sch)
        return
    path = tuple(error.absolute_path)
    handler = _HANDLERS.get(str(error.validator), _other)
    yield from handler(error, path, doc, sch)


def _best(error: ValidationError) -> ValidationError:
    # For "a method or a list of methods", a scalar deserves the scalar branch's error.
    same_type = [e for e in error.context if e.validator not in ("type",)]
    from jsonschema.exceptions import best_match

    return best_match(same_type or error.context) or error


def _required(error: ValidationError, path: NodePath, doc: Document, sch: Schema
              ) -> Iterator[Finding]:
    required: Any = error.validator_value
    for key in required:
        if isinstance(error.instance, dict) and key not in error.instance:
            if key == "audience_group":
                yield find(doc, sch, "audience-group-missing", path, "audience_group")
            else:
                yield find(doc, sch, "required", path, key, key=key, snippet=_snippet(key, sch))


def _snippet(key: str, sch: Schema) -> str:
    from builder.validate import raw_schema  # validate imports this module: read it when called

    props = raw_schema(sch.kind).get("properties", {})
    example = props.get(key, {}).get("examples", ["…"])[0]
    if isinstance(example, list):
        return f"{key}: [{', '.join(map(str, example))}]"
    return f"{key}: {example}"


def _additional(error: ValidationError, path: NodePath, doc: Document, sch: Schema
                ) -> Iterator[Finding]:
    subschema: Any = error.schema
    instance: Any = error.instance
    known = list(subschema.get("properties", {}))
    for key in instance:
        if key not in known:
            zh, en = _suggest_key(str(key), known, sch)
            yield find(doc, sch, "unknown-key", (*path, key), str(key), key=key,
                        suggestion=zh, suggestion_en=en)


def _suggest_key(key: str, known: list[str], sch: Schema) -> tuple[str, str]:
    by_title = {sch.label(k)[0]: k for k in known}
    match = by_title.get(key) or next(iter(difflib.get_close_matches(key, known, 1, 0.6)), None)
    if match is None:
        match = next((k for t, k in by_title.items() if key and (key in t or t in key)), None)
    if match:
        zh, en = sch.label(match)
        return f"你是不是要写 {match}（{zh}）？", f"Did you mean {match} ({en})?"
    listed = "、".join(known)
    return f"这里可用的键：{listed}。", f"Keys allowed here: {', '.join(known)}."


def _type(error: ValidationError, path: NodePath, doc: Document, sch: Schema
          ) -> Iterator[Finding]:
    value: Any = error.validator_value
    expected = [str(t) for t in (value if isinstance(value, list) else [value])]
    coerced = doc.coerced.get(path)
    if error.instance is None:
        yield find(doc, sch, "empty", path)
    elif coerced and "string" in expected:
        yield coerced_finding(doc, sch, path, coerced.tag, coerced.raw, error.instance)
    else:
        yield find(doc, sch, "wrong-type", path,
                    expected="或".join(_TYPE_ZH.get(t, t) for t in expected),
                    expected_en=" or ".join(_TYPE_EN.get(t, t) for t in expected),
                    actual=_TYPE_ZH[_json_type(error.instance)],
                    actual_en=_TYPE_EN[_json_type(error.instance)],
                    example=_type_example(path, expected, error.instance))


def coerced_finding(doc: Document, sch: Schema, path: NodePath, tag: str, raw: str, value: Any
             ) -> Finding:
    shown = str(value).lower() if isinstance(value, bool) else str(value)
    kind, kind_en = _COERCED_ZH[tag], _COERCED_EN[tag]
    if tag != "timestamp" and shown != raw:
        kind, kind_en = f"{kind} {shown}", f"{kind_en} ({shown})"
    key = next((p for p in reversed(path) if isinstance(p, str)), "")
    return find(doc, sch, "yaml-not-text", path, raw=raw, kind=kind, kind_en=kind_en, key=key)


def _json_type(value: Any) -> str:
    for name, py in (("boolean", bool), ("integer", int), ("number", float), ("string", str),
                     ("array", list), ("object", dict)):
        if isinstance(value, py):
            return name
    return "null"


def _type_example(path: NodePath, expected: list[str], value: Any) -> str:
    key = next((p for p in reversed(path) if isinstance(p, str)), "")
    if "array" in expected and isinstance(value, str):
        return f"写成列表 / write a list: {key}: [{value}]"
    if "string" in expected and isinstance(value, list):
        return f"写成一段文字 / write one text: {key}: {'、'.join(map(str, value))}"
    return ""


def _empty(error: ValidationError, path: NodePath, doc: Document, sch: Schema
           ) -> Iterator[Finding]:
    yield find(doc, sch, "empty", path)


def _enum(error: ValidationError, path: NodePath, doc: Document, sch: Schema
          ) -> Iterator[Finding]:
    raw: Any = error.validator_value
    allowed = [str(v) for v in (raw if error.validator == "enum" else [raw])]
    value = str(error.instance)
    coerced = doc.coerced.get(path)
    if coerced:
        yield coerced_finding(doc, sch, path, coerced.tag, coerced.raw, error.instance)
        return
    guess = next((a for a in allowed if value and (value in a or a in value)), None) or next(
        iter(difflib.get_close_matches(value, allowed, 1, 0.5)), None)
    yield find(doc, sch, "bad-value", path, value=value, allowed="、".join(allowed),
                suggestion=f"你是不是要写“{guess}”？" if guess else "",
                suggestion_en=f"Did you mean '{guess}'?" if guess else "")


def _pattern(error: ValidationError, path: NodePath, doc: Document, sch: Schema
             ) -> Iterator[Finding]:
    if _element(path, sch) == "basis":
        yield find(doc, sch, "basis-format", path, value=error.instance)
    else:
        yield find(doc, sch, "bad-format", path, value=error.instance,
                    detail=f"应符合 {error.validator_value}",
                    detail_en=f"it should match {error.validator_value}", example="")


def _format(error: ValidationError, path: NodePath, doc: Document, sch: Schema
            ) -> Iterator[Finding]:
    yield find(doc, sch, "bad-format", path, value=error.instance,
                detail="应为 YYYY-MM-DD 格式的日期", detail_en="it should be a YYYY-MM-DD date",
                example="例如 / e.g. until: \"2027-12-31\"")


def _unique_items(error: ValidationError, path: NodePath, doc: Document, sch: Schema
                  ) -> Iterator[Finding]:
    yield find(doc, sch, "duplicate-value", path)


def _other(error: ValidationError, path: NodePath, doc: Document, sch: Schema
           ) -> Iterator[Finding]:
    yield find(doc, sch, "bad-format", path, value=str(error.instance)[:40],
                detail=error.message, detail_en=error.message, example="")


_HANDLERS = {
    "required": _required, "additionalProperties": _additional, "type": _type,
    "minLength": _empty, "minItems": _empty, "enum": _enum, "const": _enum,
    "pattern": _pattern, "format": _format, "uniqueItems": _unique_items,
}
