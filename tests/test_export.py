"""gkml export: the official table; exporting then importing gives back the same items."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from builder.catalog import load_catalog
from builder.clerk.fmt import dumps
from builder.clerk.rows import is_ditto, split_basis, tick
from builder.crosscheck import official_channels
from builder.validate import is_placeholder
from tests.conftest import EXAMPLES, ROOT, run

AREA_CHANNELS = ["投资项目在线审批监管平台"]
LEVELS = ["县级", "乡级"]
_ALPHABET = "规划编制城乡公开事项内容依据时限主体县乡村人民政府信息许可处罚ABCXYZ0123456789、，；：-/.=+@' "
_words = st.text(_ALPHABET, min_size=1, max_size=16).filter(
    lambda t: t == t.strip() and not is_placeholder(t) and not is_ditto(t))
_lines = st.lists(_words, min_size=1, max_size=3).map("\n".join)
_suffix = st.sampled_from(["", "(国务院令第711号)", "第十条"])
_citation = st.builds(lambda a, b: f"《{a}》{b}", _words, _suffix)
_other = _words.filter(lambda t: not any(c in t for c in "、，；-/.'= ") and t not in official_channels())


@st.composite
def item(draw: st.DrawFn, code: str) -> dict[str, Any]:
    data: dict[str, Any] = {"code": code, "columns": {"level1": draw(_words), "level2": draw(_words)}}
    if draw(st.booleans()):
        data["columns"]["level3"] = draw(_words)
    data["content"] = draw(_lines)
    data["basis"] = draw(st.lists(_citation.filter(lambda c: split_basis(c) == [c]), min_size=1,
                                  max_size=3, unique=True))
    data["time_limit"], data["subject"] = draw(_words), draw(_words)
    data["method"] = draw(st.sampled_from(["主动公开", "依申请公开", ["主动公开", "依申请公开"]]))
    known = st.sampled_from([*official_channels(), *AREA_CHANNELS])
    data["channels"] = draw(st.lists(known | _other.map(lambda t: f"其他：{t}"), min_size=1, max_size=4,
                                     unique=True))
    data["audience"] = draw(st.sampled_from(["全社会", "特定群体"]))
    if data["audience"] == "特定群体":
        data["audience_group"] = draw(_words.filter(lambda t: tick(t) is None))
    levels = draw(st.lists(st.sampled_from(LEVELS), min_size=1, unique=True))
    data["levels"] = [lv for lv in LEVELS if lv in levels]
    if draw(st.booleans()):
        data["notes"] = draw(_lines)
    return data


@st.composite
def catalogs(draw: st.DrawFn) -> list[dict[str, Any]]:
    numbers = draw(st.lists(st.integers(1, 999), min_size=1, max_size=6, unique=True))
    return [draw(item(f"CXGH-{n:03d}")) for n in sorted(numbers)]


def lay(root: Path, items: list[dict[str, Any]]) -> Path:
    cat = root / "catalog"
    shutil.copytree(EXAMPLES / "base", cat)
    for data in items:
        (cat / "cxgh" / f"{data['code']}.yml").write_text(dumps(data), encoding="utf-8")
    return cat


def read(cat: Path) -> dict[str, Any]:
    return {p.stem: yaml.safe_load(p.read_text(encoding="utf-8"))
            for p in sorted((cat / "cxgh").glob("CXGH-*.yml"))}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(items=catalogs(), fmt=st.sampled_from(["xlsx", "csv"]))
def test_export_then_import_gives_the_same_items(items: list[dict[str, Any]], fmt: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        cat = lay(Path(tmp), items)
        assert run("validate", str(cat)).code == 0, run("validate", str(cat)).out
        before = read(cat)
        table = Path(tmp) / f"out.{fmt}"
        assert run("export", "--catalog", str(cat), "--format", fmt, "-o", str(table)).code == 0
        for path in (cat / "cxgh").glob("CXGH-*.yml"):
            path.unlink()
        result = run("import", str(table), "--area", "cxgh", "--catalog", str(cat))
        assert result.code == 0, result.out
        assert read(cat) == before


def test_export_skips_broken_files_and_refuses_to_overwrite(tmp_path: Path) -> None:
    cat = tmp_path / "catalog"
    shutil.copytree(ROOT / "catalog", cat)
    (cat / "cxgh" / "CXGH-001.yml").write_text("code: CXGH-001\n", encoding="utf-8")
    out = tmp_path / "cxgh.xlsx"
    result = run("export", "--catalog", str(cat), "--area", "城乡规划", "-o", str(out))
    assert result.code == 0 and "[export-skipped]" in result.out and "CXGH-001.yml" in result.out
    ws = load_workbook(out).active
    assert ws is not None
    codes = [row[1] for row in ws.iter_rows(min_row=4, values_only=True)]
    assert codes and "CXGH-001" not in codes and all(str(c).startswith("CXGH-") for c in codes)
    again = run("export", "--catalog", str(cat), "--area", "cxgh", "-o", str(out))
    assert again.code == 1 and "[file-exists]" in again.out
    assert run("export", "--catalog", str(cat), "--area", "cxgh", "-o", str(out), "--force").code == 0


def test_export_csv_to_stdout_and_default_name(tmp_path: Path, monkeypatch: Any) -> None:
    result = run("export", "--catalog", str(ROOT / "catalog"), "--format", "csv", "-o", "-")
    assert result.out.startswith("\ufeff领域,序号,事项编码,公开事项")  # the whole catalog: a 领域 column
    repo = tmp_path / "repo"
    shutil.copytree(ROOT / "catalog", repo / "catalog")
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    monkeypatch.chdir(repo)  # a clerk runs gkml in the catalog's repository
    done = run("export", "--area", "cxgh")
    assert done.code == 0, done.out
    site = yaml.safe_load((ROOT / "catalog" / "site.yml").read_text(encoding="utf-8"))
    area = yaml.safe_load((ROOT / "catalog" / "cxgh" / "_area.yml").read_text(encoding="utf-8"))
    expected = repo / "导出" / f"{site['jurisdiction']}{area['name']}领域政务公开事项标准目录.xlsx"
    assert expected.is_file() and str(expected) in done.out  # it says where the file went
    assert sorted(p.name for p in repo.iterdir()) == [".git", "catalog", "导出"]
    status = subprocess.run(["git", "status", "--porcelain", "--untracked-files=all"], cwd=repo,
                            capture_output=True, text=True, check=True).stdout
    assert status and all(line.startswith("?? catalog/") for line in status.splitlines()), status
    assert run("export", "--catalog", str(ROOT / "catalog"), "--area", "nowhere").code == 2


def test_whole_catalog_export_has_a_summary_sheet_and_one_per_area(tmp_path: Path) -> None:
    out = tmp_path / "全部.xlsx"
    assert run("export", "--catalog", str(ROOT / "catalog"), "-o", str(out)).code == 0
    catalog = load_catalog(ROOT / "catalog").catalog()
    names = load_workbook(out, read_only=True).sheetnames
    assert names == ["汇总", *(a.name for a in catalog.areas)]
