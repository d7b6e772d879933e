"""Faults: a killed build never costs the last good site, no command writes into the catalog
unless that is its job, and one broken file among 10,000 is still found and located."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES, ROOT, lay_case, run

ITEM = (EXAMPLES / "valid" / "minimal" / "cxgh" / "CXGH-001.yml").read_text(encoding="utf-8")


def _tree(folder: Path) -> dict[str, bytes]:
    # sitemap.xml.gz carries gzip's own time stamp; everything else is a function of the catalog.
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and p.name != "sitemap.xml.gz"}


def _build(catalog: Path, site: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "builder", "build", str(catalog), "--site-dir", str(site)],
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)  # its own group: MkDocs dies with it


def _add_item(catalog: Path, code: str) -> None:
    (catalog / "cxgh" / f"{code}.yml").write_text(ITEM.replace("CXGH-001", code), encoding="utf-8")


@pytest.mark.faults
def test_sigkill_at_any_moment_leaves_a_whole_site(tmp_path: Path) -> None:
    catalog = lay_case(EXAMPLES / "valid" / "minimal", tmp_path / "catalog")
    site = tmp_path / "site"
    assert _build(catalog, site).wait() == 0
    old = _tree(site)
    _add_item(catalog, "CXGH-002")
    reference = tmp_path / "ref" / "site"
    assert _build(catalog, reference).wait() == 0
    new = _tree(reference)
    assert new != old
    killed_while_running = 0
    for delay in (0.05, 0.3, 0.6, 0.9, 1.2, 1.5, 1.8, 2.2):
        proc = _build(catalog, site)
        time.sleep(delay)
        if proc.poll() is None:
            killed_while_running += 1
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        assert _tree(site) in (old, new), f"a mix of two sites after SIGKILL at {delay} s"
        if _tree(site) == new:  # published before the kill: start the next round from the old site
            shutil.rmtree(site)
            _restore(site, old)
    assert killed_while_running >= 4
    assert _build(catalog, site).wait() == 0  # the next build cleans up and publishes
    assert _tree(site) == new
    assert not list(tmp_path.glob("site.building-*"))


def _restore(site: Path, tree: dict[str, bytes]) -> None:
    for rel, data in tree.items():
        (site / rel).parent.mkdir(parents=True, exist_ok=True)
        (site / rel).write_bytes(data)


def _catalog_state(catalog: Path) -> dict[str, tuple[bytes, int]]:
    return {p.relative_to(catalog).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
            for p in sorted(catalog.rglob("*")) if p.is_file()}


@pytest.mark.slow  # runs a real build
def test_only_writing_commands_write_into_the_catalog(tmp_path: Path) -> None:
    catalog = lay_case(EXAMPLES / "valid" / "minimal", tmp_path / "catalog")
    _add_item(catalog, "CXGH-002")
    before = _catalog_state(catalog)
    out = tmp_path / "out"
    out.mkdir()
    for argv in (["validate", str(catalog)], ["validate", str(catalog), "--format", "json"],
                 ["check", str(catalog)],
                 ["check", str(catalog), "--format", "xlsx", "-o", str(out / "s.xlsx")],
                 ["build", str(catalog), "--site-dir", str(out / "site")],
                 ["export", "--catalog", str(catalog), "--format", "csv", "-o", str(out / "c.csv")],
                 ["fmt", "--check", str(catalog)], ["codes"]):
        assert run(*argv).code == 0, argv
        assert _catalog_state(catalog) == before, argv


@pytest.mark.slow
def test_one_broken_file_among_10000_is_found_and_located(tmp_path: Path) -> None:
    catalog = lay_case(EXAMPLES / "valid" / "minimal", tmp_path / "catalog")
    for n in range(2, 10_001):
        _add_item(catalog, f"CXGH-{n:05d}")
    broken = catalog / "cxgh" / "CXGH-07777.yml"
    broken.write_text(broken.read_text(encoding="utf-8").replace("subject: ", "subject：", 1), "utf-8")
    result = run("validate", str(catalog))
    assert result.code == 1
    findings = [ln for ln in result.out.splitlines() if "[" in ln and not ln.startswith(" ")]
    assert len(findings) == 1, findings
    assert findings[0].startswith(f"{broken.as_posix()}:11:8: 错误 [yaml-fullwidth-colon]"), findings[0]
    assert "10002 个文件" in result.out.splitlines()[-1]
