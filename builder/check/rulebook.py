"""The rule book (schema/rules.yml): loaded with the catalog's own safe loader, checked
against schema/rules.schema.json and its cross-references, and turned into typed rules.

A broken rule book must never score a catalog, so every problem is collected and
raised together as ``RulesError``, each naming the file, line, column and key.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

from builder import resources
from builder.catalog import display_path
from builder.fastschema import compile_schema
from builder.findings import Lang, Severity
from builder.load import Document, json_path, parse_bytes
from builder.validate import is_placeholder_in, raw_schema

RULES_FILE = resources.schema_dir() / "rules.yml"
RULES_SCHEMA = resources.schema_dir() / "rules.schema.json"
Status = Literal["checked", "partly", "unchecked"]
STATUS_LABELS: dict[str, tuple[str, str]] = {
    "checked": ("已核实", "checked"),
    "partly": ("部分核实", "partly checked"),
    "unchecked": ("未核实", "not checked"),
}
LOCAL_SETTING = ("本规则手册设定的分值（非法定）", "this rule book's own setting, not law")
MISSING_LABELS: dict[str, tuple[str, str]] = {
    "absent": ("没有这个键", "key absent"),
    "null-value": ("空值", "no value"),
    "empty": ("空文字或空列表", "empty text or list"),
    "blank": ("只有空白", "white space only"),
    "placeholder": ("占位词（如 无、同上）", "a placeholder (无, 同上, …)"),
    "unparseable": ("文件无法解析", "file could not be parsed"),
    "empty-area": ("领域内没有事项", "no item in the area"),
    "no-column": ("表格没有这一栏", "the table has no such column"),
}


class RulesError(Exception):
    """The rule book cannot be used; ``problems`` each name file:line:col, key and what is wrong."""

    def __init__(self, file: str, problems: list[str]) -> None:
        super().__init__(f"{file}: " + "; ".join(problems))
        self.file = file
        self.problems = problems

    def text(self, lang: Lang) -> str:
        head = (f"gkml: the rule book {self.file} is invalid; nothing was scored:" if lang == "en"
                else f"gkml：规则手册 {self.file} 无效，未进行考核：")
        return "\n".join([head, *(f"  {p}" for p in self.problems)])


@dataclass(frozen=True, slots=True)
class Citation:
    """One document (and article) a rule rests on, with how far it was checked."""

    source: str
    title: str
    issuer: str = ""
    number: str = ""
    date: str = ""
    url: str = ""
    article: str = ""
    quote: str = ""
    note: str = ""
    note_en: str = ""
    status: Status = "checked"

    def text(self) -> str:
        """《国务院办公厅关于…的指导意见》（国办发〔2019〕54号）第二十六条: the form inspectors cite."""
        if not self.number:
            return (f"{self.issuer}《{self.title}》" if self.issuer else self.title) + self.article
        # Chinese titles of the 关于… form carry their issuer inside the brackets.
        doc = (f"《{self.issuer}{self.title}》" if self.title.startswith("关于")
               else f"{self.issuer}《{self.title}》")
        return f"{doc}（{self.number}）{self.article}"

    def short(self) -> str:
        """国办发〔2019〕54号, or 《中华人民共和国政府信息公开条例》第二十六条 when a clause is cited."""
        if self.article:
            return f"《{self.title}》{self.article}"
        return self.number or self.title

    def explain(self, lang: Lang) -> str:
        return (self.note_en or self.note) if lang == "en" else self.note


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    element: str
    """Dotted item key (columns.level1); '' for the empty-area rule."""
    points: int
    severity: Severity
    missing: frozenset[str]
    requirement: str
    requirement_en: str
    basis: tuple[Citation, ...]
    setting: str = ""
    """Why the points are this rule book's own choice and not law; '' when they rest on the basis."""
    setting_en: str = ""
    path: tuple[str, ...] = field(init=False, compare=False, repr=False)
    """The element as a node path (('columns', 'level1')), worked out once: scoring asks for it
    for every rule of every item."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "path", tuple(self.element.split(".")) if self.element else ())

    def citation(self) -> str:
        """The basis as cited in a deduction; a local setting says so first, so it is never read as law."""
        return "；".join([*([LOCAL_SETTING[0]] if self.setting else []), *(c.text() for c in self.basis)])

    def short_citation(self) -> str:
        return "；".join([*([LOCAL_SETTING[0]] if self.setting else []), *(c.short() for c in self.basis)])

    def explain_setting(self, lang: Lang) -> str:
        return (self.setting_en or self.setting) if lang == "en" else self.setting

    def describe(self, lang: Lang) -> str:
        return self.requirement_en if lang == "en" else self.requirement


@dataclass(frozen=True)
class RuleBook:
    file: str
    version: str
    sha256: str
    scale: int
    requirement: str
    requirement_en: str
    scoring_basis: tuple[Citation, ...]
    placeholders: tuple[str, ...]
    rules: tuple[Rule, ...]
    empty_area: Rule
    pilot_areas: tuple[str, ...]
    """The pilot areas by name: the `name`s of the catalog's _area.yml files."""
    unscored_in_tables: tuple[str, ...] = ()
    """Elements a published table is not marked down for lacking (gkml inspect): a local setting."""
    unscored_note: tuple[str, str] = ("", "")
    """Why, in Chinese and English."""

    @cached_property
    def _words(self) -> frozenset[str]:
        return frozenset(p.casefold() for p in self.placeholders)

    def is_placeholder(self, value: str) -> bool:
        """Whether ``value`` is one of this rule book's placeholders (the list the 考核方法 page prints)."""
        return is_placeholder_in(value, self._words)


