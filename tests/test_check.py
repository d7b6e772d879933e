"""gkml check, the scoring: fixture catalogs whose deductions are worked out by hand.

Each case in tests/check_fixtures/<case>/ is laid over tests/check_fixtures/base/ (the nine
pilot areas, one complete item each: 9 items x 10 required elements = 90 expected, all
present). The check date is fixed so that exemptions never expire under the tests.
"""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from builder.check.result import NO_SUBJECT, CheckResult, Tally
from builder.check.rulebook import RulesError, load_rules
from builder.check.score import check_path

FIXTURES = Path(__file__).resolve().parent / "check_fixtures"
ROOT = Path(__file__).resolve().parent.parent
DAY = date(2027, 1, 1)


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Reports name files relative to the working directory, as a clerk would type them.
    monkeypatch.chdir(tmp_path)


def lay(case: str | None, dest: Path) -> Path:
    """The base fixture catalog with ``case`` laid over it, in ``dest``."""
    shutil.copytree(FIXTURES / "base", dest)
    if case:
        shutil.copytree(FIXTURES / case, dest, dirs_exist_ok=True)
    return dest


def score(case: str | None, tmp_path: Path, on: date = DAY) -> CheckResult:
    return check_path(lay(case, tmp_path / "catalog"), load_rules(), on)


def area(result: CheckResult, name: str) -> Tally:
    return next(a for a in result.areas if a.name == name)


def subject(result: CheckResult, name: str) -> Tally:
    return next(s for s in result.subjects if s.name == name)


def found(result: CheckResult) -> set[tuple[str | None, str, str, int]]:
    return {(d.item, d.element, d.reason, d.points) for d in result.deductions}


def test_base_catalog_scores_100(tmp_path: Path) -> None:
    r = score(None, tmp_path)
    assert (r.score, r.total.points, r.total.rate) == (100, 0, 1.0)
    assert (r.total.items, r.total.expected, r.total.present) == (9, 90, 90)  # 9 items x 10 elements
    assert [a.name for a in r.areas] == list(load_rules().pilot_areas)
    assert not r.deductions and not r.advisories and not r.exemptions


def test_single_missing_elements(tmp_path: Path) -> None:
    r = score("single-missing", tmp_path)
    assert found(r) == {
        ("CXGH-002", "time_limit", "absent", 1),
        ("CXGH-003", "columns.level2", "absent", 1),
        ("CXGH-004", "subject", "null-value", 1),
        ("CXGH-005", "basis", "empty", 1),
    }
    assert r.total.points == 4  # 1 + 1 + 1 + 1
    assert r.score == 96  # 100 - 4
    assert (r.total.expected, r.total.present) == (130, 126)  # 13 items x 10; 130 - 4
    assert r.total.rate == 0.9692  # 126 / 130 = 0.96923
    cxgh = area(r, "城乡规划")
    assert (cxgh.items, cxgh.points, cxgh.score, cxgh.rate) == (5, 4, 96, 0.92)  # 46 / 50
    assert area(r, "税收管理").score == 100


def test_deductions_point_at_their_line(tmp_path: Path) -> None:
    r = score("single-missing", tmp_path)
    where = {d.item: (d.file, d.line, d.column) for d in r.deductions}
    assert where["CXGH-002"][:2] == ("catalog/cxgh/CXGH-002.yml", 2)  # absent: the first key
    assert where["CXGH-003"][1] == 3  # columns: the key that lacks level2
    assert where["CXGH-004"][1:] == (10, 10)  # `subject: ~`, the value
    assert all("号" in d.basis for d in r.deductions)  # every deduction cites a numbered document
    assert "国办发〔2019〕54号" in next(d.basis for d in r.deductions if d.element == "subject")


def test_recommended_elements_are_reported_at_zero_points(tmp_path: Path) -> None:
    r = score("single-missing", tmp_path)
    # CXGH-005 has neither levels nor notes: notes are optional, so only levels is pointed out
    assert {(d.item, d.element, d.points) for d in r.advisories} == {("CXGH-005", "levels", 0)}
    assert r.total.points == 4  # the advisories add nothing


def test_subject_scores(tmp_path: Path) -> None:
    r = score("single-missing", tmp_path)
    none = subject(r, NO_SUBJECT)  # CXGH-004 has subject: ~
    assert (none.items, none.points, none.score, none.expected, none.present) == (1, 1, 99, 10, 9)
    bureau = subject(r, "考核测试县自然资源局")  # base CXGH-001 + CXGH-002, -003, -005
    assert (bureau.items, bureau.points, bureau.score) == (4, 3, 97)  # 100 - 3
    assert bureau.rate == 0.925  # (40 - 3) / 40


