"""Issue 12, symlinks, special files and names: a catalog can arrive in a pull request, so
nothing in it is followed, waited on or written through, and every name gkml makes from the
data is checked before a byte is written."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from builder.names import safe_stem, unsafe_name
from tests.conftest import run
from tests.safetykit import ITEM, catalog, dump

posix_only = pytest.mark.skipif(os.name != "posix", reason="links and FIFOs as POSIX makes them")
HEAD = "事项编码,一级事项,二级事项,公开内容,公开依据,公开时限,公开主体,公开渠道,公开对象,公开方式,公开层级\n"
ROW = ",规划编制,{name},规划文件,《城乡规划法》,实时公开,测试县自然资源局,政府网站,全社会,主动公开,县级\n"


def codes(result_out: str) -> list[str]:
    return [f["code"] for f in json.loads(result_out)["findings"]]


def gkml_child(*argv: str, timeout: float = 30, user: bool = False) -> subprocess.CompletedProcess[str]:
    """gkml in a child process (a hang fails the test instead of stopping the run); with
    ``user``, as an unprivileged user when the tests run as root, so permissions bite."""
    nobody = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
    prefix = nobody if user and os.geteuid() == 0 else []
    return subprocess.run([*prefix, sys.executable, "-m", "builder", *argv], capture_output=True,
                          text=True, timeout=timeout, check=False)


@posix_only
def test_a_link_to_dev_zero_is_a_finding_not_a_memory_error(tmp_path: Path) -> None:
    cat = catalog(tmp_path / "c", {})
    (cat / "cxgh" / "CXGH-002.yml").symlink_to("/dev/zero")
    done = gkml_child("validate", str(cat), "--format", "json")
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert codes(done.stdout) == ["file-symlink"]


@posix_only
def test_a_fifo_named_like_an_item_never_blocks(tmp_path: Path) -> None:
    cat = catalog(tmp_path / "c", {})
    os.mkfifo(cat / "cxgh" / "CXGH-010.yml")
    os.mkfifo(cat / "cxgh" / "notes.txt")
    done = gkml_child("validate", str(cat), "--format", "json")
    assert done.returncode == 1
    assert sorted(codes(done.stdout)) == ["file-special", "file-special"]
    assert "--format" not in done.stderr
    assert gkml_child("check", str(cat), "--format", "json").returncode == 0  # scored, not waited on


@posix_only
def test_a_dangling_item_link_is_reported_and_import_never_creates_its_target(tmp_path: Path) -> None:
    cat = catalog(tmp_path / "c", {})
    outside = tmp_path / "outside" / "planted.yml"
    outside.parent.mkdir()
    (cat / "cxgh" / "CXGH-101.yml").symlink_to(outside)
    validated = run("validate", str(cat), "--format", "json")
    assert codes(validated.out) == ["file-symlink"]  # not a YAML syntax error with an indentation hint
    sheet = tmp_path / "t.csv"
    sheet.write_text(HEAD + "CXGH-101" + ROW.format(name="甲"), encoding="utf-8")
    result = run("import", str(sheet), "--area", "cxgh", "--catalog", str(cat), "--force", "--format", "json")
    assert "file-symlink" in codes(result.out)
    assert not outside.exists()


@posix_only
def test_fmt_never_rewrites_a_links_target(tmp_path: Path) -> None:
    cat = catalog(tmp_path / "c", {})
    outside = tmp_path / "outside.yml"
    outside.write_text("code:    CXGH-003\ncontent:   untouched\n", encoding="utf-8")
    (cat / "cxgh" / "CXGH-003.yml").symlink_to(outside)
    before = outside.read_bytes()
    result = run("fmt", str(cat))
    assert "[file-symlink]" in result.out
    assert outside.read_bytes() == before
    assert (cat / "cxgh" / "CXGH-003.yml").is_symlink()


@posix_only
def test_a_linked_area_folder_is_a_finding(tmp_path: Path) -> None:
    cat = catalog(tmp_path / "c", {})
    elsewhere = catalog(tmp_path / "elsewhere", {})
    (cat / "linked").symlink_to(elsewhere / "cxgh")
    assert "file-symlink" in codes(run("validate", str(cat), "--format", "json").out)


def test_new_like_reads_nothing_outside_the_catalog(tmp_path: Path) -> None:
    cat = catalog(tmp_path / "work" / "catalog", {})
    dump(tmp_path / "outside.yml", {**ITEM, "content": "外部文件的内容"})
    for like in ("../../outside", "../CXGH-001", "*", "C" * 300):
        result = run("new", "cxgh", "--catalog", str(cat), "--like", like)
        assert result.code == 2 and "[item-not-found]" in result.out, like
    assert sorted(p.name for p in (cat / "cxgh").iterdir()) == ["CXGH-001.yml", "_area.yml"]


def test_a_code_with_a_trailing_newline_is_not_a_second_code(tmp_path: Path) -> None:
    cat = catalog(tmp_path / "c", {})
    dump(cat / "cxgh" / "CXGH-001\n.yml", {**ITEM, "code": "CXGH-001\n"})
    found = codes(run("validate", str(cat), "--format", "json").out)
    assert "code-format" in found


def test_import_never_writes_reserved_or_unportable_names(tmp_path: Path) -> None:
    cat = catalog(tmp_path / "c", {})
    sheet = tmp_path / "t.csv"
    bad = ["CON", "NUL.txt", "CXGH-011.", "CXGH-" + "1" * 300, "aux"]
    sheet.write_text(HEAD + "".join(c + ROW.format(name=f"事项{i}") for i, c in enumerate(bad)),
                     encoding="utf-8")
    result = run("import", str(sheet), "--area", "cxgh", "--catalog", str(cat), "--format", "json")
    assert result.code == 1  # each bad code is an error: the row got a new code
    assert codes(result.out).count("import-code-bad") == len(bad)
    names = sorted(p.name for p in (cat / "cxgh").iterdir())
    assert names == ["CXGH-001.yml", "CXGH-002.yml", "CXGH-003.yml", "CXGH-004.yml", "CXGH-005.yml",
                     "CXGH-006.yml", "_area.yml"]


@pytest.mark.parametrize("jurisdiction", ["../../../tmp/gkml-x", "某县/某区", "CON"])
def test_export_default_name_stays_in_its_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                 jurisdiction: str) -> None:
    cat = catalog(tmp_path / "c", {}, site={"jurisdiction": jurisdiction})
    monkeypatch.chdir(tmp_path)
    result = run("export", "--catalog", str(cat), "--format", "csv")
    assert result.code == 0, result.out + result.err
    made = [p for p in (tmp_path / "导出").iterdir() if p.name != ".gitignore"]
    assert len(made) == 1 and made[0].suffix == ".csv" and not made[0].name.startswith(".")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c", "导出"]
    assert not Path("/tmp/gkml-x政务公开事项标准目录.csv").exists()


@posix_only
def test_a_read_only_catalog_is_a_finding_for_new_and_import(tmp_path: Path) -> None:
    top = Path(tempfile.mkdtemp(prefix="gkml-ro-"))  # outside pytest's 0700 folder, for the user
    top.chmod(0o755)
    cat = catalog(top / "catalog", {})
    sheet = top / "t.csv"
    sheet.write_text(HEAD + "CXGH-101" + ROW.format(name="甲"), encoding="utf-8")
    for folder in (cat / "cxgh", cat):
        folder.chmod(0o555)
    new = gkml_child("new", "cxgh", "--catalog", str(cat), user=True)
    assert new.returncode == 1 and "[write-failed]" in new.stdout and "Traceback" not in new.stderr
    imported = gkml_child("import", str(sheet), "--area", "cxgh", "--catalog", str(cat), user=True)
    assert imported.returncode == 1 and "[write-failed]" in imported.stdout, imported.stdout + imported.stderr
    assert sorted(p.name for p in (cat / "cxgh").iterdir()) == ["CXGH-001.yml", "_area.yml"]


@given(st.text(max_size=300))
def test_any_jurisdiction_gives_a_portable_file_name(text: str) -> None:
    name = safe_stem(text, "目录") + ".csv"
    assert unsafe_name(name) is None and "/" not in name and "\\" not in name and not name.startswith(".")
