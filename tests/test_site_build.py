"""gkml build and gkml serve with the real MkDocs: what is published, and what a failed
build leaves alone."""

from __future__ import annotations

import functools
import html as html_module
import io
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from builder.catalog import load_catalog
from builder.site import publish, render
from builder.site.build import Extras, build_site, generate, site_extras
from builder.site.docs import work_dir, write_docs
from builder.site.downloads import download_data
from builder.site.history import read_history
from builder.site.mkdocs import check_tools
from builder.site.pages import download_path
from builder.site.render import area_path, item_path
from builder.site.search_keys import catalog_keys
from builder.site.sitedir import MARKER
from tests.conftest import ROOT, run
from tests.sitekit import XSS_CODE, BuiltSite
from tests.test_check import lay

pytestmark = pytest.mark.slow


def snapshot(folder: Path) -> dict[str, bytes]:
    files = sorted(p for p in folder.rglob("*") if p.is_file())
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in files}


def page(site: Path, path: str) -> str:
    return (site / path.removesuffix(".md").removesuffix("index") / "index.html").read_text(encoding="utf-8")


def test_jieba_is_importable() -> None:
    import jieba  # noqa: F401  (without it Chinese search silently finds nothing)

    assert check_tools() == ""


def test_vendored_tablesort_is_the_pinned_release() -> None:
    vendored = ROOT / "site_overrides" / "assets" / "gkml" / "tablesort.min.js"
    pinned = json.loads((ROOT / "package-lock.json").read_text(encoding="utf-8"))
    version = pinned["packages"]["node_modules/tablesort"]["version"]
    assert f"tablesort v{version}" in vendored.read_text(encoding="utf-8")[:200]
    npm_copy = ROOT / "node_modules" / "tablesort" / "dist" / "tablesort.min.js"
    if npm_copy.is_file():
        assert npm_copy.read_bytes() == vendored.read_bytes()


def test_every_page_and_download_is_published(built_site: BuiltSite) -> None:
    site, catalog = built_site.site_dir, built_site.catalog
    for area in catalog.areas:
        assert area.name in page(site, area_path(area))
    for item in catalog.items:
        assert item.code in page(site, item_path(item))
    whole = [download_path(catalog.site, None, fmt) for fmt in ("csv", "xlsx", "json")]
    for name in ("index.html", "directory/index.html", "downloads/index.html", "about/index.html",
                 *whole, "downloads/schema/item.schema.json", "feed.xml"):
        assert (site / name).is_file(), name
    assert "网站已生成" in built_site.build_output


def test_search_index_holds_items_not_listings(built_site: BuiltSite) -> None:
    raw = (built_site.site_dir / "search" / "search_index.json").read_text(encoding="utf-8")
    assert "\u200b" in raw and not re.search(r"\\u[4-9][0-9a-f]{3}", raw)  # re-written as UTF-8
    locations = {d["location"].split("#")[0] for d in json.loads(raw)["docs"]}
    assert {f"items/{i.code}/" for i in built_site.catalog.items} <= locations
    assert not locations & {"", "directory/", "downloads/"}
    assert not any(loc.startswith("areas/") for loc in locations)


def test_items_stay_out_of_the_nav(built_site: BuiltSite) -> None:
    home = page(built_site.site_dir, "index.md")
    assert 'href="items/' not in home  # the nav (in every page) lists no item


def test_no_page_refers_to_another_host(built_site: BuiltSite) -> None:
    site = built_site.site_dir
    for html in site.rglob("*.html"):
        text = html.read_text(encoding="utf-8")
        for marker in ('src="http', "fonts.googleapis", "unpkg.com", "cdn.jsdelivr", "squidfunk"):
            assert marker not in text, (html, marker)


def test_hostile_text_is_escaped_in_html(built_site: BuiltSite) -> None:
    html = page(built_site.site_dir, f"items/{XSS_CODE}.md")
    article = html[html.index("<article"):html.index("</article>")]
    assert "<script>window" not in article and "<img src=x" not in article
    assert 'href="javascript' not in article.lower()
    shown = html_module.unescape(re.sub(r"<[^>]+>", "", article))
    assert "<script>window.__xss='content'</script><img src=x onerror=" in shown
    assert "<script>window" not in html[:html.index("<article")]  # the header's page title