def test_placeholders(tmp_path: Path) -> None:
    r = score("placeholders", tmp_path)
    assert found(r) == {
        ("ZDJS-002", "content", "placeholder", 1),  # "无。"
        ("ZDJS-002", "time_limit", "placeholder", 1),  # 同上
        ("ZDJS-002", "channels", "placeholder", 1),  # ["—"]
        ("ZDJS-003", "subject", "placeholder", 1),  # n/a
    }
    assert r.score == 96  # 100 - 4; basis [《…》, 同上] and notes: 无 cost nothing
    assert [(d.item, d.element) for d in r.advisories] == [("ZDJS-003", "levels")]  # [待定]


def test_white_space(tmp_path: Path) -> None:
    r = score("whitespace", tmp_path)
    assert found(r) == {
        ("CZYJ-002", "content", "blank", 1),  # "   "
        ("CZYJ-002", "time_limit", "empty", 1),  # ""
        ("CZYJ-002", "subject", "blank", 1),  # an ideographic space
        ("CZYJ-002", "channels", "blank", 1),  # ["  "]
    }
    assert r.score == 96  # 100 - 4
    assert area(r, "财政预决算").rate == 0.8  # (20 - 4) / 20


def test_unparseable_file_counts_every_element(tmp_path: Path) -> None:
    r = score("unparseable", tmp_path)
    by_file: dict[str, int] = {}
    for d in r.deductions:
        assert d.reason == "unparseable"
        by_file[d.file] = by_file.get(d.file, 0) + d.points
    # an unclosed bracket and a list: 10 required elements each
    assert by_file == {"catalog/ssgl/SSGL-002.yml": 10, "catalog/ssgl/SSGL-003.yml": 10}
    assert {d.item for d in r.deductions} == {"SSGL-002", "SSGL-003"}  # named by file
    assert r.score == 80  # 100 - 10 - 10
    assert (r.total.expected, r.total.present, r.total.rate) == (110, 90, 0.8182)  # 90 / 110
    assert len(r.advisories) == 4  # levels and notes, twice, at 0 points


def test_exemptions_in_force_expired_and_void(tmp_path: Path) -> None:
    r = score("exemptions", tmp_path)  # checked on 2027-01-01
    assert found(r) == {
        ("HJBH-003", "time_limit", "absent", 1),  # exemption expired 2026-12-31
        ("HJBH-004", "time_limit", "absent", 1),  # exemption without approver
    }
    assert r.score == 98  # 100 - 2
    status = {x.item: (x.status, x.waived) for x in r.exemptions}
    assert status == {
        "HJBH-002": ("in_force", 1),  # until 2030-12-31
        "HJBH-003": ("expired", 0),
        "HJBH-004": ("invalid", 0),
        "HJBH-005": ("in_force", 0),  # channels filled in anyway
        "HJBH-006": ("in_force", 1),  # until 2027-01-01, the check date itself
    }
    # 14 items x 10 = 140 expected, less the 2 exempted elements; 2 missing
    assert (r.total.expected, r.total.present, r.total.rate) == (138, 136, 0.9855)


def test_exemptions_follow_the_check_date(tmp_path: Path) -> None:
    later = score("exemptions", tmp_path / "later", date(2027, 1, 2))
    assert later.score == 97  # HJBH-006 lapses too: 100 - 3
    earlier = score("exemptions", tmp_path / "earlier", date(2026, 12, 31))
    assert earlier.score == 99  # HJBH-003 still in force: only HJBH-004, 100 - 1


def test_empty_pilot_area(tmp_path: Path) -> None:
    cat = lay(None, tmp_path / "catalog")
    (cat / "ggfl" / "GGFL-001.yml").unlink()
    r = check_path(cat, load_rules(), DAY)
    (d,) = r.deductions
    assert (d.rule, d.item, d.area, d.points) == ("area-empty", None, "公共法律服务", 10)
    assert d.file == "catalog/ggfl/_area.yml"
    assert r.score == 90  # 100 - 10
    assert r.total.rate == 1.0  # 80 / 80: an empty area has nothing expected
    ggfl = area(r, "公共法律服务")
    assert (ggfl.items, ggfl.points, ggfl.score, ggfl.rate) == (0, 10, 90, None)


