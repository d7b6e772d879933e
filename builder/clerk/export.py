"""``gkml export``: the catalog (or one area) as the official table, in .xlsx or .csv.

The layout is ``builder.tables``'s, the same as the site's downloads, so an exported
sheet imports back to the same items (``gkml import``). A file with errors cannot be
read as an item and is left out, each named in a finding: the rest still exports, so
one clerk's broken file does not stop another's work.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, TextIO

from builder.catalog import LoadedCatalog, load_catalog
from builder.clerk.new import find_area
from builder.findings import Finding, Severity
from builder.model import Area, Catalog, Item, catalog_title
from builder.tables import write_csv, write_xlsx

Format = Literal["xlsx", "csv"]


@dataclass
class Exported:
    items: int = 0
    findings: list[Finding] = field(default_factory=list)
    area: Area | None = None
    unknown_area: bool = False


def usable(loaded: LoadedCatalog, area: str = "") -> tuple[Catalog, list[Finding]]:
    """The catalog of the items without errors, and a finding for each file left out
    (only those of ``area`` when one is given)."""
    broken = {f.file for f in loaded.findings if f.severity is Severity.ERROR}
    keep = [e for e in loaded.entries if e.doc.file not in broken and isinstance(e.doc.data, dict)]
    skipped = [Finding("export-skipped", e.doc.file, 1, 1) for e in loaded.entries
               if e not in keep and area in ("", e.area)]
    return dataclasses.replace(loaded, entries=keep).catalog(), skipped


def title(catalog: Catalog, area: Area | None) -> str:
    return catalog_title(catalog.site, area)


def default_output(catalog: Catalog, area: Area | None, fmt: Format) -> Path:
    return Path(f"{title(catalog, area)}.{fmt}")


def select(root: Path, area_name: str | None) -> tuple[Catalog, list[Item], Exported]:
    loaded = load_catalog(root)
    area = find_area(loaded.areas, area_name) if area_name else None
    catalog, skipped = usable(loaded, area.slug if area else "")
    items = [i for i in catalog.items if area is None or i.area == area.slug]
    return catalog, items, Exported(len(items), skipped, area, bool(area_name) and area is None)


def write(target: Path | TextIO, fmt: Format, catalog: Catalog, items: list[Item], area: Area | None) -> None:
    if fmt == "csv":
        write_csv(target, catalog.site, items)
    elif isinstance(target, Path):
        write_xlsx(target, catalog.site, items, title(catalog, area))
    else:
        raise ValueError("xlsx is written to a file")
