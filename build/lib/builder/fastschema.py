"""A yes/no JSON Schema check compiled to plain Python closures, for the common valid document.

jsonschema is the reference: it yields every error with its path, which the findings need.
But it is pure Python that re-walks the schema for every document (about half of a cold
``gkml validate``), while nearly every file is valid. ``compile_schema`` turns a schema
into one function that answers only "is this valid?", about 50 times faster; a document it
rejects goes through jsonschema as before, so findings never change.

It must never accept what jsonschema rejects. It may reject what jsonschema accepts (that
only costs time): anything it does not know exactly (a keyword it does not implement, an
enum of lists, uniqueItems over non-strings, a format other than ``date``) makes it
answer "no". ``tests/test_fastpath.py`` checks it agrees with jsonschema.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Any

Check = Callable[[Any], bool]
_ANNOTATIONS = frozenset({"$schema", "$id", "$comment", "$defs", "title", "description",
                          "examples", "default", "deprecated", "readOnly", "writeOnly"})
_TYPES: dict[str, Check] = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
    "number": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
    "integer": lambda v: (isinstance(v, int) and not isinstance(v, bool))
    or (isinstance(v, float) and v.is_integer()),
}
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$", re.ASCII)
"""jsonschema's own test for ``format: date`` (RFC 3339 full-date)."""


class Unsupported(Exception):
    """The schema uses something this compiler does not reproduce exactly."""


def _never(value: Any) -> bool:
    return False


def compile_schema(root: dict[str, Any]) -> Check:
    """A function telling whether a document is valid against ``root``; when the schema uses
    anything unsupported, one that always says no (so jsonschema always decides)."""
    refs: dict[str, Check] = {}
    try:
        return _Compiler(root, refs).node(root)
    except Unsupported:
        return _never


class _Compiler:
    def __init__(self, root: dict[str, Any], refs: dict[str, Check]) -> None:
        self.root = root
        self.refs = refs

    def node(self, schema: Any) -> Check:
        if schema is True:
            return lambda v: True
        if schema is False or not isinstance(schema, dict):
            raise Unsupported(repr(schema))
        checks = [self.keyword(k, schema) for k in schema if k not in _ANNOTATIONS
                  and not k.startswith("x-") and k not in ("then", "else")]
        return _all(checks)

    def keyword(self, key: str, schema: dict[str, Any]) -> Check:
        value = schema[key]
        if key == "type":
            names = value if isinstance(value, list) else [value]
            if not all(n in _TYPES for n in names):
                raise Unsupported(f"type {value}")
            return _any([_TYPES[n] for n in names])
        if key == "properties":
            return _properties({k: self.node(s) for k, s in value.items()})
        if key == "additionalProperties":
            return self._additional(schema, value)
        if key == "if":
            return _if(self.node(value), self.node(schema.get("then", True)),
                       self.node(schema.get("else", True)))
        if key == "anyOf":
            return _any([self.node(s) for s in value])
        if key in ("items", "propertyNames"):
            return (_items if key == "items" else _names)(self.node(value))
        if key == "$ref":
            return self._ref(value)
        return _simple(key, value)

    def _additional(self, schema: dict[str, Any], value: Any) -> Check:
        if "patternProperties" in schema:
            raise Unsupported("patternProperties")
        known = frozenset(schema.get("properties", {}))
        if value is False:
            return lambda v: not isinstance(v, dict) or v.keys() <= known
        extra = self.node(value)
        return lambda v: not isinstance(v, dict) or all(
            extra(x) for k, x in v.items() if k not in known)

    def _ref(self, ref: str) -> Check:
        if not ref.startswith("#"):
            raise Unsupported(ref)
        if ref not in self.refs:
            self.refs[ref] = _never  # a cycle compiles against this placeholder, then is looked up
            target: Any = self.root
            for part in filter(None, ref[1:].split("/")):
                target = target[part.replace("~1", "/").replace("~0", "~")]
            self.refs[ref] = self.node(target)
        refs = self.refs
        return lambda v: refs[ref](v)


def _simple(key: str, value: Any) -> Check:
    """Keywords that look at one value without descending into it."""
    if key == "required":
        names = tuple(value)
        return lambda v: not isinstance(v, dict) or all(n in v for n in names)
    if key in ("enum", "const"):
        return _one_of(value if key == "enum" else [value])
    if key == "minLength":
        return lambda v: not isinstance(v, str) or len(v) >= value
    if key == "minItems":
        return lambda v: not isinstance(v, list) or len(v) >= value
    if key == "minProperties":
        return lambda v: not isinstance(v, dict) or len(v) >= value
    if key == "minimum":
        return lambda v: not _TYPES["number"](v) or not v < value
    if key == "uniqueItems":
        return _unique if value else lambda v: True
    if key == "pattern":
        search = re.compile(value).search
        return lambda v: not isinstance(v, str) or search(v) is not None
    if key == "format" and value == "date":
        return _is_date
    raise Unsupported(key)


def _one_of(allowed: list[Any]) -> Check:
    """enum and const for text and numbers; jsonschema's equality holds 1 == 1.0 but 1 != true."""
    if not all(isinstance(a, str | int | float) and not isinstance(a, bool) for a in allowed):
        raise Unsupported("enum")
    options = frozenset(allowed)
    return lambda v: (isinstance(v, str) or _TYPES["number"](v)) and v in options


def _all(checks: list[Check]) -> Check:
    if len(checks) == 1:
        return checks[0]
    if len(checks) == 2:
        first, second = checks
        return lambda v: first(v) and second(v)

    def check(v: Any) -> bool:
        for c in checks:  # noqa: SIM110  (a loop, not all(...): a generator per call costs most)
            if not c(v):
                return False
        return True
    return check


def _any(checks: list[Check]) -> Check:
    if len(checks) == 1:
        return checks[0]

    def check(v: Any) -> bool:
        for c in checks:  # noqa: SIM110  (as in _all)
            if c(v):
                return True
        return False
    return check


def _properties(checks: dict[str, Check]) -> Check:
    def check(v: Any) -> bool:
        if not isinstance(v, dict):
            return True
        for key, value in v.items():
            sub = checks.get(key)
            if sub is not None and not sub(value):
                return False
        return True
    return check


def _if(test: Check, then: Check, otherwise: Check) -> Check:
    return lambda v: then(v) if test(v) else otherwise(v)


def _items(item: Check) -> Check:
    def check(v: Any) -> bool:
        if isinstance(v, list):
            for x in v:
                if not item(x):
                    return False
        return True
    return check


def _names(name: Check) -> Check:
    return lambda v: not isinstance(v, dict) or all(name(k) for k in v)


def _unique(v: Any) -> bool:
    if not isinstance(v, list):
        return True
    # Only text is compared here; jsonschema decides lists holding anything else.
    return all(isinstance(x, str) for x in v) and len(set(v)) == len(v)


def _is_date(v: Any) -> bool:
    if not isinstance(v, str):
        return True
    if not _DATE.fullmatch(v):
        return False
    try:
        date.fromisoformat(v)
    except ValueError:
        return False
    return True
