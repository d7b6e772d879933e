"""The progress bar: drawn on a real terminal (a pty), never into a pipe, a file or a CI log."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
import time
from pathlib import Path

import pytest

from builder.progress import display_width, line
from tests.conftest import ROOT, synth


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("big") / "catalog"
    synth(400, root)
    return root


def _validate(catalog: Path, tty: bool, **env: str) -> tuple[int, str]:
    """`gkml validate` in a child process with stderr on a pty (or a pipe); (exit code, stderr)."""
    environ = {k: v for k, v in os.environ.items() if k != "CI"}
    environ |= {"GKML_NO_CACHE": "1", **env}
    argv = [sys.executable, "-m", "builder", "validate", str(catalog)]
    if not tty:
        done = subprocess.run(argv, capture_output=True, env=environ, check=False, timeout=120)
        return done.returncode, done.stderr.decode("utf-8")
    master, slave = pty.openpty()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=slave, env=environ)
    os.close(slave)
    chunks = []
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # the child closed the pty
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(master)
    return proc.wait(timeout=60), b"".join(chunks).decode("utf-8")


def test_a_terminal_sees_the_bar_and_it_is_wiped_at_the_end(big: Path) -> None:
    code, err = _validate(big, tty=True)
    assert code == 0
    assert "\r校验 validate [" in err and "/410 " in err  # 400 items, 9 areas, site.yml
    assert "410/410 100%" in err
    assert err.endswith("\r")  # the last thing written blanks the line out


def test_no_bar_into_a_pipe_or_under_ci(big: Path) -> None:
    assert _validate(big, tty=False) == (0, "")
    code, err = _validate(big, tty=True, CI="true")
    assert code == 0 and "validate [" not in err


def test_a_small_catalog_draws_nothing_even_on_a_terminal() -> None:
    code, err = _validate(ROOT / "catalog", tty=True)
    assert code == 0 and "[" not in err


def test_the_line_says_stage_share_and_time_left() -> None:
    text = line("校验 validate", 250, 1000, elapsed=5.0)
    assert text.startswith("校验 validate [######") and "250/1000 25%" in text
    assert text.endswith("剩余 left 0:15")
    assert "剩余" not in line("导入 import", 1000, 1000, elapsed=9.0)
    line("校验 validate", 3, 7, 1.0).encode("cp936")  # a Chinese Windows console can show it
    assert display_width("校验 ab") == 7