def test_invalid_catalog_leaves_the_site_byte_for_byte(built_site: BuiltSite, tmp_path: Path) -> None:
    site = tmp_path / "site"
    shutil.copytree(built_site.site_dir, site)
    before = snapshot(site)
    bad = tmp_path / "catalog"
    shutil.copytree(ROOT / "catalog", bad)
    victim = next((bad / "cxgh").glob("CXGH-*.yml"))
    victim.write_text(victim.read_text(encoding="utf-8").replace("subject:", "subjcet:"), encoding="utf-8")
    result = run("build", str(bad), "--site-dir", str(site))
    assert result.code == 1
    assert "unknown-key" in result.out and victim.name in result.out
    assert snapshot(site) == before
    assert not (tmp_path / ".docs").exists()  # nothing was even generated


def test_failed_mkdocs_build_leaves_the_site_and_cleans_up(built_site: BuiltSite, tmp_path: Path) -> None:
    site = tmp_path / "site"
    shutil.copytree(built_site.site_dir, site)
    before = snapshot(site)
    killed = tmp_path / "site.building-killed"  # left by a run that was killed: marked as gkml's
    killed.mkdir()
    (killed / MARKER).write_text('{"gkml": "site", "items": 0}\n', encoding="utf-8")
    out, err = _streams()
    broken = Extras(pages={"broken.md": "# 坏链接\n\n[去不存在的页面](nowhere.md)\n"})
    assert build_site(built_site.catalog_dir, site, out, err, extras=broken) == 1
    assert "nowhere.md" in err.getvalue()  # strict mode caught MkDocs' warning
    assert snapshot(site) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [".docs", "site"]


def test_rebuild_swaps_in_a_new_site(built_site: BuiltSite, tmp_path: Path) -> None:
    site = tmp_path / "site"
    shutil.copytree(built_site.site_dir, site)
    (site / "stale.txt").write_text("old", encoding="utf-8")
    out, err = _streams()
    extra = Extras(pages={"note.md": "# 新页面\n"})
    assert build_site(built_site.catalog_dir, site, out, err, extras=extra) == 0, err.getvalue()
    assert not (site / "stale.txt").exists() and (site / "note" / "index.html").is_file()
    assert oct(site.stat().st_mode & 0o777) != oct(0o700)
    assert sorted(p.name for p in tmp_path.iterdir()) == [".docs", "site"]


def _build_both_ways(catalog: Path, out: Path) -> tuple[Path, Path]:
    """The site as gkml builds it, and as MkDocs builds it with every page rendered whole."""
    loaded = load_catalog(catalog)
    assert loaded.ok, loaded.findings
    sites = []
    for reference in (False, True):
        site = out / ("mkdocs" if reference else "layout") / "site"
        work = work_dir(site)
        pages = generate(loaded, work, site_extras(loaded))
        catalog_ = loaded.catalog()
        result = publish.build(work, site, pages, functools.partial(download_data, catalog_),
                               reference=reference, search_keys=functools.partial(catalog_keys, catalog_))
        assert result.ok, result.log
        sites.append(site)
    return sites[0], sites[1]


@pytest.mark.parametrize("full_text", [True, False])
def test_item_pages_from_the_prototype_are_mkdocs_own(
        built_site: BuiltSite, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, full_text: bool) -> None:
    # The hostile catalog plus items with deductions and exemptions (a 考核 section on
    # their pages); both search index modes (full text, and titles only above the limit).
    catalog = tmp_path / "catalog"
    shutil.copytree(built_site.catalog_dir, catalog)
    more = lay("exemptions", tmp_path / "more")
    for f in (more / "hjbh").glob("HJBH-00[2356].yml"):  # 004 lacks approved_by, an error
        f.rename(catalog / "hjbh" / f.name.replace("HJBH-00", "HJBH-09"))
        item = catalog / "hjbh" / f.name.replace("HJBH-00", "HJBH-09")
        item.write_text(item.read_text(encoding="utf-8").replace("HJBH-00", "HJBH-09"), encoding="utf-8")
    if not full_text:
        monkeypatch.setattr(render, "FULL_TEXT_LIMIT", 10)
    layout, reference = _build_both_ways(catalog, tmp_path)
    assert "考核" in page(layout, "items/HJBH-092.md") and XSS_CODE in page(layout, f"items/{XSS_CODE}.md")
    laid, made = snapshot(layout), snapshot(reference)
    assert sorted(laid) == sorted(made)
    assert [p for p in laid if laid[p] != made[p]] == []  # byte for byte, index and sitemap too


