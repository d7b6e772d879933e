"""The data files of the 下载 page (CSV, XLSX, JSON, the JSON Schemas), made from
``builder.tables`` so that the site and ``gkml export`` agree."""

from __future__ import annotations

import io
import json
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

from builder import resources, tables
from builder.model import Catalog, catalog_title
from builder.site.pages import download_files, schema_files


def download_data(catalog: Catalog) -> Iterator[tuple[str, bytes]]:
    """Every data file of the 下载 page with its path in the site, made one at a time."""
    for d in download_files(catalog):
        part = Catalog(catalog.site, (d.area,), catalog.items_of(d.area)) if d.area else catalog
        yield d.path, _FORMATS[d.fmt](part, catalog_title(catalog.site, d.area))
    for path in schema_files():
        yield path, (resources.schema_dir() / path.rsplit("/", 1)[1]).read_bytes()


def _csv(part: Catalog, title: str) -> bytes:
    stream = io.StringIO(newline="")
    tables.write_csv(stream, part.site, part.items)
    return stream.getvalue().encode("utf-8")


def _xlsx(part: Catalog, title: str) -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "catalog.xlsx"
        tables.write_xlsx(path, part.site, part.items, title)
        return path.read_bytes()


def _json(part: Catalog, title: str) -> bytes:
    return json.dumps(tables.catalog_json(part), ensure_ascii=False, indent=1).encode("utf-8")


_FORMATS: dict[str, Callable[[Catalog, str], bytes]] = {"csv": _csv, "xlsx": _xlsx, "json": _json}
