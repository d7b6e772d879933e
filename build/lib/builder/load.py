"""Load stage: one file's bytes become plain data plus the line and column of every node.

Safe by construction: the data is built from libyaml's event stream, never by a
constructor, so no tag can run code. Each guard below has a cheap test before the
expensive work:

- size is checked with ``stat`` before a byte is read;
- encoding is checked before parsing (UTF-8, a BOM accepted; GBK refused with a hint);
- flow brackets are counted before parsing, because libyaml needs seconds for a few
  thousand nested ``[`` and its C composer crashes the interpreter on deeper ones;
- aliases are counted as they expand, so an alias bomb stops at ``MAX_NODES``.

YAML traps that silently change what a clerk wrote (``001`` read as 1, ``yes`` as
true, ``2020-01-01`` as a date) are remembered in ``Document.coerced`` so the
validator can name them; dates keep their original text in the data.

Two builders read the same events. ``_quick`` builds the data of a plain file in one tight
loop and keeps no positions; it gives up on anything unusual. ``_Builder`` records every
node's line and column and explains every refusal; it reads what ``_quick`` gave up on,
and works out the positions of a quick document when a finding first asks for one. Both
give the same data, traps and findings (tests/test_fastpath.py, tests/test_fuzz.py).
"""

from __future__ import annotations

import codecs
import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from builder.findings import Finding

MAX_BYTES = 1 << 20
"""An item is a few KB; anything over 1 MiB is not an item."""
MAX_DEPTH = 32
MAX_NODES = 20_000

Key = str | int
NodePath = tuple[Key, ...]

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_RESOLVER = yaml.resolver.Resolver()
_CTOR = yaml.constructor.SafeConstructor()
_CORE = "tag:yaml.org,2002:"
_SCALAR_TAGS = {f"{_CORE}{t}" for t in ("str", "int", "float", "bool", "null", "timestamp")}
_COLLECTION_TAGS = {f"{_CORE}seq", f"{_CORE}map"}
_KEY_CODES = frozenset({"unknown-key", "yaml-duplicate-key"})
"""Findings about a key itself point at the key, not its value."""
FULLWIDTH_KEY = re.compile(r"^[ \t]*(?:-[ \t]+)?([a-z_][a-z0-9_]*)[ \t]*：", re.MULTILINE)


@dataclass(frozen=True, slots=True)
class Mark:
    line: int
    column: int


@dataclass(frozen=True, slots=True)
class Coerced:
    """A plain (unquoted) scalar that YAML read as something other than text."""

    tag: str
    raw: str


Positions = tuple[dict[NodePath, Mark], dict[NodePath, Mark]]
"""Where each value is, and where each key is."""


@dataclass
class Document:
    """One loaded file. ``data`` is None when the file could not be read at all."""

    file: str
    data: Any = None
    coerced: dict[NodePath, Coerced] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    positions: Positions | Callable[[], Positions] = field(
        default_factory=lambda: ({}, {}), repr=False, compare=False)
    """(marks, key_marks), or a function that works them out when first asked for: the quick
    load and the cache skip them, since most documents never need a position."""

    @property
    def marks(self) -> dict[NodePath, Mark]:
        return self._located()[0]

    @property
    def key_marks(self) -> dict[NodePath, Mark]:
        return self._located()[1]

    def __reduce__(self) -> tuple[type[Document], tuple[Any, ...]]:
        # Pickled (by builder.parallel) as its fields: three times faster than a dataclass's default.
        return Document, (self.file, self.data, self.coerced, self.findings, self.positions)

    def _located(self) -> Positions:
        if callable(self.positions):
            self.positions = self.positions()
        return self.positions

    def mark(self, path: NodePath, at_key: bool = False) -> Mark:
        """Where ``path``'s value is (its key with ``at_key``), else the nearest enclosing key."""
        marks, key_marks = self._located()
        if at_key and path in key_marks:
            return key_marks[path]
        if path in marks and not isinstance(self.data_at(path), dict | list):
            return marks[path]
        for end in range(len(path), -1, -1):
            sub = path[:end]
            if sub in key_marks:
                return key_marks[sub]
        return marks.get((), Mark(1, 1))

    def data_at(self, path: NodePath) -> Any:
        node = self.data
        for part in path:
            try:
                node = node[part]
            except (KeyError, IndexError, TypeError):
                return None
        return node

    def finding(self, code: str, path: NodePath = (), element: str = "", /,
                **params: object) -> Finding:
        m = self.mark(path, at_key=code in _KEY_CODES)
        return Finding(code, self.file, m.line, m.column, json_path(path), element, params)


