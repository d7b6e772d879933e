"""Measure `gkml build` stage by stage on a catalog folder; print the figures.

    .venv/bin/python bench/synth.py 10000 /tmp/synth10k
    .venv/bin/python bench/site_build.py /tmp/synth10k --site-dir /tmp/bench-site/site

Stages: load + validate, render (pages), downloads alone (CSV/XLSX/JSON), then the publish
stage (MkDocs, item pages laid out, downloads again, swap).
Then the site's size, the search index raw and gzipped, and the directory page.
"""

from __future__ import annotations

import argparse
import gzip
import resource
import sys
import time
from pathlib import Path

from builder.catalog import load_catalog
from builder.site import publish
from builder.site.build import Extras, site_pages
from builder.site.config import write_config
from builder.site.docs import work_dir
from builder.site.downloads import download_data
from builder.site.render import nav, site_title
from builder.site.search_keys import catalog_keys


def size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("catalog", type=Path)
    p.add_argument("--site-dir", type=Path, default=Path("/tmp/gkml-bench/site"))
    args = p.parse_args(argv)
    args.site_dir.parent.mkdir(parents=True, exist_ok=True)
    times: dict[str, float] = {}

    t = time.monotonic()
    loaded = load_catalog(args.catalog)
    catalog = loaded.catalog()
    times["load+validate"] = time.monotonic() - t
    assert loaded.ok, "the catalog has errors"
    t = time.monotonic()
    pages = site_pages(loaded, catalog, Extras())
    times["render"] = time.monotonic() - t
    t = time.monotonic()
    sum(len(raw) for _, raw in download_data(catalog))
    times["downloads alone"] = time.monotonic() - t
    work = work_dir(args.site_dir)
    write_config(work, catalog.site, site_title(catalog.site), nav(catalog))
    result = publish.build(work, args.site_dir, pages, lambda: download_data(catalog),
                           search_keys=lambda: catalog_keys(catalog))
    times["publish"] = result.seconds
    assert result.ok, result.log

    index = (args.site_dir / "search" / "search_index.json").read_bytes()
    directory = (args.site_dir / "directory" / "index.html").stat().st_size
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"items: {len(catalog.items)}")
    for stage, seconds in times.items():
        print(f"  {stage:<20} {seconds:7.1f} s")
    total = sum(v for k, v in times.items() if k != "downloads alone")
    print(f"  {'total':<20} {total:7.1f} s   (MkDocs peak RSS {peak:.0f} MB)")
    print(f"site: {size(args.site_dir) / 1e6:.1f} MB in {sum(1 for _ in args.site_dir.rglob('*'))} entries")
    print(f"search index: {len(index) / 1e6:.2f} MB raw, {len(gzip.compress(index)) / 1e6:.2f} MB gzip")
    print(f"directory page: {directory / 1e6:.2f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
