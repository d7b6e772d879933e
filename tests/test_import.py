"""gkml import on workbooks built here from rows published by real county catalogs.

The rows come from ``../shared/reference/official-format.md`` (b.1 城乡规划 and b.9 公共
法律服务); the layout is the one portals publish: a title row, the two-row header with
spelling variants, merged 一级事项 cells, 同上 cells, ■/□ checklists and √ ticks.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from builder.validate import raw_schema
from tests.conftest import EXAMPLES, run

GGFL_AREA = """name: 公共法律服务
prefix: GGFL
order: 9
lead:
  name: 测试县司法局
guideline: 公共法律服务领域基层政务公开标准指引
channels: [法律服务网]
"""
HEADER_TOP = ["序号", "公开事项", "", "公开内容（要素）", "公开依据", "公开时限", "公开主体",
              "公开渠道和载体（“■”表示必选项，“□”表示可选项）", "公开对象", "", "公开方式", "",
              "公开层级", "", "责任科室"]
HEADER_SUB = ["", "一级事项", "二级事项", "", "", "", "", "", "全社会", "特定群众", "主动", "依申请公开",
              "县级", "乡、村级", ""]
LAW = "《中华人民共和国城乡规划法》《中华人民共和国政府信息公开条例》"
T20 = "信息形成或者变更之日起20个工作日内"
# 一级 二级 内容 依据 时限 主体 渠道 | 全社会 特定群体 | 主动 依申请 | 县级 乡、村级 | 责任科室
CXGH_ROWS = [
    ["规划编制", "城市、镇总体规划及同级的土地利用规划", "规划批准文件、脱密后的文本及图纸等",
     "《土地管理法》、《城乡规划法》、《政府信息公开条例》", T20, "测试县自然资源局", "◆政府网站",
     "√", "", "√", "", "√", "", "规划股"],
    ["规划编制", "乡规划及同级的土地利用规划", "脱密后的文本及图纸等", "同上", "同上", "同上",
     "■政府网站 □两微一端 □纸质媒体", "√", "", "√", "", "√", "", ""],
    ["规划编制", "镇总体规划及土地利用规划", "规划批准文件、脱密后的文本及图纸等",
     "《土地管理法》、《城乡规划法》、《政府信息公开条例》", T20, "车板镇人民政府",
     "■政府网站 ■党群服务中心", "√", "", "√", "", "√", "√", ""],
    ["规划编制", "部分村庄编制完成的村庄规划、村土地利用规划", "脱密后的文本及附图等",
     "《中华人民共和国土地管理法》《中华人民共和国城乡规划法》《中华人民共和国政府信息公开条例》",
     "信息形成或者变更之日起20个工作日", "乡人民政府", "■政府网站 ■政府服务中心", "√", "", "√", "", "",
     "√", ""],
    ["规划许可", "乡村建设规划许可证", "新办、变更、延续、补证、注销的办理情况", LAW,
     "信息形成或者变更之日起20个工作日", "乡人民政府", "同上", "√", "", "√", "", "", "√", ""],
    ["行政处罚", "事后公开", "作出的行政处罚决定信息(法律、行政法规另有规定的除外)",
     LAW + "《关于全面推行行政执法公示制度执法全过程记录制度重大执法决定法制审核制度的指导意见》",
     "7个工作日", "乡人民政府", "■政府网站 ■政府服务中心 ■公示公开栏", "√", "", "√", "", "", "√", ""],
]
PUFA = "《中共中央、国务院转发<中央宣传部、司法部关于在公民中开展法治宣传教育的第七个五年规划(2016-2020年)>》"
T_LAW = "自制作或获取该信息之日起20个工作日内公开"
GGFL_ROWS = [
    ["法治宣传教育", "法律知识普及服务、法律法规和案例检索服务",
     "法律法规资讯;普法动态资讯;普法讲师团信息;典型案例库网址或链接等", f"1.{PUFA}；\n2.《法治宣传教育条例》",
     T_LAW, "司法行政部门", "■政府网站 ■广播电视 ■纸质媒体 ■入户/现场 ■社区/企事业单位/村公示栏（电子屏） "
     "■其他法律服务网 (注:有关公开信息可推送或归集至本省级法律服务网)", "√", "", "√", "", "√", "√", ""],
    ["法治宣传教育", "推广法治文化服务", "辖区内法治文化阵地信息;法治文化作品、产品", "同上", T_LAW,
     "司法行政部门", "同上", "√", "", "√", "", "√", "√", ""],
    ["法治宣传教育", "对在法治宣传教育工作中作出显著成绩的单位和个人进行表彰奖励",
     "评选表彰通知;先进集体和个人申报表(空白表);拟表彰的先进集体先进个人名单;表彰决定", "同上", "同上",
     "司法行政部门", "■政府网站", "√", "", "√", "", "√", "", ""],
    ["律师", "对没有取得律师执业证书以律师名义从事法律业务行为的处罚", "行政处罚决定或行政处罚决定书",
     "《律师法》", T_LAW, "司法行政部门", "■政府网站", "√", "", "√", "", "√", "", ""],
    ["法律援助", "法律援助服务", "给予法律援助决定书;不予法律援助决定书;指派通知书", "《法律援助条例》",
     T_LAW, "嘉荫县法律援助中心", "■精准推送", "", "法律援助申请人", "√", "√", "√", "", ""],
]


def _sheet(ws: Worksheet, title: str, rows: list[list[str]], merges: list[tuple[int, int]]) -> None:
    ws.append([title])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADER_TOP))
    ws.append(HEADER_TOP)
    ws.append(HEADER_SUB)
    for col in (1, 4, 5, 6, 7, 8, 15):  # ungrouped headers span both rows
        ws.merge_cells(start_row=2, start_column=col, end_row=3, end_column=col)
    for col in (2, 9, 11, 13):  # groups span their sub-columns
        ws.merge_cells(start_row=2, start_column=col, end_row=2, end_column=col + 1)
    for n, row in enumerate(rows, 1):
        ws.append([n, *row])
    for first, last in merges:  # 一级事项 merged over rows, as portals print it: only the first holds text
        for r in range(first + 1, last + 1):
            ws.cell(3 + r, 2).value = None
        ws.merge_cells(start_row=3 + first, start_column=2, end_row=3 + last, end_column=2)
    ws.append(["注：“■”表示必选项，“□”表示可选项。"])
    ws.merge_cells(start_row=ws.max_row, start_column=1, end_row=ws.max_row, end_column=len(HEADER_TOP))


def workbook(path: Path) -> Path:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "城乡规划"
    _sheet(ws, "测试县城乡规划领域基层政务公开标准目录", CXGH_ROWS, [(1, 4)])
    _sheet(wb.create_sheet("公共法律服务"), "测试县公共法律服务领域基层政务公开标准目录", GGFL_ROWS, [(1, 3)])
    wb.save(path)
    return path


@pytest.fixture
def catalog(tmp_path: Path) -> Path:
    cat = tmp_path / "catalog"
    shutil.copytree(EXAMPLES / "base", cat)
    (cat / "ggfl").mkdir()
    (cat / "ggfl" / "_area.yml").write_text(GGFL_AREA, encoding="utf-8")
    return cat


def items(folder: Path) -> dict[str, dict[str, Any]]:
    return {p.stem: yaml.safe_load(p.read_text(encoding="utf-8"))
            for p in sorted(folder.glob("*.yml")) if p.name != "_area.yml"}


def test_cxgh_sheet_becomes_valid_items(catalog: Path, tmp_path: Path) -> None:
    book = workbook(tmp_path / "目录.xlsx")
    result = run("import", str(book), "--area", "城乡规划", "--catalog", str(catalog), "--format", "json")
    report = json.loads(result.out)
    codes = {f["code"] for f in report["findings"]}
    assert result.code == 0, result.out
    assert codes == {"import-channel-other", "import-column-extra", "import-row-skipped",
                     "import-other-sheet"}
    got = items(catalog / "cxgh")
    assert list(got) == [f"CXGH-{n:03d}" for n in range(1, 7)]
    first, second, third = got["CXGH-001"], got["CXGH-002"], got["CXGH-003"]
    assert first["columns"] == {"level1": "规划编制", "level2": "城市、镇总体规划及同级的土地利用规划"}
    assert first["basis"] == ["《土地管理法》", "《城乡规划法》", "《政府信息公开条例》"]
    assert first["channels"] == ["政府网站"] and first["notes"] == "责任科室：规划股"
    assert (first["method"], first["audience"], first["levels"]) == ("主动公开", "全社会", ["县级"])
    # 同上 and the merged 一级事项 resolve to the cells above; □ boxes are not channels
    assert second["columns"]["level1"] == "规划编制" and second["basis"] == first["basis"]
    assert (second["time_limit"], second["subject"]) == (T20, "测试县自然资源局")
    assert second["channels"] == ["政府网站"] and "notes" not in second
    assert third["channels"] == ["政府网站", "其他：党群服务中心"] and third["levels"] == ["县级", "乡级"]
    assert got["CXGH-004"]["channels"] == ["政府网站", "政务服务中心"]
    assert got["CXGH-005"]["channels"] == got["CXGH-004"]["channels"]
    assert got["CXGH-006"]["basis"][-1].startswith("《关于全面推行行政执法公示制度")
    assert run("validate", str(catalog)).code == 0


def test_ggfl_sheet_special_group_ditto_and_platform(catalog: Path, tmp_path: Path) -> None:
    book = workbook(tmp_path / "目录.xlsx")
    result = run("import", str(book), "--sheet", "公共法律服务", "--area", "GGFL", "--catalog", str(catalog))
    assert result.code == 0, result.out
    got = items(catalog / "ggfl")
    first, second, aid = got["GGFL-001"], got["GGFL-002"], got["GGFL-005"]
    assert first["basis"] == [PUFA, "《法治宣传教育条例》"]
    assert first["channels"] == ["政府网站", "广播电视", "纸质媒体", "入户/现场",
                                 "社区/企事业单位/村公示栏(电子屏)", "法律服务网"]
    assert "有关公开信息可推送或归集至本省级法律服务网" in first["notes"]
    assert second["basis"] == first["basis"] and second["channels"] == first["channels"]
    assert got["GGFL-003"]["time_limit"] == T_LAW and got["GGFL-003"]["columns"]["level1"] == "法治宣传教育"
    assert (aid["audience"], aid["audience_group"]) == ("特定群体", "法律援助申请人")
    assert aid["method"] == ["主动公开", "依申请公开"] and aid["levels"] == ["县级"]
    assert run("validate", str(catalog)).code == 0


def test_never_overwrites_without_force(catalog: Path, tmp_path: Path) -> None:
    book = workbook(tmp_path / "目录.xlsx")
    assert run("import", str(book), "--area", "cxgh", "--catalog", str(catalog)).code == 0
    mine = catalog / "cxgh" / "CXGH-001.yml"
    edited = mine.read_text(encoding="utf-8").replace("规划股", "规划股（已核对）")
    exemption = "  - {element: notes, reason: 《条例》第十四条, approved_by: 办公室, until: \"2099-12-31\"}"
    mine.write_text(f"{edited}exemptions:\n{exemption}\n", encoding="utf-8")
    before = {p.name: p.read_bytes() for p in (catalog / "cxgh").iterdir()}
    again = run("import", str(book), "--area", "cxgh", "--catalog", str(catalog), "--format", "json")
    assert again.code == 1
    assert {f["code"] for f in json.loads(again.out)["findings"]} >= {"file-exists"}
    assert {p.name: p.read_bytes() for p in (catalog / "cxgh").iterdir()} == before
    forced = run("import", str(book), "--area", "cxgh", "--catalog", str(catalog), "--force")
    assert forced.code == 0, forced.out
    data = yaml.safe_load(mine.read_text(encoding="utf-8"))
    assert data["notes"] == "责任科室：规划股" and data["exemptions"][0]["approved_by"] == "办公室"


def test_dry_run_writes_nothing_and_validates(catalog: Path, tmp_path: Path) -> None:
    book = workbook(tmp_path / "目录.xlsx")
    (catalog / "cxgh" / "CXGH-001.yml").write_text("code: CXGH-001\n", encoding="utf-8")
    result = run("import", str(book), "--area", "cxgh", "--catalog", str(catalog), "--dry-run",
                 "--format", "json")
    report = json.loads(result.out)
    assert sorted(p.name for p in (catalog / "cxgh").iterdir()) == ["CXGH-001.yml", "_area.yml"]
    assert result.code == 0  # CXGH-001 is taken: the rows get 002 … 007
    assert "CXGH-007.yml" in result.err and report["summary"]["files"] == 6


def test_csv_in_gbk_single_header_and_words(catalog: Path, tmp_path: Path) -> None:
    table = ("事项编码,一级事项,二级事项,公开内容,公开依据,公开时限,公开主体,"
             "公开渠道,公开对象,公开方式,公开层级\n"
             "CXGH-101,规划编制,城市、镇详细规划,脱密后的文本及图表等,"
             "\"1.《城乡规划法》\n2.《政府信息公开条例》\",实时公开,测试县自然资源局,"
             "1.政府网站;2.政务服务中心,全社会,主动公开,县级、乡级\n"
             ",同上,镇详细规划,同上,同上,同上,同上,同上,特定群体：规划涉及的村民,依申请公开,乡级\n")
    path = tmp_path / "旧表.csv"
    path.write_bytes(table.encode("gb18030"))
    result = run("import", str(path), "--area", "cxgh", "--catalog", str(catalog), "--format", "json")
    assert result.code == 0, result.out
    assert {f["code"] for f in json.loads(result.out)["findings"]} == {"import-csv-encoding"}
    got = items(catalog / "cxgh")
    assert list(got) == ["CXGH-101", "CXGH-102"]
    assert got["CXGH-101"]["basis"] == ["《城乡规划法》", "《政府信息公开条例》"]
    assert got["CXGH-101"]["levels"] == ["县级", "乡级"]
    second = got["CXGH-102"]
    assert second["columns"] == {"level1": "规划编制", "level2": "镇详细规划"}
    assert (second["audience"], second["audience_group"], second["method"]) == (
        "特定群体", "规划涉及的村民", "依申请公开")
    assert second["channels"] == ["政府网站", "政务服务中心"]


def test_problems_are_findings_not_tracebacks(catalog: Path, tmp_path: Path) -> None:
    legacy = tmp_path / "old.xls"
    legacy.write_bytes(b"\xd0\xcf\x11\xe0")
    result = run("import", str(legacy), "--area", "cxgh", "--catalog", str(catalog))
    assert result.code == 1 and "[import-xls]" in result.out and ".xlsx" in result.out
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"not a zip")
    assert "[import-format]" in run("import", str(broken), "--area", "cxgh", "--catalog", str(catalog)).out
    blank = tmp_path / "blank.csv"
    blank.write_text("a,b\n1,2\n", encoding="utf-8")
    assert "[import-no-header]" in run("import", str(blank), "--area", "cxgh", "--catalog", str(catalog)).out
    ditto = tmp_path / "ditto.csv"
    ditto.write_text("一级事项,二级事项,公开内容,公开依据,公开时限\n同上,乙,丙,《丁》,戊\n", encoding="utf-8")
    found = json.loads(run("import", str(ditto), "--area", "cxgh", "--catalog", str(catalog),
                           "--format", "json").out)["findings"]
    first = next(f for f in found if f["code"] == "import-ditto-first")
    assert (first["line"], first["column"], first["path"]) == (2, 1, "ditto!A2")
    assert {"import-column-missing", "required"} <= {f["code"] for f in found}
    unknown = run("import", str(ditto), "--area", "nowhere", "--catalog", str(catalog))
    assert unknown.code == 2 and "[area-unknown]" in unknown.out and "cxgh" in unknown.out


def test_codes_route_rows_to_their_areas_without_area_option(catalog: Path, tmp_path: Path) -> None:
    head = ("事项编码,一级事项,二级事项,公开内容,公开依据,公开时限,公开主体,"
            "公开渠道,公开对象,公开方式,公开层级\n")
    row = ",甲,{name},丙,《丁》,实时公开,某局,政府网站,全社会,主动公开,县级\n"
    path = tmp_path / "mixed.csv"
    path.write_text(head + "".join(code + row.format(name=n) for code, n in (
        ("CXGH-201", "一"), ("CXGH-201", "二"), ("", "三"), ("GGFL-003", "四"))), encoding="utf-8")
    report = json.loads(run("import", str(path), "--catalog", str(catalog), "--format", "json").out)
    found = {(f["code"], f["line"]) for f in report["findings"]}
    assert found == {("import-code-repeated", 3), ("import-area-needed", 4)}
    assert list(items(catalog / "cxgh")) == ["CXGH-201"] and list(items(catalog / "ggfl")) == ["GGFL-003"]


# 公开依据 cells as county sheets number them; the first four are from published catalogs
# (official-format.md b.7 公共文化服务 and b.9 公共法律服务), the rest are the other styles seen.
FREE_OPEN = "《文化部 财政部关于推进全国美术馆、公共图书馆、文化馆(站)免费开放工作的意见》(文财务发[2011]5号)"
CULTURE = f"1.《中华人民共和国公共文化服务保障法》;2.《中华人民共和国政府信息公开条例》;3.{FREE_OPEN}"
NUMBERED = [
    (CULTURE, ["《中华人民共和国公共文化服务保障法》", "《中华人民共和国政府信息公开条例》", FREE_OPEN]),
    ("1.《中华人民共和国政府信息公开条例》;2.《文化馆服务标准》(GB/T 32939—2016)",
     ["《中华人民共和国政府信息公开条例》", "《文化馆服务标准》(GB/T 32939—2016)"]),
    (f"1.{PUFA}；\n2.《法治宣传教育条例》", [PUFA, "《法治宣传教育条例》"]),
    ("1.《中华人民共和国城乡规划法》2.《中华人民共和国政府信息公开条例》",
     ["《中华人民共和国城乡规划法》", "《中华人民共和国政府信息公开条例》"]),
    ("1、《甲法》；2、《乙条例》第三条", ["《甲法》", "《乙条例》第三条"]),
    ("（1）《甲法》（2）《乙条例》", ["《甲法》", "《乙条例》"]),
    ("(1)《甲法》(2)《乙条例》", ["《甲法》", "《乙条例》"]),
    ("①《甲法》②《乙条例》③《丙办法》第十条", ["《甲法》", "《乙条例》", "《丙办法》第十条"]),
    ("一、《甲法》二、《乙条例》", ["《甲法》", "《乙条例》"]),
    ("第一，《甲法》第二，《乙条例》", ["《甲法》", "《乙条例》"]),
    ("1.\n《甲法》\n2.\n《乙条例》", ["《甲法》", "《乙条例》"]),
    ("《甲法》\n《乙条例》第三条、第五条", ["《甲法》", "《乙条例》第三条、第五条"]),
]


@pytest.mark.parametrize(("cell", "expected"), NUMBERED, ids=[c[:12] for c, _ in NUMBERED])
def test_numbered_basis_imports_as_clean_citations(catalog: Path, tmp_path: Path, cell: str,
                                                   expected: list[str]) -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "目录"
    ws.append(["一级事项", "二级事项", "公开内容", "公开依据", "公开时限", "公开主体", "公开渠道",
               "公开对象", "公开方式", "公开层级"])
    ws.append(["公共服务", "文化服务", "开放时间", cell, T20, "某局", "政府网站", "全社会", "主动公开",
               "县级"])
    wb.save(tmp_path / "目录.xlsx")
    result = run("import", str(tmp_path / "目录.xlsx"), "--area", "cxgh", "--catalog", str(catalog))
    assert result.code == 0, result.out
    assert items(catalog / "cxgh")["CXGH-001"]["basis"] == expected
    assert run("validate", str(catalog)).code == 0


def test_findings_about_imported_rows_name_the_sheet_cell(catalog: Path, tmp_path: Path) -> None:
    head = ("事项编码,一级事项,二级事项,公开内容,公开依据,公开时限,公开主体,"
            "公开渠道,公开对象,公开方式,公开层级\n")
    row = "CXGH-0{n},规划编制,事项{n},文本,{basis},实时公开,某局,政府网站,全社会,主动公开,县级\n"
    rows = [row.format(n=n, basis="《城乡规划法》") for n in range(11, 15)]
    rows.append(row.format(n=15, basis="无"))  # the fifth data row is sheet row 6: its basis is E6
    table = tmp_path / "目录.csv"
    table.write_text(head + "".join(rows), encoding="utf-8")
    args = ("import", str(table), "--area", "cxgh", "--catalog", str(catalog))
    dry = run(*args, "--dry-run", "--format", "json")
    [found] = json.loads(dry.out)["findings"]
    assert (found["code"], found["file"], found["line"], found["column"]) == ("placeholder", str(table), 6, 5)
    assert found["source"] == f"{table} 目录!E6" and found["element"] == "公开依据"
    assert not (catalog / "cxgh" / "CXGH-015.yml").exists()
    real = run(*args)
    written = catalog / "cxgh" / "CXGH-015.yml"
    assert real.code == 1 and f"{written}:" in real.out and "表格位置: " + f"{table} 目录!E6" in real.out


SYNONYMS = raw_schema("item")["$defs"]["officialChannel"]["x-synonyms"]
CHANNEL_CASES = [(name, official, kind == "part") for kind in ("same", "part")
                 for name, official in SYNONYMS[kind].items()]


@pytest.mark.parametrize(("name", "official", "part"), CHANNEL_CASES, ids=[c[0] for c in CHANNEL_CASES])
def test_channel_synonym_becomes_the_checklist_name(catalog: Path, tmp_path: Path, name: str,
                                                    official: str, part: bool) -> None:
    table = tmp_path / "目录.csv"
    table.write_text("一级事项,二级事项,公开内容,公开依据,公开时限,公开主体,公开渠道,公开对象,公开方式,"
                     f"公开层级\n规划编制,乡规划,文本,《城乡规划法》,实时公开,某局,■政府公报 ■{name},全社会,"
                     "主动公开,县级\n", encoding="utf-8")
    result = run("import", str(table), "--area", "cxgh", "--catalog", str(catalog), "--format", "json")
    assert result.code == 0 and json.loads(result.out)["findings"] == [], result.out
    item = items(catalog / "cxgh")["CXGH-001"]
    assert item["channels"] == ["政府公报", official]
    assert (f"原表写作“{name}”" in item.get("notes", "")) is part  # kept where the name says more
    # written by hand, validate names the checklist's name in its hint
    path = catalog / "cxgh" / "CXGH-001.yml"
    text = path.read_text(encoding="utf-8")
    assert f"[政府公报, {official}]" in text
    path.write_text(text.replace(f"[政府公报, {official}]", f"[政府公报, '{name}']"), encoding="utf-8")
    [found] = json.loads(run("validate", str(catalog), "--format", "json").out)["findings"]
    assert found["code"] == "channel-unknown" and f"官方清单中是“{official}”" in found["hint"]