def json_path(path: NodePath) -> str:
    return "$" + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path)


def load_document(path: Path, file: str) -> Document:
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            return _failed(file, "file-too-large", size=size, limit=MAX_BYTES)
        raw = path.read_bytes()
    except OSError as exc:
        return _failed(file, "yaml-syntax", problem=exc.strerror or str(exc),
                       problem_en=exc.strerror or str(exc))
    return parse_bytes(raw, file)


def parse_bytes(raw: bytes, file: str, *, quick: bool = True) -> Document:
    """Parse one file's content. Never raises for any input.

    A plain file (no alias, tag, duplicate key or error: nearly every item) is read by
    ``_quick``, which skips positions; they are worked out by the full builder, from the same
    text, only when a finding asks for one. Anything else goes to the full builder at once.
    ``quick=False`` is the reference the quick path is tested against.
    """
    if len(raw) > MAX_BYTES:
        return _failed(file, "file-too-large", size=len(raw), limit=MAX_BYTES)
    text = _decode(raw, file)
    if isinstance(text, Document):
        return text
    if not text.strip() or all(_is_comment(line) for line in text.splitlines()):
        return _failed(file, "file-empty")
    if _flow_depth(text) > MAX_DEPTH:
        return _failed(file, "yaml-too-deep", limit=MAX_DEPTH)
    plain = _quick(text) if quick else None
    if plain is not None:
        return Document(file, *plain, positions=functools.partial(_positions, text, file))
    doc = Document(file)
    try:
        _Builder(doc).run(yaml.parse(text, Loader=_Loader))
    except yaml.YAMLError as exc:
        return _syntax_failure(file, text, exc)
    except _Refused:
        doc.data = None
    return doc


def _positions(text: str, file: str) -> Positions:
    doc = Document(file)
    _Builder(doc).run(yaml.parse(text, Loader=_Loader))  # the quick load read it: no error here
    return doc._located()


def positions(raw: bytes, file: str) -> Positions:
    """The positions ``parse_bytes(raw, file)`` would give (for a document from the cache)."""
    return parse_bytes(raw, file, quick=False)._located()


def _failed(file: str, code: str, at_line: int = 1, at_col: int = 1, **params: object) -> Document:
    return Document(file, findings=[Finding(code, file, at_line, at_col, "$", "", params)])


def _is_comment(line: str) -> bool:
    s = line.strip()
    return not s or s.startswith("#")


def _decode(raw: bytes, file: str) -> str | Document:
    if raw.startswith(codecs.BOM_UTF8):
        raw = raw[len(codecs.BOM_UTF8):]
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _failed(file, "file-encoding", 1, 1, guess="（看起来是 UTF-16 编码）",
                       guess_en=" (it looks like UTF-16)")
    nul = raw.find(b"\x00")
    if nul >= 0:
        return _failed(file, "file-not-text", raw.count(b"\n", 0, nul) + 1, 1,
                       line=raw.count(b"\n", 0, nul) + 1)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        start = raw.rfind(b"\n", 0, exc.start) + 1
        column = len(raw[start:exc.start].decode("utf-8", "replace")) + 1
        guess, guess_en = "", ""
        try:
            raw.decode("gb18030")
            guess = "（看起来是 Windows 上常见的 GBK/GB18030 编码）"
            guess_en = " (it looks like GBK/GB18030, common on Chinese Windows)"
        except UnicodeDecodeError:
            pass
        return _failed(file, "file-encoding", line, column, guess=guess, guess_en=guess_en)


def _flow_depth(text: str) -> int:
    if text.count("[") + text.count("{") <= MAX_DEPTH:
        return 0
    depth = deepest = 0
    for ch in re.findall(r"[\[\]{}]", text):
        depth = depth + 1 if ch in "[{" else max(depth - 1, 0)
        deepest = max(deepest, depth)
    return deepest


_STR = f"{_CORE}str"
_RESOLVED_FIRST = frozenset(_RESOLVER.yaml_implicit_resolvers)
"""A plain scalar starting with any other character is text: no implicit resolver looks at it."""


