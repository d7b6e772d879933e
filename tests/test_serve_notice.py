"""gkml serve in headless Chromium: a save that fails validation is shown on the open page.

A clerk who looks only at the browser must see that an edit was not taken (issue 14): the
real ``gkml serve`` runs on a copy of the golden catalog, Debian's chromium keeps a page
open, the item is saved with a full-width colon, then mended.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from tests.conftest import ROOT
from tests.test_browser import ARGS, CHROMIUM

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        if os.environ.get("CI") == "true":
            pytest.fail("Chromium is missing")
        pytest.skip("Chromium is missing")
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _up(url: str, proc: subprocess.Popen[bytes], log: Path, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, log.read_text(encoding="utf-8", errors="replace")
        try:
            urllib.request.urlopen(url, timeout=5).read()
            return
        except OSError:
            time.sleep(0.3)
    raise AssertionError(log.read_text(encoding="utf-8", errors="replace"))


def _notice(page: Page) -> str:
    page.wait_for_selector("#gkml-notice", state="visible", timeout=30_000)
    return page.inner_text("#gkml-notice")


def test_a_rejected_save_shows_a_notice_until_the_file_is_fixed(browser: Browser, tmp_path: Path) -> None:
    catalog = tmp_path / "catalog"
    shutil.copytree(ROOT / "tests" / "golden" / "catalog", catalog)
    item = catalog / "cxgh" / "CXGH-001.yml"
    good = item.read_text(encoding="utf-8")
    assert "\ncontent: " in good
    port, log = _free_port(), tmp_path / "serve.log"
    url = f"http://127.0.0.1:{port}/items/CXGH-001/"
    with log.open("wb") as sink, subprocess.Popen(
            [sys.executable, "-m", "builder", "serve", str(catalog), "--site-dir", str(tmp_path / "site"),
             "--addr", f"127.0.0.1:{port}"], stdout=sink, stderr=subprocess.STDOUT) as proc:
        context = browser.new_context()
        try:
            _up(url, proc, log)
            page = context.new_page()
            page.goto(url)
            assert page.locator("#gkml-notice").count() == 0
            item.write_text(good.replace("\ncontent: ", "\ncontent："), encoding="utf-8")
            text = _notice(page)
            assert "这次保存没有采用" in text and "cxgh/CXGH-001.yml" in text
            assert "全角冒号" in text  # the first problem, in Chinese
            assert page.locator("#gkml-notice").is_visible()
            item.write_text(good, encoding="utf-8")
            page.wait_for_selector("#gkml-notice", state="detached", timeout=30_000)
            assert "规划批准文件" in page.inner_text("article")
        finally:
            context.close()
            proc.send_signal(signal.SIGINT)
            proc.wait(timeout=30)
