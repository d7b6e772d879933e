"""Windows, as far as Linux can show it: gkml with the POSIX-only facilities taken away.

A ``sitecustomize`` put on PYTHONPATH of each child process (and of their MkDocs
children) refuses ``import fcntl``, deletes ``os.fork``, ``os.forkpty`` and ``os.killpg``,
and sets ``GKML_SWAP=rename`` so the site swap cannot use ``renameat2``. In that mode
every module imports, validate takes the one-process path, build swaps by renaming, serve
previews and follows edits, and a build killed between the two renames of a swap
leaves the last good site back in place after the next run, even when that run fails.
"""

from __future__ import annotations

import os
import pkgutil
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

import builder
from tests.conftest import EXAMPLES, ROOT, lay_case, synth
from tests.test_site_build import _free_port, _wait_for

pytestmark = pytest.mark.slow

SITECUSTOMIZE = '''
import os, pathlib, signal, sys

class _NoPosix:
    """Refuses the modules Windows does not have."""
    def find_spec(self, name, path=None, target=None):
        if name == "fcntl":
            raise ModuleNotFoundError("No module named 'fcntl' (Windows emulation)", name=name)
        return None

sys.meta_path.insert(0, _NoPosix())
sys.modules.pop("fcntl", None)
for attr in ("fork", "forkpty", "killpg"):
    if hasattr(os, attr):
        delattr(os, attr)
os.environ["GKML_SWAP"] = "rename"

if os.environ.get("GKML_TEST_KILL_MID_SWAP"):
    def _dies_before(move):
        def moved(self, target):
            # the old site is already set aside; die before the new one is put in its place
            if self.name.startswith("site.building-") and pathlib.Path(target).name == "site":
                os.kill(os.getpid(), signal.SIGKILL)
            return move(self, target)
        return moved
    pathlib.Path.rename = _dies_before(pathlib.Path.rename)
    pathlib.Path.replace = _dies_before(pathlib.Path.replace)
'''


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    hook = tmp_path_factory.mktemp("no-posix")
    (hook / "sitecustomize.py").write_text(SITECUSTOMIZE, encoding="utf-8")
    return {**{k: v for k, v in os.environ.items() if k != "CI"}, "PYTHONPATH": str(hook)}


def _gkml(env: dict[str, str], *argv: str, **extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "builder", *argv], cwd=ROOT, env={**env, **extra},
                          capture_output=True, text=True, encoding="utf-8", check=False, timeout=600)


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and p.name != "sitemap.xml.gz"}


def test_posix_facilities_are_gone_and_every_module_still_imports(env: dict[str, str]) -> None:
    names = [m.name for m in pkgutil.walk_packages(builder.__path__, "builder.")
             if m.name != "builder.__main__"]
    probe = ("import importlib, os\n"
             "try:\n    import fcntl\nexcept ImportError:\n    pass\nelse:\n    raise SystemExit('fcntl')\n"
             "assert not hasattr(os, 'fork') and not hasattr(os, 'killpg')\n"
             f"for name in {names!r}:\n    importlib.import_module(name)\n"
             "from builder.site import swap\nprint(swap.method())\n")
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True,
                          check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "rename" and len(names) > 40


def test_validate_without_fork_reports_what_a_forked_run_does(env: dict[str, str], tmp_path: Path) -> None:
    catalog = tmp_path / "catalog"
    synth(600, catalog)  # above parallel.MIN_ITEMS: a fork would be tried
    item = next((catalog / "cxgh").glob("CXGH-*.yml"))
    item.write_text(item.read_text(encoding="utf-8").replace("subject:", "subjcet:", 1), encoding="utf-8")
    plain = {**env, "GKML_NO_CACHE": "1"}
    without = _gkml(plain, "validate", str(catalog), "--format", "json")
    normal = subprocess.run([sys.executable, "-m", "builder", "validate", str(catalog), "--format", "json"],
                            cwd=ROOT, capture_output=True, text=True, check=False,
                            env={**os.environ, "GKML_NO_CACHE": "1"})
    assert without.returncode == normal.returncode == 1
    assert without.stdout == normal.stdout and "unknown-key" in without.stdout


def test_build_swaps_by_renaming_and_serve_follows_edits(env: dict[str, str], tmp_path: Path) -> None:
    catalog = lay_case(EXAMPLES / "valid" / "minimal", tmp_path / "catalog")
    site = tmp_path / "site"
    for _ in range(2):  # the second build swaps a site that is there
        done = _gkml(env, "build", str(catalog), "--site-dir", str(site))
        assert done.returncode == 0, done.stdout + done.stderr
    assert (site / "items" / "CXGH-001" / "index.html").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == [".docs", "catalog", "site"]
    port = _free_port()
    log = tmp_path / "serve.log"
    argv = ["serve", str(catalog), "--site-dir", str(tmp_path / "preview"), "--addr", f"127.0.0.1:{port}"]
    with log.open("wb") as sink, subprocess.Popen([sys.executable, "-m", "builder", *argv], cwd=ROOT, env=env,
                                                  stdout=sink, stderr=subprocess.STDOUT) as proc:
        try:
            url = f"http://127.0.0.1:{port}/items/CXGH-001/"
            item = catalog / "cxgh" / "CXGH-001.yml"
            old = item.read_text(encoding="utf-8")
            assert "CXGH-001" in _wait_for(url, "CXGH-001", proc, log)
            item.write_text(old.replace("content: ", "content: 预览已更新。", 1), encoding="utf-8")
            assert "预览已更新" in _wait_for(url, "预览已更新", proc, log)
        finally:
            proc.send_signal(signal.SIGINT)
            proc.wait(timeout=30)


@pytest.mark.faults
def test_a_build_killed_mid_swap_leaves_a_working_site_after_the_next_run(env: dict[str, str],
                                                                        tmp_path: Path) -> None:
    catalog = lay_case(EXAMPLES / "valid" / "minimal", tmp_path / "catalog")
    site = tmp_path / "site"
    assert _gkml(env, "build", str(catalog), "--site-dir", str(site)).returncode == 0
    good = _tree(site)
    item = catalog / "cxgh" / "CXGH-001.yml"
    text = item.read_text(encoding="utf-8")
    (catalog / "cxgh" / "CXGH-002.yml").write_text(text.replace("CXGH-001", "CXGH-002"), encoding="utf-8")
    killed = _gkml(env, "build", str(catalog), "--site-dir", str(site), GKML_TEST_KILL_MID_SWAP="1")
    assert killed.returncode == -signal.SIGKILL
    assert not site.exists() and list(tmp_path.glob("site.old-*"))  # killed between the renames
    item.write_text(text.replace("subject:", "subject：", 1), encoding="utf-8")  # the next run fails
    failed = _gkml(env, "build", str(catalog), "--site-dir", str(site))
    assert failed.returncode == 1 and "yaml-fullwidth-colon" in failed.stdout
    assert _tree(site) == good  # ... and still put the last good site back
    assert not list(tmp_path.glob("site.old-*")) and not list(tmp_path.glob("site.building-*"))
    item.write_text(text, encoding="utf-8")
    assert _gkml(env, "build", str(catalog), "--site-dir", str(site)).returncode == 0
    assert (site / "items" / "CXGH-002" / "index.html").is_file()
    shutil.rmtree(site)