def _quick(text: str) -> tuple[Any, dict[NodePath, Coerced]] | None:
    """(data, coerced) of a plain document, built from the events in one loop without positions;
    None for anything the full builder must see: an error, an alias, a tag, a duplicate or
    complex key, a second document, or any limit reached (an anchor alone changes nothing)."""
    parser = _Loader(text)
    try:
        return _quick_events(parser.get_event)
    except yaml.YAMLError:
        return None
    finally:
        parser.dispose()


def _quick_events(next_event: Callable[[], Any]) -> tuple[Any, dict[NodePath, Coerced]] | None:
    # One function with local names: this loop runs for every event of every file.
    scalar_event, alias_event, document_start = yaml.ScalarEvent, yaml.AliasEvent, yaml.DocumentStartEvent
    ends = (yaml.MappingEndEvent, yaml.SequenceEndEvent)
    starts = (yaml.MappingStartEvent, yaml.SequenceStartEvent)
    resolve, node_kind, resolved_first = _RESOLVER.resolve, yaml.ScalarNode, _RESOLVED_FIRST
    coerced: dict[NodePath, Coerced] = {}
    stack: list[tuple[Any, NodePath]] = []
    container: Any = None  # the open list or dict; None outside the root
    path: NodePath = ()  # the open container's path
    key: Any = None  # in a dict, the key whose value comes next; None while a key is due
    root: list[Any] = []
    nodes = documents = 0
    while (ev := next_event()) is not None:
        kind = ev.__class__
        if kind is scalar_event:
            nodes += 1
            if ev.tag is not None or nodes > MAX_NODES:
                return None
            value = ev.value
            tag = _STR
            if ev.implicit[0] and value[:1] in resolved_first:
                tag = resolve(node_kind, value, ev.implicit)
                if tag not in _SCALAR_TAGS:  # `<<` and `=` too, even as keys
                    return None
            if key is None and container.__class__ is dict:
                if value in container:
                    return None
                key = value  # as written: `1:` is the key "1"
                continue
            if tag != _STR:
                if not ev.style:
                    at = () if container is None else (*path, len(container) if key is None else key)
                    coerced[at] = Coerced(tag.removeprefix(_CORE), value)
                value = _convert(tag, value)
            if key is not None:
                container[key] = value
                key = None
            elif container is not None:
                container.append(value)
            else:
                root.append(value)
        elif kind in ends:
            container, path = stack.pop()
            key = None
        elif kind in starts:
            nodes += 1
            in_dict = container.__class__ is dict
            if ev.tag is not None or nodes > MAX_NODES \
                    or (in_dict and key is None) or len(stack) >= MAX_DEPTH:
                return None
            new: Any = {} if kind is yaml.MappingStartEvent else []
            stack.append((container, path))
            if in_dict:
                container[key] = new
                path = (*path, key)
            elif container is not None:
                path = (*path, len(container))
                container.append(new)
            else:
                root.append(new)
            container, key = new, None
        elif kind is alias_event or (kind is document_start and (documents := documents + 1) > 1):
            return None
    return (root[0], coerced) if root else None


class _Refused(Exception):
    """Raised inside the builder after it has recorded why it stopped."""


@dataclass
class _Frame:
    container: Any
    path: NodePath
    mark: Mark
    anchor: str | None
    start_nodes: int
    key: Key | None = None
    key_mark: Mark | None = None
    awaiting_key: bool = True
    seen: dict[Key, int] = field(default_factory=dict)


