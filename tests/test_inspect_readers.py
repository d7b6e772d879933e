"""gkml inspect's readers on one real catalog table (official-format.md b.9) in every format
portals publish, and on the hostile files an inspector may be handed or served.

Every format is written here from ``tests/inspect_tables.py`` except .xls and PDF, which
LibreOffice made once (``tests/inspect_fixtures/README.md``). The fetch tests run a real
``http.server`` on 127.0.0.1: nothing reaches the internet.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import http.server
import json
import subprocess
import sys
import threading
import time
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from PIL import Image

from builder.inspect.fetch import USER_AGENT
from builder.inspect.html import decode
from builder.inspect.published import Limits, Table, guess_area, read_rows
from builder.inspect.sources import Reading, read_source
from tests import inspect_tables as T
from tests.conftest import ROOT

Writer = Callable[[Path], Path]
FORMATS: dict[str, Writer] = {
    "html-utf8": lambda d: T.write_html(d / "page.html", "utf-8"),
    "html-gbk": lambda d: T.write_html(d / "page.htm", "gbk"),
    "xlsx": lambda d: T.write_xlsx(d / "catalog.xlsx"),
    "xls": lambda d: T.FIXTURES / "catalog.xls",
    "csv": lambda d: T.write_csv(d / "catalog.csv"),
    "docx": lambda d: T.write_docx(d / "catalog.docx"),
    "pdf": lambda d: T.FIXTURES / "catalog.pdf",
}
LEVEL1, TIME_LIMIT, SUBJECT = 1, 5, 6


def _only_table(reading: Reading) -> Table:
    assert [f.code for f in reading.findings] == []
    assert len(reading.tables) == 1
    return reading.tables[0]


def _rows(table: Table) -> list[tuple[str, dict[str, Any]]]:
    rows, findings = read_rows(table)
    assert [f.code for f in findings] == []
    return [(r.number, r.data) for r in rows]


@pytest.fixture(scope="module")
def expected(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[str, dict[str, Any]]]:
    """The rows as read from the .xlsx, the format ``gkml import`` has always read."""
    return _rows(_only_table(read_source(T.write_xlsx(tmp_path_factory.mktemp("x") / "catalog.xlsx"))))


# --- the same table in every format ---------------------------------------------------------------

@pytest.mark.parametrize("fmt", FORMATS)
def test_the_same_table_reads_to_the_same_rows_in_every_format(
        fmt: str, tmp_path: Path, expected: list[tuple[str, dict[str, Any]]]) -> None:
    table = _only_table(read_source(FORMATS[fmt](tmp_path)))
    assert _rows(table) == expected
    assert table.area == "公共法律服务"
    assert table.title == T.TITLE


def test_the_rows_are_the_published_rows(expected: list[tuple[str, dict[str, Any]]]) -> None:
    """同上 took the row above, ticks and the named 特定群体 were read, 序号 kept as published."""
    assert [n for n, _ in expected] == ["1", "2", "3", "4", "5"]
    first, second, _, _, fifth = (d for _, d in expected)
    assert second["basis"] == first["basis"] == [T.PUFA]
    assert second["channels"] == first["channels"]
    assert "其他：法律服务网" in first["channels"]
    assert first["levels"] == ["县级", "乡级"]
    assert (fifth["audience"], fifth["audience_group"]) == ("特定群体", "法律援助申请人")
    assert fifth["method"] == "依申请公开"


@pytest.mark.parametrize("fmt", ["html-utf8", "xlsx", "xls", "docx", "pdf"])
def test_merged_cells_are_filled_in_the_grid(fmt: str, tmp_path: Path) -> None:
    """rowspan, xlsx/xls merges, w:vMerge and a PDF's spanned cells: each covered cell holds
    the merged value (公开时限 and 公开主体 have no blank-means-above rule to hide a miss)."""
    table = _only_table(read_source(FORMATS[fmt](tmp_path)))
    first = table.layout.header_rows
    block = [table.grid.rows[first + r] for r in range(4)]
    assert {row[TIME_LIMIT] for row in block} == {T.T_LAW}
    assert {row[SUBJECT] for row in block} == {"司法行政部门"}
    assert [row[LEVEL1] for row in block[:3]] == ["法治宣传教育"] * 3


def test_a_pdf_table_over_several_pages_is_one_table(expected: list[tuple[str, dict[str, Any]]]) -> None:
    """The 40 rows run over 12 A4 pages: headers only on the first, rows cut by page breaks,
    merged cells split by them. Read back, they are the five rows eight times over."""
    table = _only_table(read_source(T.FIXTURES / "catalog-pages.pdf"))
    assert _rows(table) == [(str(i + 1), expected[i % 5][1]) for i in range(5 * T.LONG)]


def test_rows_carry_their_grid_row_number(tmp_path: Path) -> None:
    rows, _ = read_rows(_only_table(read_source(T.write_xlsx(tmp_path / "c.xlsx"))))
    assert [r.row for r in rows] == [4, 5, 6, 7, 8]  # title row, two header rows, then the items


def test_docx_vertical_merge_with_text_only_in_its_first_cell(tmp_path: Path) -> None:
    path = T.write_docx(tmp_path / "c.docx")
    xml = zipfile.ZipFile(path).read("word/document.xml").decode()
    assert 'w:vMerge w:val="restart"' in xml and "<w:vMerge/>" in xml  # a real Word merge, not copies
    table = _only_table(read_source(path))
    assert table.grid.rows[table.layout.header_rows + 2][SUBJECT] == "司法行政部门"


# --- what is not a catalog table ------------------------------------------------------------------

def test_a_page_without_a_catalog_table_shows_the_headers_it_saw(tmp_path: Path) -> None:
    page = tmp_path / "list.html"
    page.write_text('<html><head><meta charset="utf-8"><title>通知公告</title></head><body>'
                    "<table><tr><td>首页</td><td>政务公开</td></tr></table>"
                    "<table><tr><th>序号</th><th>标题</th><th>发布日期</th></tr>"
                    "<tr><td>1</td><td>关于开展安全生产检查的通知</td><td>2023-05-01</td></tr></table>"
                    "</body></html>", encoding="utf-8")
    reading = read_source(page)
    assert reading.tables == []
    [finding] = reading.findings
    assert finding.code == "inspect-no-table"
    assert "序号 | 标题 | 发布日期" in str(finding.params["headers"])
    assert "首页 | 政务公开" in str(finding.params["headers"])


def test_layout_tables_around_the_catalog_are_passed_over(tmp_path: Path) -> None:
    """The test page has a navigation table before the catalog and a footer table after."""
    table = _only_table(read_source(T.write_html(tmp_path / "p.html", "utf-8")))
    assert table.locator == "表2"


def test_several_tables_on_one_page_each_get_the_area_of_their_heading(tmp_path: Path) -> None:
    one = T.page_html().split('<table border="1"', 1)[1].split("</table>", 1)[0]
    page = tmp_path / "two.html"
    page.write_text('<html><head><meta charset="utf-8"></head><body>'
                    f'<h2>一、公共法律服务领域</h2><table border="1"{one}</table>'
                    f'<h2>二、安全生产领域</h2><div><table border="1"{one}</table></div></body></html>',
                    encoding="utf-8")
    reading = read_source(page)
    assert [(t.index, t.locator, t.area) for t in reading.tables] == [
        (1, "表1", "公共法律服务"), (2, "表2", "安全生产")]


@pytest.mark.parametrize(("texts", "area"), [
    (["新园街道生态环境领域基层政务公开标准目录"], "环境保护"),
    (["附件5：公共文化服务领域基层政务公开标准目录"], "公共文化服务"),
    (["基层政务公开标准目录", "福州市安全生产领域基层政务公开标准目录"], "安全生产"),
    (["城乡规划、安全生产领域目录"], ""),
    (["Sheet1", "目录"], ""),
])
def test_the_area_is_guessed_from_titles(texts: list[str], area: str) -> None:
    assert guess_area(texts) == area


@pytest.mark.parametrize(("suffix", "target"), [(".doc", ".docx"), (".wps", ".docx"), (".et", ".xlsx")])
def test_legacy_office_files_say_how_to_convert(suffix: str, target: str, tmp_path: Path) -> None:
    path = tmp_path / f"目录{suffix}"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504)
    [finding] = read_source(path).findings
    assert finding.code == "inspect-legacy-office"
    assert f"另存为”{target}" in finding.text("zh")[1]


@pytest.mark.parametrize("name", ["目录.doc", "目录.xls", "目录.et"])
def test_a_web_page_saved_under_an_office_name_is_read_as_a_page(name: str, tmp_path: Path) -> None:
    """Word's "save as web page" and portals' "export to Excel" give HTML under .doc/.xls names."""
    path = tmp_path / name
    path.write_bytes(T.page_html("gbk").encode("gb18030"))
    assert _only_table(read_source(path)).area == "公共法律服务"


def test_a_folder_is_read_in_name_order(tmp_path: Path) -> None:
    T.write_csv(tmp_path / "b.csv")
    T.write_html(tmp_path / "a.html", "utf-8")
    (tmp_path / "notes.txt").write_text("not read", encoding="utf-8")
    reading = read_source(tmp_path)
    assert [Path(t.source).name for t in reading.tables] == ["a.html", "b.csv"]
    assert [Path(s.path).name for s in reading.stamps] == ["a.html", "b.csv"]
    assert reading.stamps[0].sha256 == hashlib.sha256((tmp_path / "a.html").read_bytes()).hexdigest()


def test_a_folder_reads_a_bounded_number_of_files(tmp_path: Path) -> None:
    for i in range(3):
        T.write_csv(tmp_path / f"{i}.csv")
    reading = read_source(tmp_path, limits=Limits(files=2))
    assert len(reading.tables) == 2
    assert [f.code for f in reading.findings] == ["inspect-files-skipped"]


def test_cells_pasted_from_word_read_as_their_lines(tmp_path: Path) -> None:
    """Word's HTML: paragraphs and spans in cells, &nbsp; for empty cells, source line breaks."""
    page = tmp_path / "word.htm"
    cells = ["序号", "公开事项", "公开内容（要素）", "公开依据", "公开渠道和载体"]
    row = ["1", "法律援助服务", '<p class="MsoNormal"><span>给予法律援助决定书;</span></p>\n'
           '<p class="MsoNormal"><span>指派通知书</span></p>', "&nbsp;",
           '<span lang="EN-US">■</span><span>政府网站</span><br>\n  <span>□</span>两微一端']
    page.write_text("<table><tr>" + "".join(f"<td><b>{c}</b></td>" for c in cells) + "</tr><tr>"
                    + "".join(f"<td>{c}</td>" for c in row) + "</tr></table>", encoding="utf-8")
    table = _only_table(read_source(page))
    assert table.grid.rows[1][2:] == ["给予法律援助决定书;\n指派通知书", "", "■政府网站\n□两微一端"]


