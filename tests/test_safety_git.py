"""Issue 12, "gkml check and build run git status": a repository's config can name programs
git runs (``core.fsmonitor`` on ``git status``); gkml runs git with them switched off."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from builder.site.history import read_history
from tests.conftest import run
from tests.safetykit import catalog


@pytest.mark.skipif(os.name != "posix", reason="the hook is a shell script")
def test_check_and_history_never_run_the_repositorys_fsmonitor(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    catalog(repo / "catalog", {})
    sentinel = tmp_path / "hook-ran"
    hook = tmp_path / "hook.sh"
    hook.write_text(f"#!/bin/sh\ntouch {sentinel}\n", encoding="utf-8")
    hook.chmod(0o755)
    git = ["git", "-C", str(repo)]
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    subprocess.run([*git, "add", "."], check=True)
    subprocess.run([*git, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "x"], check=True)
    subprocess.run([*git, "config", "core.fsmonitor", str(hook)], check=True)
    subprocess.run([*git, "status", "--porcelain"], check=True, capture_output=True)
    assert sentinel.exists(), "plain git status runs the hook: the test would prove nothing"
    sentinel.unlink()
    result = run("check", str(repo / "catalog"), "--format", "json")
    assert result.code == 0, result.err
    assert '"commit": "' in result.out  # git was asked, and answered
    read_history(repo / "catalog", ["cxgh/CXGH-001.yml"])
    assert not sentinel.exists()
