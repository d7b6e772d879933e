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