@pytest.mark.parametrize(("raw", "text", "exact"), [
    ('<meta charset="gb2312"><p>公开依据</p>'.encode("gbk"), "公开依据", True),
    ("<p>公开依据</p>".encode("gbk"), "公开依据", True),  # no declaration: UTF-8 fails, GB18030 fits
    ('<meta charset="utf-8"><p>公开依据</p>'.encode("gbk"), "公开依据", True),  # a wrong declaration
    ("\ufeff<p>公开依据</p>".encode(), "公开依据", True),
    (b"<p>\x81\x20</p>", "<p>", False),
])
def test_charset_detection(raw: bytes, text: str, exact: bool) -> None:
    decoded, ok = decode(raw)
    assert text in decoded
    assert ok is exact


# --- hostile inputs: refused in seconds, in bounded memory ----------------------------------------

def _read_in_child(path: Path) -> tuple[list[dict[str, Any]], float, int]:
    """read_source in a fresh interpreter: (its findings, seconds, peak memory in MB).
    The peak is VmHWM, as in test_cli: ru_maxrss would count pytest's pages too."""
    code = ("import sys, re, json, time, pathlib; from builder.inspect.sources import read_source; "
            "t = time.monotonic(); r = read_source(sys.argv[1]); t = time.monotonic() - t; "
            "hwm = re.search(r'VmHWM:\\s+(\\d+)', pathlib.Path('/proc/self/status').read_text()).group(1); "
            "print(json.dumps({'findings': [{'code': f.code, **f.params} for f in r.findings], "
            "'tables': len(r.tables), 'seconds': t, 'kb': int(hwm)}, default=str))")
    proc = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True,
                          check=True, cwd=ROOT, timeout=120)
    out = json.loads(proc.stdout)
    assert out["tables"] == 0
    return out["findings"], out["seconds"], out["kb"] // 1024


