"""The benchmark of issue #7: gkml against its baselines at 1,000 and 10,000 items, one table.

    .venv/bin/python bench/run.py                      # 1,000 and 10,000 items (about 3 min)
    .venv/bin/python bench/run.py --items 2000 --repeat 5
    .venv/bin/python bench/run.py --quick              # 50 items, no browser: a smoke run

For each size it writes a synthetic catalog (bench/synth.py) into a temporary folder and
runs every command in a fresh interpreter, as a user would, timing the wall clock and
sampling the memory of the whole process tree (bench/proc.py). Baselines, run on the same
files: (a) bare ``yaml.CSafeLoader`` parsing, the floor for loading; (b) plain MkDocs with
the same Material settings (bench/plain_mkdocs.py). The search worker is Material's own,
run under Node (bench/search_worker.js); the serve latency needs Chromium and Playwright
(bench/serve_latency.py). The validation cache goes to the temporary folder, never ~/.cache.
A benchmark, not a test: it prints figures and judges them against the issue's targets.
"""

from __future__ import annotations

import argparse
import gzip
import itertools
import json
import os
import platform
import shutil
import signal
import statistics
import sys
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from importlib import metadata
from pathlib import Path

import plain_mkdocs
import proc
import synth
from site_build import size

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
GKML = [sys.executable, "-m", "builder"]
PARSE = ("import pathlib, sys, yaml\nfor p in sorted(pathlib.Path(sys.argv[1]).rglob('*.yml')):\n"
         "    yaml.load(p.read_bytes(), Loader=yaml.CSafeLoader)")
ENV = {"NO_MKDOCS_2_WARNING": "1"}


@dataclass(frozen=True, slots=True)
class Row:
    measure: str
    gkml: float | None
    base: float | None = None
    which: str = ""
    """Which baseline: (a) or (b)."""
    limit: float | None = None
    ratio_limit: bool = False
    """``limit`` bounds gkml/baseline rather than gkml's own figure."""
    note: str = ""

    def met(self) -> str:
        if self.limit is None or self.gkml is None:
            return ""
        value = self.ratio() if self.ratio_limit else self.gkml
        return "—" if value is None else ("met" if value <= self.limit else "NOT met")

    def ratio(self) -> float | None:
        return self.gkml / self.base if self.gkml is not None and self.base else None

    def target(self) -> str:
        if self.limit is None:
            return ""
        return f"≤ {self.limit:g}× {self.which}" if self.ratio_limit else f"≤ {self.limit:g}"


class Bench:
    """All measurements of one catalog size, in a scratch folder."""

    def __init__(self, n: int, tmp: Path, repeat: int) -> None:
        self.n, self.tmp, self.repeat = n, tmp / str(n), repeat
        self.catalog = self.tmp / "catalog"
        self.caches = 0
        synth.write(n, self.catalog, ROOT / "catalog", seed=1)

    def fresh_cache(self) -> dict[str, str]:
        self.caches += 1
        return {**ENV, "GKML_CACHE_DIR": str(self.tmp / f"cache-{self.caches}")}

    def median(self, make: Callable[[], proc.Measured]) -> float:
        return statistics.median(make().seconds for _ in range(self.repeat))

    def gkml(self, *args: str, env: dict[str, str]) -> proc.Measured:
        return proc.run([*GKML, *args], env=env, cwd=ROOT)

    def validation(self) -> Iterator[Row]:
        cat = str(self.catalog)
        parse = self.median(lambda: proc.run([sys.executable, "-c", PARSE, cat]))
        cold = self.median(lambda: self.gkml("validate", cat, env=self.fresh_cache()))
        warm_env = self.fresh_cache()
        self.gkml("validate", cat, env=warm_env)
        warm = self.median(lambda: self.gkml("validate", cat, env=warm_env))
        check = self.median(lambda: self.gkml("check", cat, env=self.fresh_cache()))
        check_warm = self.median(lambda: self.gkml("check", cat, env=warm_env))
        yield Row("validate, s", cold, parse, "(a)", 1.5, True, "empty cache")
        yield Row("validate again, unchanged, s", warm, limit=0.5, note="cache warm")
        yield Row("check, s", check, note="empty cache")
        yield Row("check − validate, s", check - cold, limit=0.2, note="empty cache")
        yield Row("check − validate again, s", check_warm - warm, limit=0.2, note="cache warm")

    def builds(self, node: bool) -> Iterator[Row]:
        site = self.tmp / "site"
        built = self.gkml("build", str(self.catalog), "--site-dir", str(site), env=self.fresh_cache())
        plain_site = self.tmp / "plain" / "site"
        config = plain_mkdocs.write(self.catalog, self.tmp / "plain", plain_site)
        plain = proc.run(plain_mkdocs.build_command(config), env=ENV, cwd=ROOT)
        yield Row("full build, s", built.seconds, plain.seconds, "(b)", 0.6, True)
        yield Row("peak memory, build, MB", built.peak_mb, plain.peak_mb, "(b)", 400,
                  note="all processes")
        yield Row("peak memory, largest process, MB", built.largest_mb, plain.largest_mb, "(b)")
        yield Row("site size, MB", size(site) / 1e6, size(plain_site) / 1e6, "(b)")
        raw, packed = _index(site)
        plain_raw, plain_packed = _index(plain_site)
        yield Row("search index raw, MB", raw, plain_raw, "(b)")
        yield Row("search index gzip, MB", packed, plain_packed, "(b)", 1.0)
        yield from _worker(site, plain_site) if node else _skipped("search worker ready, s", "no node")

    def serve(self, edits: int) -> Iterator[Row]:
        import serve_latency  # Playwright is imported only when the browser part runs

        first, latencies = serve_latency.measure(self.catalog, edits, env=self.fresh_cache())
        yield Row("serve: first page, s", first)
        yield Row("serve: edit → visible, s", statistics.median(latencies), limit=3.0,
                  note=f"median of {len(latencies)}, max {max(latencies):.2f}")


