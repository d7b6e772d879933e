"""Format stage: rewrite catalog YAML in the canonical key order and quoting, keeping comments.

``gkml fmt [PATH...] [--check]`` rewrites only the files whose text changes; with
``--check`` nothing is written and the files that would change are named (exit 1).

Why ruamel.yaml (pinned in pyproject.toml): it is the one maintained Python YAML
library with a round-trip mode that keeps comments, blank lines and flow/block style.
PyYAML drops comments, and a formatter that deletes a clerk's notes is not one anyone
would run twice. ruamel is used only here, to write; reading for validation stays with
the event-stream loader in ``builder.load``.

Canonical form:

- top-level keys in the schema's order (``builder.model.ITEM_KEYS`` for items); a key
  moves together with the comment lines just above it. A key the schema does not know
  (a typo, usually) stays right after the key it followed, where the clerk will look;
- nested ``columns`` and ``exemptions`` entries in the schema's order;
- quotes always double quotes; a string a clerk left unquoted gets them when YAML 1.1 (our
  loader) or YAML 1.2 would read it as something other than that text (``"2020-01-01"``,
  ``"001"``); quotes a clerk wrote are kept (they are harmless, and often deliberate);
  a multi-line string becomes a literal block (``|``);
- two-space indentation, list dashes indented under their key; lists keep the flow
  (``[a, b]``) or block style the clerk chose.

Safety: a file our loader cannot read cleanly, or where YAML already changed what the
clerk wrote (``yes`` read as true), is left alone: validate says why and how to fix it.
A result is written only if it loads back to exactly the same data, so formatting can
never change what a catalog says.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.emitter import RoundTripEmitter
from ruamel.yaml.error import CommentMark
from ruamel.yaml.scalarstring import (
    DoubleQuotedScalarString,
    LiteralScalarString,
    SingleQuotedScalarString,
)
from ruamel.yaml.tokens import CommentToken

from builder.catalog import AREA_FILE, SITE_FILE, display_path
from builder.findings import Finding, Severity
from builder.load import MAX_BYTES, Coerced, Document, NodePath, parse_bytes
from builder.model import ITEM_KEYS
from builder.safefile import Refused, read_regular, write_text
from builder.validate import DATE_KEYS, Kind, raw_schema, validate_document

FLOW_KEYS = frozenset({"method", "channels", "levels"})
"""Lists written in flow style (``[政府网站, 政务服务中心]``) by ``dumps``."""

_RESOLVER = yaml.resolver.Resolver()
_STR_TAG = "tag:yaml.org,2002:str"


class _Emitter(RoundTripEmitter):
    """ruamel's emitter, with double quotes wherever it would fall back to single quotes."""

    def choose_scalar_style(self) -> Any:
        style = super().choose_scalar_style()
        return '"' if style == "'" else style


def _yaml() -> YAML:
    y = YAML()
    y.Emitter = _Emitter
    y.width = 4096  # never fold a long Chinese line
    y.indent(mapping=2, sequence=4, offset=2)
    y.allow_unicode = True
    y.preserve_quotes = True
    return y


def _order(kind: Kind) -> tuple[str, ...]:
    return ITEM_KEYS if kind == "item" else tuple(raw_schema(kind)["properties"])


def kind_of(path: Path) -> Kind:
    return "site" if path.name == SITE_FILE else "area" if path.name == AREA_FILE else "item"


# --- key order -----------------------------------------------------------------------------------

def reorder_top_level(text: str, order: Sequence[str], keys: Mapping[int, str]) -> str:
    """Move each top-level key, with the comment lines just above it, into ``order``.

    ``keys`` maps the 0-based line where each top-level key starts to the key, as the
    loader found them: a line of a multi-line value that looks like ``key:`` is not one.
    """
    lines = text.splitlines(keepends=True)
    found = sorted(keys)
    if not found:
        return text
    starts = [_lead_start(lines, s, prev) for prev, s in zip([-1, *found], found, strict=False)]
    end = _trailer_start(lines, starts[-1])
    blocks = [lines[a:b] for a, b in zip(starts, [*starts[1:], end], strict=True)]
    if blocks[-1] and not blocks[-1][-1].endswith("\n"):
        blocks[-1][-1] += "\n"
    names = [keys[line] for line in found]
    keyed = sorted(range(len(blocks)), key=lambda i: _rank(i, names, order))
    return "".join([*lines[:starts[0]], *(ln for i in keyed for ln in blocks[i]), *lines[end:]])


