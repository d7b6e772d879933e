"""The loaded document: plain data plus the line and column of every node, and the traps YAML set.

Kept apart from ``builder.load`` (which reads bytes) and ``builder.events`` (which builds
the data): every stage that reports a finding needs this record, none needs the parser.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from builder.findings import Finding

Key = str | int
NodePath = tuple[Key, ...]
Marks = dict[NodePath, "Mark"]
_KEY_CODES = frozenset({"unknown-key", "yaml-duplicate-key"})
"""Findings about a key itself point at the key, not its value."""


@dataclass(frozen=True, slots=True)
class Mark:
    line: int
    column: int


@dataclass(frozen=True, slots=True)
class Coerced:
    """A plain (unquoted) scalar that YAML read as something other than text."""

    tag: str
    raw: str


class Positions:
    """Where each value is (``marks``) and where each key is (``key_marks``).

    The quick load and the cache skip them, since most documents never need one: such a
    document holds ``Positions.later(work)``, and ``work`` runs when a finding first asks.
    The laziness stays in here, so ``Document`` holds one kind of value.
    """

    __slots__ = ("_key_marks", "_marks", "_work")

    def __init__(self, marks: Marks | None = None, key_marks: Marks | None = None) -> None:
        self._marks: Marks = {} if marks is None else marks
        self._key_marks: Marks = {} if key_marks is None else key_marks
        self._work: Callable[[], Positions] | None = None

    @classmethod
    def later(cls, work: Callable[[], Positions]) -> Positions:
        found = cls()
        found._work = work
        return found

    @property
    def known(self) -> bool:
        """False until a lazy document's positions have been worked out."""
        return self._work is None

    @property
    def marks(self) -> Marks:
        return self._found()._marks

    @property
    def key_marks(self) -> Marks:
        return self._found()._key_marks

    def _found(self) -> Positions:
        if self._work is not None:
            done = self._work()
            self._marks, self._key_marks, self._work = done._marks, done._key_marks, None
        return self

    def __reduce__(self) -> tuple[Any, ...]:
        # Sent to a worker (builder.parallel) as what it is: the two maps, or the work to find them.
        if self._work is not None:
            return Positions.later, (self._work,)
        return Positions, (self._marks, self._key_marks)


@dataclass
class Document:
    """One loaded file. ``data`` is None when the file could not be read at all.

    ``assumed`` is the same file read as if the YAML traps it was refused for (a full-width
    colon, a tab indentation) were mended: validation reports its problems too, each marked as
    found under that assumption, so a clerk fixes the whole file in one round.
    """

    file: str
    data: Any = None
    coerced: dict[NodePath, Coerced] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    positions: Positions = field(default_factory=Positions, repr=False, compare=False)
    assumed: Document | None = field(default=None, repr=False, compare=False)

    @property
    def marks(self) -> Marks:
        return self.positions.marks

    @property
    def key_marks(self) -> Marks:
        return self.positions.key_marks

    def __reduce__(self) -> tuple[type[Document], tuple[Any, ...]]:
        # Pickled (by builder.parallel) as its fields: three times faster than a dataclass's default.
        return Document, (self.file, self.data, self.coerced, self.findings, self.positions,
                          self.assumed)

    def mark(self, path: NodePath, at_key: bool = False) -> Mark:
        """Where ``path``'s value is (its key with ``at_key``), else the nearest enclosing key."""
        marks, key_marks = self.positions.marks, self.positions.key_marks
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
