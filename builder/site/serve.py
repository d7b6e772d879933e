"""``gkml serve``: a local preview that follows the catalog as it is edited."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TextIO

from builder.catalog import load_catalog
from builder.findings import Finding, Lang, errors, sort_key
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
    if build_site(root, preview, out, err, lang, allow_shrink=True, guide=True) != 0:  # a scratch folder
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
                server.tell(rejected(loaded.findings, lang))
                continue
            server.tell("")
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


def rejected(findings: Sequence[Finding], lang: Lang) -> str:
    """The notice on the open pages when a save fails validation: which file, its first problem."""
    first = min(errors(findings), key=sort_key)
    message, _ = first.text(lang)
    where = f"{first.file}:{first.line}" if first.line else first.file
    zh = (f"这次保存没有采用：{where} {message}\n"
          "页面显示的仍是上次通过校验的内容；改正并保存后，这条提示会自动消失。")
    en = (f"This save was not taken: {where} {message}\nThe page still shows the last valid "
          "version; fix the file and save, and this notice goes away.")
    return en if lang == "en" else zh


class _Rebuild:
    """The preview's full build, ``gkml build`` in a child process of its own group."""

    def __init__(self, root: Path, preview: Path, server: Preview) -> None:
        self.root, self.preview, self.server = root, preview, server
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "builder", "build", str(self.root), "--site-dir", str(self.preview),
             "--allow-shrink", "--guide"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)

    def poll(self) -> None:
        """Once the build has finished, let the browser show it."""
        if self.proc is not None and self.proc.poll() is not None:
            self.proc = None
            self.server.reload()

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            _kill_tree(self.proc)
            self.proc.wait()
        self.proc = None


def _kill_tree(proc: subprocess.Popen[bytes]) -> None:
    """Kill the build and its MkDocs child: the process group on POSIX, ``taskkill /T`` on
    Windows; where neither exists, the build alone (its MkDocs then finishes into a
    folder the next build removes)."""
    if hasattr(os, "killpg"):
        os.killpg(proc.pid, signal.SIGKILL)
    elif sys.platform == "win32":  # pragma: no cover
        subprocess.run(["taskkill", "/F", "/T", "/PID", str(proc.pid)], capture_output=True, check=False)
    else:
        proc.kill()


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

