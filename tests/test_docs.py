"""The docs keep up with the code: every command is in the README, every finding code on the site."""

from __future__ import annotations

import argparse
import re

import pytest

from builder.cli import build_parser
from builder.findings import CODES
from builder.report import codes_markdown
from builder.validate import raw_schema
from tests.conftest import ROOT


def _commands() -> list[str]:
    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return sorted(sub.choices)


@pytest.mark.parametrize("command", _commands())
def test_every_command_is_in_the_readme_and_has_help(command: str) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"gkml {command}" in readme
    sub = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    assert sub.choices[command].description, command


def test_every_finding_code_is_in_the_codes_page() -> None:
    for lang in ("zh", "en"):
        page = codes_markdown(lang)
        assert all(f"`{code}`" in page for code in CODES)


def test_every_channel_synonym_is_in_the_guide() -> None:
    """The guide's table of channel synonyms keeps up with the schema's x-synonyms."""
    guide = (ROOT / "pages" / "guide.md").read_text(encoding="utf-8")
    table = raw_schema("item")["$defs"]["officialChannel"]["x-synonyms"]
    rows = [[c.strip() for c in line.strip().strip("|").split("|")]
            for line in guide.splitlines() if line.strip().startswith("| ")]
    for kind in ("same", "part"):
        for name, official in table[kind].items():
            row = next((r for r in rows if name in r[0].split("；")), [])
            assert row[1:] == [official, "是" if kind == "part" else "否"], name
def test_the_readme_module_table_matches_the_tree() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    listed = set(re.findall(r"^\| `(builder/[\w/]+\.py)` \|", readme, flags=re.MULTILINE))
    tree = {p.relative_to(ROOT).as_posix() for p in (ROOT / "builder").rglob("*.py")
            if p.name not in ("__init__.py", "__main__.py")}
    assert listed == tree, (sorted(tree - listed), sorted(listed - tree))
