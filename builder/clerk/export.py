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
from builder.names import safe_stem
from builder.tables import write_catalog_xlsx, write_csv, write_xlsx

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


EXPORT_DIR = "导出"
_IGNORE_ALL = "# gkml export 的输出：不提交到 git / gkml exports, never committed\n*\n"


def default_output(root: Path, catalog: Catalog, area: Area | None, fmt: Format) -> Path:
    """``导出/<title>.<fmt>`` beside the catalog folder (the repository's root, as a rule).

    Not the working directory: that is usually the repository, where ``git add .`` would
    commit the export. ``ignored_folder`` makes the folder ignore itself, so this holds in any
    repository (and outside one) without touching the county's own ``.gitignore``.
    A jurisdiction such as ``../../x`` or ``县/区`` names ``.._.._x``/``县_区`` there, never a
    path elsewhere (``names.safe_stem``).
    """
    name = safe_stem(title(catalog, area), "政务公开事项标准目录")
    return root.absolute().parent / EXPORT_DIR / f"{name}.{fmt}"


def ignored_folder(folder: Path) -> None:
    """Create ``folder`` with a ``.gitignore`` of ``*`` (as ``python -m venv`` does for its own)."""
    folder.mkdir(parents=True, exist_ok=True)
    ignore = folder / ".gitignore"
    if not ignore.exists():
        ignore.write_text(_IGNORE_ALL, encoding="utf-8")


def select(root: Path, area_name: str | None) -> tuple[Catalog, list[Item], Exported]:
    loaded = load_catalog(root)
    area = find_area(loaded.areas, area_name) if area_name else None
    catalog, skipped = usable(loaded, area.slug if area else "")
    items = [i for i in catalog.items if area is None or i.area == area.slug]
    return catalog, items, Exported(len(items), skipped, area, bool(area_name) and area is None)


def write(target: Path | TextIO, fmt: Format, catalog: Catalog, items: list[Item], area: Area | None) -> None:
    """One area as one sheet; the whole catalog as the site's whole-catalog download: a 领域
    column in CSV, a 汇总 sheet and a sheet per area in XLSX (import reads the first sheet)."""
    areas = None if area else {a.slug: a.name for a in catalog.areas}
    if fmt == "csv":
        write_csv(target, catalog.site, items, areas)
    elif not isinstance(target, Path):
        raise ValueError("xlsx is written to a file")
    elif area:
        write_xlsx(target, catalog.site, items, title(catalog, area))
    else:
        write_catalog_xlsx(target, catalog, title(catalog, None))
