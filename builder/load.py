"""Load stage: one file's bytes become a ``Document``: plain data plus the line and column of
every node, or the findings that say why it could not be read. It never raises.

The work is split by reason to change: ``builder.guards`` (size, encoding, nesting: cheap
tests before the parse), ``builder.events`` (the two event builders: a quick one for plain
files, a full one that records positions and explains refusals), ``builder.document`` (the
record every stage shares) and the parser's Chinese words in ``builder.codes``. This module
strings them together and handles the two traps a clerk falls into most: a full-width colon
after a key and a tab indentation. A file refused for them is read once more as if they were
mended (``Document.assumed``), so every further problem is reported in the same run.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from pathlib import Path

import yaml

from builder import events
from builder.codes import YAML_PROBLEMS_ZH
from builder.document import Coerced, Document, Key, Mark, NodePath, Positions, json_path
from builder.findings import Finding
from builder.guards import MAX_BYTES, MAX_DEPTH, MAX_NODES, decode, flow_depth, is_comment
from builder.guards import failed as _failed
from builder.safefile import Refused, read_regular

__all__ = ["FULLWIDTH_KEY", "MAX_BYTES", "MAX_DEPTH", "MAX_NODES", "Coerced", "Document", "Key",
           "Mark", "NodePath", "Positions", "json_path", "load_document", "parse_bytes", "positions"]

FULLWIDTH_KEY = re.compile(r"^[ \t]*(?:-[ \t]+)?([a-z_][a-z0-9_]*)[ \t]*：", re.MULTILINE)
_TAB_INDENT = re.compile(r"^[ ]*\t[ \t]*", re.MULTILINE)
"""Indentation with a tab in it (YAML allows only spaces there)."""


def load_document(path: Path, file: str) -> Document:
    try:
        raw = read_regular(path, MAX_BYTES)  # lstat first: a link or a FIFO is never opened
    except Refused as refused:
        return _failed(file, refused.code, 0, 0, **refused.params)
    except OSError as exc:
        return _failed(file, "file-unreadable", 0, 0, reason=exc.strerror or str(exc))
    return parse_bytes(raw, file)


def parse_bytes(raw: bytes, file: str, *, quick: bool = True) -> Document:
    """Parse one file's content. Never raises for any input.

    A plain file (no alias, tag, duplicate key or error: nearly every item) is read by
    ``events.quick``, which skips positions; they are worked out by the full builder, from the
    same text, only when a finding asks for one. Anything else goes to the full builder at once.
    ``quick=False`` is the reference the quick path is tested against.
    """
    if len(raw) > MAX_BYTES:
        return _failed(file, "file-too-large", size=len(raw), limit=MAX_BYTES)
    text = decode(raw, file)
    if isinstance(text, Document):
        return text
    return _parse_text(text, file, quick)


def _parse_text(text: str, file: str, quick: bool = True) -> Document:
    if not text.strip() or all(is_comment(line) for line in text.splitlines()):
        return _failed(file, "file-empty")
    if flow_depth(text) > MAX_DEPTH:
        return _failed(file, "yaml-too-deep", limit=MAX_DEPTH)
    plain = events.quick(text) if quick else None
    if plain is not None:
        return Document(file, *plain, positions=Positions.later(functools.partial(_positions, text, file)))
    doc = Document(file)
    try:
        events.Builder(doc).run(yaml.parse(text, Loader=events.Loader))
    except yaml.YAMLError as exc:
        return _syntax_failure(file, text, exc)
    except events.Refused:
        doc.data = None
    return doc


def _positions(text: str, file: str) -> Positions:
    doc = Document(file)
    events.Builder(doc).run(yaml.parse(text, Loader=events.Loader))  # the quick load read it: no error here
    return doc.positions


def positions(raw: bytes, file: str) -> Positions:
    """The positions ``parse_bytes(raw, file)`` would give (for a document from the cache)."""
    return parse_bytes(raw, file, quick=False).positions


# --- syntax errors, and the traps read past -------------------------------------------------------

def _syntax_failure(file: str, text: str, exc: yaml.YAMLError) -> Document:
    if isinstance(exc, yaml.reader.ReaderError):
        line = text.count("\n", 0, exc.position) + 1
        return _failed(file, "yaml-bad-char", line, 1, char=f"U+{exc.character:04X}")
    traps = _traps(file, text)
    if not traps:
        return _plain_failure(file, text, exc)
    return Document(file, findings=traps, assumed=_assume(text, file))


def _traps(file: str, text: str) -> list[Finding]:
    """A finding for every key with a full-width colon and every line indented with a tab."""
    wide = [
        Finding("yaml-fullwidth-colon", file, text.count("\n", 0, m.start(1)) + 1,
                m.start(1) - text.rfind("\n", 0, m.start(1)) + len(m.group(1)), "$", m.group(1),
                {"key": m.group(1)})
        for m in FULLWIDTH_KEY.finditer(text)
    ]
    tabs = [Finding("yaml-tab", file, text.count("\n", 0, m.start()) + 1, m.group(0).index("\t") + 1)
            for m in _TAB_INDENT.finditer(text)]
    return sorted(wide + tabs, key=lambda f: (f.line, f.column))


Shifts = dict[int, list[tuple[int, int]]]
"""Line → (first mended column moved, by how much), in the order the mends were made."""


def _mend(text: str) -> tuple[str, Shifts]:
    """The text as the clerk meant it: a leading tab → two spaces, ``key：`` → ``key: ``; and how
    far each mend moved the columns after it. Lines stay where they are."""
    lines, shifts = text.split("\n"), {}
    for i, line in enumerate(lines):
        moves = []
        if tab := _TAB_INDENT.match(line):
            spaces = tab.group(0).replace("\t", "  ")
            line = spaces + line[tab.end():]
            moves.append((len(spaces), len(spaces) - tab.end()))
        if wide := FULLWIDTH_KEY.match(line):
            line = f"{line[:wide.end() - 1]}: {line[wide.end():]}"
            moves.append((wide.end() + 1, 1))
        lines[i] = line
        if moves:
            shifts[i + 1] = moves
    return "\n".join(lines), shifts


def _assume(text: str, file: str) -> Document:
    """The file read as if mended, every line and column as the clerk sees them in the original."""
    mended, shifts = _mend(text)
    doc = _parse_text(mended, file, quick=False)
    doc.findings = [dataclasses.replace(f, column=_column(shifts, f.line, f.column)) for f in doc.findings]
    for marks in (doc.marks, doc.key_marks):
        for path, m in marks.items():
            marks[path] = Mark(m.line, _column(shifts, m.line, m.column))
    return doc


def _column(shifts: Shifts, line: int, column: int) -> int:
    at = column - 1
    for first, by in reversed(shifts.get(line, [])):
        at = at - by if at >= first else at
    return at + 1


def _plain_failure(file: str, text: str, exc: yaml.YAMLError) -> Document:
    problem = getattr(exc, "problem", None) or str(exc)
    mark = getattr(exc, "problem_mark", None)
    if problem == "could not find expected ':'" and getattr(exc, "context_mark", None):
        mark = exc.context_mark  # type: ignore[attr-defined]  # the key that lacks its colon
    line, column = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
    if "tab" in problem:
        return _failed(file, "yaml-tab", line, column)
    zh = next((v for k, v in YAML_PROBLEMS_ZH.items() if problem.startswith(k)), problem)
    return _failed(file, "yaml-syntax", line, column, problem=zh, problem_en=problem)
