"""gkml inspect timings: a 1,000-row workbook, and a plan of 20 jurisdictions.

    .venv/bin/python bench/inspect_bench.py [--rows 1000] [--jurisdictions 20] [--work DIR]

The workbook is the shipped catalog's items repeated to ``--rows`` rows in the official
two-row layout (``tables.write_xlsx``, what gkml export writes). The plan has one gkml
catalog folder and, for every other jurisdiction, a folder of nine workbooks (the shipped
catalog, one per area) with one cell left empty (so the scores differ). Each run is the whole process
under /usr/bin/time -v: wall seconds and peak memory (maximum resident set size).
"""

from __future__ import annotations

import argparse
import dataclasses
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from builder.catalog import load_catalog  # noqa: E402  (after the path is set)
from builder.tables import write_xlsx  # noqa: E402

CATALOG = load_catalog(ROOT / "catalog").catalog()


def workbook(path: Path, rows: int) -> None:
    """``rows`` items of the shipped catalog, repeated and renamed, in one table."""
    items = []
    for n in range(rows):
        item = CATALOG.items[n % len(CATALOG.items)]
        items.append(dataclasses.replace(item, level2=f"{item.level2}（{n + 1}）"))
    write_xlsx(path, CATALOG.site, items, "公共法律服务领域基层政务公开标准目录")


def area_workbooks(folder: Path, blank: int) -> None:
    """The shipped catalog as a county publishes it: a workbook per area, titled with the
    area's name; the ``blank``-th item without its subject."""
    folder.mkdir(parents=True, exist_ok=True)
    for area in CATALOG.areas:
        items = [dataclasses.replace(i, subject="" if n == blank else i.subject)
                 for n, i in enumerate(CATALOG.items) if i.area == area.slug]
        write_xlsx(folder / f"{area.name}.xlsx", CATALOG.site, items, f"{area.name}领域基层政务公开标准目录")


def timed(cmd: list[str], cwd: Path) -> str:
    """Wall and CPU (user + system) seconds, peak RSS and exit code of the whole process; CPU time
    says more than wall time on a busy machine."""
    done = subprocess.run(["/usr/bin/time", "-v", *cmd], cwd=cwd, capture_output=True, text=True)
    wall = re.search(r"Elapsed \(wall clock\) time.*: (?:(\d+):)?(\d+):([\d.]+)", done.stderr)
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", done.stderr)
    cpu = [float(m) for m in re.findall(r"(?:User|System) time \(seconds\): ([\d.]+)", done.stderr)]
    assert wall and rss, done.stderr
    seconds = int(wall.group(1) or 0) * 3600 + int(wall.group(2)) * 60 + float(wall.group(3))
    return (f"{seconds:.2f} s wall, {sum(cpu):.2f} s CPU, peak {int(rss.group(1)) // 1024} MB "
            f"(exit {done.returncode})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1000)
    parser.add_argument("--jurisdictions", type=int, default=20)
    parser.add_argument("--work", type=Path)
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="gkml-inspect-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    gkml = [sys.executable, "-m", "builder", "inspect", "--date", "2027-01-10"]

    workbook(work / "book.xlsx", args.rows)
    print(f"inspect a {args.rows}-row workbook: "
          + timed([*gkml, "book.xlsx", "--format", "json", "-o", "book.json"], work))

    shutil.copytree(ROOT / "catalog", work / "j01" / "catalog", dirs_exist_ok=True)
    lines = ["title: 基准考核", 'date: "2027-01-10"', "jurisdictions:",
             "  - name: 单位01", "    sources: [j01/catalog]"]
    for n in range(2, args.jurisdictions + 1):
        area_workbooks(work / f"j{n:02d}", blank=n)
        lines += [f"  - name: 单位{n:02d}", f"    sources: [j{n:02d}]"]
    (work / "plan.yml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    for fmt in ("json", "xlsx", "html"):
        print(f"inspect a {args.jurisdictions}-jurisdiction plan ({fmt}): "
              + timed([*gkml, "--plan", "plan.yml", "--format", fmt, "-o", f"plan.{fmt}"], work))


if __name__ == "__main__":
    main()
