"""Findings: the one record every stage produces. A finding is data, never an exception.

The kinds of finding, with their words in both languages, are catalogued in
``builder.codes`` (re-exported here for the stages that report them).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from builder.codes import CODES, Code, Lang, Severity

__all__ = ["CODES", "Code", "Finding", "Lang", "Severity", "errors", "sort_key"]


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem at one place. ``line`` and ``column`` are 1-based; 0 means the whole file."""

    code: str
    file: str
    line: int = 0
    column: int = 0
    path: str = "$"
    element: str = ""
    """The element's key (``basis``); reporters turn it into its Chinese name."""
    params: Mapping[str, object] = field(default_factory=dict)

    @property
    def severity(self) -> Severity:
        return CODES[self.code].severity

    def text(self, lang: Lang) -> tuple[str, str]:
        """(message, hint) in ``lang``."""
        return CODES[self.code].render(lang, self.params)

    def element_name(self, lang: Lang) -> str:
        """The element's name as a clerk knows it (公开依据), or its key."""
        key = "label_en" if lang == "en" else "label"
        return str(self.params.get(key) or self.element)


def errors(findings: Iterable[Finding]) -> list[Finding]:
    return [f for f in findings if f.severity is Severity.ERROR]


def sort_key(f: Finding) -> tuple[str, int, int, str]:
    return (f.file, f.line, f.column, f.code)
