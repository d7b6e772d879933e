"""``gkml serve``: a local preview that follows the catalog as it is edited."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TextIO

from builder.catalog import load_catalog
from builder.findings import Lang
from builder.report import REPORTERS
from builder.site.build import build_site, say, site_extras, site_pages
from builder.site.docs import work_dir
from builder.site.layout import refresh_items
from builder.site.preview import Preview


def serve(root: Path, site_dir: Path, out: TextIO, err: TextIO, lang: Lang = "zh", *,
          addr: str = "127.0.0.1:8000", interval: float = 0.3) -> int:
    """``gkml serve``: a local preview that follows the catalog as it is edited.

    An edited item's page is laid out at once from the last build's layout and the open
    browser reloads (about a second at 10,000 items); then a full build in a child
    process brings the directory, area and check pages up to date, is swapped in, and the
    browser reloads again. A further edit kills that child (a killed build never harms
    the site, see ``publish.build``) and starts it anew, so the fast path has the CPU.
    """
    preview = work_dir(site_dir) / "preview"
    seen = _snapshot(root)  # before anything is read: an edit from now on is seen below
    items = {i.code: i for i in load_catalog(root).catalog().items}
    if build_site(root, preview, out, err, lang, guide=True) != 0:
        return 1
    try:
        server = Preview(preview, addr)
    except (OSError, ValueError) as exc:  # the port is taken, or the address is not host:port
        why = getattr(exc, "strerror", None) or str(exc)
        err.write(say(lang, f"无法在 {addr} 上启动预览（{why}）。请换一个地址，例如 --addr 127.0.0.1:8001。",
                       f"Cannot serve on {addr} ({why}); try another, e.g. --addr 127.0.0.1:8001.\n"))
        return 1
    out.write(say(lang, f"预览地址：{server.url}（按 Ctrl+C 结束）",
                   f"Serving on {server.url} (Ctrl+C to stop)\n"))
    out.flush()
    rebuild = _Rebuild(root, preview, server)
    try:
        for _ in _changes(root, seen, interval, idle=rebuild.poll):
            rebuild.stop()
            loaded = load_catalog(root)
            if loaded.findings:
                REPORTERS["text"](loaded.findings, loaded.files, lang, out)
                out.flush()
            if not loaded.ok:
                continue
            catalog = loaded.catalog()
            changed = {i.code for i in catalog.items if items.get(i.code) != i}
            items = {i.code: i for i in catalog.items}
            if changed:
                pages = site_pages(loaded, catalog, site_extras(loaded), only_items=changed)
                if refresh_items(work_dir(preview), preview, pages):
                    server.reload()
            rebuild.start()
    except KeyboardInterrupt:
        pass
    finally:
        rebuild.stop()
        server.close()
    return 0


class _Rebuild:
    """The preview's full build, ``gkml build`` in a child process of its own group."""

    def __init__(self, root: Path, preview: Path, server: Preview) -> None:
        self.root, self.preview, self.server = root, preview, server
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "builder", "build", str(self.root), "--site-dir", str(self.preview),
             "--guide"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)

    def poll(self) -> None:
        """Once the build has finished, let the browser show it."""
        if self.proc is not None and self.proc.poll() is not None:
            self.proc = None
            self.server.reload()

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
        self.proc = None


def _changes(root: Path, seen: dict[str, tuple[int, int]], interval: float,
             idle: Callable[[], None]) -> Iterator[None]:
    """Yield once after every change to a file under ``root`` since the snapshot ``seen``
    (polling: no extra dependency, and a stat of 10,000 files takes a tenth of a second);
    call ``idle`` between polls."""
    while True:
        time.sleep(interval)
        idle()
        now = _snapshot(root)
        if now != seen:
            seen = now
            yield


def _snapshot(root: Path) -> dict[str, tuple[int, int]]:
    stamps = {}
    for path in root.rglob("*.yml"):
        try:
            st = path.stat()
        except OSError:  # deleted while we looked
            continue
        stamps[str(path)] = (st.st_mtime_ns, st.st_size)
    return stamps

