"""The record of changes (issue 13, item 5): a catalog in a real git repository, an item
removed and another added in later commits, the site built with MkDocs each time."""

from __future__ import annotations

import html
import io
import os
import posixpath
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import unquote

import pytest

from builder.cli import main
from tests.conftest import ROOT

pytestmark = pytest.mark.slow

ATOM = "{http://www.w3.org/2005/Atom}"
GONE = "CXGH-002"


def _git(repo: Path, *args: str, day: str = "2026-01-05") -> None:
    env = {**os.environ, "GIT_AUTHOR_DATE": f"{day}T10:00:00", "GIT_COMMITTER_DATE": f"{day}T10:00:00",
           "GIT_AUTHOR_NAME": "clerk", "GIT_AUTHOR_EMAIL": "clerk@example.org",
           "GIT_COMMITTER_NAME": "clerk", "GIT_COMMITTER_EMAIL": "clerk@example.org"}
    subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, env=env)


def _build(catalog: Path, site: Path) -> None:
    out, err = io.StringIO(), io.StringIO()
    assert main(["build", str(catalog), "--site-dir", str(site)], out, err) == 0, err.getvalue()


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if shutil.which("git") is None:
        pytest.skip("git is missing")
    repo = tmp_path_factory.mktemp("repo")
    shutil.copytree(ROOT / "catalog", repo / "catalog")
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "add", ".")
    _git(repo, "commit", "-q", "-m", "catalog", day="2026-01-05")
    site = repo / "site"
    _build(repo / "catalog", site)  # published once with the item
    _git(repo, "rm", "-q", f"catalog/cxgh/{GONE}.yml")
    _git(repo, "commit", "-q", "-m", "withdraw", day="2026-03-10")
    added = (repo / "catalog/cxgh/CXGH-001.yml").read_text(encoding="utf-8").replace("CXGH-001", "CXGH-020")
    (repo / "catalog/cxgh/CXGH-020.yml").write_text(added.replace("法规文件", "规划公示"), encoding="utf-8")
    _git(repo, "add", ".")
    _git(repo, "commit", "-q", "-m", "add", day="2026-04-01")
    _build(repo / "catalog", site)
    return site


def test_withdrawn_item_keeps_its_address_with_its_last_content(site: Path) -> None:
    page = (site / "items" / GONE / "index.html").read_text(encoding="utf-8")
    assert "已撤销" in page and "2026-03-10" in page
    assert "政民互动" in page and "城乡规划事项的意见征集" in page  # its last published content


def test_directory_and_downloads_hold_current_items_only(site: Path) -> None:
    assert GONE not in (site / "directory" / "index.html").read_text(encoding="utf-8")
    assert "CXGH-020" in (site / "directory" / "index.html").read_text(encoding="utf-8")
    for f in (site / "downloads").glob("*.csv"):
        assert GONE not in f.read_text(encoding="utf-8-sig"), f.name


def test_home_and_feed_list_the_changes(site: Path) -> None:
    home = (site / "index.html").read_text(encoding="utf-8")
    assert re.search(r"2026-04-01 新增 <a href=\"items/CXGH-020/\">", home)
    assert re.search(rf"2026-03-10 撤销 <a href=\"items/{GONE}/\">", home)
    feed = ET.parse(site / "feed.xml").getroot()
    entries = feed.findall(f"{ATOM}entry")
    titles = [e.findtext(f"{ATOM}title") or "" for e in entries]
    assert titles[0].startswith("新增 CXGH-020") and titles[1].startswith(f"撤销 {GONE}")
    assert feed.findtext(f"{ATOM}updated") == "2026-04-01T00:00:00Z"
    ids = [e.findtext(f"{ATOM}id") for e in entries]
    assert len(ids) == len(set(ids))
    link = entries[1].find(f"{ATOM}link")
    assert link is not None and link.get("href", "").endswith(f"items/{GONE}/")


def test_no_link_of_the_site_is_broken(site: Path) -> None:
    broken = []
    for page in site.rglob("*.html"):
        base = page.parent.relative_to(site).as_posix()
        for raw in re.findall(r'<a [^>]*href="([^"#]+)', page.read_text(encoding="utf-8")):
            target = unquote(html.unescape(raw))
            if "://" in target or target.startswith(("mailto:", "javascript:")):
                continue
            # 404.html links from the site root (site_url's path is /)
            resolved = site / posixpath.normpath(posixpath.join(base, target)).lstrip("/")
            if not (resolved.is_file() or (resolved / "index.html").is_file()):
                broken.append((page.relative_to(site).as_posix(), raw))
    assert not broken, broken[:10]
