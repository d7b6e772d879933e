"""Input guards of the load stage: each a cheap test before the expensive parse.

- only a regular file is opened (``lstat``: never a link, FIFO or device) and at most
  ``MAX_BYTES`` + 1 bytes are read (``builder.safefile``, used by ``load.load_document``);
- encoding is checked before parsing (UTF-8, a BOM accepted; GBK and UTF-16 refused with a hint);
- flow brackets are counted before parsing, because libyaml needs seconds for a few
  thousand nested ``[`` and its C composer crashes the interpreter on deeper ones;
- the event builders (``builder.events``) count nodes as aliases expand, up to ``MAX_NODES``.
"""

from __future__ import annotations

import codecs
import re

from builder.document import Document
from builder.findings import Finding

MAX_BYTES = 1 << 20
"""An item is a few KB; anything over 1 MiB is not an item."""
MAX_DEPTH = 32
MAX_NODES = 20_000


def failed(file: str, code: str, at_line: int = 1, at_col: int = 1, **params: object) -> Document:
    """A document that could not be read, with the one finding that says why."""
    return Document(file, findings=[Finding(code, file, at_line, at_col, "$", "", params)])


def is_comment(line: str) -> bool:
    s = line.strip()
    return not s or s.startswith("#")


def decode(raw: bytes, file: str) -> str | Document:
    """The text of ``raw``, or a failed document naming the encoding it seems to be in."""
    if raw.startswith(codecs.BOM_UTF8):
        raw = raw[len(codecs.BOM_UTF8):]
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return failed(file, "file-encoding", 1, 1, guess="（看起来是 UTF-16 编码）",
                      guess_en=" (it looks like UTF-16)")
    nul = raw.find(b"\x00")
    if nul >= 0:
        return failed(file, "file-not-text", raw.count(b"\n", 0, nul) + 1, 1,
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
        return failed(file, "file-encoding", line, column, guess=guess, guess_en=guess_en)


def flow_depth(text: str) -> int:
    if text.count("[") + text.count("{") <= MAX_DEPTH:
        return 0
    depth = deepest = 0
    for ch in re.findall(r"[\[\]{}]", text):
        depth = depth + 1 if ch in "[{" else max(depth - 1, 0)
        deepest = max(deepest, depth)
    return deepest
