"""Row stage of ``gkml import``: one spreadsheet row becomes the data of one item file.

Reads cells the way portals print them (``official-format.md`` a.4, e): 同上 means the
cell above; a blank 一级事项 under a filled one continues it (a merge lost when the table
was pasted); ■/□, √ and the like are ticks; 公开依据 is split into 《》 citations;
channels are mapped onto the official checklist. Whatever cannot be mapped becomes a
finding naming the sheet, row and column: nothing is dropped silently.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from builder import numbering
from builder.clerk.sheets import Field, Grid, Layout, cell_ref, normalise
from builder.crosscheck import channel_key, channel_synonyms, official_channels
from builder.findings import Finding
from builder.model import ITEM_KEYS, Site

DITTO = frozenset({"同上", "如上", "同前", "见上", "同上述", "〃", '"', "''"})
TICKED = frozenset({"√", "✓", "✔", "☑", "■", "●", "◆", "★", "v", "V", "y", "Y", "yes", "是", "1", "有"})
UNTICKED = frozenset({"□", "☐", "○", "◇", "×", "✗", "✘", "否", "-", "—", "n", "N", "no", "0"})
_MARKS = "■□◆◇☑☐√✓✔●○"
_SEPARATORS = r"[、，,；;\n]+"
_OTHER = re.compile(r"^其他\s*(?:[:：_\-—（(]\s*)?(.*?)\s*[_）)]*$")
_CHANNEL_NOTE = re.compile(r"[（(]\s*注\s*[:：][^）)]*[）)]")
TEXT_KINDS = ("code", "level1", "level2", "level3", "content", "time_limit", "subject", "notes")


def is_ditto(text: str) -> bool:
    return text.strip().rstrip("。.") in DITTO


def tick(text: str) -> bool | None:
    """True for a tick, False for an empty box or blank, None when the cell says something else."""
    t = text.strip()
    if not t or t in UNTICKED:
        return False
    return True if t in TICKED or set(t) <= set(_MARKS) - set("□☐○◇") else None


def split_basis(text: str) -> list[str]:
    """Cells such as '1.《A》;2.《B》(文号)' or '《A》、《B》' → ['《A》', '《B》(文号)'];
    every numbering of ``builder.numbering`` is removed, one citation per line or not."""
    out: list[str] = []
    for line in text.splitlines():
        for part in _citations(line):
            part = numbering.strip(part)
            if part and part not in out:
                out.append(part)
    return out


def _citations(line: str) -> Iterable[str]:
    """Cut a line before every 《 that opens a citation (not one nested inside another)."""
    depth, start = 0, 0
    for i, ch in enumerate(line):
        if ch == "《":
            if depth == 0 and i > start:
                yield line[start:i]
                start = i
            depth += 1
        elif ch == "》":
            depth = max(depth - 1, 0)
    yield line[start:]


def channel_tokens(text: str) -> list[tuple[str, bool]]:
    """(name, ticked) for each channel in a cell: '■政府网站 □纸质媒体' or '1.政府网站;2.其他'."""
    if any(m in text for m in _MARKS):
        parts = re.split(f"([{_MARKS}])", text)
        pairs = zip(parts[1::2], parts[2::2], strict=True)
        found = [(numbering.strip(name), mark not in "□☐○") for mark, name in pairs]
    else:
        found = [(numbering.strip(p), True) for p in re.split(_SEPARATORS, text)]
    return [(name, on) for name, on in found if name]


def _squash(name: str) -> str:
    return re.sub(r"\s+", "", name).replace("（", "(").replace("）", ")")


@dataclass
class RowReader:
    """Turns the data rows of one sheet into item data, remembering the row above for 同上."""

    site: Site
    grid: Grid
    layout: Layout
    file: str
    channels: frozenset[str]
    findings: list[Finding] = field(default_factory=list)
    previous: list[str] | None = None
    warned: set[tuple[str, str]] = field(default_factory=set)

    def find(self, code: str, row: int, col: int, **params: object) -> None:
        ref = cell_ref(row, col)
        self.findings.append(Finding(code, self.file, row + 1, col + 1, f"{self.grid.sheet}!{ref}",
                                     "", {"sheet": self.grid.sheet, "cell": ref, "row": row + 1, **params}))

    def once(self, code: str, col: int, value: str, **params: object) -> None:
        """A finding about a whole column (or one value in it) is reported at its first row only."""
        if (code, value) not in self.warned:
            self.warned.add((code, value))
            self.find(code, self.layout.header_rows - 1, col, value=value, **params)

    def read(self, index: int, row: list[str]) -> dict[str, Any] | None:
        row = self._resolve(index, row)
        if self._not_an_item(row):
            self.find("import-row-skipped", index, 0, text=next(c for c in row if c)[:40])
            return None
        data: dict[str, Any] = {}
        notes: list[str] = []
        for col, (f, text) in enumerate(zip(self.layout.fields, row, strict=False)):
            if text:
                self._cell(data, notes, index, col, f, text)
        if len(set(data.get("audience_ticks", []))) > 1:
            self.find("import-audience-both", index, self._col("audience_all"))
        return _finish(data, notes)

    def _col(self, kind: str) -> int:
        return next((i for i, f in enumerate(self.layout.fields) if f.kind == kind), 0)

    def _resolve(self, index: int, row: list[str]) -> list[str]:
        above = self.previous
        row = list(row)
        for col, text in enumerate(row):
            if is_ditto(text):
                row[col] = above[col] if above else ""
                if not above:
                    self.find("import-ditto-first", index, col, value=text)
        kinds = [f.kind for f in self.layout.fields]
        for upper, lower in (("level1", "level2"), ("level2", "level3")):
            if upper in kinds and lower in kinds and above:
                u, lo = kinds.index(upper), kinds.index(lower)
                if not row[u] and row[lo]:
                    row[u] = above[u]  # a merge lost when the table was pasted from a web page
        self.previous = row
        return row

    def _not_an_item(self, row: list[str]) -> bool:
        filled = [c for c, f in zip(row, self.layout.fields, strict=False)
                  if c and f.kind not in ("number", "area")]
        names = [c for c, f in zip(row, self.layout.fields, strict=False)
                 if c and f.kind in ("level2", "level3", "content")]
        return not names or (len(filled) > 2 and len(set(filled)) == 1)  # a note merged across the row

    def _cell(self, data: dict[str, Any], notes: list[str], row: int, col: int, f: Field,
              text: str) -> None:
        if f.kind in TEXT_KINDS:
            key = "notes_cell" if f.kind == "notes" else f.kind
            data[key] = f"{data[key]}\n{text}" if key in data else text
        elif f.kind == "basis":
            basis = data.setdefault("basis", [])
            basis += [b for b in split_basis(text) if b not in basis]
        elif f.kind == "channels":
            self._channels(data, notes, row, col, text)
        elif f.kind == "extra":
            notes.append(f"{normalise(f.name) or f.name}：{text}")
            self.once("import-column-extra", col, f.name)
        elif f.kind not in ("number", "area"):  # the area: the code's prefix or --area decides
            self._ticks(data, row, col, f, text)

    def _channels(self, data: dict[str, Any], notes: list[str], row: int, col: int, text: str) -> None:
        notes += [m.strip("（()）") for m in _CHANNEL_NOTE.findall(text)]
        for name, on in channel_tokens(_CHANNEL_NOTE.sub("", text)):
            channel = self._channel(data, name, row, col) if on else None
            if channel and channel not in data.setdefault("channels", []):
                data["channels"].append(channel)

    def _channel(self, data: dict[str, Any], name: str, row: int, col: int) -> str | None:
        other = _OTHER.match(name.strip())
        if other and not other.group(1):
            self.find("import-channel-unnamed", row, col, value=name)
            return None
        # 其他法律服务网 names the area's own platform more often than not; 其他：公开栏 a checklist one
        named = other.group(1) if other else name
        known = self._known(data, named)
        if known or other:
            return known or f"其他：{named}"
        self.find("import-channel-other", row, col, value=name)
        return f"其他：{name}"

    def _known(self, data: dict[str, Any], name: str) -> str | None:
        """The checklist's (or the area's) name for ``name``; a synonym that says more than that
        name (微信公众号 for 两微一端) is kept for the item's notes."""
        key = channel_key(name)
        own = next((c for c in self.channels if channel_key(c) == key), None)
        official, part = channel_synonyms().get(key, (None, False))
        if own is None and official is not None and part:
            data.setdefault("channel_notes", []).append(f"公开渠道“{official}”原表写作“{name.strip()}”")
        return own or official

    def _ticks(self, data: dict[str, Any], row: int, col: int, f: Field, text: str) -> None:
        if f.kind == "audience_group" and tick(text) is None:
            data["audience_ticks"] = [*data.get("audience_ticks", []), "特定群体"]
            data["audience_group"] = text
            return
        if f.kind in ("audience", "method", "levels"):
            self._text_ticks(data, row, col, f, text)
            return
        on = True if _squash(text) == _squash(f.value) else tick(text)
        if on is None:
            self.find("import-tick-unclear", row, col, value=text, column=f.name)
        if on is not False:
            self._add_tick(data, row, col, f)

    def _add_tick(self, data: dict[str, Any], row: int, col: int, f: Field) -> None:
        if f.kind == "level_tick":
            data.setdefault("levels", []).append(self._level(f.value, col))
        elif f.kind == "channel_tick":
            channel = self._channel(data, f.value, row, col)
            if channel:
                data.setdefault("channels", []).append(channel)
        else:
            target = {"audience_all": ("audience_ticks", "全社会"),
                      "audience_group": ("audience_ticks", "特定群体"),
                      "method_active": ("method", "主动公开"),
                      "method_request": ("method", "依申请公开")}[f.kind]
            data.setdefault(target[0], []).append(target[1])

    def _text_ticks(self, data: dict[str, Any], row: int, col: int, f: Field, text: str) -> None:
        """One column written out in words ('主动公开', '县级、乡级', '特定群体：申请人')."""
        if f.kind == "method":
            found = [m for w, m in (("主动", "主动公开"), ("依申请", "依申请公开")) if w in text]
            data["method"] = found
        elif f.kind == "levels":
            data["levels"] = [self._level(p, col) for p in re.split(r"[、，,；;/\s]+", text) if p]
            found = data["levels"]
        elif "全社会" in text or tick(text) is None:
            found = [_audience(data, text)]
        else:
            found = []  # a bare tick in a single 公开对象 column says nothing about which
        if not found:
            self.find("import-tick-unclear", row, col, value=text, column=f.name)

    def _level(self, name: str, col: int) -> str:
        squashed = _squash(name)
        tokens = {t for t in re.split(r"[、()/]", squashed.replace("级", "")) if t}
        for level in self.site.levels:
            core = level.replace("级", "")
            if squashed == level or any(core in t or t in core for t in tokens):
                return level
        self.once("import-level-unmatched", col, name, levels="、".join(self.site.levels))
        return name


