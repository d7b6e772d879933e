"""How county sheets number the citations of 公开依据, in one place.

Published catalogs write ``1、《甲法》；2、《乙条例》``, ``1.《甲法》2.《乙法》``,
``（1）《甲法》（2）《乙法》``, ``①《甲法》②《乙法》``, ``一、《甲法》二、《乙法》``,
``第一，《甲法》第二，《乙法》`` or one citation per line (``official-format.md`` b.4, b.7).
``gkml import`` strips these numbers (``strip``); ``gkml validate`` reports one left in
an entry (``stray``), so a garbled import can never be published. ``第三条`` after a
citation is an article, not a number: a number ends in a separator (、 . ， ：) or is
bracketed, and it counts only at the start, at the end, or just before a 《.
"""

from __future__ import annotations

import re

_HAN = "一二三四五六七八九十"
NUMBER = (
    r"(?:\d{1,2}\s*[.、．，,:：)）]"  # 1、 1. 1) 1，
    rf"|[（(]\s*(?:\d{{1,2}}|[{_HAN}]{{1,3}})\s*[)）]"  # （1） (1) （一）
    r"|[①-⑳⑴-⒇⒈-⒛]"  # ① ⑴ ⒈
    rf"|[{_HAN}]{{1,3}}\s*[、.．，,]"  # 一、 二.
    rf"|第\s*(?:\d{{1,2}}|[{_HAN}]{{1,3}})\s*[，,、:：.．])"  # 第一， 第2、
)
SEPARATORS = "、，,；;。 \t\u3000"
_EDGE = rf"(?:^|(?<=[》{SEPARATORS}]))"
"""A number follows the start, a closing 》 or a separator; ``2016)`` in ``(GB/T 32939—2016)`` does not."""
_LEADING = re.compile(rf"^[{SEPARATORS}]*(?:{NUMBER}[{SEPARATORS}]*)*")
_TRAILING = re.compile(rf"(?:[{SEPARATORS}]|{_EDGE}{NUMBER}|(?<=[{SEPARATORS}])\d{{1,2}})+$")
_STRAY = re.compile(rf"{_EDGE}{NUMBER}\s*(?=《|$)|(?<=[{SEPARATORS}])\d{{1,2}}$|^{NUMBER}")


def strip(part: str) -> str:
    """One citation with the numbers and separators around it removed: '1、《甲法》；2、' → '《甲法》'."""
    return _TRAILING.sub("", _LEADING.sub("", part.strip())).strip()


def stray(entry: str) -> str:
    """The number left in one entry of 公开依据 ('2.' in '《甲法》2.《乙法》'), or ''."""
    m = _STRAY.search(entry.strip())
    return m.group(0).strip() if m else ""
