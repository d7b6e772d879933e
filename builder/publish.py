"""Publish stage: the only module that knows MkDocs.

It writes the generated pages into a git-ignored docs folder (a file only when its bytes
changed; stale files are deleted), writes the MkDocs config the site is built with (the
project's ``mkdocs.yml`` plus what comes from the catalog), runs ``mkdocs build --strict``
into a fresh folder next to the site, lays the item pages out from one prototype page
MkDocs rendered (``Layout``), adds the data files and, only when all that succeeded,
swaps the folder in. A failed build leaves the published folder untouched. It also
serves a built folder for ``gkml serve`` (``Preview``).

The swap exchanges the two directories atomically with Linux ``renameat2(RENAME_EXCHANGE)``
so the site folder is complete at every instant, even if the process is killed; where
that call is unavailable it falls back to renaming the old folder aside first.
``mkdocs build`` runs without ``-q``/``-v``: in MkDocs 1.6.1 ``--strict -q`` does not fail
on warnings (mkdocs#4126), and ``-v`` weakens the anchor checks (mkdocs#3991).
"""

from __future__ import annotations

import contextlib
import ctypes
import fcntl
import functools
import gzip
import http.server
import importlib.util
import io
import json
import logging
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import yaml

from builder.markup import TABLE_BLOCK, page_url
from builder.markup import url as safe_url
from builder.model import Site

PROJECT = Path(__file__).resolve().parent.parent
BASE_CONFIG = PROJECT / "mkdocs.yml"
DOCS = "docs"
CONFIG = "mkdocs.yml"
NavEntry = tuple[str, "str | list[tuple[str, str]]"]


@dataclass(frozen=True, slots=True)
class Result:
    ok: bool
    seconds: float
    log: str
    """MkDocs' warnings and errors (empty on success)."""


def work_dir(site_dir: Path) -> Path:
    """The generated docs folder's home, beside the site (``.docs/`` for ``site/``)."""
    site_dir = site_dir.absolute()
    return site_dir.parent / (".docs" if site_dir.name == "site" else f".docs-{site_dir.name}")


def check_tools() -> str:
    """An error message when the build would silently degrade, else ''."""
    if importlib.util.find_spec("jieba") is None:
        return "jieba 未安装：中文搜索无法分词。请运行 make setup。 / jieba is not installed."
    return ""


# --- the docs folder -----------------------------------------------------------------


def write_docs(docs: Path, files: Mapping[str, str | bytes]) -> int:
    """Make ``docs`` hold exactly ``files``; return how many files were (re)written."""
    docs.mkdir(parents=True, exist_ok=True)
    written = sum(_write_if_changed(docs / rel, data) for rel, data in files.items())
    _remove_stale(docs, {Path(rel) for rel in files})
    return written


def _write_if_changed(path: Path, data: str | bytes) -> bool:
    raw = data.encode("utf-8") if isinstance(data, str) else data
    with contextlib.suppress(OSError):
        if path.read_bytes() == raw:
            return False
    _write(path, raw)  # a live-reloading server never reads half a file
    return True


def _remove_stale(docs: Path, keep: set[Path]) -> None:
    for dirpath, _, filenames in os.walk(docs, topdown=False):
        folder = Path(dirpath)
        for name in filenames:
            if (folder / name).relative_to(docs) not in keep:
                (folder / name).unlink()
        if folder != docs and not any(folder.iterdir()):
            folder.rmdir()


# --- the MkDocs config -----------------------------------------------------------------


def write_config(work: Path, site: Site, title: str, nav: Sequence[NavEntry]) -> Path:
    """The project's mkdocs.yml with the catalog's name, nav and footer, paths made absolute."""
    config: dict[str, Any] = yaml.safe_load(BASE_CONFIG.read_text(encoding="utf-8"))
    config.update(site_name=title, docs_dir=str(work / DOCS), nav=_nav(nav))
    theme = config["theme"]
    theme["custom_dir"] = str(PROJECT / theme["custom_dir"])
    site_url = safe_url(site.site_url)
    if site_url:
        config["site_url"] = site_url
    else:  # instant navigation needs site_url (it reads the sitemap)
        theme["features"] = [f for f in theme.get("features", []) if not f.startswith("navigation.instant")]
    config.setdefault("extra", {})["gkml"] = _footer(site)
    for plugin in config.get("plugins", []):
        if isinstance(plugin, dict) and "search" in plugin and plugin["search"].get("jieba_dict_user"):
            plugin["search"]["jieba_dict_user"] = str(PROJECT / plugin["search"]["jieba_dict_user"])
    path = work / CONFIG
    _write_if_changed(path, yaml.safe_dump(config, allow_unicode=True, sort_keys=False))
    return path


