"""A progress bar on stderr for long runs, drawn only where a person is watching.

A clerk validating or importing a few thousand files on a terminal should see that gkml
is working and how long is left; a log file, a pipe, a test's StringIO or a CI run
(``CI`` set and not ``false``/``0``) gets nothing extra, so machine-read output never
changes. The command line names the stream once (``reporting(err)``); stages then wrap
their long loops in ``track`` or a ``Bar`` without knowing where, or whether, it draws.
Short runs (under ``MIN_TOTAL`` files) draw nothing: they are over before a bar helps.

Only characters that GBK (cp936) can encode are drawn, so a Chinese Windows console
shows it too; a stream that cannot take a character never stops the run.
"""

from __future__ import annotations

import contextlib
import os
import time
import unicodedata
from collections.abc import Iterable, Iterator
from contextvars import ContextVar
from typing import TextIO, TypeVar

MIN_TOTAL = 300
"""Fewer files than this finish in well under a second: no bar."""
WIDTH = 24
REDRAW = 0.1
"""Seconds between redraws: a terminal that is written to on every file slows the run."""

T = TypeVar("T")
_stream: ContextVar[TextIO | None] = ContextVar("gkml_progress_stream", default=None)


@contextlib.contextmanager
def reporting(stream: TextIO) -> Iterator[None]:
    """Bars drawn while this is active go to ``stream`` (when it is a terminal)."""
    token = _stream.set(stream if wanted(stream) else None)
    try:
        yield
    finally:
        _stream.reset(token)


def wanted(stream: TextIO) -> bool:
    """A terminal, and not a CI run (CI terminals are logs)."""
    if os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no"):
        return False
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty and isatty())
    except (OSError, ValueError):  # a closed or detached stream
        return False


class Bar:
    """One stage's bar: ``advance`` as work is done, ``close`` (or ``with``) when it ends."""

    def __init__(self, stage: str, total: int, min_total: int = MIN_TOTAL) -> None:
        self.stage, self.total, self.done = stage, total, 0
        self._stream = _stream.get() if total >= min_total else None
        self._start = self._last = time.monotonic()
        self._shown = 0  # display width of the last line drawn, to blank it out

    def __enter__(self) -> Bar:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def advance(self, n: int = 1) -> None:
        self.done = min(self.total, self.done + n)
        now = time.monotonic()
        if self._stream is not None and (now - self._last >= REDRAW or self.done == self.total):
            self._last = now
            self._draw(line(self.stage, self.done, self.total, now - self._start))

    def close(self) -> None:
        if self._stream is not None and self._shown:
            self._draw("")
        self._stream = None

    def _draw(self, text: str) -> None:
        width = display_width(text)
        pad = " " * max(0, self._shown - width)
        try:
            assert self._stream is not None
            self._stream.write(f"\r{text}{pad}\r" if not text else f"\r{text}{pad}")
            self._stream.flush()
        except (OSError, ValueError, UnicodeError):
            self._stream = None  # the terminal went away or cannot show it: stop drawing
        self._shown = width


def track(stage: str, items: Iterable[T], total: int) -> Iterator[T]:
    """``items`` unchanged, with a bar advanced once per item."""
    with Bar(stage, total) as bar:
        for item in items:
            yield item
            bar.advance()


def line(stage: str, done: int, total: int, elapsed: float) -> str:
    """'校验 validate [#######.....] 612/1000 61% 剩余 0:03' (time left once it can be guessed)."""
    share = done / total if total else 1.0
    filled = round(share * WIDTH)
    text = f"{stage} [{'#' * filled}{'.' * (WIDTH - filled)}] {done}/{total} {share:.0%}"
    if 0 < done < total and elapsed >= 0.5:
        left = round(elapsed / done * (total - done))
        text += f" 剩余 left {left // 60}:{left % 60:02d}"
    return text


def display_width(text: str) -> int:
    """Columns on a terminal: Chinese characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
