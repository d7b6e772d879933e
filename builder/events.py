"""The two event builders of the load stage: libyaml's event stream becomes plain data.

Safe by construction: the data is built from events, never by a constructor, so no tag can
run code. YAML traps that silently change what a clerk wrote (``001`` read as 1, ``yes`` as
true, ``2020-01-01`` as a date) are remembered in ``Document.coerced`` so the validator can
name them; dates keep their original text in the data.

``quick`` builds the data of a plain file in one tight loop and keeps no positions; it gives
up on anything unusual. ``Builder`` records every node's line and column and explains every
refusal; it reads what ``quick`` gave up on, and works out the positions of a quick document
when a finding first asks for one. Both give the same data, traps and findings
(tests/test_fastpath.py, tests/test_fuzz.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import yaml

from builder.document import Coerced, Document, Key, Mark, NodePath, json_path
from builder.findings import Finding
from builder.guards import MAX_DEPTH, MAX_NODES

Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_RESOLVER = yaml.resolver.Resolver()
_CTOR = yaml.constructor.SafeConstructor()
_CORE = "tag:yaml.org,2002:"
_SCALAR_TAGS = {f"{_CORE}{t}" for t in ("str", "int", "float", "bool", "null", "timestamp")}
_COLLECTION_TAGS = {f"{_CORE}seq", f"{_CORE}map"}


_STR = f"{_CORE}str"
_RESOLVED_FIRST = frozenset(_RESOLVER.yaml_implicit_resolvers)
"""A plain scalar starting with any other character is text: no implicit resolver looks at it."""


def quick(text: str) -> tuple[Any, dict[NodePath, Coerced]] | None:
    """(data, coerced) of a plain document, built from the events in one loop without positions;
    None for anything the full builder must see: an error, an alias, a tag, a duplicate or
    complex key, a second document, or any limit reached (an anchor alone changes nothing)."""
    parser = Loader(text)
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


class Refused(Exception):
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


class Builder:
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
        raise Refused

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
