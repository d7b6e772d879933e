"""Shared by the site and browser tests: one real build of the bundled catalog plus a
hostile item, and a static http server for it on 127.0.0.1.

The site is built once per test session (``built_site``, registered in conftest.py).
"""

from __future__ import annotations

import functools
import http.server
import io
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from builder.catalog import load_catalog
from builder.cli import main
from builder.model import Catalog

ROOT = Path(__file__).resolve().parent.parent

XSS_CODE = "CXGH-990"
"""An item whose every element tries to run script; none of it may run or be followed."""
XSS_ITEM: dict[str, Any] = {
    "code": XSS_CODE,
    "columns": {
        "level1": "<script>window.__xss='level1'</script>规划编制",
        "level2": "<img src=x onerror=\"window.__xss='level2'\">恶意测试事项",
        "level3": "[点此](javascript:window.__xss='level3') {: onclick=\"window.__xss='attr'\"}",
    },
    "content": ("<script>window.__xss='content'</script><img src=x onerror=\"window.__xss='img'\">"
                " [链接](javascript:window.__xss='link') <a href=\"javascript:window.__xss='a'\">a</a>"
                " <javascript:window.__xss='auto'> **粗体** `代码` &lt; &amp; 预决算测试"),
    "basis": ["《<script>window.__xss='basis'</script>》"],
    "time_limit": "<svg onload=\"window.__xss='svg'\"></svg>20个工作日内",
    "subject": "<iframe src=\"javascript:window.__xss='iframe'\"></iframe>示例县自然资源局",
    "method": "主动公开",
    "channels": ["其他：<b onmouseover=\"window.__xss='b'\">平台</b>"],
    "audience": "特定群体",
    "audience_group": "<script>window.__xss='group'</script>群体",
    "levels": ["县级"],
    "notes": "[x](javascript:alert(1)) <script>alert(1)</script>",
}
XSS_PUBLISHER = "<script>window.__xss='publisher'</script>示例县人民政府办公室"


@dataclass(frozen=True)
class BuiltSite:
    catalog_dir: Path
    site_dir: Path
    catalog: Catalog
    build_output: str


def hostile_catalog(dest: Path) -> Path:
    """The bundled catalog plus the hostile item and a hostile publisher, in ``dest``."""
    shutil.copytree(ROOT / "catalog", dest)
    site = yaml.safe_load((dest / "site.yml").read_text(encoding="utf-8"))
    site["publisher"] = XSS_PUBLISHER
    (dest / "site.yml").write_text(yaml.safe_dump(site, allow_unicode=True), encoding="utf-8")
    item = yaml.safe_dump(XSS_ITEM, allow_unicode=True, sort_keys=False)
    (dest / "cxgh" / f"{XSS_CODE}.yml").write_text(item, encoding="utf-8")
    return dest


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> BuiltSite:
    base = tmp_path_factory.mktemp("built")
    catalog_dir = hostile_catalog(base / "catalog")
    out, err = io.StringIO(), io.StringIO()
    code = main(["build", str(catalog_dir), "--site-dir", str(base / "site")], out, err)
    assert code == 0, out.getvalue() + err.getvalue()
    loaded = load_catalog(catalog_dir)
    return BuiltSite(catalog_dir, base / "site", loaded.catalog(), out.getvalue() + err.getvalue())


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def serve_dir(folder: Path) -> Iterator[str]:
    """Serve ``folder`` over http on 127.0.0.1; yields the base URL."""
    handler = functools.partial(_Quiet, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/"
    finally:
        server.shutdown()
        server.server_close()
