"""One catalog table, laid out as county portals publish it, in every format gkml inspect reads.

The rows are 公共法律服务 rows 1–5 of ``../shared/reference/official-format.md`` b.9 (广东
梅县 and 嘉荫 catalogs): the two-row header, 同上 in 公开依据 and 公开渠道和载体, ■/□
checklists, √ ticks, a named 特定群体. Where a format can merge cells, 一级事项 is merged
over rows 1–3 and 公开时限 and 公开主体 over rows 1–4, as these catalogs do; a CSV cannot
merge, so it repeats the values.

``python -m tests.inspect_tables`` regenerates the two committed fixtures that need
LibreOffice (``tests/inspect_fixtures/README.md``): the tests themselves never run it.
"""

from __future__ import annotations

import csv
import html
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.shared import Cm, Pt
from openpyxl import Workbook

FIXTURES = Path(__file__).parent / "inspect_fixtures"
TITLE = "测试县公共法律服务领域基层政务公开标准目录"
TOP = ["序号", "公开事项", "", "公开内容（要素）", "公开依据", "公开时限", "公开主体", "公开渠道和载体",
       "公开对象", "", "公开方式", "", "公开层级", ""]
SUB = ["", "一级事项", "二级事项", "", "", "", "", "", "全社会", "特定群体", "主动", "依申请", "县级",
       "乡、村级"]
GROUPS = (1, 8, 10, 12)
"""Columns whose top header spans two columns; every other top header spans two rows."""
PUFA = ("《中共中央、国务院转发<中央宣传部、司法部关于在公民中开展法治宣传教育的第七个五年规划"
        "(2016-2020年)>》、各省“七五”普法规划")
T_LAW = "自制作或获取该信息之日起20个工作日内公开"
ROWS = [
    ["1", "法治宣传教育", "法律知识普及服务、法律法规和案例检索服务",
     "法律法规资讯;普法动态资讯;普法讲师团信息;典型案例库网址或链接等", PUFA, T_LAW, "司法行政部门",
     "■政府网站 ■广播电视 ■纸质媒体 ■入户/现场 ■社区/企事业单位/村公示栏(电子屏) ■其他法律服务网",
     "√", "", "√", "", "√", "√"],
    ["2", "法治宣传教育", "推广法治文化服务", "辖区内法治文化阵地信息;法治文化作品、产品", "同上", T_LAW,
     "司法行政部门", "同上", "√", "", "√", "", "√", "√"],
    ["3", "法治宣传教育", "对在法治宣传教育工作中作出显著成绩的单位和个人进行表彰奖励",
     "评选表彰通知;先进集体和个人申报表(空白表);拟表彰的先进集体先进个人名单;表彰决定", "同上", T_LAW,
     "司法行政部门", "■政府网站 □两微一端", "√", "", "√", "", "√", ""],
    ["4", "律师", "对没有取得律师执业证书以律师名义从事法律业务行为的处罚", "行政处罚决定或行政处罚决定书",
     "《律师法》", T_LAW, "司法行政部门", "■政府网站", "√", "", "√", "", "√", ""],
    ["5", "法律援助", "法律援助服务", "给予法律援助决定书;不予法律援助决定书;指派通知书", "《法律援助条例》",
     T_LAW, "嘉荫县法律援助中心", "■精准推送", "", "法律援助申请人", "", "√", "√", ""],
]
MERGES = ((1, 0, 3), (5, 0, 4), (6, 0, 4))
LONG = 8
"""catalog-pages.pdf holds the rows this many times over."""
"""(column, first row, rows): the cells merged down in formats that merge."""


def covered(r: int, c: int) -> bool:
    """Whether data cell (r, c) lies under a merge that starts above it."""
    return any(c == col and first < r < first + n for col, first, n in MERGES)


def span(r: int, c: int) -> int:
    return next((n for col, first, n in MERGES if c == col and first == r), 1)


# --- HTML -----------------------------------------------------------------------------------------

