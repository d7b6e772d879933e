"""Text that is safe to hand on: to a spreadsheet cell, a terminal, a web page.

Three rules, each in one place:

- ``CONTROL`` finds the control characters a catalog value may not hold: C0 controls other
  than tab and line feed, DEL and the C1 controls. YAML lets a clerk write them as escapes
  (``"\\v"``, ``"\\0"``, ``"\\e"``); openpyxl refuses them (``IllegalCharacterError``), Excel and
  browsers show them as boxes, and ESC or CSI in a terminal can clear the screen and print a
  fake verdict. Validation refuses them (``text-control-char``) and ``import`` never writes them.
- ``CELL_LIMIT`` is Excel's limit on a cell's text (32,767 characters, "Excel specifications
  and limits"); a longer value is refused at validation (``text-too-long``) rather than cut
  silently by the export.
- ``terminal(text)`` is what any user-supplied text becomes before it is printed.
"""

from __future__ import annotations

import re

CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
CELL_LIMIT = 32_767

_WORD_BREAKS = {"\x0b": "\n", "\x0c": "\n", "\r": "\n"}
"""Word writes a line break inside a cell as VT (manual line break) and a page break as FF."""


def control_char(text: str) -> tuple[int, str] | None:
    """(1-based index, 'U+000B') of the first forbidden control character, or None."""
    m = CONTROL.search(text)
    return (m.start() + 1, f"U+{ord(m.group()):04X}") if m else None


def strip_control(text: str) -> str:
    """Text from a Word table or a CSV as a clerk meant it: Word's line breaks as line feeds,
    its end-of-cell marks (BEL) and any other control character (a NUL in a CSV) dropped."""
    for char, repl in _WORD_BREAKS.items():
        text = text.replace(char, repl)
    return CONTROL.sub("", text)


def terminal(text: str) -> str:
    """``text`` with every control character but line feed shown as an escape (``\\x1b``):
    a value can never move the cursor, clear the screen or recolour what follows."""
    return CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)