def test_pilot_area_without_a_folder(tmp_path: Path) -> None:
    cat = lay(None, tmp_path / "catalog")
    shutil.rmtree(cat / "ggfl")
    shutil.rmtree(cat / "ggwh")
    r = check_path(cat, load_rules(), DAY)
    assert {(d.area, d.file) for d in r.deductions} == {
        ("公共法律服务", "catalog"), ("公共文化服务", "catalog")}
    assert r.score == 80  # 100 - 10 - 10
    assert [a.name for a in r.areas][-2:] == ["公共文化服务", "公共法律服务"]  # pilot order


def test_150_missing_elements_score_zero_not_minus_50(tmp_path: Path) -> None:
    cat = lay(None, tmp_path / "catalog")
    for n in range(101, 116):  # 15 items with every required element absent
        (cat / "cxgh" / f"CXGH-{n}.yml").write_text("{}\n", encoding="utf-8")
    r = check_path(cat, load_rules(), DAY)
    assert r.total.points == 150  # 15 x 10
    assert r.score == 0  # max(100 - 150, 0)
    assert (r.total.expected, r.total.present) == (240, 90)  # 24 items x 10; only the base's
    assert r.total.rate == 0.375  # 90 / 240
    assert area(r, "城乡规划").score == 0 and area(r, "城乡规划").rate == 0.0625  # 10 / 160


def test_schema_errors_do_not_stop_the_check(tmp_path: Path) -> None:
    cat = lay(None, tmp_path / "catalog")
    item = cat / "cxgh" / "CXGH-002.yml"
    text = (FIXTURES / "base" / "cxgh" / "CXGH-001.yml").read_text(encoding="utf-8")
    item.write_text(text.replace("CXGH-001", "CXGH-002").replace("method: 主动公开", "method: 主动")
                    + "subjcet: 拼错的键\n", encoding="utf-8")
    r = check_path(cat, load_rules(), DAY)
    assert r.score == 100  # an invalid method and an unknown key are validate's business


def test_bundled_catalog_scores_100() -> None:
    r = check_path(ROOT / "catalog", load_rules())
    assert [(d.item, d.element) for d in r.deductions] == []
    assert r.score == 100 and r.total.rate == 1.0
    assert all(a.items for a in r.areas)


def _broken_rules(tmp_path: Path, old: str, new: str) -> Path:
    text = (ROOT / "schema" / "rules.yml").read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "rules.yml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


@pytest.mark.parametrize(("old", "new", "says"), [
    ("missing: [absent, null-value,", "missing: [absent, null,", "None is not one of"),
    ("element: levels\n    points: 0", "element: levels\n    points: 1", "0 was expected"),
    ("  - id: content\n", "  - id: basis\n", "duplicate rule id 'basis'"),
    ("element: time_limit", "element: time_limits", "no such element"),
    ("- source: ogi-regulation", "- source: regulation", "not listed under sources"),
    ("version: \"0.3.0\"", "version: 2", "is not of type 'string'"),
])
def test_an_invalid_rule_book_is_refused(tmp_path: Path, old: str, new: str, says: str) -> None:
    path = _broken_rules(tmp_path, old, new)
    with pytest.raises(RulesError) as caught:
        load_rules(path)
    text = caught.value.text("zh")
    assert text.startswith("gkml：规则手册") and says in text
    first = caught.value.problems[0]
    assert first.startswith(f"{caught.value.file}:") and first.split(":")[1].isdigit()  # file:line


def test_shipped_rule_book() -> None:
    book = load_rules()
    assert book.scale == 100 and len(book.sha256) == 64
    by_element = {r.element: r for r in book.rules}
    required = ["code", "columns.level1", "columns.level2", "content", "basis", "time_limit", "subject",
                "method", "channels", "audience"]
    assert all(by_element[e].points == 1 and by_element[e].severity.value == "error" for e in required)
    assert by_element["levels"].points == by_element["notes"].points == 0
    assert "国办发〔2019〕54号" in by_element["audience"].citation()
    assert "国办发〔2017〕42号" in by_element["code"].citation()
    assert len(book.pilot_areas) == 9
    # The scale is the 益阳 计分表's (official-format.md §d.3), read in the source.
    assert book.scoring_basis[0].status == "checked" and "益阳" in book.scoring_basis[0].text()
    assert "扣完为止" in book.scoring_basis[0].quote
    assert "第二十六条" in by_element["time_limit"].short_citation()
    assert book.empty_area.setting and not by_element["time_limit"].setting
    assert book.unscored_in_tables == ("code",)
