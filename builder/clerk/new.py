"""``gkml new``: the next free code in an area, written as a commented template.

The template is valid YAML that does not pass ``gkml validate`` until it is filled in:
every element the clerk must write holds 待补充 (``validate.UNFILLED``), which fails
validation in any element it is left in, so an unedited template can never be published by
accident. Elements with a usual answer are filled with it (公开主体: the area's lead
unit; 公开方式: 主动公开; 公开渠道: 政府网站; 公开对象: 全社会; 公开层级: the first level)
and the comment above each says what else it may be.

Also here, because ``gkml import`` needs the same answers: ``read_context`` (site and
areas without validating every item), ``find_area`` (by folder, prefix or Chinese name)
and ``Codes`` (which code comes next, following the codes already in the area).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from builder.catalog import AREA_FILE, display_path, load_settings
from builder.clerk.fmt import dumps
from builder.findings import Finding
from builder.model import Area, Site
from builder.names import unsafe_name
from builder.safefile import create_text, entry_kind, refusal
from builder.validate import UNFILLED, raw_schema

PLACEHOLDER = UNFILLED
"""validate flags it wherever it is left, 情况说明 included."""
SCHEMA_LINE = "yaml-language-server: $schema=../../schema/item.schema.json"
_STYLES = (("-", 3), ("", 3), ("-", 4), ("", 4), ("-", 5), ("", 5), ("-", 2), ("", 2), ("-", 6))


# --- site and areas ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Context:
    root: Path
    site: Site
    areas: dict[str, Area]


def read_context(root: Path) -> Context:
    """site.yml and every usable _area.yml (``catalog.load_settings``)."""
    site, areas = load_settings(root)
    return Context(root, site, areas)


def find_area(areas: Mapping[str, Area], name: str) -> Area | None:
    """An area by its folder (cxgh), its code prefix (CXGH) or its name (城乡规划)."""
    key = name.strip().strip("/")
    return next((a for a in areas.values()
                 if key in (a.slug, a.name) or key.upper() == a.prefix.upper()), None)


def area_of_code(areas: Mapping[str, Area], code: str) -> Area | None:
    """The area whose prefix the code starts with (the longest, if prefixes nest)."""
    fits = [a for a in areas.values() if code.upper().startswith(a.prefix.upper())]
    return max(fits, key=lambda a: len(a.prefix), default=None)


# --- codes ---------------------------------------------------------------------------------------

@dataclass
class Codes:
    """Hands out an area's next free codes, in the style its existing codes use."""

    prefix: str
    separator: str
    width: int
    last: int
    taken: set[str] = field(default_factory=set)

    def reserve(self, codes: Iterable[str]) -> None:
        """Codes used elsewhere (a sheet's 事项编码 column): never handed out, counted from."""
        shape = re.compile(rf"^{re.escape(self.prefix)}{re.escape(self.separator)}(\d+)$")
        self.taken |= set(codes)
        self.last = max([self.last, *(int(m.group(1)) for m in map(shape.fullmatch, codes) if m)])

    def next(self) -> str:
        while True:
            self.last += 1
            code = f"{self.prefix}{self.separator}{self.last:0{self.width}d}"
            if code not in self.taken:
                self.taken.add(code)
                return code


def codes_for(ctx: Context, area: Area) -> Codes | None:
    """None when site.yml's code_pattern fits none of the usual shapes (PREFIX-001 …)."""
    folder = ctx.root / area.slug
    stems = {p.stem for p in folder.glob("*.yml") if p.name != AREA_FILE} if folder.is_dir() else set()
    shape = re.compile(rf"^{re.escape(area.prefix)}(-?)(\d+)$")
    used = [(m.group(1), len(m.group(2)), int(m.group(2))) for m in map(shape.fullmatch, sorted(stems)) if m]
    if used:
        (sep, width), _ = Counter((s, w) for s, w, _ in used).most_common(1)[0]
        return Codes(area.prefix, sep, width, max(n for _, _, n in used), stems)
    pattern = ctx.site.code_pattern.replace("{prefix}", re.escape(area.prefix))
    for sep, width in _STYLES:
        if re.fullmatch(pattern, f"{area.prefix}{sep}{1:0{width}d}"):
            return Codes(area.prefix, sep, width, 0, stems)
    return None


# --- the template --------------------------------------------------------------------------------

def _about(key: str, props: Mapping[str, Any]) -> str:
    """'公开时限：公开的期限，使用官方表述……' from the schema (its Chinese half)."""
    spec = props[key]
    desc = re.split(r"(?<=。)\s*(?=[A-Z])", spec.get("description", ""), maxsplit=1)[0]
    return f"{spec['title']}：{desc}"


