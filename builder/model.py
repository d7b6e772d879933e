"""The nouns: site settings, areas and items as typed, read-only values.

These are built only from data that passed validation, so their constructors may
assume the shapes the schemas promise. Stages that must read broken data (the
completeness check) work on the raw ``Document`` instead.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

DEFAULT_LEVELS = ("县级", "乡级")
DEFAULT_CODE_PATTERN = "^{prefix}-[0-9]{3,5}$"

ITEM_KEYS = (
    "code", "columns", "content", "basis", "time_limit", "subject", "method",
    "channels", "audience", "audience_group", "levels", "notes", "exemptions",
)
"""Canonical key order of an item file (also the order ``gkml fmt`` writes)."""


def _tuple(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    return tuple(value) if isinstance(value, list) else (value,)


@dataclass(frozen=True, slots=True)
class Site:
    jurisdiction: str = "（未设置发布机关）"
    short_name: str = ""
    levels: tuple[str, ...] = DEFAULT_LEVELS
    code_pattern: str = DEFAULT_CODE_PATTERN
    site_url: str = ""
    publisher: str = ""
    contact: Mapping[str, str] = field(default_factory=dict)
    repo_url: str = ""
    edit_uri: str = "edit/main/"
    site_code: str = ""
    """网站标识码, ICP备案号 and 公安机关备案号: the footer shows each one that is given
    (China's government-website rules ask for them on every page)."""
    icp_record: str = ""
    police_record: str = ""
    show_check_pages: bool = True
    """Whether the 考核 pages and the items' deductions are published (the county's choice)."""
    show_sources: bool = False
    """Whether an area page links the other places' catalogs it was drafted from."""

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> Site:
        known = {k: v for k, v in data.items() if k in cls.__slots__}
        if "levels" in known:
            known["levels"] = tuple(known["levels"])
        return cls(**known)


@dataclass(frozen=True, slots=True)
class Unit:
    name: str
    formerly: tuple[str, ...] = ()

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> Unit:
        return cls(data["name"], tuple(data.get("formerly", ())))


@dataclass(frozen=True, slots=True)
class Source:
    title: str
    url: str = ""


@dataclass(frozen=True, slots=True)
class Area:
    slug: str
    name: str
    prefix: str
    order: int
    lead: Unit
    guideline: str
    cooperating: tuple[Unit, ...] = ()
    channels: tuple[str, ...] = ()
    sources: tuple[Source, ...] = ()
    description: str = ""

    @classmethod
    def from_data(cls, slug: str, data: Mapping[str, Any]) -> Area:
        return cls(
            slug=slug, name=data["name"], prefix=data["prefix"], order=data["order"],
            lead=Unit.from_data(data["lead"]), guideline=data["guideline"],
            cooperating=tuple(Unit.from_data(u) for u in data.get("cooperating", ())),
            channels=tuple(data.get("channels", ())),
            sources=tuple(Source(s["title"], s.get("url", "")) for s in data.get("sources", ())),
            description=data.get("description", ""),
        )


@dataclass(frozen=True, slots=True)
class Exemption:
    element: str
    reason: str
    approved_by: str
    until: str


@dataclass(frozen=True, slots=True)
class Item:
    code: str
    area: str
    """The slug of the item's area folder."""
    file: str
    """Path relative to the catalog folder, '/'-separated (``cxgh/CXGH-001.yml``)."""
    level1: str
    level2: str
    level3: str
    content: str
    basis: tuple[str, ...]
    time_limit: str
    subject: str
    method: tuple[str, ...]
    channels: tuple[str, ...]
    audience: str
    audience_group: str
    levels: tuple[str, ...]
    notes: str
    exemptions: tuple[Exemption, ...] = ()

    @classmethod
    def from_data(cls, area: str, file: str, data: Mapping[str, Any]) -> Item:
        cols = data.get("columns") or {}
        return cls(
            code=data.get("code", ""), area=area, file=file,
            level1=cols.get("level1", ""), level2=cols.get("level2", ""),
            level3=cols.get("level3", ""), content=data.get("content", ""),
            basis=_tuple(data.get("basis")), time_limit=data.get("time_limit", ""),
            subject=data.get("subject", ""), method=_tuple(data.get("method")),
            channels=_tuple(data.get("channels")), audience=data.get("audience", ""),
            audience_group=data.get("audience_group", ""), levels=_tuple(data.get("levels")),
            notes=data.get("notes", ""),
            exemptions=tuple(Exemption(**e) for e in data.get("exemptions", ())),
        )

    @property
    def name(self) -> str:
        """The item's full name as the public reads it."""
        return " / ".join(p for p in (self.level1, self.level2, self.level3) if p)

    @property
    def title(self) -> str:
        return self.level3 or self.level2


@dataclass(frozen=True, slots=True)
class Catalog:
    """A catalog that passed validation: what the site and the downloads are made from."""

    site: Site
    areas: tuple[Area, ...]
    items: tuple[Item, ...]

    def items_of(self, area: Area) -> tuple[Item, ...]:
        return tuple(i for i in self.items if i.area == area.slug)


def catalog_title(site: Site, area: Area | None = None) -> str:
    """The catalog's name, or one area's part of it, as the official tables name it
    (青山县人民政府城乡规划领域政务公开事项标准目录): the site's title, the downloads' and
    exported tables' title row, the default export file name."""
    scope = f"{area.name}领域" if area else ""
    return f"{site.jurisdiction}{scope}政务公开事项标准目录"