def _chunks(path: Path, head: bytes, chunk: bytes, times: int, tail: bytes = b"") -> Path:
    """Write a large file a chunk at a time: the child must not inherit a 50 MB object."""
    with path.open("wb") as f:
        f.write(head)
        for _ in range(times):
            f.write(chunk)
        f.write(tail)
    return path


def _with_sheet(path: Path, write: Callable[[Any], None]) -> Path:
    """The test workbook with its sheet's XML replaced by what ``write`` streams out."""
    T.write_xlsx(path.with_suffix(".orig"))
    with zipfile.ZipFile(path.with_suffix(".orig")) as src, \
            zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            if info.filename == "xl/worksheets/sheet1.xml":
                with out.open(info.filename, "w") as f:
                    write(f)
            else:
                out.writestr(info, src.read(info))
    return path


def _bomb(path: Path) -> Path:
    """An .xlsx whose sheet unpacks to 200 MB (a few hundred KB packed)."""
    def write(f: Any) -> None:
        f.write(b"<worksheet><sheetData>")
        for _ in range(200):
            f.write(b" " * (1 << 20))
        f.write(b"</sheetData></worksheet>")
    return _with_sheet(path, write)


def _empty_cells_xlsx(path: Path) -> Path:
    """An .xlsx of 1,000 rows of 100 empty cells: 1.2 MB unpacked, 100,000 openpyxl cells."""
    def write(f: Any) -> None:
        f.write(b"<worksheet><sheetData>")
        for r in range(1, 1001):
            f.write(f'<row r="{r}">'.encode() + b"".join(b'<c r="A%d"/>' % r for _ in range(100)) + b"</row>")
        f.write(b"</sheetData></worksheet>")
    return _with_sheet(path, write)