def _rank(index: int, names: list[str], order: Sequence[str]) -> tuple[int, int]:
    """A known key's place in ``order``; an unknown one (a typo, say) stays after its neighbour."""
    for i in range(index, -1, -1):
        if names[i] in order:
            return order.index(names[i]), index
    return -1, index


def _is_comment_or_blank(line: str) -> bool:
    return not line.strip() or line.lstrip().startswith("#")


def _lead_start(lines: list[str], key_at: int, prev_key_at: int) -> int:
    """Where the comment lines directly above a key begin (the first key keeps the preamble)."""
    if prev_key_at < 0:
        return key_at
    i = key_at
    while i - 1 > prev_key_at and lines[i - 1].startswith("#"):
        i -= 1
    return i


def _trailer_start(lines: list[str], last_start: int) -> int:
    """Comments at the end of the file stay at the end."""
    end = len(lines)
    while end - 1 > last_start and _is_comment_or_blank(lines[end - 1]) and not lines[end - 1][:1].isspace():
        end -= 1
    return end


def _sort_map(node: CommentedMap, order: Sequence[str]) -> None:
    keys = list(node)
    wanted = [k for k in order if k in node] + [k for k in keys if k not in order]
    if wanted == keys:
        return
    tail = _take_tail(node, keys[-1])
    for key in wanted:
        node.move_to_end(key)
    if tail:
        _give_tail(node, wanted[-1], tail)


def _take_tail(node: CommentedMap, key: Any) -> str:
    """Comment lines after a map's last entry belong to what follows the map, not to the entry.

    ruamel stores them in the last entry's end-of-line comment; cut them off there
    so they can be re-attached to whichever entry ends the map after sorting.
    """
    token = (node.ca.items.get(key) or [None] * 4)[2]
    if token is None or (not isinstance(node[key], str | int | float | bool) and node[key] is not None):
        return ""
    head, _, rest = token.value.partition("\n")
    token.value = head + "\n"
    return rest


def _give_tail(node: CommentedMap, key: Any, tail: str) -> None:
    entry = node.ca.items.setdefault(key, [None] * 4)
    if entry[2] is None:
        entry[2] = CommentToken("\n" + tail, CommentMark(0), None)
    else:
        entry[2].value += tail


def _nested_orders(kind: Kind) -> dict[str, tuple[str, ...]]:
    if kind != "item":
        return {}
    props = raw_schema("item")["properties"]
    return {"columns": tuple(props["columns"]["properties"]),
            "exemptions": tuple(props["exemptions"]["items"]["properties"])}


# --- scalars -------------------------------------------------------------------------------------

def _canonical(value: Any, flow: bool = False) -> Any:
    """Strings re-wrapped so the emitter picks the canonical style; containers walked in place."""
    if isinstance(value, CommentedMap):
        for k in value:
            value[k] = _canonical(value[k])
        return value
    if isinstance(value, CommentedSeq):
        in_flow = value.fa.flow_style()
        for i, v in enumerate(value):
            value[i] = _canonical(v, in_flow)
        return value
    if isinstance(value, str):
        return _string(value, flow)
    return value


def _string(value: str, flow: bool) -> str:
    text = str(value)
    if "\n" in text and not flow:
        return LiteralScalarString(text)
    if isinstance(value, DoubleQuotedScalarString | SingleQuotedScalarString):
        return DoubleQuotedScalarString(text)  # a clerk's quotes stay, always as double quotes
    if text and _RESOLVER.resolve(yaml.ScalarNode, text, (True, False)) != _STR_TAG:
        return DoubleQuotedScalarString(text)  # YAML 1.1 would read it as a number, date or bool
    return text


# --- one document --------------------------------------------------------------------------------

@dataclass(frozen=True)
class Formatted:
    text: str | None
    """The canonical text, or None when the file was left alone."""
    findings: list[Finding]