def test_docs_folder_writes_only_what_changed(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    assert write_docs(docs, {"a.md": "一", "sub/b.md": "二", "c.bin": b"\x00"}) == 3
    stamp = (docs / "a.md").stat().st_mtime_ns
    assert write_docs(docs, {"a.md": "一", "c.bin": b"\x01"}) == 1
    assert (docs / "a.md").stat().st_mtime_ns == stamp
    assert not (docs / "sub").exists() and (docs / "c.bin").read_bytes() == b"\x01"


def test_dates_come_from_git_or_the_file(tmp_path: Path) -> None:
    catalog = tmp_path / "repo" / "catalog"
    catalog.mkdir(parents=True)
    (catalog / "site.yml").write_text("jurisdiction: x\n", encoding="utf-8")
    outside = read_history(catalog, ["site.yml"])
    assert outside.repo_prefix is None and len(outside.dates["site.yml"]) == 10
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org",
           "GIT_AUTHOR_DATE": "2024-02-03T10:00:00", "GIT_COMMITTER_DATE": "2024-02-03T10:00:00"}
    for args in (["init", "-q"], ["add", "."], ["commit", "-qm", "x"]):
        subprocess.run(["git", *args], cwd=tmp_path / "repo", env=env, check=True)
    (catalog / "new.yml").write_text("x: 1\n", encoding="utf-8")
    inside = read_history(catalog, ["site.yml", "new.yml"])
    assert inside.repo_prefix == "catalog/"
    assert inside.dates["site.yml"] == "2024-02-03" and inside.dates["new.yml"] != "2024-02-03"


def test_serve_refreshes_a_page_after_its_yaml_changes(tmp_path: Path) -> None:
    catalog = tmp_path / "catalog"
    shutil.copytree(ROOT / "tests" / "golden" / "catalog", catalog)
    port = _free_port()
    log = tmp_path / "serve.log"
    with log.open("wb") as sink, subprocess.Popen(
            [sys.executable, "-m", "builder", "serve", str(catalog), "--site-dir", str(tmp_path / "site"),
             "--addr", f"127.0.0.1:{port}"], stdout=sink, stderr=subprocess.STDOUT) as proc:
        url = f"http://127.0.0.1:{port}/items/CXGH-001/"
        try:
            assert "规划批准文件" in _wait_for(url, "规划批准文件", proc, log)
            item = catalog / "cxgh" / "CXGH-001.yml"
            item.write_text(item.read_text(encoding="utf-8").replace("规划批准文件", "修改后的批准文件"),
                            encoding="utf-8")
            assert "修改后的批准文件" in _wait_for(url, "修改后的批准文件", proc, log)
            # the open page is told to reload: its script polls this version
            assert "/.gkml-reload" in urllib.request.urlopen(url, timeout=5).read().decode("utf-8")
            version = urllib.request.urlopen(f"http://127.0.0.1:{port}/.gkml-reload", timeout=5).read()
            assert int(version) >= 1
        finally:
            proc.send_signal(signal.SIGINT)
            proc.wait(timeout=30)
    with pytest.raises(OSError):  # the preview server went away with it
        urllib.request.urlopen(url, timeout=2)


def test_serve_on_a_taken_port_says_so(tmp_path: Path) -> None:
    catalog = tmp_path / "catalog"
    shutil.copytree(ROOT / "tests" / "golden" / "catalog", catalog)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run("serve", str(catalog), "--site-dir", str(tmp_path / "site"),
                     "--addr", f"127.0.0.1:{port}")
    assert result.code == 1
    assert f"无法在 127.0.0.1:{port} 上启动预览" in result.err and "Traceback" not in result.err


def _wait_for(url: str, needle: str, proc: subprocess.Popen[bytes], log: Path, timeout: float = 90) -> str:
    deadline = time.monotonic() + timeout
    body = ""
    while time.monotonic() < deadline:
        assert proc.poll() is None, log.read_text(encoding="utf-8", errors="replace")
        try:
            body = urllib.request.urlopen(url, timeout=5).read().decode("utf-8")
        except OSError:
            body = ""
        if needle in body:
            return body
        time.sleep(0.3)
    return body


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _streams() -> tuple[io.StringIO, io.StringIO]:
    return io.StringIO(), io.StringIO()