def _empty_cells_docx(path: Path) -> Path:
    """A .docx whose one table has 1,000 rows of 100 empty cells (2.5 MB of XML, 30 KB packed)."""
    T.write_docx(path.with_suffix(".orig"))
    row = b"<w:tr>" + b"<w:tc/>" * 100 + b"</w:tr>"
    with zipfile.ZipFile(path.with_suffix(".orig")) as src, \
            zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "word/document.xml":
                head, tail = data.split(b"<w:tbl>", 1)
                data = head + b"<w:tbl>" + row * 1000 + b"</w:tbl>" + tail.split(b"</w:tbl>", 1)[1]
            out.writestr(info, data)
    return path


def _scan(path: Path) -> Path:
    """A scanned catalog: pages that are pictures, no text layer."""
    pages = [Image.new("L", (800, 600), 255) for _ in range(3)]
    pages[0].save(path, save_all=True, append_images=pages[1:])
    return path


HOSTILE: dict[str, tuple[Callable[[Path], Path], str, int | None]] = {
    "50 MB page": (lambda d: _chunks(d / "big.html", b"<html><body><table>", b"<tr><td>x</td></tr>" * 50_000,
                                     55), "inspect-too-large", None),
    "100,000 empty cells": (lambda d: _chunks(d / "cells.html", b"<html><body><table>",
                                              b"<tr>" + b"<td></td>" * 100 + b"</tr>", 1000, b"</table>"),
                            "inspect-table-too-large", 100_000),
    "xlsx zip bomb": (lambda d: _bomb(d / "bomb.xlsx"), "inspect-unpacked-too-large", None),
    "xlsx of 100,000 empty cells": (lambda d: _empty_cells_xlsx(d / "cells.xlsx"), "inspect-table-too-large",
                                    100_000),
    "docx of 100,000 empty cells": (lambda d: _empty_cells_docx(d / "cells.docx"), "inspect-table-too-large",
                                    100_000),
    "pdf without text": (lambda d: _scan(d / "scan.pdf"), "inspect-pdf-no-text", None),
}


