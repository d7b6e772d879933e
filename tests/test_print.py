"""The XLSX downloads print as the 下载 page promises: a real site is built, its XLSX files
are converted to PDF by LibreOffice (headless) and the PDF read with poppler (issue 13).

Landscape pages, every column on every page (one page wide), and the two header rows at
the top of every page, the title above them on a sheet's first page.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from builder.catalog import load_catalog
from builder.cli import main
from builder.model import Catalog, catalog_title
from builder.site.pages import download_path
from tests.conftest import ROOT

pytestmark = [pytest.mark.office, pytest.mark.slow]

TOOLS = ("soffice", "pdfinfo", "pdftotext")
CODE = re.compile(r"\b[A-Z]{2,6}-\d{3,5}\b")


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Catalog, Path, Path]:
    missing = [t for t in TOOLS if shutil.which(t) is None]
    if missing:
        message = f"missing {', '.join(missing)}: make office"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    base = tmp_path_factory.mktemp("print")
    out, err = io.StringIO(), io.StringIO()
    assert main(["build", str(ROOT / "catalog"), "--site-dir", str(base / "site")], out, err) == 0
    catalog = load_catalog(ROOT / "catalog").catalog()
    whole = base / "site" / download_path(catalog.site, None, "xlsx")
    area = base / "site" / download_path(catalog.site, catalog.areas[3], "xlsx")
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{base}/profile",
                    "--convert-to", "pdf", "--outdir", str(base / "pdf"), str(whole), str(area)],
                   check=True, capture_output=True, timeout=300)
    pdf = base / "pdf"
    return catalog, pdf / whole.with_suffix(".pdf").name, pdf / area.with_suffix(".pdf").name


def _pages(pdf: Path) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True,
                          text=True).stdout
    return [p for p in text.split("\f") if p.strip()]


def _sizes(pdf: Path, pages: int) -> list[tuple[float, float]]:
    info = subprocess.run(["pdfinfo", "-f", "1", "-l", str(pages), str(pdf)], check=True,
                          capture_output=True, text=True).stdout
    return [(float(w), float(h)) for w, h in re.findall(r"Page +\d+ size: +([\d.]+) x ([\d.]+)", info)]


def _starts_with_header(page: str) -> bool:
    lines = [ln for ln in page.splitlines() if ln.strip()]
    first_item = next((i for i, ln in enumerate(lines) if CODE.search(ln)), len(lines))
    head = "\n".join(lines[:first_item])
    return all(word in head for word in ("公开事项", "序号", "事项编码", "一级事项", "二级事项",
                                         "全社会", "情况说明"))


def test_whole_catalog_prints_landscape_with_headers_on_every_page(
        printed: tuple[Catalog, Path, Path]) -> None:
    catalog, whole, _ = printed
    pages = _pages(whole)
    # the 汇总 sheet runs over several pages, then at least a page per area
    assert len(pages) > len(catalog.areas) + 1, len(pages)
    sizes = _sizes(whole, len(pages))
    assert len(sizes) == len(pages) and all(w > h for w, h in sizes), sizes
    bad = [n for n, page in enumerate(pages, 1) if not _starts_with_header(page)]
    assert not bad, f"pages without the header rows on top: {bad}"
    assert catalog_title(catalog.site, None) in pages[0] and "领域" in pages[0]
    for area in catalog.areas:  # a sheet per area, each with its title
        assert any(catalog_title(catalog.site, area) in p for p in pages), area.name
    codes = {c for p in pages for c in CODE.findall(p)}
    assert codes == {i.code for i in catalog.items}  # every item printed, none cut off


def test_area_workbook_prints_on_landscape_pages(printed: tuple[Catalog, Path, Path]) -> None:
    catalog, _, area_pdf = printed
    pages = _pages(area_pdf)
    sizes = _sizes(area_pdf, len(pages))
    assert pages and all(w > h for w, h in sizes)
    assert all(_starts_with_header(p) for p in pages)
    area = catalog.areas[3]
    printed_codes = {c for p in pages for c in CODE.findall(p)}
    assert printed_codes == {i.code for i in catalog.items_of(area)}