class _Builder:
    """Turns parser events into data, recording marks; refuses what it must."""

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.stack: list[_Frame] = []
        self.anchors: dict[str, tuple[Any, int]] = {}
        self.nodes = 0
        self.documents = 0
        self.root_set = False

    def run(self, events: Any) -> None:
        for event in events:
            self.handle(event)
        if not self.root_set and not self.doc.findings:
            self.doc.findings.append(Finding("file-empty", self.doc.file, 1, 1))

    def handle(self, ev: Any) -> None:
        if isinstance(ev, yaml.DocumentStartEvent):
            self.documents += 1
            if self.documents > 1:
                self.refuse("yaml-multi-doc", _mark(ev))
        elif isinstance(ev, yaml.ScalarEvent):
            self.scalar(ev)
        elif isinstance(ev, yaml.SequenceStartEvent | yaml.MappingStartEvent):
            self.start(ev)
        elif isinstance(ev, yaml.SequenceEndEvent | yaml.MappingEndEvent):
            self.end()
        elif isinstance(ev, yaml.AliasEvent):
            self.alias(ev)

    def refuse(self, code: str, mark: Mark, **params: object) -> None:
        self.doc.findings.append(Finding(code, self.doc.file, mark.line, mark.column, "$", "", params))
        raise _Refused

    def count(self, n: int, mark: Mark) -> None:
        self.nodes += n
        if self.nodes > MAX_NODES:
            self.refuse("yaml-alias-bomb", mark, limit=MAX_NODES)

    def scalar(self, ev: yaml.ScalarEvent) -> None:
        mark = _mark(ev)
        self.count(1, mark)
        tag = ev.tag
        implicit = tag is None or tag == "!"
        if tag == "!":
            tag = f"{_CORE}str"
        elif tag is None:
            tag = _RESOLVER.resolve(yaml.ScalarNode, ev.value, ev.implicit)
        if tag not in _SCALAR_TAGS:
            self.refuse("yaml-unsafe-tag", mark, tag=_short_tag(ev.tag))
        if self.stack and isinstance(self.stack[-1].container, dict) and self.stack[-1].awaiting_key:
            self.key(ev.value, mark)
            return
        try:
            value = _convert(tag, ev.value)
        except (ValueError, KeyError, IndexError):  # an explicit `!!int 同上`
            short = _short_tag(tag)
            self.refuse("yaml-syntax", mark,
                        problem=f"标签 {short} 下的“{ev.value[:20]}”不是这种值，请删除 {short}",
                        problem_en=f"'{ev.value[:20]}' is not a {short} value; remove {short}")
        path = self.add(value, mark, ev.anchor)
        if implicit and not ev.style and tag != f"{_CORE}str" and path is not None:
            self.doc.coerced[path] = Coerced(tag.removeprefix(_CORE), ev.value)

    def start(self, ev: yaml.SequenceStartEvent | yaml.MappingStartEvent) -> None:
        mark = _mark(ev)
        self.count(1, mark)
        if ev.tag is not None and ev.tag not in _COLLECTION_TAGS and ev.tag != "!":
            self.refuse("yaml-unsafe-tag", mark, tag=_short_tag(ev.tag))
        if len(self.stack) >= MAX_DEPTH:
            self.refuse("yaml-too-deep", mark, limit=MAX_DEPTH)
        if self.stack and isinstance(self.stack[-1].container, dict) and self.stack[-1].awaiting_key:
            self.refuse("yaml-bad-key", mark, key="[…]" if ev.flow_style else "（复杂键）")
        container: Any = {} if isinstance(ev, yaml.MappingStartEvent) else []
        path = self.add(container, mark, None)
        self.stack.append(_Frame(container, path or (), mark, ev.anchor, self.nodes))

    def end(self) -> None:
        frame = self.stack.pop()
        if frame.anchor:
            self.anchors[frame.anchor] = (frame.container, self.nodes - frame.start_nodes + 1)

    def alias(self, ev: yaml.AliasEvent) -> None:
        mark = _mark(ev)
        anchor = ev.anchor or ""
        if anchor not in self.anchors:
            self.refuse("yaml-syntax", mark, problem=f"别名 *{anchor} 没有对应的锚点",
                        problem_en=f"the alias *{anchor} has no anchor")
        value, size = self.anchors[anchor]
        self.count(size, mark)
        if self.stack and isinstance(self.stack[-1].container, dict) and self.stack[-1].awaiting_key:
            self.refuse("yaml-bad-key", mark, key=f"*{ev.anchor}")
        self.add(value, mark, None)

    def key(self, raw: str, mark: Mark) -> None:
        frame = self.stack[-1]
        # Keys stay as written: `1:` is the key "1", `yes:` the key "yes".
        if raw in frame.seen:
            self.doc.findings.append(Finding(
                "yaml-duplicate-key", self.doc.file, mark.line, mark.column,
                json_path((*frame.path, raw)), raw, {"key": raw, "first_line": frame.seen[raw]}))
        else:
            frame.seen[raw] = mark.line
        frame.key, frame.key_mark, frame.awaiting_key = raw, mark, False

    def add(self, value: Any, mark: Mark, anchor: str | None) -> NodePath | None:
        if not self.stack:
            self.doc.data, self.root_set = value, True
            path: NodePath = ()
        else:
            frame = self.stack[-1]
            if isinstance(frame.container, list):
                path = (*frame.path, len(frame.container))
                frame.container.append(value)
            else:
                assert frame.key is not None and frame.key_mark is not None
                path = (*frame.path, frame.key)
                frame.container[frame.key] = value
                self.doc.key_marks[path] = frame.key_mark
                frame.awaiting_key = True
        self.doc.marks[path] = mark
        if anchor and not isinstance(value, dict | list):
            self.anchors[anchor] = (value, 1)
        return path