@pytest.mark.timing
@pytest.mark.parametrize("case", HOSTILE)
def test_hostile_inputs_are_refused_fast_in_bounded_memory(case: str, tmp_path: Path) -> None:
    make, code, cells = HOSTILE[case]
    findings, seconds, peak_mb = _read_in_child(make(tmp_path))
    assert [f["code"] for f in findings] == [code]
    if cells is not None:
        assert findings[0]["cells"] == cells
    assert seconds < 5, seconds
    assert peak_mb < 250, peak_mb


def test_a_too_large_table_does_not_stop_the_next_one(tmp_path: Path) -> None:
    one = T.page_html().split('<table border="1"', 1)[1].split("</table>", 1)[0]
    page = tmp_path / "p.html"
    page.write_text("<html><body><table>" + "<tr><td></td><td></td></tr>" * 600 + "</table>"
                    f'<h2>公共法律服务</h2><table border="1"{one}</table></body></html>', encoding="utf-8")
    reading = read_source(page, limits=Limits(cells=1000))
    assert [f.code for f in reading.findings] == ["inspect-table-too-large"]
    assert reading.findings[0].params["cells"] == 1200
    assert [t.locator for t in reading.tables] == ["表2"]


def test_a_huge_rowspan_is_clamped_to_the_table(tmp_path: Path) -> None:
    page = tmp_path / "p.html"
    page.write_text('<table><tr><td rowspan="65534" colspan="99999">公开事项</td><td>公开内容</td></tr>'
                    "<tr><td>x</td></tr></table>", encoding="utf-8")
    small = read_source(page, limits=Limits(cells=1500))
    assert [f.code for f in small.findings] == ["inspect-table-too-large"]
    assert small.findings[0].params["cells"] == 2002  # 1000 columns (the cap) + 1, twice: not 65534 rows
    roomy = read_source(page, limits=Limits(cells=5000))
    assert [f.code for f in roomy.findings] == ["inspect-no-table"]  # 公开事项 and 公开内容: two kinds


def test_a_pdf_is_read_to_a_bounded_number_of_pages() -> None:
    reading = read_source(T.FIXTURES / "catalog-pages.pdf", limits=Limits(pdf_pages=2))
    assert [(f.code, f.params["pages"]) for f in reading.findings] == [("inspect-pages-skipped", 12)]
    assert 0 < len(read_rows(reading.tables[0])[0]) < 5 * T.LONG


def test_a_page_is_read_to_a_bounded_number_of_tables(tmp_path: Path) -> None:
    page = T.write_html(tmp_path / "p.html", "utf-8")  # navigation, catalog, footer
    reading = read_source(page, limits=Limits(tables=2))
    assert [(f.code, f.params["count"]) for f in reading.findings] == [("inspect-tables-skipped", 3)]
    assert [t.locator for t in reading.tables] == ["表2"]


def test_a_damaged_xls_is_a_finding(tmp_path: Path) -> None:
    path = tmp_path / "c.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x01" * 1000)
    assert [f.code for f in read_source(path).findings] == ["inspect-format"]


def test_a_damaged_docx_is_a_finding(tmp_path: Path) -> None:
    path = tmp_path / "c.docx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("word/document.xml", "<w:document")
    assert [f.code for f in read_source(path).findings] == ["inspect-format"]


def test_a_docx_without_tables_is_reported(tmp_path: Path) -> None:
    doc = Document()
    doc.add_paragraph("测试县公共法律服务领域基层政务公开标准目录（见附件）")
    doc.save(str(tmp_path / "c.docx"))
    [finding] = read_source(tmp_path / "c.docx").findings
    assert (finding.code, finding.params["headers"]) == ("inspect-no-table", "（没有表格）")


# --- fetching an address --------------------------------------------------------------------------

class _Handler(http.server.BaseHTTPRequestHandler):
    agents: list[str] = []  # noqa: RUF012  # shared by the server's handler instances on purpose

    def do_GET(self) -> None:
        _Handler.agents.append(self.headers.get("User-Agent", "").encode("latin-1").decode("utf-8"))
        if self.path == "/slow":
            time.sleep(1.5)
            self.close_connection = True
            return  # the client gave up long ago; nothing to write to
        if self.path == "/missing":
            self.send_error(404)
            return
        body, kind = T.page_html("gbk").encode("gb18030"), "text/html; charset=GBK"
        if self.path == "/huge":
            body = b"x" * 3000
        elif self.path.startswith("/download"):  # an attachment link: the name is not in the address
            body, kind = (T.FIXTURES / "catalog.xls").read_bytes(), "application/vnd.ms-excel"
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:  # the base class's parameter name
        pass


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_an_address_is_fetched_once_and_kept_with_its_sha256_and_time(
        server: str, tmp_path: Path, expected: list[tuple[str, dict[str, Any]]]) -> None:
    before = dt.datetime.now(dt.UTC).replace(microsecond=0)
    _Handler.agents.clear()
    url = f"{server}/zwgk/ggfl.shtml"
    reading = read_source(url, evidence=tmp_path / "evidence")
    table = _only_table(reading)
    assert (table.source, table.area) == (url, "公共法律服务")
    assert _rows(table) == expected
    assert _Handler.agents == [USER_AGENT]
    [stamp] = reading.stamps
    kept = Path(stamp.path)
    assert kept.parent == tmp_path / "evidence" and kept.suffix == ".shtml"
    assert stamp.sha256 == hashlib.sha256(T.page_html("gbk").encode("gb18030")).hexdigest()
    assert hashlib.sha256(kept.read_bytes()).hexdigest() == stamp.sha256
    assert before <= dt.datetime.fromisoformat(stamp.fetched_at) <= dt.datetime.now(dt.UTC)
    note = json.loads(kept.with_suffix(".json").read_text(encoding="utf-8"))
    assert (note["url"], note["sha256"], note["fetched_at"]) == (url, stamp.sha256, stamp.fetched_at)


def test_an_attachment_address_is_kept_under_its_content_type(
        server: str, tmp_path: Path, expected: list[tuple[str, dict[str, Any]]]) -> None:
    reading = read_source(f"{server}/download?id=5", evidence=tmp_path)
    assert _rows(_only_table(reading)) == expected
    assert Path(reading.stamps[0].path).suffix == ".xls"


@pytest.mark.timing
@pytest.mark.parametrize(("path", "limits", "code"), [
    ("/slow", Limits(timeout=0.5), "inspect-fetch-timeout"),
    ("/huge", Limits(fetch_bytes=1000), "inspect-fetch-too-large"),
    ("/missing", Limits(), "inspect-fetch-status"),
])
def test_fetch_problems_are_findings_and_keep_nothing(path: str, limits: Limits, code: str, server: str,
                                                      tmp_path: Path) -> None:
    started = time.monotonic()
    reading = read_source(server + path, evidence=tmp_path, limits=limits)
    assert [f.code for f in reading.findings] == [code]
    assert (reading.tables, reading.stamps) == ([], [])
    assert list(tmp_path.iterdir()) == []
    assert time.monotonic() - started < 2.5


def test_an_unreachable_address_is_a_finding(tmp_path: Path) -> None:
    reading = read_source("http://127.0.0.1:9/", evidence=tmp_path, limits=Limits(timeout=2))
    assert [f.code for f in reading.findings] == ["inspect-fetch-failed"]
