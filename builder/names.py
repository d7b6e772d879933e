"""File names gkml makes from catalog data (item codes, the jurisdiction), checked before a
byte is written.

A name must work on every system a clerk might copy the catalog to: Windows refuses (or
opens a device for) CON, PRN, AUX, NUL, COM0–9 and LPT0–9 with any extension, drops a
trailing dot or space, and forbids ``< > : " / \\ | ? *``; ext4 and NTFS allow 255 bytes
and 255 UTF-16 units. Microsoft's "Naming Files, Paths, and Namespaces" lists these rules.
"""

from __future__ import annotations

import re

MAX_NAME_BYTES = 255
_RESERVED = re.compile(r"(CON|PRN|AUX|NUL|CONIN\$|CONOUT\$|(COM|LPT)[0-9¹²³])", re.IGNORECASE)
_FORBIDDEN = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]')


def unsafe_name(name: str) -> tuple[str, str] | None:
    """(why in Chinese, why in English) ``name`` is not a portable file name, or None."""
    if name in ("", ".", ".."):
        return "空名称", "empty"
    if _FORBIDDEN.search(name):
        return "含有路径分隔符或 Windows 不允许的字符", "holds a separator or a character Windows forbids"
    if _RESERVED.fullmatch(name.split(".", 1)[0].rstrip(" ")):
        return "Windows 保留的设备名", "a device name reserved by Windows"
    if name[-1] in ". ":
        return "以点或空格结尾", "ends in a dot or a space"
    if len(name.encode("utf-8")) > MAX_NAME_BYTES or len(name.encode("utf-16-le")) > 2 * MAX_NAME_BYTES:
        return f"超过 {MAX_NAME_BYTES} 字节", f"longer than {MAX_NAME_BYTES} bytes"
    return None


def safe_stem(text: str, fallback: str) -> str:
    """``text`` made usable as the start of a file name: forbidden characters become _,
    trailing dots and spaces go, a reserved or over-long result becomes ``fallback``."""
    stem = _FORBIDDEN.sub("_", text).strip(". ")  # no hidden file, no dropped trailing dot
    return fallback if unsafe_name(stem) or len(stem.encode("utf-8")) > 200 else stem
