"""Write a synthetic catalog of N items shaped like the bundled one, for measurements.

    .venv/bin/python bench/synth.py 10000 /tmp/synth10k [--from catalog] [--seed 1]

Items are spread over the bundled catalog's nine areas in proportion to its item counts.
Each is built from a real item of the same area: the same elements, with its content
recombined from the area's real content phrases and a level-3 name taken from them, so
the text has realistic Chinese lengths and vocabulary and every file validates.
"""

from __future__ import annotations

import argparse
import random
import re
import shutil
import sys
from pathlib import Path
from typing import Any

import yaml

_PHRASE = re.compile(r"[、；;。：:\n]+")


def _items(area: Path) -> list[dict[str, Any]]:
    return [yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted(area.glob("*.yml"))
            if p.name != "_area.yml"]


def _phrases(items: list[dict[str, Any]]) -> list[str]:
    found = {p.strip() for it in items for p in _PHRASE.split(it["content"]) if 2 <= len(p.strip()) <= 40}
    return sorted(found) or ["相关信息"]


def _item(template: dict[str, Any], code: str, phrases: list[str], rng: random.Random) -> dict[str, Any]:
    item = dict(template)
    item["code"] = code
    n = max(2, round(len(template["content"]) / 12 * rng.uniform(0.6, 1.4)))
    item["content"] = "、".join(rng.choice(phrases) for _ in range(n))
    item["columns"] = {**template["columns"], "level3": rng.choice(phrases)[:20]}
    return item


def write(n: int, out: Path, source: Path, seed: int) -> int:
    rng = random.Random(seed)
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    shutil.copyfile(source / "site.yml", out / "site.yml")
    areas = sorted(p for p in source.iterdir() if (p / "_area.yml").is_file())
    pools = {a.name: _items(a) for a in areas}
    total = sum(len(v) for v in pools.values())
    written = 0
    for i, area in enumerate(areas):
        count = n - written if i == len(areas) - 1 else round(n * len(pools[area.name]) / total)
        (out / area.name).mkdir()
        shutil.copyfile(area / "_area.yml", out / area.name / "_area.yml")
        prefix = yaml.safe_load((area / "_area.yml").read_text(encoding="utf-8"))["prefix"]
        phrases = _phrases(pools[area.name])
        for k in range(1, count + 1):
            code = f"{prefix}-{k:05d}"
            data = _item(rng.choice(pools[area.name]), code, phrases, rng)
            text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=10_000)
            (out / area.name / f"{code}.yml").write_text(text, encoding="utf-8")
        written += count
    return written


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="synthetic catalog for measurements")
    p.add_argument("n", type=int)
    p.add_argument("out", type=Path)
    p.add_argument("--from", dest="source", type=Path, default=Path("catalog"))
    p.add_argument("--seed", type=int, default=1)
    args = p.parse_args(argv)
    written = write(args.n, args.out, args.source, args.seed)
    print(f"{written} items in {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
