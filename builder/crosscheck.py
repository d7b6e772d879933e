"""Checks across the files of a catalog: codes unique and in their area, every item's area
described, channels and levels from the lists ``site.yml`` and the areas allow, exemptions
in force. ``builder.catalog`` gathers the files; this module only judges what was gathered.
"""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Iterable, Iterator
from datetime import date
from typing import TYPE_CHECKING, Any

from builder.findings import Finding
from builder.model import Area, Site
from builder.schema_errors import find
from builder.validate import raw_schema, schema

if TYPE_CHECKING:
    from builder.catalog import Entry

_OTHER_CHANNEL = re.compile(r"^其他[：:]\s*\S")


def cross_checks(site: Site, areas: dict[str, Area], entries: list[Entry],
                  area_folders: set[str]) -> list[Finding]:
    found: list[Finding] = []
    missing_meta = sorted({e.area for e in entries} - area_folders)
    for folder in missing_meta:
        first = next(e for e in entries if e.area == folder)
        found.append(Finding("area-missing-meta", first.doc.file, 1, 1, params={"folder": folder}))
    first_with: dict[str, Entry] = {}
    for e in entries:
        if isinstance(e.doc.data, dict):
            found += _item_checks(site, areas.get(e.area), e, first_with)
    return found


def _item_checks(site: Site, area: Area | None, e: Entry, first_with: dict[str, Entry]
                 ) -> Iterator[Finding]:
    data, sch = e.doc.data, schema("item")
    code = data.get("code")
    if isinstance(code, str) and code:
        yield from _code_checks(site, area, e, code)
        if code in first_with:
            other = first_with[code]
            yield find(e.doc, sch, "code-duplicate", ("code",), code=code, other=other.doc.file)
            yield find(other.doc, sch, "code-duplicate", ("code",), code=code, other=e.doc.file)
        else:
            first_with[code] = e
    allowed = _channels(area)
    for i, ch in _strings(data.get("channels")):
        if ch not in allowed and not _OTHER_CHANNEL.match(ch):
            zh, en = _suggest_channel(ch, allowed)
            yield find(e.doc, sch, "channel-unknown", ("channels", i), value=ch,
                       suggestion=zh, suggestion_en=en)
    for i, lv in _strings(data.get("levels")):
        if lv not in site.levels:
            yield find(e.doc, sch, "level-unknown", ("levels", i), value=lv,
                       levels="、".join(site.levels))
    if data.get("audience_group") and data.get("audience") == "全社会":
        yield find(e.doc, sch, "audience-group-unused", ("audience_group",), value="全社会")
    yield from _expired(e)


def _code_checks(site: Site, area: Area | None, e: Entry, code: str) -> Iterator[Finding]:
    sch = schema("item")
    if code != e.stem:
        yield find(e.doc, sch, "code-filename", ("code",), code=code, stem=e.stem)
    if area is None:
        return
    if not code.startswith(f"{area.prefix}-") and not code.startswith(area.prefix):
        yield find(e.doc, sch, "code-prefix", ("code",), code=code, area=area.name,
                   prefix=area.prefix)
        return
    pattern = site.code_pattern.replace("{prefix}", re.escape(area.prefix))
    if not re.fullmatch(pattern, code):  # `$` alone lets a trailing newline through
        yield find(e.doc, sch, "code-format", ("code",), code=code, pattern=pattern,
                   example=f"{area.prefix}-001")


def _strings(value: Any) -> Iterable[tuple[int, str]]:
    if isinstance(value, list):
        return [(i, v) for i, v in enumerate(value) if isinstance(v, str)]
    return []


def official_channels() -> tuple[str, ...]:
    return tuple(raw_schema("item")["$defs"]["officialChannel"]["enum"])


def channel_key(name: str) -> str:
    """A channel name as compared: no spaces, half-width brackets, Latin letters upper-case."""
    return re.sub(r"\s+", "", name).replace("（", "(").replace("）", ")").upper()


@functools.cache
def channel_synonyms() -> dict[str, tuple[str, bool]]:
    """A name clerks use (as ``channel_key``) → (the checklist's name, whether it says more than
    that name: 微信公众号 is one kind of 两微一端, worth keeping in a note). The table is the item
    schema's ``officialChannel.x-synonyms``, documented in the guide."""
    table = raw_schema("item")["$defs"]["officialChannel"]["x-synonyms"]
    return {channel_key(k): (v, kind == "part") for kind in ("same", "part")
            for k, v in table[kind].items()}


def _channels(area: Area | None) -> frozenset[str]:
    return frozenset(official_channels()) | frozenset(area.channels if area else ())


def _suggest_channel(value: str, allowed: frozenset[str]) -> tuple[str, str]:
    official, part = channel_synonyms().get(channel_key(value), ("", False))
    if official:
        kept = f"，“{value}”可写进情况说明（notes）" if part else ""
        return (f"“{value}”在官方清单中是“{official}”：请写成 {official}{kept}。",
                f"'{value}' is '{official}' in the official checklist: write {official}"
                + (" and keep the detail in notes." if part else "."))
    guess = next(iter(difflib.get_close_matches(value, sorted(allowed), 1, 0.5)), None)
    other = f"清单外的渠道请写成“其他：{value}”。"
    other_en = f"A channel outside the checklist is written '其他：{value}'."
    if guess:
        return f"你是不是要写“{guess}”？{other}", f"Did you mean '{guess}'? {other_en}"
    return other, other_en


def _expired(e: Entry) -> Iterator[Finding]:
    exemptions = e.doc.data.get("exemptions")
    if not isinstance(exemptions, list):
        return
    today = date.today().isoformat()
    sch = schema("item")
    for i, ex in enumerate(exemptions):
        if isinstance(ex, dict) and isinstance(ex.get("until"), str) and ex["until"] < today:
            element = str(ex.get("element", ""))
            zh, en = sch.label(element)
            yield e.doc.finding("exemption-expired", ("exemptions", i, "until"), element,
                                label=zh, label_en=en, until=ex["until"])