def _nav(entries: Sequence[NavEntry]) -> list[Any]:
    def one(label: str, target: Any) -> Any:
        if isinstance(target, list):
            return {label: [one(t, p) for t, p in target]}
        return {label: target} if label else target

    return [one(label, target) for label, target in entries]


def _footer(site: Site) -> dict[str, str]:
    return {"jurisdiction": site.jurisdiction, "publisher": site.publisher,
            **{k: str(v) for k, v in site.contact.items()}}


# --- build and swap ----------------------------------------------------------------------


def build(work: Path, site_dir: Path, pages: Mapping[str, str],
          data: Callable[[], Iterator[tuple[str, bytes]]] | None = None, *,
          reference: bool = False) -> Result:
    """Build ``pages`` (docs path → Markdown) with the config in ``work`` into a fresh
    folder; swap it in only on success. ``data`` yields the data files (downloads).

    MkDocs does only what needs it. Item pages (under ``items/``, their body HTML blocks
    only, see ``render.item_page``) are laid out here from one prototype that MkDocs
    renders (``Layout``). Pages kept out of search have their tables (raw HTML, which
    Python-Markdown passes through untouched) set aside and put back into the HTML
    afterwards (``_set_aside``): the 10,000-row 标准目录 alone took MkDocs 5 s and 120 MB.
    With ``reference``, MkDocs renders every page whole, the reference these shortcuts
    are tested against (byte for byte, tests/test_site_build.py).

    The order keeps memory down: MkDocs runs while this process makes the items' search
    entries; the data files are made while the item pages are written, after MkDocs.
    """
    started = time.monotonic()
    site_dir = site_dir.absolute()  # MkDocs reads a relative -d against the config's folder
    # Sorted as MkDocs sorts one folder's files: the search index and sitemap list them so.
    items = {} if reference else dict(sorted((p, md) for p, md in pages.items() if p.startswith(ITEMS)))
    docs = {p: md for p, md in pages.items() if p not in items}
    aside: dict[str, tuple[str, list[tuple[int, int]]]] = {}
    if not reference:
        docs = {p: _set_aside(p, md, aside) for p, md in docs.items()}
    if items:
        docs[_PROTO] = _prototype(next(iter(items.values())))
    with _locked(work):
        write_docs(work / DOCS, docs)
        _clean_leftovers(site_dir)
        fresh = Path(tempfile.mkdtemp(prefix=f"{site_dir.name}.building-", dir=site_dir.parent))
        try:
            with _start_mkdocs("build", "--strict", "-f", str(work / CONFIG), "-d", str(fresh)) as running:
                entries = search_entries(items, work / CONFIG) if items else []
                log, _ = running.communicate()  # MkDocs' log, stderr into stdout
            if running.returncode != 0:
                return Result(False, time.monotonic() - started, _problems(log))
            _put_back(fresh, aside)
            with ThreadPoolExecutor(1) as pool:  # writing pages waits on the disk, not the CPU
                files = pool.submit(_write_data, fresh, data)
                if items:
                    layout = Layout.from_page((fresh / _PROTO_URL / "index.html").read_text(encoding="utf-8"))
                    layout.save(work)
                    shutil.rmtree(fresh / _PROTO_URL)
                    layout.write(fresh, items)
                    _merge_sitemap(fresh, items)
                files.result()
            _finish_index(fresh / "search" / "search_index.json", entries)
            _publishable(fresh)
            _swap(fresh, site_dir)
        finally:
            shutil.rmtree(fresh, ignore_errors=True)
    return Result(True, time.monotonic() - started, "")


def _write_data(site: Path, data: Callable[[], Iterator[tuple[str, bytes]]] | None) -> None:
    for rel, raw in data() if data else ():
        _write(site / rel, raw)  # one file at a time: a 10,000-row XLSX is held only while made


_ASIDE = "<!--gkml-aside-{}-->"


