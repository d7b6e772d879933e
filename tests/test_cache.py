"""The caches are never stale: what a cached run reports equals an uncached run, for
`gkml validate` and for `gkml check`."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from builder.cache import cache_dir
from builder.load import MAX_BYTES
from builder.revision import catalog_sha256
from tests.conftest import EXAMPLES, lay_case, run

CASES = sorted((EXAMPLES / "invalid").iterdir())[:12] + sorted((EXAMPLES / "valid").iterdir())


def _report(cat: Path) -> dict[str, Any]:
    result: dict[str, Any] = json.loads(run("validate", str(cat), "--format", "json").out)
    return result


@pytest.fixture
def own_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("GKML_CACHE_DIR", str(folder))
    return folder


@pytest.mark.parametrize("case", CASES, ids=[p.name for p in CASES])
def test_cached_run_reports_exactly_what_an_uncached_run_does(
        case: Path, tmp_path: Path, own_cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cat = lay_case(case, tmp_path / "catalog")
    first, second = _report(cat), _report(cat)  # the second is served from the cache
    assert any(own_cache.iterdir())
    monkeypatch.setenv("GKML_NO_CACHE", "1")
    assert first == second == _report(cat)


def test_an_edit_is_seen_at_once(tmp_path: Path, own_cache: Path) -> None:
    cat = lay_case(EXAMPLES / "valid" / "minimal", tmp_path / "catalog")
    assert _report(cat)["findings"] == []
    item = cat / "cxgh" / "CXGH-001.yml"
    item.write_text(item.read_text(encoding="utf-8").replace("method: 主动公开", "method: 主动"),
                    encoding="utf-8")
    codes = [f["code"] for f in _report(cat)["findings"]]
    assert codes == ["bad-value"]


def test_one_changed_file_among_cached_ones_keeps_positions(tmp_path: Path, own_cache: Path) -> None:
    cat = lay_case(EXAMPLES / "invalid" / "code-duplicate", tmp_path / "catalog")
    before = _report(cat)
    (cat / "site.yml").write_text((cat / "site.yml").read_text(encoding="utf-8") + "\n", "utf-8")
    assert _report(cat)["findings"] == before["findings"]  # code-duplicate needs cached marks


def test_a_corrupt_cache_is_ignored(tmp_path: Path, own_cache: Path) -> None:
    cat = lay_case(EXAMPLES / "invalid" / "ditto-placeholder", tmp_path / "catalog")
    expected = _report(cat)
    for f in own_cache.iterdir():
        f.write_text("{not json", encoding="utf-8")
    assert _report(cat) == expected
    for f in own_cache.iterdir():
        f.write_text('{"key": 1, "findings": "x"}', encoding="utf-8")
    assert _report(cat) == expected


def test_the_cache_stays_out_of_the_catalog(tmp_path: Path, own_cache: Path) -> None:
    cat = lay_case(EXAMPLES / "valid" / "minimal", tmp_path / "catalog")
    before = sorted(p.relative_to(cat) for p in cat.rglob("*"))
    _report(cat)
    assert sorted(p.relative_to(cat) for p in cat.rglob("*")) == before
    assert cache_dir() == own_cache and any(own_cache.iterdir())


def test_no_cache_writes_nothing(tmp_path: Path, own_cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GKML_NO_CACHE", "1")
    _report(lay_case(EXAMPLES / "valid" / "minimal", tmp_path / "catalog"))
    assert not own_cache.exists() or not any(own_cache.iterdir())


CHECK_FIXTURES = Path(__file__).resolve().parent / "check_fixtures"
CHECK_CASES = sorted(p.name for p in CHECK_FIXTURES.iterdir() if p.name != "base")


def _check(cat: Path) -> dict[str, Any]:
    result = run("check", str(cat), "--format", "json", "--date", "2027-01-01")
    assert result.code == 0, result.err
    report: dict[str, Any] = json.loads(result.out)
    report["stamp"].pop("generated_at")
    return report


@pytest.mark.parametrize("case", CHECK_CASES)
def test_a_cached_check_reports_exactly_what_an_uncached_one_does(
        case: str, tmp_path: Path, own_cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cat = tmp_path / "catalog"
    shutil.copytree(CHECK_FIXTURES / "base", cat)
    shutil.copytree(CHECK_FIXTURES / case, cat, dirs_exist_ok=True)
    _report(cat)  # validate first: the check then reads the documents from the per-file cache
    first, second = _check(cat), _check(cat)  # the second is the stored result
    assert any(p.name.startswith("check-") for p in own_cache.iterdir())
    monkeypatch.setenv("GKML_NO_CACHE", "1")
    assert first == second == _check(cat)
    assert first["deductions"] or first["exemptions"]


def test_a_check_sees_an_edit_at_once(tmp_path: Path, own_cache: Path) -> None:
    cat = tmp_path / "catalog"
    shutil.copytree(CHECK_FIXTURES / "base", cat)
    before = _check(cat)
    item = next((cat / "cxgh").glob("CXGH-*.yml"))
    item.write_text(item.read_text(encoding="utf-8").replace("subject:", "# subject:"), encoding="utf-8")
    after = _check(cat)
    assert [d["element"] for d in after["deductions"]] == ["subject"] and not before["deductions"]
    assert after["stamp"]["catalog_sha256"] != before["stamp"]["catalog_sha256"]


def test_the_stamped_content_hash_counts_every_file(tmp_path: Path, own_cache: Path) -> None:
    cat = tmp_path / "catalog"
    shutil.copytree(CHECK_FIXTURES / "base", cat)
    (cat / "notes.txt").write_text("不是事项", encoding="utf-8")
    (cat / ".hidden.yml").write_text("a: 1\n", encoding="utf-8")
    (cat / "cxgh" / "big.yml").write_bytes(b"a" * (MAX_BYTES + 1))
    (cat / "cxgh" / "link.yml").symlink_to(cat / "site.yml")
    (cat / "cxgh" / "dangling.yml").symlink_to(tmp_path / "nowhere.yml")
    assert _check(cat)["stamp"]["catalog_sha256"] == catalog_sha256(cat)