def page_html(charset: str = "utf-8") -> str:
    """A portal page: navigation in a layout table, the heading, then the catalog table."""
    head = ['<tr>']
    for c, text in enumerate(TOP):
        if c in GROUPS:
            head.append(f'<th colspan="2">{text}</th>')
        elif text:
            head.append(f'<th rowspan="2">{text}</th>')
    head.append("</tr>\n<tr>" + "".join(f"<th>{SUB[c]}</th>" for c in range(14) if SUB[c]) + "</tr>")
    body = []
    for r, row in enumerate(ROWS):
        cells = [f'<td rowspan="{span(r, c)}">{html.escape(v)}</td>' if span(r, c) > 1
                 else f"<td>{html.escape(v)}</td>" for c, v in enumerate(row) if not covered(r, c)]
        body.append("<tr>" + "".join(cells) + "</tr>")
    return ('<!DOCTYPE html>\n<html><head>'
            f'<meta http-equiv="Content-Type" content="text/html; charset={charset}">'
            f"<title>测试县人民政府门户网站</title></head><body>\n"
            '<table class="nav"><tr><td><a href="/">首页</a></td><td><a href="/zwgk/">政务公开</a></td>'
            "<td>基层政务公开标准目录</td></tr></table>\n"
            f'<div class="content"><p style="text-align:center"><strong>{TITLE}</strong></p>\n'
            f'<table border="1" cellspacing="0">\n{"".join(head)}\n' + "\n".join(body) + "\n</table></div>\n"
            '<table class="footer"><tr><td>主办：测试县人民政府办公室</td></tr></table></body></html>\n')


def write_html(path: Path, charset: str) -> Path:
    path.write_bytes(page_html(charset).encode("gb18030" if charset == "gbk" else charset))
    return path


# --- workbooks ------------------------------------------------------------------------------------

def write_xlsx(path: Path) -> Path:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "公共法律服务"
    ws.append([TITLE])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=14)
    ws.append(TOP)
    ws.append(SUB)
    for c in range(14):
        if c in GROUPS:
            ws.merge_cells(start_row=2, start_column=c + 1, end_row=2, end_column=c + 2)
        elif TOP[c]:
            ws.merge_cells(start_row=2, start_column=c + 1, end_row=3, end_column=c + 1)
    for r, row in enumerate(ROWS):
        ws.append(["" if covered(r, c) else v for c, v in enumerate(row)])
    for col, first, n in MERGES:
        ws.merge_cells(start_row=4 + first, start_column=col + 1, end_row=3 + first + n, end_column=col + 1)
    wb.save(path)
    return path


def write_csv(path: Path) -> Path:
    """No merges: the group names stand over their first column, the data is repeated."""
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f)
        w.writerows([[TITLE], TOP, SUB, *ROWS])
    return path


# --- Word -----------------------------------------------------------------------------------------

def long_rows(times: int) -> list[list[str]]:
    """The rows ``times`` over, numbered on: a table long enough to run over pages."""
    return [[str(i * len(ROWS) + int(row[0])), *row[1:]] for i in range(times) for row in ROWS]


def write_docx(path: Path, times: int = 1) -> Path:
    """On A3 landscape at 8 pt (few wrapped lines in the PDF); ``times`` > 1: A4 portrait at
    10 pt, the table over several pages."""
    doc = Document()
    section = doc.sections[0]
    if times == 1:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Cm(42), Cm(29.7)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(1))
    doc.styles["Normal"].font.size = Pt(8 if times == 1 else 10)
    doc.add_paragraph("附件5")
    doc.add_paragraph(TITLE)
    rows = long_rows(times)
    table = doc.add_table(rows=2 + len(rows), cols=14)
    table.style = "Table Grid"
    for c in range(14):
        table.cell(0, c).text = TOP[c]
        table.cell(1, c).text = SUB[c]
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if not covered(r % len(ROWS), c):
                table.cell(2 + r, c).text = value
    for c in range(14):
        if c in GROUPS:
            table.cell(0, c).merge(table.cell(0, c + 1))
        elif TOP[c]:
            table.cell(0, c).merge(table.cell(1, c))
    for block in range(0, len(rows), len(ROWS)):
        for col, first, n in MERGES:  # python-docx writes these as w:vMerge restart/continue
            table.cell(2 + block + first, col).merge(table.cell(1 + block + first + n, col))
    doc.add_paragraph("注：“同上”指与上一行相同。")
    doc.save(str(path))
    return path


# --- the committed fixtures -----------------------------------------------------------------------

def regenerate() -> None:
    """catalog.xls from write_xlsx, catalog.pdf and catalog-pages.pdf from write_docx, by LibreOffice."""
    soffice = shutil.which("soffice") or sys.exit("soffice not found: apt-get install libreoffice-calc-nogui "
                                                  "libreoffice-writer-nogui")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        sources = [write_xlsx(work / "catalog.xlsx"), write_docx(work / "catalog.docx"),
                   write_docx(work / "catalog-pages.docx", LONG)]
        for src, fmt in zip(sources, ("xls", "pdf", "pdf"), strict=True):
            subprocess.run([soffice, f"-env:UserInstallation=file://{work}/profile", "--headless",
                            "--convert-to", fmt, "--outdir", str(FIXTURES), str(src)], check=True)


if __name__ == "__main__":
    regenerate()
