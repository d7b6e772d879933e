"""The official table layout: header, cells, CSV, XLSX and JSON."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path

from openpyxl import load_workbook

from builder import tables
from builder.catalog import load_catalog
from builder.model import Item, Site
from builder.tables import TICK, cells, header_rows, split_channels
from tests.conftest import ROOT

SITE = Site(levels=("县级", "乡级", "村级"))
LEGAL_AID = Item.from_data("ggfl", "ggfl/GGFL-005.yml", {
    "code": "GGFL-005", "columns": {"level1": "法律援助", "level2": "法律援助服务"},
    "content": "给予法律援助决定书;不予法律援助决定书;指派通知书",
    "basis": ["《法律援助条例》", "《中华人民共和国政府信息公开条例》"],
    "time_limit": "自制作或获取该信息之日起20个工作日内公开", "subject": "示例县法律援助中心",
    "method": ["主动公开", "依申请公开"], "channels": ["精准推送", "其他：法律服务网"],
    "audience": "特定群体", "audience_group": "法律援助申请人", "levels": ["县级", "村级"],
})


def test_header_has_two_rows_with_site_levels() -> None:
    first, second = header_rows(SITE)
    assert len(first) == len(second) == len(tables.columns(SITE))
    assert first[:3] == ["序号", "事项编码", "公开事项"]
    assert second[2:5] == ["一级事项", "二级事项", "三级事项"]
    levels = first.index("公开层级")
    assert second[levels:levels + 3] == ["县级", "乡级", "村级"]
    assert first[-1] == "情况说明" and first[levels + 1] == ""


def test_cells_tick_and_join() -> None:
    row = dict(zip(header_rows(SITE)[1], cells(LEGAL_AID, SITE, 5), strict=True))
    plain = dict(zip(header_rows(SITE)[0], cells(LEGAL_AID, SITE, 5), strict=True))
    assert plain["序号"] == "5" and plain["事项编码"] == "GGFL-005"
    assert row["全社会"] == "" and row["特定群体"] == "法律援助申请人"
    assert row["主动"] == row["依申请"] == TICK
    assert (row["县级"], row["乡级"], row["村级"]) == (TICK, "", TICK)
    assert plain["公开依据"].splitlines() == list(LEGAL_AID.basis)
    assert split_channels(plain["公开渠道和载体"]) == list(LEGAL_AID.channels)
    assert cells(LEGAL_AID, SITE)[0] == ""


def test_csv_has_bom_and_both_header_rows(tmp_path: Path) -> None:
    path = tmp_path / "out.csv"
    tables.write_csv(path, SITE, [LEGAL_AID])
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    table = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert table[:2] == list(header_rows(SITE))
    assert table[2] == cells(LEGAL_AID, SITE, 1)
    stream = io.StringIO()
    tables.write_csv(stream, SITE, [LEGAL_AID])
    assert stream.getvalue().encode("utf-8") == raw


def test_xlsx_layout(tmp_path: Path) -> None:
    path = tmp_path / "out.xlsx"
    tables.write_xlsx(path, SITE, [LEGAL_AID, LEGAL_AID], "示例县公共法律服务领域基层政务公开标准目录")
    ws = load_workbook(path).active
    assert ws is not None
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert {"A1:R1", "A2:A3", "C2:E2", "K2:L2", "M2:N2", "O2:Q2", "R2:R3"} <= merged
    assert ws["A1"].value.startswith("示例县")
    assert (ws["C2"].value, ws["C3"].value) == ("公开事项", "一级事项")
    assert ws.freeze_panes == "C4"
    assert ws["F4"].alignment.wrap_text and ws.column_dimensions["F"].width == 40
    assert [c.value or "" for c in ws[5]] == cells(LEGAL_AID, SITE, 2)


def test_xlsx_bytes_do_not_depend_on_when_it_was_written(tmp_path: Path) -> None:
    path = tmp_path / "out.xlsx"
    tables.write_xlsx(path, SITE, [LEGAL_AID], "目录")
    with zipfile.ZipFile(path) as z:
        assert {i.date_time for i in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    props = load_workbook(path).properties
    assert props.created == props.modified and props.modified.year == 1980
    first = path.read_bytes()
    tables.write_xlsx(path, SITE, [LEGAL_AID], "目录")
    assert path.read_bytes() == first


def test_catalog_json_of_the_bundled_catalog() -> None:
    catalog = load_catalog(ROOT / "catalog").catalog()
    data = tables.catalog_json(catalog)
    assert len(data["items"]) == len(catalog.items) > 0 and len(data["areas"]) == len(catalog.areas)
    assert data["site"]["levels"] == list(catalog.site.levels)
    first = data["items"][0]
    assert isinstance(first["method"], list) and set(first) >= {"code", "area", "columns", "basis"}
    assert "城乡规划" in json.dumps(data, ensure_ascii=False)
