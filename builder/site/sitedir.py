"""Which folder a build may write, provably: the site folder is gkml's or it is left alone.

``gkml build --site-dir DIR`` replaces DIR's contents. A mistyped or unset DIR must not
cost the clerk anything, so a build writes only into a folder that does not exist, is
empty, or carries the marker file an earlier build left (``MARKER``). It refuses the
working folder and every parent of it, the catalog and anything inside it, a file, and
a link whose target has no marker; a linked site (a web root ``site -> /var/www/gkml``)
is updated in place at its target, so the link keeps working.

Sites built before the marker existed are recognised by what every gkml site holds (its
home page, search index and the item schema it publishes) and adopted.

The marker also records how many items the site published, so a build that would publish
none, or fewer than half of them (an empty or mistyped catalog folder), is refused unless
the clerk says ``--allow-shrink``.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

MARKER = ".gkml-site"
_LEGACY = ("index.html", "search/search_index.json", "downloads/schema/item.schema.json")


@dataclass(frozen=True, slots=True)
class Refusal:
    """Why a build will not write: a finding code and its params."""

    code: str
    params: dict[str, object]


def site_target(site_dir: Path, catalog: Path, cwd: Path | None = None) -> Path | Refusal:
    """The real folder a build of ``catalog`` may replace for ``--site-dir site_dir``."""
    shown = str(site_dir)
    target = Path(os.path.realpath(site_dir))
    if site_dir.is_symlink() and not (target.is_dir() and _is_gkml_site(target)):
        return _refuse(shown, "链接指向的文件夹不是 gkml 生成的网站",
                       "a link to a folder that is not a gkml site")
    here = Path(os.path.realpath(cwd or Path.cwd()))
    home = Path(os.path.realpath(catalog))
    if here == target or here.is_relative_to(target):
        return _refuse(shown, "是当前文件夹或它的上级", "the working folder or one of its parents")
    if target.is_relative_to(home) or home.is_relative_to(target):
        return _refuse(shown, "是目录文件夹、在目录文件夹内或包含目录文件夹",
                       "the catalog, inside it, or holding it")
    if target.exists() and not target.is_dir():
        return _refuse(shown, "是一个文件", "a file")
    if target.is_dir() and any(target.iterdir()) and not _is_gkml_site(target):
        return _refuse(shown, "文件夹不是空的，也不是 gkml 生成的网站",
                       "a folder that is neither empty nor a gkml site")
    return target


def _refuse(shown: str, why: str, why_en: str) -> Refusal:
    return Refusal("site-dir-unsafe", {"path": shown, "why": why, "why_en": why_en})


def _is_gkml_site(folder: Path) -> bool:
    return (folder / MARKER).is_file() or all((folder / rel).is_file() for rel in _LEGACY)


def mark(folder: Path, items: int) -> None:
    """Claim ``folder`` for gkml (before anything is built in it: a killed build's leftover
    is recognised by this too) and record how many items it publishes."""
    (folder / MARKER).write_text(json.dumps({"gkml": "site", "items": items}) + "\n", encoding="utf-8")


def is_marked(folder: Path) -> bool:
    return not folder.is_symlink() and (folder / MARKER).is_file()


def published_items(folder: Path) -> int:
    """How many items the site in ``folder`` published (0 when there is none)."""
    try:
        return int(json.loads((folder / MARKER).read_text(encoding="utf-8"))["items"])
    except (OSError, ValueError, KeyError, TypeError):
        items = folder / "items"
        return sum(1 for p in items.iterdir() if (p / "index.html").is_file()) if items.is_dir() else 0


def shrink(target: Path, items: int) -> Refusal | None:
    """A refusal when the build would publish no items, or fewer than half of the site's."""
    before = published_items(target) if target.is_dir() else 0
    if items == 0 or items * 2 < before:
        return Refusal("site-shrink", {"items": items, "published": before})
    return None
