"""What a Windows clerk types and sees: drive letters and backslashes, and a GBK console."""

from __future__ import annotations

import io
import ntpath
import os
import posixpath
import subprocess
import sys
from pathlib import Path, PurePosixPath, PureWindowsPath

from builder.catalog import display_path
from builder.cli import main
from tests.conftest import EXAMPLES, ROOT, lay_case

NOT_GBK = "✓"  # U+2713: no GBK (cp936) code; it reaches messages through an unknown key


def _catalog_with_odd_key(tmp_path: Path) -> Path:
    catalog = lay_case(EXAMPLES / "valid" / "minimal", tmp_path / "catalog")
    item = catalog / "cxgh" / "CXGH-001.yml"
    item.write_text(item.read_text(encoding="utf-8") + f"{NOT_GBK}备注: 有\n", encoding="utf-8")
    return catalog


def test_windows_paths_are_shown_as_typed_with_forward_slashes() -> None:
    inside = PureWindowsPath(r"D:\青山县\catalog\cxgh\CXGH-001.yml")
    whole = "D:/青山县/catalog/cxgh/CXGH-001.yml"
    assert display_path(inside, start=r"D:\青山县", paths=ntpath) == "catalog/cxgh/CXGH-001.yml"
    assert display_path(inside, start=r"D:\其他", paths=ntpath) == whole
    # another drive: no relative path exists (ntpath.relpath raises), the path is shown whole
    assert display_path(inside, start=r"C:\Users\clerk", paths=ntpath) == whole
    posix = PurePosixPath("/srv/catalog/site.yml")
    assert display_path(posix, start="/srv", paths=posixpath) == "catalog/site.yml"


def test_a_gbk_console_gets_every_finding_without_an_error(tmp_path: Path) -> None:
    catalog = _catalog_with_odd_key(tmp_path)
    env = {**os.environ, "PYTHONIOENCODING": "cp936", "GKML_NO_CACHE": "1"}
    done = subprocess.run([sys.executable, "-m", "builder", "validate", str(catalog)], cwd=ROOT, env=env,
                          capture_output=True, check=False)
    out = done.stdout.decode("cp936")
    assert done.returncode == 1, done.stderr.decode("cp936", errors="replace")
    assert "[unknown-key]" in out and "?备注" in out and "内部错误" not in out


def test_main_writes_to_a_cp936_stream_without_an_error(tmp_path: Path) -> None:
    catalog = _catalog_with_odd_key(tmp_path)
    raw = io.BytesIO()
    out = io.TextIOWrapper(raw, encoding="cp936")
    err = io.TextIOWrapper(io.BytesIO(), encoding="cp936")
    code = main(["validate", str(catalog)], out, err)
    out.flush()
    assert code == 1 and "[unknown-key]" in raw.getvalue().decode("cp936")