def _example(key: str, props: Mapping[str, Any]) -> str:
    spec = props[key]
    examples = spec.get("examples") or spec.get("items", {}).get("examples") or []
    # A list-valued element's example is itself a list: show its entries.
    flat = [x for e in examples for x in (e if isinstance(e, list) else [e])]
    return f"例如：{'、'.join(map(str, flat))}" if flat else ""


def fresh(site: Site, area: Area, code: str) -> dict[str, Any]:
    return {"code": code, "columns": {"level1": PLACEHOLDER, "level2": PLACEHOLDER},
            "content": PLACEHOLDER, "basis": [PLACEHOLDER], "time_limit": PLACEHOLDER,
            "subject": area.lead.name, "method": "主动公开", "channels": ["政府网站"],
            "audience": "全社会", "levels": list(site.levels[:1])}


def like(data: Mapping[str, Any], code: str) -> dict[str, Any]:
    """A copy of another item's elements; the name is the new item's own, notes and exemptions too."""
    out = {k: v for k, v in data.items() if k not in ("notes", "exemptions")}
    columns = dict(out.get("columns") or {})
    columns.update(level2=PLACEHOLDER)
    columns.pop("level3", None)
    return {**out, "code": code, "columns": columns}


def template(site: Site, area: Area, data: Mapping[str, Any], source: str = "") -> str:
    props = raw_schema("item")["properties"]
    lines = [f"# {SCHEMA_LINE}",
             f"# 新事项 {data['code']}（{area.name}）。把每个“{PLACEHOLDER}”换成实际内容，"
             "然后运行 gkml validate 检查；以 # 开头的说明行可以保留，也可以删除。"]
    if source:
        lines.append(f"# 各要素复制自 {source}，请逐项核对。")
    for key in (k for k in props if k in data):
        lines += [f"# {_about(key, props)}"]
        lines += [f"# {x}" for x in (_hint(key, props, site, area),) if x]
        lines.append(dumps({key: data[key]}).rstrip("\n"))
    if "audience_group" not in data:
        lines.append("# 公开对象为“特定群体”时，加一行写明群体，例如：audience_group: 法律援助申请人")
    lines.append("# 情况说明（可选），例如：notes: 依据某县城乡规划领域基层政务公开标准目录。")
    return "\n".join(lines) + "\n"


def _hint(key: str, props: Mapping[str, Any], site: Site, area: Area) -> str:
    extra = {
        "columns": "需要三级事项时，在 level2 下面加一行 level3: …；例如：规划编制 / 乡村建设规划许可证",
        "code": "gkml new 已取下一个空号，与文件名一致，不要修改",
        "subject": f"本领域牵头单位是“{area.lead.name}”；请按实际负责公开的单位填写",
        "method": "可选：主动公开、依申请公开；两者都适用时写成 [主动公开, 依申请公开]",
        "channels": "官方清单：" + "、".join(raw_schema("item")["$defs"]["officialChannel"]["enum"])
        + (f"；本领域平台：{'、'.join(area.channels)}" if area.channels else "")
        + "；清单外的写成“其他：名称”",
        "audience": "可选：全社会、特定群体",
        "levels": f"可选：{'、'.join(site.levels)}（取自 site.yml），可写多个",
    }
    return extra.get(key) or _example(key, props)


def new_item(ctx: Context, area: Area, like_data: Mapping[str, Any] | None = None,
             source: str = "") -> tuple[Path, str] | None:
    """The path and text of the next item of ``area``; None when no code can be made."""
    codes = codes_for(ctx, area)
    if codes is None:
        return None
    code = codes.next()
    data = like(like_data, code) if like_data else fresh(ctx.site, area, code)
    return ctx.root / area.slug / f"{code}.yml", template(ctx.site, area, data, source)


def write_new(path: Path, text: str) -> Finding | None:
    """Create ``path``; a finding (and nothing written) when it exists, is a link (even a
    dangling one: it is never written through) or cannot be written."""
    where = display_path(path)
    problem = refusal(path)
    if problem:
        return Finding(problem.code, where, 0, 0, params=problem.params)
    try:
        create_text(path, text)
    except FileExistsError:
        return Finding("file-exists", where, 0, 0, params={"target": where})
    except OSError as exc:
        return Finding("write-failed", where, 0, 0, params={"target": where,
                                                              "reason": exc.strerror or str(exc)})
    return None


def find_like(root: Path, code: str) -> Path | None:
    """The item file ``code`` names in one of the area folders; None for a code that is not a
    plain file name (``../../outside`` reads nothing outside the catalog) or a link."""
    if unsafe_name(f"{code}.yml") or code.startswith("."):
        return None
    folders = sorted(d for d in root.iterdir() if entry_kind(d) == "folder" and not d.name.startswith("."))
    return next((f / f"{code}.yml" for f in folders if entry_kind(f / f"{code}.yml") == "file"), None)
