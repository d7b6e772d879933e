"""The workflow, the pre-commit hooks, the editor settings and the guide stay in step with the CLI."""

from __future__ import annotations

import json
import re
import shlex
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from builder.cli import build_parser
from tests.conftest import EXAMPLES, ROOT, run

_GKML = re.compile(r"^\s*(?:-\s+)?(?:if\s+!?\s*)?((?:\.venv/bin/)?gkml\s[^|>&;)#\n]*)", re.M)


def _commands(text: str) -> Iterator[list[str]]:
    """Every gkml command line in a shell script, with variables replaced by sample values."""
    for match in _GKML.finditer(text):
        words = shlex.split(match.group(1).replace("\\\n", " "))[1:]
        yield ["2025-01-01" if words[i - 1:i] == ["--date"] else ("x" if "$" in w else w)
               for i, w in enumerate(words)]


def _workflow_scripts() -> Iterator[str]:
    wf = yaml.safe_load((ROOT / ".github" / "workflows" / "catalog.yml").read_text(encoding="utf-8"))
    for job in wf["jobs"].values():
        yield from (step["run"] for step in job.get("steps", []) if "run" in step)


def _guide_commands() -> Iterator[list[str]]:
    guide = (ROOT / "pages" / "guide.md").read_text(encoding="utf-8")
    for block in re.findall(r"```(?:sh|yaml)\n(.*?)```", guide, re.S):
        yield from _commands(block)


def test_workflow_and_guide_commands_parse() -> None:
    commands = [c for script in _workflow_scripts() for c in _commands(script)] + list(_guide_commands())
    used = {c[0] for c in commands}
    assert {"validate", "check", "fmt", "build", "new", "import", "export"} <= used
    parser = build_parser()
    for argv in commands:
        parser.parse_args(argv)  # raises on an option the CLI does not have


def test_workflow_validates_with_annotations_and_compares_scores() -> None:
    scripts = "\n".join(_workflow_scripts())
    assert "gkml validate catalog --format github" in scripts
    assert '--at "origin/$BASE"' in scripts and "GITHUB_STEP_SUMMARY" in scripts
    wf = yaml.safe_load((ROOT / ".github" / "workflows" / "catalog.yml").read_text(encoding="utf-8"))
    deploy = wf["jobs"]["publish"]["steps"][0]["uses"]
    assert deploy.startswith("actions/deploy-pages@")


@pytest.mark.parametrize("config", [".pre-commit-hooks.yaml", ".pre-commit-config.yaml"])
def test_hooks_run_on_the_files_pre_commit_passes(config: str, tmp_path: Path) -> None:
    data = yaml.safe_load((ROOT / config).read_text(encoding="utf-8"))
    hooks = data if isinstance(data, list) else data["repos"][0]["hooks"]
    cat = tmp_path / "catalog"
    shutil.copytree(EXAMPLES / "base", cat)
    shutil.copyfile(ROOT / "catalog" / "cxgh" / "CXGH-001.yml", cat / "cxgh" / "CXGH-001.yml")
    item = "catalog/cxgh/CXGH-001.yml"
    for hook in (h for h in hooks if h["id"].startswith("gkml-")):
        assert re.search(hook["files"], item)
        argv = [*shlex.split(hook["entry"])[1:], str(cat / "cxgh" / "CXGH-001.yml")]
        assert run(*argv).code == 0, hook["id"]
    ids = {h["id"] for h in hooks}
    assert {"gkml-validate", "gkml-fmt"} <= ids


def test_editor_settings_point_at_the_schemas() -> None:
    settings = json.loads((ROOT / ".vscode" / "settings.json").read_text(encoding="utf-8"))
    for schema, globs in settings["yaml.schemas"].items():
        assert (ROOT / schema).is_file(), schema
        assert all(g.lstrip("!").startswith("catalog/") for g in globs)