def _audience(data: dict[str, Any], text: str) -> str:
    if "全社会" in text:
        data["audience_ticks"] = ["全社会"]
        return "全社会"
    group = re.sub(r"^特定群[体众]\s*[:：(（]?|[)）]$", "", text).strip()
    data["audience_ticks"] = ["特定群体"]
    if group:
        data["audience_group"] = group
    return "特定群体"


def _finish(data: dict[str, Any], notes: list[str]) -> dict[str, Any]:
    """The collected cells in the item file's shape and key order."""
    out: dict[str, Any] = {}
    columns = {k: data.pop(k) for k in ("level1", "level2", "level3") if k in data}
    audience = sorted(set(data.pop("audience_ticks", [])))
    if len(audience) == 1:
        data["audience"] = audience[0]
    methods = list(dict.fromkeys(data.pop("method", [])))
    if methods:
        data["method"] = methods[0] if len(methods) == 1 else methods
    if data.get("audience") != "特定群体":
        data.pop("audience_group", None)
    for key in ("levels", "channels"):
        if key in data:
            data[key] = list(dict.fromkeys(data[key]))
    kept = list(dict.fromkeys(data.pop("channel_notes", [])))
    note = "\n".join([*([data.pop("notes_cell")] if "notes_cell" in data else []), *notes, *kept])
    for key in ITEM_KEYS:
        if key == "columns" and columns:
            out["columns"] = columns
        elif key == "notes" and note:
            out["notes"] = note
        elif key in data:
            out[key] = data[key]
    return out


def known_channels(area_channels: Iterable[str]) -> frozenset[str]:
    return frozenset(official_channels()) | frozenset(area_channels)
