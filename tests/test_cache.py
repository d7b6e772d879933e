"""The validation cache is never stale: what a cached run reports equals an uncached run."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from builder.cache import cache_dir
from tests.conftest import EXAMPLES, lay_case, run

CASES = sorted((EXAMPLES / "invalid").iterdir())[:12] + sorted((EXAMPLES / "valid").iterdir())


def _report(cat: Path) -> dict[str, object]:
    result: dict[str, object] = json.loads(run("validate", str(cat), "--format", "json").out)
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
    codes = [f["code"] for f in _report(cat)["findings"]]  # type: ignore[index]
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