def _index(site: Path) -> tuple[float, float]:
    data = (site / "search" / "search_index.json").read_bytes()
    return len(data) / 1e6, len(gzip.compress(data)) / 1e6


def _worker(site: Path, plain_site: Path) -> Iterator[Row]:
    ours, plain = _node_worker(site), _node_worker(plain_site)
    yield Row("search worker ready, s", ours["ready_ms"] / 1000, plain["ready_ms"] / 1000, "(b)", 2.0,
              note=f"+ JSON.parse {ours['parse_ms'] / 1000:.2f} s (plain {plain['parse_ms'] / 1000:.2f})")
    yield Row("search worker heap, MB", ours["heap_mb"], plain["heap_mb"], "(b)")


def _node_worker(site: Path) -> dict[str, float]:
    done = proc.run(["node", "--expose-gc", str(BENCH / "search_worker.js"), str(site)])
    result: dict[str, float] = json.loads(done.out)
    assert result["hits"] > 0, f"the search worker found nothing in {site}"
    return result


def _skipped(measure: str, why: str) -> Iterator[Row]:
    yield Row(measure, None, note=f"skipped: {why}")


# --- the table ---------------------------------------------------------------------------


def _num(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:.0f}" if abs(value) >= 100 else f"{value:.1f}" if abs(value) >= 10 else f"{value:.2f}"


def table(rows: list[tuple[int, Row]]) -> str:
    lines = ["| items | measure | gkml | baseline | gkml/baseline | target | met | note |",
             "| ---: | --- | ---: | ---: | ---: | --- | --- | --- |"]
    for n, r in rows:
        base = f"{_num(r.base)} {r.which}" if r.base is not None else "—"
        ratio = r.ratio()
        lines.append(f"| {n:,} | {r.measure} | {_num(r.gkml)} | {base} | "
                     f"{'—' if ratio is None else f'{ratio:.2f}×'} | {r.target()} | {r.met()} | {r.note} |")
    return "\n".join(lines)


def machine() -> str:
    mem = int(Path("/proc/meminfo").read_text().split()[1]) / 2**20
    versions = ", ".join(f"{p} {metadata.version(p)}" for p in ("mkdocs", "mkdocs-material", "jieba"))
    return (f"{os.cpu_count()} cores, {mem:.0f} GiB, Python {platform.python_version()}, {versions}, "
            f"{date.today().isoformat()}")


LEGEND = ("(a) bare yaml.CSafeLoader parsing of the same files; (b) plain MkDocs + Material, one page "
          "per item (bench/plain_mkdocs.py). Every figure is a fresh process, wall clock; the targets are "
          "issue #7's, set for 10,000 items.")


def measure(sizes: list[int], repeat: int, edits: int, browser: bool) -> list[tuple[int, Row]]:
    node = shutil.which("node") is not None
    rows: list[tuple[int, Row]] = []
    with tempfile.TemporaryDirectory(prefix="gkml-bench-") as tmp:
        for n in sizes:
            bench = Bench(n, Path(tmp), repeat)
            serve = bench.serve(edits) if browser else _skipped("serve: edit → visible, s", "no browser")
            for row in itertools.chain(bench.validation(), bench.builds(node), serve):
                # Progress, and the figures so far should a later part fail.
                print(f"{n:>6} items  {row.measure:<34} {_num(row.gkml):>7}  {_num(row.base):>7}",
                      file=sys.stderr, flush=True)
                rows.append((n, row))
    return rows


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--items", help="comma-separated sizes (default 1000,10000; 50 with --quick)")
    p.add_argument("--repeat", type=int, help="runs of each short command, median taken (default 3)")
    p.add_argument("--edits", type=int, default=5, help="edits timed in gkml serve")
    p.add_argument("--quick", action="store_true", help="50 items, one run each, no browser")
    args = p.parse_args(argv)
    # Started as a background job, this process and so every child would ignore Ctrl-C,
    # and `gkml serve` could not be stopped the way a user stops it.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    sizes = [int(s) for s in (args.items or ("50" if args.quick else "1000,10000")).split(",")]
    browser = not args.quick and Path("/usr/bin/chromium").exists()
    rows = measure(sizes, args.repeat or (1 if args.quick else 3), args.edits, browser)
    print(f"Machine: {machine()}\n\n{table(rows)}\n\n{LEGEND}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
