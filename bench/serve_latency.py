"""Measure `gkml serve`: seconds from saving an item's YAML to the change showing in the
browser (the preview server tells the open page to reload).

    .venv/bin/python bench/serve_latency.py catalog            # the bundled catalog
    .venv/bin/python bench/serve_latency.py /tmp/synth1k       # bench/synth.py output

The catalog is copied first; the copy is edited, never the original.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _first_item(catalog: Path) -> Path:
    return next(p for area in sorted(catalog.iterdir()) if area.is_dir()
                for p in sorted(area.glob("*.yml")) if p.name != "_area.yml")


def measure(source: Path, edits: int, env: Mapping[str, str] | None = None) -> tuple[float, list[float]]:
    """Serve a copy of ``source``; return seconds to the first page and each edit's latency."""
    tmp = Path(tempfile.mkdtemp(prefix="gkml-serve-"))
    catalog = tmp / "catalog"
    shutil.copytree(source, catalog)
    item = _first_item(catalog)
    port = _free_port()
    started = time.monotonic()
    server = subprocess.Popen([sys.executable, "-m", "builder", "serve", str(catalog), "--site-dir",
                               str(tmp / "site"), "--addr", f"127.0.0.1:{port}"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              env={**os.environ, **(env or {})}, start_new_session=True)
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
            page = browser.new_page()
            _open(page, f"http://127.0.0.1:{port}/items/{item.stem}/")
            first = time.monotonic() - started
            latencies = [_edit(page, item, f"测量标记{n}") for n in range(edits)]
            browser.close()
    finally:
        _stop(server)
        shutil.rmtree(tmp, ignore_errors=True)
    return first, latencies


def _stop(server: subprocess.Popen[bytes]) -> None:
    """Ctrl-C, as a user stops it; its whole session (MkDocs too) if it does not exit in time
    (a shell's background job starts with SIGINT ignored, and children inherit that)."""
    server.send_signal(signal.SIGINT)
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()


def _open(page: Page, url: str) -> None:
    while True:
        try:
            page.goto(url, timeout=5_000)
            if page.locator("article").count():
                return
        except Exception:  # the first build is still running
            time.sleep(0.5)


def _edit(page: Page, item: Path, marker: str) -> float:
    """Seconds from saving ``item`` with ``marker`` in its content to the page showing it."""
    text = item.read_text(encoding="utf-8")
    t0 = time.monotonic()
    item.write_text(text.replace("content: ", f"content: {marker}", 1), encoding="utf-8")
    page.wait_for_function(f"document.body?.innerText.includes('{marker}')", timeout=300_000)
    latency = time.monotonic() - t0
    item.write_text(text, encoding="utf-8")
    page.wait_for_function(f"document.body && !document.body.innerText.includes('{marker}')", timeout=300_000)
    return latency


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("catalog", type=Path)
    p.add_argument("--edits", type=int, default=5)
    args = p.parse_args(argv)
    first, latencies = measure(args.catalog, args.edits)
    print(f"first page served after {first:.1f} s")
    print(f"edit → visible: median {statistics.median(latencies):.2f} s, "
          f"min {min(latencies):.2f} s, max {max(latencies):.2f} s over {len(latencies)} edits")
    return 0


if __name__ == "__main__":
    sys.exit(main())
