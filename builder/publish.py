"""Publish stage: the only module that knows MkDocs.

It writes the generated pages and data files into a git-ignored docs folder (a file
only when its bytes changed; stale files are deleted), writes the MkDocs config the
site is built with (the project's ``mkdocs.yml`` plus what comes from the catalog), runs
``mkdocs build --strict`` into a fresh folder next to the site and, only when that
succeeded, swaps it in. A failed build leaves the published folder untouched.

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
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

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
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(raw)
    tmp.replace(path)  # a live-reloading server never reads half a file
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


def build(work: Path, site_dir: Path) -> Result:
    """Build the site from ``work`` into a fresh folder; swap it in only on success."""
    started = time.monotonic()
    site_dir = site_dir.absolute()  # MkDocs reads a relative -d against the config's folder
    with _locked(work):
        _clean_leftovers(site_dir)
        fresh = Path(tempfile.mkdtemp(prefix=f"{site_dir.name}.building-", dir=site_dir.parent))
        try:
            done = mkdocs("build", "--strict", "-f", str(work / CONFIG), "-d", str(fresh))
            if done.returncode != 0:
                return Result(False, time.monotonic() - started, _problems(done.stderr))
            _compact_index(fresh / "search" / "search_index.json")
            _publishable(fresh)
            _swap(fresh, site_dir)
        finally:
            shutil.rmtree(fresh, ignore_errors=True)
    return Result(True, time.monotonic() - started, "")


def mkdocs(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.run([sys.executable, "-m", "mkdocs", *args], capture_output=True, text=True,
                          encoding="utf-8", errors="replace", env=env, check=False)


def _compact_index(path: Path) -> None:
    """Re-write Material's search index as UTF-8: it escapes every Chinese character (and
    jieba's zero-width separators) as a 6-byte \\uXXXX, doubling the download."""
    if path.is_file():
        data = json.loads(path.read_text(encoding="utf-8"))
        path.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


def _problems(log: str) -> str:
    lines = [ln for ln in log.splitlines()
             if not ln.startswith("INFO") and "mkdocs_2" not in ln.lower()]
    return "\n".join(lines).strip()


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


def start_server(work: Path, addr: str) -> subprocess.Popen[bytes]:
    """``mkdocs serve --dirty`` on the docs folder: a page rewritten there is rebuilt alone
    and the browser reloads it."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.Popen([sys.executable, "-m", "mkdocs", "serve", "--dirty", "-a", addr,
                             "-f", str(work / CONFIG)], env=env)