def _set_aside(path: str, page: str, aside: dict[str, tuple[str, list[tuple[int, int]]]]) -> str:
    """``page`` with each table replaced by a marker, for pages kept out of search only (for
    the others the search plugin reads the tables); ``aside[path]`` keeps the page and where
    its tables are, not copies of them."""
    if not page.startswith("---\n") or not (_split(page)[0].get("search") or {}).get("exclude"):
        return page
    spans: list[tuple[int, int]] = []

    def mark(match: re.Match[str]) -> str:
        spans.append(match.span())
        return _ASIDE.format(len(spans) - 1) + "\n"

    marked = TABLE_BLOCK.sub(mark, page)
    if spans:
        aside[path] = (page, spans)
    return marked


def _put_back(site: Path, aside: Mapping[str, tuple[str, list[tuple[int, int]]]]) -> None:
    for path, (source, spans) in aside.items():
        html_file = site / page_url(path) / "index.html"
        page = html_file.read_text(encoding="utf-8")
        for n, (start, end) in enumerate(spans):
            marker = _ASIDE.format(n)
            if page.count(marker) != 1:  # never publish a page without its table
                raise RuntimeError(f"{path}: table {n} not found in the rendered page (theme changed?)")
            page = page.replace(marker, _STRIP.sub("", source[start:end].rstrip("\n")))
        html_file.write_text(page, encoding="utf-8")


def refresh_items(work: Path, site_dir: Path, items: Mapping[str, str]) -> int:
    """Lay out ``items`` into an already built ``site_dir`` with the last build's layout, in
    place (each file replaced atomically): the live preview's fast path. Returns how many
    pages were written, 0 when there is no saved layout yet."""
    layout = Layout.load(work)
    if layout is None:
        return 0
    return layout.write(site_dir, items, atomic=True)


