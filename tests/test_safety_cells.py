"""Issue 12, "formulas in the inspector's 计分表": every cell gkml writes, in every CSV and
XLSX (the downloads and ``gkml export``, every ``gkml check`` format), is text that no
spreadsheet runs; control characters and over-long text are refused at validation."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from builder.tables import csv_cell, csv_unescape, looks_like_formula, xlsx_cell
from builder.textsafe import CELL_LIMIT
from tests.conftest import run
from tests.safetykit import catalog

EVIL = '=HYPERLINK("http://evil.example","x")'
STARTS = ("=", "+", "-", "@", "\t", "\r")


def _xlsx_values(path: Path) -> list[tuple[Any, str]]:
    wb = load_workbook(path)
    return [(c.value, c.data_type) for ws in wb.worksheets for row in ws.iter_rows() for c in row
            if c.value is not None]


def _no_formula_in_xml(path: Path) -> None:
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in z.read(name) and b"<f " not in z.read(name), name


@pytest.fixture
def hostile(tmp_path: Path) -> Path:
    exemption = {"element": "notes", "reason": "=1+1", "approved_by": "@SUM(A1)", "until": "2099-01-01"}
    return catalog(tmp_path / "catalog",
                   {"subject": EVIL, "exemptions": [exemption]},
                   {"content": "+cmd|' /C calc'!A0", "time_limit": ""},
                   site={"jurisdiction": "=2+3", "levels": ["=A1", "-1", "县级"]}, area={"name": "@SUM(1)"})


def test_check_xlsx_writes_every_value_as_text(hostile: Path, tmp_path: Path) -> None:
    out = tmp_path / "score.xlsx"
    assert run("check", str(hostile), "--format", "xlsx", "--output", str(out)).code == 0
    _no_formula_in_xml(out)
    cells = _xlsx_values(out)
    texts = {v for v, t in cells if t == "s"}
    assert {EVIL, "=2+3", "@SUM(1)", "=1+1", "@SUM(A1)"} <= texts
    assert all(t in ("s", "n", "b") for _, t in cells)  # text, numbers, true/false: never "f"


def test_check_csv_cells_cannot_start_a_formula(hostile: Path) -> None:
    result = run("check", str(hostile), "--format", "csv")
    rows = list(csv.reader(io.StringIO(result.out.lstrip("\ufeff"))))
    cells = [c for row in rows for c in row]
    assert "'@SUM(1)" in cells  # the area name, once raw
    assert not [c for c in cells if c.startswith(STARTS)]


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_export_titles_and_headers_from_site_yml_are_text(hostile: Path, tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"out.{fmt}"
    result = run("export", "--catalog", str(hostile), "--format", fmt, "--output", str(out))
    assert result.code == 0, result.out
    if fmt == "xlsx":
        _no_formula_in_xml(out)
        cells = _xlsx_values(out)
        assert all(t == "s" for _, t in cells)
        values = {v for v, _ in cells}
        assert {"=A1", "-1", EVIL, "=2+3政务公开事项标准目录"} <= values
    else:
        texts = [c for row in csv.reader(io.StringIO(out.read_text(encoding="utf-8-sig"))) for c in row]
        assert not [c for c in texts if c.startswith(STARTS)]
        assert "'=A1" in texts and f"'{EVIL}" in texts


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_any_string_is_a_text_cell_in_xlsx_and_never_a_formula_in_csv(text: str) -> None:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("s")
    ws.append([xlsx_cell(ws, text)])
    buf = io.BytesIO()
    wb.save(buf)
    cell = load_workbook(io.BytesIO(buf.getvalue())).worksheets[0].cell(1, 1)
    if text:
        assert cell.data_type == "s"
        assert cell.quotePrefix == looks_like_formula(text)
    if text and "\r" not in text and not any(ord(c) < 32 and c not in "\t\n" for c in text):
        assert cell.value == text
    written = csv_cell(text)
    assert not written.startswith(STARTS)
    assert csv_unescape(written) == text
    row = next(csv.reader(io.StringIO(_csv_line(written))))
    assert row == [written]


def _csv_line(cell: str) -> str:
    buf = io.StringIO()
    csv.writer(buf).writerow([cell])
    return buf.getvalue()


@pytest.mark.parametrize("value", ["\x0b", "\x00", "\x07", "\x1b[2J", "\x9b31m", "a\rb"])
def test_escaped_control_characters_are_refused_at_validation(tmp_path: Path, value: str) -> None:
    cat = catalog(tmp_path / "c", {"content": f"规划文件{value}"})
    result = run("validate", str(cat), "--format", "json")
    assert result.code == 1
    assert '"text-control-char"' in result.out


def test_control_characters_neither_crash_nor_leak_through_export_and_build_refuses(tmp_path: Path) -> None:
    cat = catalog(tmp_path / "c", {"content": "规划\x0b文件"}, {})
    result = run("export", "--catalog", str(cat), "--format", "xlsx", "--output", str(tmp_path / "o.xlsx"))
    assert result.code == 0 and "Traceback" not in result.out + result.err
    assert "export-skipped" in result.out  # the bad item is named, the good one exported
    assert len(_xlsx_values(tmp_path / "o.xlsx")) > 0


def test_text_over_excels_cell_limit_is_refused_not_cut(tmp_path: Path) -> None:
    cat = catalog(tmp_path / "c", {"content": "字" * (CELL_LIMIT + 1)})
    result = run("validate", str(cat), "--format", "json")
    assert result.code == 1 and '"text-too-long"' in result.out
    ok = catalog(tmp_path / "d", {"content": "字" * CELL_LIMIT})
    assert run("validate", str(ok)).code == 0


def test_terminal_escapes_in_values_are_shown_not_obeyed(tmp_path: Path) -> None:
    cat = catalog(tmp_path / "c", {"code": "CXGH-001\x1b[2J\x1b[32m校验通过"})
    result = run("validate", str(cat))
    assert "\x1b" not in result.out
    assert "\\x1b[2J" in result.out


def test_build_refuses_a_control_character_with_a_finding_not_a_traceback(tmp_path: Path) -> None:
    cat = catalog(tmp_path / "c", {"content": "规划\x1b[2J文件"})
    result = run("build", str(cat), "--site-dir", str(tmp_path / "site"))
    assert result.code == 1 and "[text-control-char]" in result.out
    assert "Traceback" not in result.out + result.err and not (tmp_path / "site").exists()