def format_text(text: str, kind: Kind, file: str) -> Formatted:
    before = parse_bytes(text.encode("utf-8"), file)
    problems = [f for f in before.findings if f.severity is Severity.ERROR]
    if problems or not isinstance(before.data, dict) or _misread(before, kind):
        return Formatted(None, [Finding("fmt-skipped", file, 1, 1)])
    y = _yaml()
    keys = {m.line - 1: str(path[0]) for path, m in before.key_marks.items()
            if len(path) == 1 and m.column == 1}
    data = y.load(reorder_top_level(text.lstrip("\ufeff"), _order(kind), keys))
    if isinstance(data, CommentedMap):
        for key, order in _nested_orders(kind).items():
            for node in _maps(data.get(key)):
                _sort_map(node, order)
        _canonical(data)
    out = io.StringIO()
    y.dump(data, out)
    return _checked(out.getvalue(), before.data, before.coerced, file)


def _misread(doc: Document, kind: Kind) -> bool:
    """YAML read a value as a number, bool or date where text belongs (validate's yaml-not-text)."""
    return any(f.code == "yaml-not-text" for f in validate_document(doc, kind))


def _maps(value: Any) -> Iterator[CommentedMap]:
    if isinstance(value, CommentedMap):
        yield value
    elif isinstance(value, CommentedSeq):
        yield from (v for v in value if isinstance(v, CommentedMap))


def _checked(result: str, data: Any, coerced: Mapping[NodePath, Coerced], file: str) -> Formatted:
    after = parse_bytes(result.encode("utf-8"), file)
    if after.data != data or _meaning(after.coerced) != _meaning(coerced):
        return Formatted(None, [Finding("fmt-unsafe", file, 1, 1)])
    return Formatted(result, [])


def _meaning(coerced: Mapping[NodePath, Coerced]) -> set[tuple[NodePath, str]]:
    """Coercions that change data; an unquoted date where a date belongs is only a style."""
    return {(p, c.tag) for p, c in coerced.items()
            if not (c.tag == "timestamp" and p and p[-1] in DATE_KEYS)}


def dumps(data: Mapping[str, Any], comments: Iterable[str] = (), kind: Kind = "item") -> str:
    """New canonical YAML text for ``data`` with ``comments`` (without '#') as its first lines."""
    node = CommentedMap()
    for key in sorted(data, key=lambda k: (*_order(kind), k).index(k)):
        node[key] = _commented(data[key], key in FLOW_KEYS)
    for key, order in _nested_orders(kind).items():
        for sub in _maps(node.get(key)):
            _sort_map(sub, order)
    out = io.StringIO()
    for line in comments:
        out.write(f"# {line}\n" if line else "#\n")
    _yaml().dump(_canonical(node), out)
    return out.getvalue()


def _commented(value: Any, flow: bool = False) -> Any:
    if isinstance(value, Mapping):
        node = CommentedMap()
        for k, v in value.items():
            node[k] = _commented(v)
        return node
    if isinstance(value, list | tuple):
        seq = CommentedSeq(_commented(v) for v in value)
        if flow:
            seq.fa.set_flow_style()
        return seq
    return value


# --- files ---------------------------------------------------------------------------------------

def yaml_files(paths: Iterable[Path]) -> Iterator[Path]:
    for path in paths:
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*.yml")
                              if not any(part.startswith(".") for part in p.relative_to(path).parts))
        else:
            yield path


def _write(path: Path, file: str, text: str) -> list[Finding]:
    try:
        write_text(path, text)
    except Refused as refused:
        return [Finding(refused.code, file, 0, 0, params=refused.params)]
    except OSError as exc:
        return [Finding("write-failed", file, 0, 0, params={"target": file,
                                                            "reason": exc.strerror or str(exc)})]
    return []


@dataclass
class Result:
    changed: list[str]
    findings: list[Finding]
    files: int


def format_paths(paths: Iterable[Path], check: bool) -> Result:
    """Format every YAML file under ``paths``; write the changed ones unless ``check``."""
    result = Result([], [], 0)
    for path in yaml_files(paths):
        result.files += 1
        file = display_path(path)
        try:
            raw = read_regular(path, MAX_BYTES)  # never a link's target, never a FIFO
        except Refused as refused:
            result.findings.append(Finding(refused.code, file, 0, 0, params=refused.params))
            continue
        except OSError as exc:
            result.findings.append(Finding("path-not-found", file, 1, 1, params={"path": str(exc)}))
            continue
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            result.findings.append(Finding("fmt-skipped", file, 1, 1))
            continue
        done = format_text(text, kind_of(path), file)
        result.findings += done.findings
        if done.text is not None and done.text != text:
            result.changed.append(file)
            if not check:
                result.findings += _write(path, file, done.text)
    return result
