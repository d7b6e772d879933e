"""Issue 12, the site's neighbourhood: ``--site-dir`` replaces only a folder that is gkml's,
clean-up removes only gkml's leftovers, a linked web root is updated in place, an empty or
mistyped catalog does not wipe the published site, and a killed build takes MkDocs with it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from builder.site.sitedir import MARKER
from tests.conftest import run
from tests.safetykit import catalog

posix_only = pytest.mark.skipif(os.name != "posix", reason="links and signals as POSIX makes them")


def tree(root: Path) -> dict[str, bytes | None]:
    """Every path under ``root`` (but .git internals) with its bytes, None for folders."""
    out: dict[str, bytes | None] = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).as_posix()
        if not rel.startswith(".git/"):
            out[rel] = None if path.is_dir() or path.is_symlink() else path.read_bytes()
    return out


@pytest.fixture
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A clerk's working folder: a git repository with the catalog, a README and their work."""
    repo = tmp_path / "repo"
    catalog(repo / "catalog", {})
    (repo / "README.md").write_text("# 我们的目录\n", encoding="utf-8")
    (repo / "notes").mkdir()
    (repo / "notes" / "未提交.txt").write_text("草稿", encoding="utf-8")
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    monkeypatch.chdir(repo)
    return repo


@pytest.mark.parametrize("site_dir", [".", "", "..", "catalog", "catalog/cxgh", "README.md", "notes",
                                      "./catalog/../."])
def test_destructive_site_dirs_are_refused_and_nothing_changes(work: Path, site_dir: str) -> None:
    before = tree(work.parent)
    result = run("build", "catalog", "--site-dir", site_dir)
    assert result.code == 2, result.out + result.err
    assert "[site-dir-unsafe]" in result.out and "网站已生成" not in result.out
    assert tree(work.parent) == before


@posix_only
def test_a_link_to_a_folder_that_is_not_a_site_is_refused(work: Path, tmp_path: Path) -> None:
    webroot = tmp_path / "www"
    webroot.mkdir()
    (webroot / "index.php").write_text("<?php 别的网站 ?>", encoding="utf-8")
    (work / "site").symlink_to(webroot)
    result = run("build", "catalog", "--site-dir", "site")
    assert result.code == 2 and "[site-dir-unsafe]" in result.out
    assert (webroot / "index.php").is_file()


def test_an_empty_or_mistyped_catalog_does_not_wipe_the_site(work: Path) -> None:
    site = work / "site"
    site.mkdir()
    (site / MARKER).write_text('{"gkml": "site", "items": 10}\n', encoding="utf-8")
    (work / "empty").mkdir()
    for folder in ("empty", "catalog"):  # no items; 1 item where the site has 10
        result = run("build", folder, "--site-dir", "site")
        assert result.code == 1 and "[site-shrink]" in result.out, result.out + result.err
    assert sorted(p.name for p in site.iterdir()) == [MARKER]


@pytest.mark.slow
@posix_only
def test_clean_up_spares_the_clerks_folders_and_a_linked_web_root_is_updated_in_place(
        work: Path, tmp_path: Path) -> None:
    webroot = tmp_path / "www" / "gkml"
    theirs = [work / "site.old-photos", work / "site.building-plans", webroot.parent / "gkml.old-1"]
    for folder in theirs:
        folder.mkdir(parents=True)
        (folder / "keep.txt").write_text("用户的文件", encoding="utf-8")
    leftover = work / "site.building-x1"  # what a killed build leaves: marked
    leftover.mkdir()
    (leftover / MARKER).write_text('{"gkml": "site", "items": 1}\n', encoding="utf-8")
    assert run("build", "catalog", "--site-dir", "site").code == 0
    assert not leftover.exists()
    assert run("build", "catalog", "--site-dir", str(webroot)).code == 0
    (work / "site.link").symlink_to(webroot)
    item = work / "catalog" / "cxgh" / "CXGH-001.yml"
    item.write_text(item.read_text(encoding="utf-8").replace("规划批准文件", "规划批准文件（新）"),
                    encoding="utf-8")
    result = run("build", "catalog", "--site-dir", "site.link")
    assert result.code == 0, result.out + result.err
    assert (work / "site.link").is_symlink() and (work / "site.link").resolve() == webroot
    page = (webroot / "items" / "CXGH-001" / "index.html").read_text(encoding="utf-8")
    assert "规划批准文件（新）" in page
    assert all((folder / "keep.txt").is_file() for folder in theirs)


def _children(pid: int) -> list[int]:
    kids = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid and fields[0] != "Z":
            kids.append(int(stat.parent.name))
    return kids


def _cmdline(pid: int) -> bytes:
    """The command line of ``pid``; empty for one that ended meanwhile (the build's git)."""
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
def test_kill_9_of_a_build_takes_its_mkdocs_child_with_it(work: Path) -> None:
    build = subprocess.Popen([sys.executable, "-m", "builder", "build", "catalog", "--site-dir", "site"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        kids: list[int] = []
        while not kids and time.monotonic() < deadline and build.poll() is None:
            kids = [k for k in _children(build.pid) if b"mkdocs" in _cmdline(k)]
            time.sleep(0.01)
        assert kids, "the build never started MkDocs"
    finally:
        build.send_signal(signal.SIGKILL)
        build.wait()
    deadline = time.monotonic() + 10
    while any(map(_alive, kids)) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(map(_alive, kids))