def load_rules(path: Path = RULES_FILE) -> RuleBook:
    """The rule book at ``path``; raises ``RulesError`` listing every problem."""
    file = display_path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise RulesError(file, [f"{file}: {exc.strerror or exc}"]) from None
    doc = parse_bytes(raw, file)
    if doc.findings:
        raise RulesError(file, [f"{f.file}:{f.line}:{f.column}: {f.text('zh')[0]}" for f in doc.findings])
    problems = list(_schema_problems(doc)) or list(_reference_problems(doc))
    if problems:
        raise RulesError(file, problems)
    return _build(doc.data, file, hashlib.sha256(raw).hexdigest())


def _schema_problems(doc: Document) -> Iterator[str]:
    schema = json.loads(RULES_SCHEMA.read_text(encoding="utf-8"))
    if compile_schema(schema)(doc.data):
        return  # valid: no need to import jsonschema to list no errors
    from jsonschema import Draft202012Validator, FormatChecker  # late: ~50 ms to import

    validator = Draft202012Validator(schema, format_checker=FormatChecker())
    errors = [(doc.mark(tuple(e.absolute_path)), e) for e in validator.iter_errors(doc.data)]
    for _, error in sorted(errors, key=lambda pair: (pair[0].line, pair[0].column)):
        yield _at(doc, tuple(error.absolute_path), error.message)


def _at(doc: Document, path: tuple[Any, ...], message: str) -> str:
    m = doc.mark(path)
    return f"{doc.file}:{m.line}:{m.column}: {json_path(path)}: {message}"


def _reference_problems(doc: Document) -> Iterator[str]:
    data: dict[str, Any] = doc.data
    ids = Counter([r["id"] for r in data["rules"]] + [data["empty_area"]["id"]])
    for i, rule in enumerate(data["rules"]):
        if ids[rule["id"]] > 1:
            yield _at(doc, ("rules", i, "id"), f"规则代号重复 / duplicate rule id {rule['id']!r}")
        if not _known_element(rule["element"]):
            yield _at(doc, ("rules", i, "element"),
                      f"事项格式中没有这个要素 / no such element in item.schema.json: {rule['element']!r}")
    elements = {r["element"] for r in data["rules"]}
    for i, element in enumerate(data.get("published_tables", {}).get("unscored", [])):
        if element not in elements:
            yield _at(doc, ("published_tables", "unscored", i),
                      f"没有这个要素的规则 / no rule for element {element!r}")
    for path, citation in _citations(data):
        if citation["source"] not in data["sources"]:
            yield _at(doc, (*path, "source"),
                      f"sources 中没有这份文件 / not listed under sources: {citation['source']!r}")


def _citations(data: dict[str, Any]) -> Iterator[tuple[tuple[Any, ...], dict[str, Any]]]:
    for j, c in enumerate(data["scoring"]["basis"]):
        yield ("scoring", "basis", j), c
    for j, c in enumerate(data["empty_area"]["basis"]):
        yield ("empty_area", "basis", j), c
    for i, rule in enumerate(data["rules"]):
        for j, c in enumerate(rule["basis"]):
            yield ("rules", i, "basis", j), c


def _known_element(element: str) -> bool:
    node: Mapping[str, Any] | None = raw_schema("item")
    for part in element.split("."):
        node = (node or {}).get("properties", {}).get(part)
    return node is not None


def _build(data: dict[str, Any], file: str, sha256: str) -> RuleBook:
    sources: dict[str, dict[str, str]] = data["sources"]
    scoring, area = data["scoring"], data["empty_area"]
    return RuleBook(
        file=file, version=data["version"], sha256=sha256, scale=scoring["scale"],
        requirement=scoring["requirement"], requirement_en=scoring["requirement_en"],
        scoring_basis=_basis(scoring["basis"], sources),
        placeholders=tuple(data["placeholders"]),
        rules=tuple(_rule(r, sources) for r in data["rules"]),
        empty_area=_rule({**area, "element": "", "missing": []}, sources),
        pilot_areas=tuple(area["areas"]),
        unscored_in_tables=tuple(data.get("published_tables", {}).get("unscored", ())),
        unscored_note=(data.get("published_tables", {}).get("note", ""),
                       data.get("published_tables", {}).get("note_en", "")),
    )


def _rule(raw: dict[str, Any], sources: dict[str, dict[str, str]]) -> Rule:
    return Rule(raw["id"], raw["element"], raw["points"], Severity(raw["severity"]),
                frozenset(raw["missing"]), raw["requirement"], raw["requirement_en"],
                _basis(raw["basis"], sources), raw.get("setting", ""), raw.get("setting_en", ""))


def _basis(raw: list[dict[str, str]], sources: dict[str, dict[str, str]]) -> tuple[Citation, ...]:
    return tuple(Citation(**{**sources[c["source"]], **c}) for c in raw)  # type: ignore[arg-type]