def _short_tag(tag: str | None) -> str:
    return "!!" + tag[len(_CORE):] if tag and tag.startswith(_CORE) else str(tag)


def _mark(ev: Any) -> Mark:
    m = ev.start_mark
    return Mark(m.line + 1, m.column + 1)


def _convert(tag: str, value: str) -> Any:
    name = tag.removeprefix(_CORE)
    node = yaml.ScalarNode(tag, value)
    if name == "null":
        return None
    if name == "bool":
        return _CTOR.construct_yaml_bool(node)
    if name == "int":
        return _CTOR.construct_yaml_int(node)
    if name == "float":
        return _CTOR.construct_yaml_float(node)
    return value  # str, and timestamps kept as the text the clerk wrote


_PROBLEMS_ZH = {
    "could not find expected ':'": "找不到应有的半角冒号“:”",
    "mapping values are not allowed in this context":
        "这里不能出现“键: 值”（可能是冒号后少了空格、缩进不对，或值里含冒号需要加引号）",
    "did not find expected key": "缩进不一致，这里找不到应有的键",
    "did not find expected '-' indicator": "列表项的缩进不一致",
    "found unexpected end of stream": "文件意外结束（可能是引号或括号没有闭合）",
    "found character that cannot start any token":
        "这里有不能作为开头的字符（如 @ ` % |），请给整个值加引号",
    "did not find expected node content": "这里缺少内容",
    "found unknown escape character": "双引号中有无效的转义符“\\”，请改用单引号",
    "found undefined alias": "使用了未定义的别名",
    "found unexpected ':'": "出现了多余的冒号，请给整个值加引号",
    "expected <block end>, but found '-'": "列表项的缩进不一致",
    "expected <block end>, but found '<block mapping start>'": "这一行的缩进与上面的键不一致",
    "expected <block end>, but found '<scalar>'": "这一行的缩进不一致",
    "expected ',' or ']', but got '<stream end>'": "方括号 [ ] 没有闭合",
    "expected ',' or '}', but got '<stream end>'": "花括号 { } 没有闭合",
    "expected ',' or ']', but got '<scalar>'": "方括号中的项之间缺少逗号",
    "did not find expected ',' or ']'": "方括号 [ ] 没有闭合，或项之间缺少逗号",
    "did not find expected ',' or '}'": "花括号 { } 没有闭合，或项之间缺少逗号",
    "found unexpected end of stream while scanning a quoted scalar": "引号没有闭合",
    "found a tab character that violates indentation": "用了制表符（Tab）缩进",
}


def _tab_indented(text: str, line: int) -> bool:
    lines = text.splitlines()
    if not 1 <= line <= len(lines):
        return False
    current = lines[line - 1]
    return "\t" in current[: len(current) - len(current.lstrip())]


def _syntax_failure(file: str, text: str, exc: yaml.YAMLError) -> Document:
    if isinstance(exc, yaml.reader.ReaderError):
        line = text.count("\n", 0, exc.position) + 1
        return _failed(file, "yaml-bad-char", line, 1, char=f"U+{exc.character:04X}")
    wide = [
        Finding("yaml-fullwidth-colon", file, text.count("\n", 0, m.start(1)) + 1,
                m.start(1) - text.rfind("\n", 0, m.start(1)) + len(m.group(1)), "$", m.group(1),
                {"key": m.group(1)})
        for m in FULLWIDTH_KEY.finditer(text)
    ]
    if wide:
        return Document(file, findings=wide)
    problem = getattr(exc, "problem", None) or str(exc)
    mark = getattr(exc, "problem_mark", None)
    if problem == "could not find expected ':'" and getattr(exc, "context_mark", None):
        mark = exc.context_mark  # type: ignore[attr-defined]  # the key that lacks its colon
    line, column = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
    if "tab" in problem or _tab_indented(text, line):
        return _failed(file, "yaml-tab", line, column)
    zh = next((v for k, v in _PROBLEMS_ZH.items() if problem.startswith(k)), problem)
    return _failed(file, "yaml-syntax", line, column, problem=zh, problem_en=problem)
