"""A small catalog written from Python values, for the hostile-input tests (test_safety_*)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

ITEM: dict[str, Any] = {
    "code": "CXGH-001",
    "columns": {"level1": "规划编制", "level2": "城市、镇总体规划"},
    "content": "规划批准文件、脱密后的文本及图纸等",
    "basis": ["《中华人民共和国城乡规划法》"],
    "time_limit": "信息形成或者变更之日起20个工作日内",
    "subject": "测试县自然资源局",
    "method": "主动公开",
    "channels": ["政府网站"],
    "audience": "全社会",
    "levels": ["县级"],
}
SITE: dict[str, Any] = {"jurisdiction": "测试县人民政府", "short_name": "测试县", "levels": ["县级", "乡级"]}
AREA: dict[str, Any] = {"name": "城乡规划", "prefix": "CXGH", "order": 1,
                        "lead": {"name": "测试县自然资源局"}, "guideline": "城乡规划领域基层政务公开标准指引"}


def dump(path: Path, data: dict[str, Any]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def catalog(root: Path, *items: dict[str, Any], site: dict[str, Any] | None = None,
            area: dict[str, Any] | None = None) -> Path:
    """``root`` holding site.yml, the area cxgh and ``items`` (each laid over ``ITEM``;
    the code numbered from 001 unless given)."""
    dump(root / "site.yml", {**SITE, **(site or {})})
    dump(root / "cxgh" / "_area.yml", {**AREA, **(area or {})})
    for n, extra in enumerate(items or ({},), 1):
        data = {**ITEM, "code": f"CXGH-{n:03d}", **extra}
        dump(root / "cxgh" / f"{data['code']}.yml", data)
    return root


# --- hostile workbooks (issue 12) ------------------------------------------------------------

def table_workbook(path: Path) -> Path:
    """A small valid sheet in the official layout: two header rows and one item."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["事项编码", "一级事项", "二级事项", "公开内容", "公开依据", "公开时限", "公开主体",
               "公开渠道", "公开对象", "公开方式", "公开层级"])
    ws.append(["CXGH-101", "规划编制", "城市详细规划", "规划文件", "《城乡规划法》", "实时公开",
               "测试县自然资源局", "政府网站", "全社会", "主动公开", "县级"])
    wb.save(path)
    return path


def rewrite_sheet(path: Path, edit: Any) -> Path:
    """``path`` with its first sheet's XML passed through ``edit(bytes) -> bytes``."""
    import zipfile

    with zipfile.ZipFile(path) as src:
        parts = {i.filename: src.read(i.filename) for i in src.infolist()}
    parts["xl/worksheets/sheet1.xml"] = edit(parts["xl/worksheets/sheet1.xml"])
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for name, body in parts.items():
            dst.writestr(name, body)
    return path


def bomb_workbook(path: Path, chunk: int = 16 << 20, times: int = 100) -> Path:
    """A workbook whose sheet XML inflates to ``chunk * times`` bytes (1.6 GB by default) from
    a few MB: one deflated chunk repeated (each ends in a full flush, so the copies join)."""
    import struct
    import zipfile
    import zlib

    table_workbook(path)
    body = b" " * chunk
    comp = zlib.compressobj(1, zlib.DEFLATED, -15)
    deflated = (comp.compress(body) + comp.flush(zlib.Z_FULL_FLUSH)) * times
    deflated += zlib.compressobj(1, zlib.DEFLATED, -15).flush()
    crc = 0
    for _ in range(times):
        crc = zlib.crc32(body, crc)
    with zipfile.ZipFile(path) as src:
        parts = {i.filename: src.read(i.filename) for i in src.infolist()}
    name = "xl/worksheets/sheet1.xml"
    del parts[name]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for other, data in parts.items():
            dst.writestr(other, data)
        info = zipfile.ZipInfo(name)
        info.compress_type = zipfile.ZIP_STORED
        dst.writestr(info, deflated)  # stored, then relabelled as deflated below
    raw = bytearray(path.read_bytes())
    encoded = name.encode()
    for sig, method_at, crc_at in ((b"PK\x03\x04", 8, 14), (b"PK\x01\x02", 10, 16)):
        at = raw.find(sig + b"", 0)
        while at >= 0:
            name_at = at + (30 if sig == b"PK\x03\x04" else 46)
            if raw[name_at:name_at + len(encoded)] == encoded:
                struct.pack_into("<H", raw, at + method_at, 8)
                struct.pack_into("<III", raw, at + crc_at, crc, len(deflated), chunk * times)
            at = raw.find(sig, at + 4)
    path.write_bytes(bytes(raw))
    return path
