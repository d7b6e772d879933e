"""Validate stage, one document at a time: JSON Schema errors become clerk-readable findings.

jsonschema's ``iter_errors`` yields every error; each is turned into a typed finding
that names the element by its Chinese title (taken from the schema, the one place
element names live), the line and column from the loader, and a hint. Checks that
need other files (codes, areas, channels) live in ``builder.catalog``.

Most files are valid, so each is first asked the cheap questions: does the schema compiled
by ``builder.fastschema`` accept it, and does any text look like a placeholder or a key with
a full-width colon? Only a file that fails one is walked in full, with the same code as always.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import yaml

from builder import numbering, resources
from builder.codes import ASSUMING_EN, ASSUMING_ZH
from builder.fastschema import Check, compile_schema
from builder.findings import Finding
from builder.load import FULLWIDTH_KEY, Document, NodePath
from builder.schema_errors import coerced_finding, find, translate
from builder.textsafe import CELL_LIMIT, CONTROL, control_char

if TYPE_CHECKING:
    # jsonschema costs ~50 ms to import: only a run with an invalid file pays it.
    from jsonschema import Draft202012Validator

Kind = Literal["item", "area", "site"]

DATE_KEYS = frozenset({"until"})
"""Keys whose values are dates; an unquoted date there is what the clerk meant."""
PLACEHOLDER_FREE = frozenset({"notes", "exemptions"})
"""Item elements where 无 or 暂无 is an honest answer, not a placeholder."""
UNFILLED = "待补充"
"""The blank ``gkml new`` leaves for the clerk to fill in (one of the rule book's placeholders).
Unlike 无 it is never an answer, so it fails validation in every element, optional ones too."""

@dataclass(frozen=True)
class Schema:
    kind: Kind
    accepts: Check
    """True only for a valid document: jsonschema is asked for the errors of the others."""
    labels: dict[str, tuple[str, str]]
    """Every property key in the schema → (Chinese title, English title)."""

    def label(self, key: str) -> tuple[str, str]:
        return self.labels.get(key, (key, key))

    @property
    def validator(self) -> Draft202012Validator:
        return _validator(self.kind)


@functools.cache
def raw_schema(kind: Kind) -> dict[str, Any]:
    path = resources.schema_dir() / f"{kind}.schema.json"
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


@functools.cache
def schema(kind: Kind) -> Schema:
    raw = raw_schema(kind)
    return Schema(kind, compile_schema(raw), dict(_labels(raw)))


@functools.cache
def _validator(kind: Kind) -> Draft202012Validator:
    from jsonschema import Draft202012Validator, FormatChecker

    return Draft202012Validator(raw_schema(kind), format_checker=FormatChecker())


def _labels(node: Any) -> Iterator[tuple[str, tuple[str, str]]]:
    if isinstance(node, dict):
        for key, sub in node.get("properties", {}).items():
            if "title" in sub:
                yield key, (sub["title"], sub.get("x-title-en", key))
        for key, sub in node.items():
            if key != "properties":
                yield from _labels(sub)
        for sub in node.get("properties", {}).values():
            yield from _labels(sub)
    elif isinstance(node, list):
        for sub in node:
            yield from _labels(sub)


@functools.cache
def placeholders() -> frozenset[str]:
    rules = yaml.safe_load((resources.schema_dir() / "rules.yml").read_text(encoding="utf-8"))
    return frozenset(str(p).casefold() for p in rules["placeholders"])


_ONLY_MARKS = re.compile(r"^[\s\-—–_/／\\.。…·、,，]+$")


def is_placeholder(value: str) -> bool:
    """True for 同上, 无, '-', '——' and the like: values that say nothing."""
    return is_placeholder_in(value, placeholders())


# The same few texts (主动公开, 县级, a subject) fill most items; a frozenset keeps its hash,
# so the key costs two lookups.
@functools.lru_cache(maxsize=1 << 16)
def is_placeholder_in(value: str, words: frozenset[str]) -> bool:
    """``is_placeholder`` against a given list (casefolded): a rule book's own ``placeholders``."""
    v = value.strip().rstrip("。.").strip()
    return v.casefold() in words or bool(_ONLY_MARKS.match(value))


def _any_vague(texts: list[str]) -> bool:
    """Whether any text is blank or ``is_placeholder``: the same tests, a list at a time."""
    stripped = [t.strip() for t in texts]
    if not all(stripped) or any(map(_ONLY_MARKS.match, texts)):
        return True
    return not placeholders().isdisjoint([s.rstrip("。.").strip().casefold() for s in stripped])


def validate_document(doc: Document, kind: Kind) -> list[Finding]:
    """Schema findings for one loaded document (none when it could not be loaded, except those
    of the file read as if its traps were mended: ``Document.assumed``)."""
    if doc.data is None:
        return _assumed(doc, kind) if doc.assumed is not None else []
    if not isinstance(doc.data, dict):
        return [_not_mapping(doc)]
    sch = schema(kind)
    found: list[Finding] = []
    # The walks below build a path for every text; a cheap look first skips them for most files.
    free = PLACEHOLDER_FREE if kind == "item" else doc.data.keys()
    checked = _texts([v for k, v in doc.data.items() if k not in free])
    texts = checked + _texts([v for k, v in doc.data.items() if k in free])
    joined = "\n".join(texts)  # one search each over all texts (both patterns are line-wise)
    if FULLWIDTH_KEY.search(joined):
        found += _fullwidth_keys(doc, sch)
    if kind == "item" and _any_vague(checked):
        found += _placeholders(doc, sch)
    if kind == "item" and any(_is_unfilled(t) for t in texts[len(checked):]):
        found += _unfilled(doc, sch)
    if kind == "item":
        found += _stray_numbers(doc, sch)
    if CONTROL.search(joined) or (len(joined) > CELL_LIMIT and max(map(len, texts)) > CELL_LIMIT):
        found += _unsafe_texts(doc, sch)
    # A path the loader or the placeholder check already explained gets no second, vaguer finding.
    blocked = {f.path for f in found} | {f.path for f in doc.findings if f.path != "$"}
    errors = () if sch.accepts(doc.data) else sch.validator.iter_errors(doc.data)
    for error in errors:
        found += [f for f in translate(error, doc, sch) if f.path not in blocked]
    found += _dates(doc, sch)
    exempt = _exempted(doc.data) if kind == "item" else set()
    return _unique(f for f in found
                   if not (f.element in exempt and f.code in ("required", "empty", "placeholder")))


def _assumed(doc: Document, kind: Kind) -> list[Finding]:
    """The problems of the mended reading, each marked with the lines it assumes fixed."""
    assert doc.assumed is not None
    lines = "、".join(str(n) for n in sorted({f.line for f in doc.findings}))
    mark = {"assuming": ASSUMING_ZH.format(lines=lines), "assuming_en": ASSUMING_EN.format(lines=lines)}
    found = doc.assumed.findings + validate_document(doc.assumed, kind)
    return [dataclasses.replace(f, params={**f.params, **mark}) for f in found]


def _exempted(data: dict[str, Any]) -> set[str]:
    """Elements declared not applicable: their absence is the exemption's business, not an error."""
    exemptions = data.get("exemptions")
    if not isinstance(exemptions, list):
        return set()
    return {str(e.get("element")) for e in exemptions if isinstance(e, dict)}


def _not_mapping(doc: Document) -> Finding:
    kind = "列表" if isinstance(doc.data, list) else f"一段文字“{str(doc.data)[:20]}”"
    kind_en = "a list" if isinstance(doc.data, list) else "a single value"
    return doc.finding("doc-not-mapping", (), kind=kind, kind_en=kind_en)


def _unique(findings: Iterable[Finding]) -> list[Finding]:
    seen: set[tuple[str, str, str]] = set()
    out = []
    for f in findings:
        key = (f.code, f.path, f.element)
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out


def _dates(doc: Document, sch: Schema) -> Iterator[Finding]:
    for path, c in doc.coerced.items():
        if c.tag == "timestamp" and not (path and path[-1] in DATE_KEYS):
            yield coerced_finding(doc, sch, path, c.tag, c.raw, c.raw)


def _fullwidth_keys(doc: Document, sch: Schema) -> Iterator[Finding]:
    """`level1：规划编制` parses as one text; it is a key with a full-width colon when the word is a key."""
    for path, text in _strings((), doc.data):
        m = FULLWIDTH_KEY.match(text)
        if m and m.group(1) in sch.labels:
            yield doc.finding("yaml-fullwidth-colon", path, m.group(1), key=m.group(1))


def _placeholders(doc: Document, sch: Schema) -> Iterator[Finding]:
    for key, value in doc.data.items():
        if key in PLACEHOLDER_FREE:
            continue
        for path, text in _strings((key,), value):
            if not text.strip():
                yield find(doc, sch, "empty", path)
            elif is_placeholder(text):
                yield find(doc, sch, "placeholder", path, value=text)


def _is_unfilled(text: str) -> bool:
    return text.strip().rstrip("。.").strip() == UNFILLED


def _unfilled(doc: Document, sch: Schema) -> Iterator[Finding]:
    """A template blank left in 情况说明 or an exemption: the other elements are ``_placeholders``'s."""
    for key in PLACEHOLDER_FREE & doc.data.keys():
        for path, text in _strings((key,), doc.data[key]):
            if _is_unfilled(text):
                yield find(doc, sch, "placeholder", path, value=text)


def _stray_numbers(doc: Document, sch: Schema) -> Iterator[Finding]:
    """A citation still numbered ('《甲法》；2'): a sheet's list numbers that an import or a paste kept."""
    basis = doc.data.get("basis")
    for i, text in enumerate(basis if isinstance(basis, list) else ()):
        number = numbering.stray(text) if isinstance(text, str) else ""
        if number:
            yield find(doc, sch, "basis-stray-number", ("basis", i), value=text, number=number)


def _unsafe_texts(doc: Document, sch: Schema) -> Iterator[Finding]:
    """Text no spreadsheet can hold: a control character, or more than a cell's limit."""
    for path, text in _strings((), doc.data):
        bad = control_char(text)
        if bad:
            yield find(doc, sch, "text-control-char", path, index=bad[0], char=bad[1])
        if len(text) > CELL_LIMIT:
            yield find(doc, sch, "text-too-long", path, length=len(text), limit=CELL_LIMIT)


def _texts(values: list[Any]) -> list[str]:
    """Every text in ``values`` and in the lists and mappings among them, in no particular order."""
    out: list[str] = []
    todo = list(values)  # a stack, not recursion: this runs for every file
    while todo:
        value = todo.pop()
        if isinstance(value, str):
            out.append(value)
        elif isinstance(value, list):
            todo += value
        elif isinstance(value, dict):
            todo += value.values()
    return out


def _strings(path: NodePath, value: Any) -> Iterator[tuple[NodePath, str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _strings((*path, i), v)
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from _strings((*path, k), v)
