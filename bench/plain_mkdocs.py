"""Baseline (b): the same catalog as a plain MkDocs project, the way one would write it
without gkml, built with the same Material settings (mkdocs-notes.md §2).

    .venv/bin/python bench/plain_mkdocs.py /tmp/synth10k /tmp/plain10k   # writes, then builds

One Markdown page per item with every element in a Markdown table, one page per area
listing its items in a table, and a home page. The nav holds the home and area pages;
items are out of it (``not_in_nav``), as in gkml, or the build goes quadratic.
Nothing else of gkml's is used: no custom_dir, no check, no downloads, no index compaction.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
LABELS = {"code": "事项编码", "level1": "一级事项", "level2": "二级事项", "level3": "三级事项",
          "content": "公开内容", "basis": "公开依据", "time_limit": "公开时限", "subject": "公开主体",
          "method": "公开方式", "channels": "公开渠道和载体", "audience": "公开对象",
          "audience_group": "特定群体", "levels": "公开层级", "notes": "情况说明"}
AREA_COLUMNS = ("level1", "level2", "subject", "method")


def _load(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = yaml.load(path.read_bytes(), Loader=yaml.CSafeLoader)
    return data


def _cell(value: Any) -> str:
    if isinstance(value, list):
        value = "、".join(str(v) for v in value)
    return " ".join(str(value).split()).replace("|", "\\|")


def _flat(item: dict[str, Any]) -> dict[str, Any]:
    return {**{k: v for k, v in item.items() if k != "columns"}, **item.get("columns", {})}


def item_page(item: dict[str, Any]) -> str:
    flat = _flat(item)
    rows = [f"| {LABELS.get(k, k)} | {_cell(flat[k])} |" for k in LABELS if k in flat]
    return (f"---\ntitle: {item['code']} {_cell(flat['level2'])}\n---\n\n"
            f"# {item['code']} {_cell(flat['level2'])}\n\n| 要素 | 内容 |\n| --- | --- |\n"
            + "\n".join(rows) + "\n")


def area_page(name: str, items: list[dict[str, Any]]) -> str:
    head = "| 事项编码 | " + " | ".join(LABELS[c] for c in AREA_COLUMNS) + " |"
    rows = [f"| [{it['code']}](../items/{it['code']}.md) | "
            + " | ".join(_cell(_flat(it).get(c, "")) for c in AREA_COLUMNS) + " |" for it in items]
    return f"# {name}\n\n{head}\n|{' --- |' * (len(AREA_COLUMNS) + 1)}\n" + "\n".join(rows) + "\n"


def config(site_dir: Path, nav: list[Any]) -> dict[str, Any]:
    """gkml's own mkdocs.yml minus what is gkml's (overrides, assets), plus a nav."""
    base: dict[str, Any] = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    theme = {k: v for k, v in base["theme"].items() if k != "custom_dir"}
    theme["palette"] = {"scheme": "default"}  # "custom" colours live in gkml's CSS
    keep = ("use_directory_urls", "extra", "markdown_extensions", "plugins", "not_in_nav", "validation")
    return {"site_name": "政务公开事项标准目录", "site_url": "https://example.org/", "theme": theme,
            **{k: base[k] for k in keep if k in base}, "docs_dir": "docs", "site_dir": str(site_dir),
            "nav": nav}


def write(catalog: Path, out: Path, site_dir: Path) -> Path:
    """Write the project into ``out``; return its mkdocs.yml."""
    docs = out / "docs"
    (docs / "items").mkdir(parents=True, exist_ok=True)
    (docs / "areas").mkdir(exist_ok=True)
    nav: list[Any] = [{"首页": "index.md"}]
    for area in sorted(p.parent for p in catalog.glob("*/_area.yml")):
        name = _load(area / "_area.yml")["name"]
        items = [_load(p) for p in sorted(area.glob("*.yml")) if p.name != "_area.yml"]
        for it in items:
            (docs / "items" / f"{it['code']}.md").write_text(item_page(it), encoding="utf-8")
        (docs / "areas" / f"{area.name}.md").write_text(area_page(name, items), encoding="utf-8")
        nav.append({name: f"areas/{area.name}.md"})
    (docs / "index.md").write_text("# 政务公开事项标准目录\n\n按领域查看事项。\n", encoding="utf-8")
    path = out / "mkdocs.yml"
    path.write_text(yaml.safe_dump(config(site_dir, nav), allow_unicode=True, sort_keys=False),
                    encoding="utf-8")
    return path


def build_command(config_path: Path) -> list[str]:
    # --strict as gkml builds, without -q (mkdocs#4126: -q hides warnings from --strict).
    return [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(config_path)]


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="plain MkDocs baseline")
    p.add_argument("catalog", type=Path)
    p.add_argument("out", type=Path)
    args = p.parse_args(argv)
    path = write(args.catalog, args.out, args.out / "site")
    t0 = time.monotonic()
    done = subprocess.run(build_command(path), check=False)
    print(f"mkdocs build: {time.monotonic() - t0:.1f} s, exit {done.returncode}")
    return done.returncode


if __name__ == "__main__":
    sys.exit(main())
