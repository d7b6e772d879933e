"""The whole-catalog downloads (CSV with a 领域 column, XLSX with a 汇总 sheet first) import
back into the same items: the 领域 column is recognised, not copied into 情况说明."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from builder.catalog import load_catalog
from builder.site.downloads import download_data
from builder.site.pages import download_path
from tests.conftest import ROOT, run


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_whole_catalog_download_imports_back(tmp_path: Path, fmt: str) -> None:
    catalog = load_catalog(ROOT / "catalog").catalog()
    wanted = download_path(catalog.site, None, fmt)
    raw = next(data for path, data in download_data(catalog) if path == wanted)
    source = tmp_path / wanted.rsplit("/", 1)[1]
    source.write_bytes(raw)
    shutil.copytree(ROOT / "catalog", tmp_path / "catalog")
    result = run("import", str(source), "--catalog", str(tmp_path / "catalog"), "--force",
                 "--format", "json")
    assert result.code == 0, result.out + result.err
    codes = {f["code"] for f in json.loads(result.out)["findings"]}
    assert "import-column-extra" not in codes
    assert codes <= {"import-other-sheet"}  # the per-area sheets, left for --sheet
    again = load_catalog(tmp_path / "catalog").catalog()
    assert again.items == catalog.items
