"""The data files of the 下载 page (CSV, XLSX, JSON, the JSON Schemas), made from
``builder.tables`` so that the site and ``gkml export`` agree."""

from __future__ import annotations

import io
import json
import tempfile
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

from builder import resources, tables
from builder.markup import page_url
from builder.model import Catalog, catalog_title
from builder.site.pages import DOWNLOADS, SIZE_MARK, download_files, schema_files


def download_data(catalog: Catalog) -> Iterator[tuple[str, bytes]]:
    """Every data file of the 下载 page with its path in the site, made one at a time. The
    whole catalog's CSV has a 领域 column, its XLSX a 汇总 sheet and a sheet per area."""
    for d in download_files(catalog):
        part = Catalog(catalog.site, (d.area,), catalog.items_of(d.area)) if d.area else catalog
        title = catalog_title(catalog.site, d.area)
        yield d.path, _FORMATS[d.fmt](part, title, d.area is None)
    for path in schema_files():
        yield path, (resources.schema_dir() / path.rsplit("/", 1)[1]).read_bytes()


def _csv(part: Catalog, title: str, whole: bool) -> bytes:
    stream = io.StringIO(newline="")
    tables.write_csv(stream, part.site, part.items, {a.slug: a.name for a in part.areas} if whole else None)
    return stream.getvalue().encode("utf-8")


def _xlsx(part: Catalog, title: str, whole: bool) -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "catalog.xlsx"
        if whole:
            tables.write_catalog_xlsx(path, part, title)
        else:
            tables.write_xlsx(path, part.site, part.items, title)
        return path.read_bytes()


def _json(part: Catalog, title: str, whole: bool) -> bytes:
    return json.dumps(tables.catalog_json(part), ensure_ascii=False, indent=1).encode("utf-8")


_FORMATS: dict[str, Callable[[Catalog, str, bool], bytes]] = {"csv": _csv, "xlsx": _xlsx, "json": _json}


def label_sizes(site: Path, sizes: Mapping[str, int]) -> None:
    """Fill in the sizes of the written data files ``sizes`` (site path → bytes) where the
    下载 page marks them (``pages.SIZE_MARK``)."""
    page = site / page_url(DOWNLOADS) / "index.html"
    if not page.is_file():
        return
    html = page.read_text(encoding="utf-8")
    for rel, size in sizes.items():
        html = html.replace(SIZE_MARK.format(rel), human_size(size))
    page.write_text(html, encoding="utf-8")


def human_size(size: int) -> str:
    """``size`` bytes as a reader says it: 812 字节, 12.3 KB, 4.1 MB."""
    if size < 1024:
        return f"{size} 字节"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / 1024 / 1024:.1f} MB"