def _start_mkdocs(*args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.Popen([sys.executable, "-m", "mkdocs", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, encoding="utf-8", errors="replace", env=env)


# --- item pages laid out from a prototype ---------------------------------------------------
#
# Every item page sits at the same depth (items/<CODE>/), is out of the nav and has the same
# front matter but its title, so MkDocs and Material would render all of them with the same
# page around a different title, address and content. MkDocs renders one prototype with
# markers in those places; every item page is that page with the markers replaced. This
# takes a 10,000-item build from about 56 s of MkDocs to a few seconds; the result is the
# page MkDocs itself makes, byte for byte (tests/test_site_build.py builds both and compares).

ITEMS = "items/"
_PROTO = f"{ITEMS}_gkml-prototype.md"  # "_" first: no item code's page can have this name
_PROTO_URL = _PROTO[:-3]
_TITLE = "GKMLPROTOTYPETITLE"
_BODY = f'<h1 id="item">{_TITLE}</h1>\n<p>GKMLPROTOTYPEBODY</p>'
_LAYOUT = "item-layout.json"
_STRIP = re.compile(r'\s?data-search-\w+="[^"]+"')
"""What Material's search plugin removes from every page's HTML (on_page_context)."""


def _split(page: str) -> tuple[dict[str, Any], str]:
    """A page from ``render`` → (front matter, body); its front matter lines are JSON values."""
    _, head, body = page.split("---\n", 2)
    meta = {k: json.loads(v) for k, v in (line.split(": ", 1) for line in head.splitlines())}
    return meta, body


def _prototype(item: str) -> str:
    """An item page's front matter with the title marked, and the marked body."""
    meta, _ = _split(item)
    lines = (f"{k}: {json.dumps(_TITLE if k == 'title' else v, ensure_ascii=False)}" for k, v in meta.items())
    return "---\n" + "\n".join(lines) + "\n---\n" + _BODY + "\n"


@dataclass(frozen=True, slots=True)
class Layout:
    """The prototype page cut at its content, with the title and address still marked."""

    head: str
    tail: str

    @classmethod
    def from_page(cls, page: str) -> Layout:
        if page.count(_BODY) != 1:
            raise RuntimeError("item prototype not found in the rendered page: has the theme changed?")
        head, tail = page.split(_BODY)
        return cls(head, tail)

    def page(self, item: str, url: str) -> str:
        meta, body = _split(item)
        title = str(meta["title"])  # render.item_page made it safe (no markup characters)

        def fill(part: str) -> str:
            return part.replace(_PROTO_URL + "/", url).replace(_TITLE, title)

        return fill(self.head) + _STRIP.sub("", body.rstrip("\n")) + fill(self.tail)

    def write(self, site: Path, items: Mapping[str, str], *, atomic: bool = False) -> int:
        """Write the pages of ``items`` into ``site``; ``atomic`` replaces each file whole
        (for a folder being served), else files are written in place (a fresh folder)."""
        for rel, item in items.items():
            url = page_url(rel)
            raw = self.page(item, url).encode("utf-8")
            if atomic:
                _write(site / url / "index.html", raw)
            else:
                (site / url).mkdir(parents=True, exist_ok=True)
                (site / url / "index.html").write_bytes(raw)
        return len(items)

    def save(self, work: Path) -> None:
        _write(work / _LAYOUT, json.dumps({"head": self.head, "tail": self.tail}).encode("utf-8"))

    @classmethod
    def load(cls, work: Path) -> Layout | None:
        try:
            saved = json.loads((work / _LAYOUT).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return cls(saved["head"], saved["tail"])


def search_entries(items: Mapping[str, str], config_path: Path) -> list[dict[str, Any]]:
    """The search index entries of ``items``, made by Material's own indexer, as its search
    plugin would make them for pages MkDocs rendered (jieba segments the Chinese)."""
    from material.plugins.search import plugin as search  # type: ignore[import-untyped]

    if search.jieba is not None:
        search.jieba.setLogLevel(logging.WARNING)
        user = _plugin_option(config_path, "jieba_dict_user")
        if user:
            search.jieba.load_userdict(user)
    index = search.SearchIndex()
    for rel, item in items.items():
        meta, body = _split(item)
        index.add_entry_from_context(SimpleNamespace(
            meta=meta, content=_EXCLUDED.sub("", body), toc=[], url=page_url(rel), title=meta["title"]))
    return index.entries


_EXCLUDED = re.compile(r'<(tr|th|div)\b[^>]* data-search-exclude="true"[^>]*>.*?</\1>', re.S)
"""Elements the indexer would skip, cut out before it parses the page: it then reads a
third of the HTML (10,000 items: 6 s → 2 s) and makes the same entries. Sound for what
``render`` writes: none of these elements holds another of its kind or a heading."""


def _plugin_option(config_path: Path, key: str) -> Any:
    config = yaml.safe_load(config_path.read_text(encoding="utf-8"))
    for plugin in config.get("plugins", []):
        if isinstance(plugin, dict) and "search" in plugin:
            return (plugin["search"] or {}).get(key)
    return None


def _merge_sitemap(site: Path, items: Mapping[str, str]) -> None:
    """One sitemap entry per item where MkDocs wrote the prototype's."""
    path = site / "sitemap.xml"
    if not path.is_file():
        return
    xml = path.read_text(encoding="utf-8")
    marker = _PROTO_URL + "/"
    at = xml.find(marker)
    if at < 0:
        return
    start = xml.rfind("<url>", 0, at)
    start = xml.rfind("\n", 0, start) + 1
    end = xml.index("</url>", at) + len("</url>\n")
    entry = xml[start:end]
    xml = xml[:start] + "".join(entry.replace(marker, page_url(rel)) for rel in items) + xml[end:]
    raw = xml.encode("utf-8")
    path.write_bytes(raw)
    gz = site / "sitemap.xml.gz"
    mtime = int.from_bytes(gz.read_bytes()[4:8], "little") if gz.is_file() else 0
    buffer = io.BytesIO()
    with gzip.GzipFile(fileobj=buffer, filename=str(gz), mode="wb", mtime=mtime) as out:
        out.write(raw)
    gz.write_bytes(buffer.getvalue())


def _finish_index(path: Path, entries: list[dict[str, Any]]) -> None:
    """Put the items' ``entries`` where the prototype's are in Material's search index, and
    write it as UTF-8: Material escapes every Chinese character (and jieba's zero-width
    separators) as a 6-byte \\uXXXX, doubling the download."""
    if not path.is_file():
        return
    data = json.loads(path.read_text(encoding="utf-8"))
    docs = data["docs"]
    proto = [i for i, e in enumerate(docs) if e["location"].startswith(_PROTO_URL + "/")]
    at = proto[0] if proto else len(docs)
    docs[:] = [*docs[:at], *entries, *(e for i, e in enumerate(docs) if i >= at and i not in proto)]
    path.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


def _problems(log: str) -> str:
    lines = [ln for ln in log.splitlines()
             if not ln.startswith("INFO") and "mkdocs_2" not in ln.lower()]
    return "\n".join(lines).strip()


def _write(path: Path, raw: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(raw)
    tmp.replace(path)


@contextlib.contextmanager
def _locked(work: Path) -> Iterator[None]:
    """One build per site at a time; a second one waits."""
    work.mkdir(parents=True, exist_ok=True)
    with (work / ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def _clean_leftovers(site_dir: Path) -> None:
    """Remove half-built or set-aside folders of a run that was killed (we hold the lock)."""
    for pattern in (f"{site_dir.name}.building-*", f"{site_dir.name}.old-*"):
        for folder in site_dir.parent.glob(pattern):
            shutil.rmtree(folder, ignore_errors=True)


def _publishable(folder: Path) -> None:
    # mkdtemp makes a private (0700) folder; a web server running as another user must
    # be able to read the site, so give it the permissions a new folder normally has.
    umask = os.umask(0)
    os.umask(umask)
    folder.chmod(0o777 & ~umask)


def _swap(fresh: Path, site_dir: Path) -> None:
    """Put ``fresh`` at ``site_dir``; afterwards ``fresh`` holds what was there (if anything)."""
    if not site_dir.exists():
        fresh.rename(site_dir)
    elif not _exchange(fresh, site_dir):
        aside = site_dir.with_name(f"{site_dir.name}.old-{os.getpid()}")
        site_dir.rename(aside)
        fresh.rename(site_dir)
        aside.rename(fresh)


def _exchange(a: Path, b: Path) -> bool:
    """Atomically exchange two paths (Linux ≥ 3.15, glibc ≥ 2.28); False when unsupported."""
    renameat2 = getattr(ctypes.CDLL(None, use_errno=True), "renameat2", None)
    if renameat2 is None:
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    at_fdcwd, rename_exchange = -100, 2
    return int(renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange)) == 0


# --- live preview ----------------------------------------------------------------------


class Preview:
    """A local web server for a built site whose open pages reload when told to.

    Each HTML page it sends gets a small script that asks ``/.gkml-reload`` for the site's
    version twice a second and reloads the page when it changed (MkDocs' own server
    would rebuild the site itself; here gkml builds, see ``build.serve``). The folder is
    looked up on every request, so a build swapped in is served at once.
    """

    _PATH = "/.gkml-reload"

    def __init__(self, site_dir: Path, addr: str) -> None:
        host, _, port = addr.rpartition(":")
        self.version = 0
        handler = functools.partial(_PreviewHandler, self, directory=str(site_dir))
        self._server = http.server.ThreadingHTTPServer((host or "127.0.0.1", int(port)), handler)
        self.url = f"http://{host or '127.0.0.1'}:{self._server.server_port}/"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def reload(self) -> None:
        self.version += 1

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def script(self) -> bytes:
        return (f"<script>(()=>{{const v='{self.version}';setInterval(()=>fetch('{self._PATH}',"
                "{cache:'no-store'}).then(r=>r.text()).then(t=>{if(t!==v)location.reload()})"
                ".catch(()=>{}),500)})()</script>").encode()


class _PreviewHandler(http.server.SimpleHTTPRequestHandler):
    def __init__(self, preview: Preview, *args: Any, **kwargs: Any) -> None:
        self.preview = preview
        super().__init__(*args, **kwargs)

    def do_GET(self) -> None:
        if self.path == Preview._PATH:
            self._send(str(self.preview.version).encode(), "text/plain")
            return
        path = Path(self.translate_path(self.path))
        folder = path.is_dir()
        page = path / "index.html" if folder else path
        slash = self.path.split("?")[0].endswith("/")
        if page.suffix != ".html" or not page.is_file() or (folder and not slash):
            super().do_GET()  # other files, and the redirect of a folder asked for without "/"
            return
        body = page.read_bytes().replace(b"</body>", self.preview.script() + b"</body>", 1)
        self._send(body, "text/html; charset=utf-8")

    def _send(self, body: bytes, kind: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass
