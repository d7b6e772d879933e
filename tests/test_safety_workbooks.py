"""Issue 12, "a tiny workbook exhausts memory on import": workbooks and CSV files are read
with bounds. Each hostile file is imported in a child process whose time and peak memory
are measured."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from builder.clerk.sheets import MAX_BYTES, MAX_ROWS
from tests.safetykit import bomb_workbook, catalog, rewrite_sheet, table_workbook

pytestmark = [pytest.mark.skipif(not Path("/proc/self/status").exists(),
                                reason="peak memory is read from Linux's /proc/self/status"),
              pytest.mark.timing]  # wall-clock bounds: run alone (Makefile)

_MEASURE = """
import json, re, resource, sys
from builder.cli import main
code = main(sys.argv[1:], sys.stdout, sys.stderr)
# VmHWM, the peak of this process's own memory: ru_maxrss would count the test process's
# pages at the fork before exec.
with open("/proc/self/status") as status:
    peak = int(re.search(r"VmHWM:\\s+(\\d+)", status.read()).group(1)) / 1024
use = resource.getrusage(resource.RUSAGE_SELF)
print("\\n@@" + json.dumps({"code": code, "peak_mb": peak, "cpu_s": use.ru_utime + use.ru_stime}))
"""


def measured(*argv: str, timeout: float = 60) -> tuple[dict[str, float], list[dict[str, object]], float]:
    """(exit code, peak MB and CPU seconds, the findings, CPU seconds) of ``gkml import ...
    --format json``: CPU time, not the clock, so a busy machine does not fail the test."""
    start = time.monotonic()
    done = subprocess.run([sys.executable, "-c", _MEASURE, "import", *argv, "--format", "json"],
                          capture_output=True, text=True, timeout=timeout, check=False)
    assert time.monotonic() - start < 60
    report, _, stats = done.stdout.rpartition("\n@@")
    assert "Traceback" not in done.stderr, done.stderr[-2000:]
    measures = json.loads(stats)
    return measures, json.loads(report)["findings"], measures["cpu_s"]


@pytest.fixture
def cat(tmp_path: Path) -> Path:
    return catalog(tmp_path / "catalog", {})


def _import(cat: Path, sheet: Path) -> tuple[dict[str, float], list[dict[str, object]], float]:
    return measured(str(sheet), "--area", "cxgh", "--catalog", str(cat))


def _stray(xml: bytes, value: bool) -> bytes:
    cell = b'<c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c>' if value else b'<c r="XFD1048576" s="0"/>'
    xml = re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:XFD1048576"/>', xml)
    return xml.replace(b"</sheetData>", b'<row r="1048576">' + cell + b"</row></sheetData>")


def test_a_styled_stray_cell_at_xfd1048576_costs_nothing(cat: Path, tmp_path: Path) -> None:
    sheet = rewrite_sheet(table_workbook(tmp_path / "stray.xlsx"), lambda x: _stray(x, False))
    assert sheet.stat().st_size < 10_000
    stats, findings, seconds = _import(cat, sheet)
    assert stats["code"] == 0, findings
    assert (cat / "cxgh" / "CXGH-101.yml").is_file()
    assert seconds < 5 and stats["peak_mb"] < 300


def test_a_stray_cell_with_text_far_away_is_refused_with_its_row(cat: Path, tmp_path: Path) -> None:
    sheet = rewrite_sheet(table_workbook(tmp_path / "stray.xlsx"), lambda x: _stray(x, True))
    stats, findings, seconds = _import(cat, sheet)
    assert [f["code"] for f in findings] == ["import-format"]
    assert "1,048,576" in str(findings[0]["message"])
    assert seconds < 5 and stats["peak_mb"] < 300
    assert not (cat / "cxgh" / "CXGH-101.yml").exists()


def test_a_merge_to_the_last_cell_is_filled_only_where_there_is_text(cat: Path, tmp_path: Path) -> None:
    def merge(xml: bytes) -> bytes:
        return xml.replace(b"</sheetData>", b'</sheetData><mergeCells count="1">'
                                            b'<mergeCell ref="A4:XFD1048576"/></mergeCells>')
    sheet = rewrite_sheet(table_workbook(tmp_path / "merge.xlsx"), merge)
    assert sheet.stat().st_size < 10_000
    stats, findings, seconds = _import(cat, sheet)
    assert stats["code"] == 0, findings
    assert seconds < 5 and stats["peak_mb"] < 300


def test_a_zip_bomb_is_refused_before_it_is_inflated(cat: Path, tmp_path: Path) -> None:
    sheet = bomb_workbook(tmp_path / "bomb.xlsx")
    assert sheet.stat().st_size < 15 << 20
    stats, findings, seconds = _import(cat, sheet)
    assert [f["code"] for f in findings] == ["import-format"]
    assert f"{MAX_BYTES:,}" in str(findings[0]["message"]) and "1,677,7" in str(findings[0]["message"])
    assert seconds < 5 and stats["peak_mb"] < 300


def test_a_million_row_sheet_is_refused_at_the_row_limit(cat: Path, tmp_path: Path) -> None:
    rows = b"".join(b'<row r="%d"><c r="A%d" t="inlineStr"><is><t>x</t></is></c></row>' % (n, n)
                    for n in range(3, 1_048_577))
    sheet = rewrite_sheet(table_workbook(tmp_path / "rows.xlsx"),
                          lambda x: x.replace(b"</sheetData>", rows + b"</sheetData>"))
    stats, findings, seconds = _import(cat, sheet)
    assert [f["code"] for f in findings] == ["import-format"]
    assert f"{MAX_ROWS + 1:,}" in str(findings[0]["message"])
    assert seconds < 15 and stats["peak_mb"] < 300


def test_a_csv_cell_over_the_field_limit_is_a_finding(cat: Path, tmp_path: Path) -> None:
    path = tmp_path / "long.csv"
    path.write_text("事项编码,一级事项,二级事项,公开内容\nCXGH-101,甲,乙," + "长" * 131_073 + "\n",
                    encoding="utf-8")
    _, findings, _ = _import(cat, path)
    assert [f["code"] for f in findings] == ["import-format"] and "131072" in str(findings[0]["message"])


def test_word_and_csv_control_characters_are_never_written(cat: Path, tmp_path: Path) -> None:
    path = tmp_path / "word.csv"
    path.write_text("事项编码,一级事项,二级事项,公开内容,公开依据,公开时限,公开主体,公开渠道,公开对象,"
                    "公开方式,公开层级\nCXGH-101,规划编制\x07,城市\x0b详细规划,规划\x00文件,《城乡规划法》,"
                    "实时公开,测试县自然资源局,政府网站,全社会,主动公开,县级\n", encoding="utf-8")
    stats, findings, _ = _import(cat, path)
    assert stats["code"] == 0, findings
    text = (cat / "cxgh" / "CXGH-101.yml").read_text(encoding="utf-8")
    assert not re.search(r"\\[0abtve]|\\x|[\x00-\x08\x0b-\x1f]", text.split("\n", 2)[2])
    assert "规划文件" in text and "城市" in text
