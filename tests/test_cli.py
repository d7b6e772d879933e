"""The command line contract: formats, languages, exit codes, no tracebacks."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from tests.conftest import EXAMPLES, ROOT, lay_case, run

BROKEN = EXAMPLES / "invalid" / "unknown-key-typo"


def test_json_output_validates_against_shipped_schema(tmp_path: Path) -> None:
    schema = json.loads((ROOT / "schema" / "findings.schema.json").read_text(encoding="utf-8"))
    for case in sorted((EXAMPLES / "invalid").iterdir()):
        cat = lay_case(case, tmp_path / case.name)
        report = json.loads(run("validate", str(cat), "--format", "json").out)
        jsonschema.validate(report, schema)
        assert report["summary"]["errors"] + report["summary"]["warnings"] == len(report["findings"])


def test_unknown_key_suggests_the_right_key(tmp_path: Path) -> None:
    cat = lay_case(BROKEN, tmp_path / "catalog")
    report = json.loads(run("validate", str(cat), "--format", "json").out)
    typo = next(f for f in report["findings"] if f["code"] == "unknown-key")
    assert "subject（公开主体）" in typo["hint"]
    assert typo["line"] == 11 and typo["column"] == 1


def test_english_output(tmp_path: Path) -> None:
    cat = lay_case(BROKEN, tmp_path / "catalog")
    result = run("validate", str(cat), "--lang", "en")
    assert "error [unknown-key]" in result.out
    assert "Did you mean subject (responsible body)?" in result.out
    assert result.out.splitlines()[-1].startswith("FAILED:")


def test_github_annotations(tmp_path: Path) -> None:
    cat = lay_case(BROKEN, tmp_path / "catalog")
    lines = run("validate", str(cat), "--format", "github").out.splitlines()
    assert any(ln.startswith("::error file=") and ",line=11,col=1," in ln for ln in lines)
    assert all("\n" not in ln for ln in lines)


def test_single_file_reports_only_that_file(tmp_path: Path) -> None:
    cat = lay_case(EXAMPLES / "invalid" / "code-duplicate", tmp_path / "catalog")
    result = run("validate", str(cat / "cxgh" / "CXGH-002.yml"), "--format", "json")
    files = {f["file"] for f in json.loads(result.out)["findings"]}
    assert len(files) == 1 and next(iter(files)).endswith("CXGH-002.yml")
    assert result.code == 1


def test_missing_path_is_a_usage_error(tmp_path: Path) -> None:
    result = run("validate", str(tmp_path / "nowhere"))
    assert result.code == 2
    assert "path-not-found" in result.out


def test_bad_option_is_a_usage_error() -> None:
    result = run("validate", "--format", "pdf")
    assert result.code == 2
    assert "用法" in result.err and "Traceback" not in result.err


def test_help_is_chinese_first() -> None:
    result = subprocess.run([sys.executable, "-m", "builder", "validate", "--help"],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0
    assert result.stdout.startswith("用法 / usage:")
    assert "输出格式" in result.stdout


def _refuse_in_child(path: Path) -> tuple[str, int]:
    """Validate ``path`` in a fresh interpreter; return its output and peak memory in MB.

    The peak is VmHWM, the high-water mark of the interpreter's own memory: ru_maxrss
    would also count the pages of the process it was forked from, here pytest's."""
    code = ("import sys, re, pathlib; from builder.cli import main; rc = main(['validate', sys.argv[1], "
            "'--format', 'json']); status = pathlib.Path('/proc/self/status').read_text(); "
            "print('RSS', re.search(r'VmHWM:\\s+(\\d+)', status).group(1))")
    proc = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True,
                          text=True, check=False, cwd=ROOT, timeout=60)
    rss_kb = int(proc.stdout.rsplit("RSS", 1)[1])
    return proc.stdout, rss_kb // 1024


@pytest.mark.parametrize("make", ["alias-bomb", "50mb"])
def test_hostile_files_are_refused_with_bounded_memory(make: str, tmp_path: Path) -> None:
    cat = lay_case(EXAMPLES / "valid" / "minimal", tmp_path / "catalog")
    target = cat / "cxgh" / "CXGH-001.yml"
    if make == "50mb":
        chunk = b"x" * (1 << 20)  # no 50 MB object here: the child would inherit its pages
        with target.open("wb") as f:
            f.write(b"content: ")
            for _ in range(50):
                f.write(chunk)
        expected = "file-too-large"
    else:
        target.write_bytes((EXAMPLES / "invalid" / "alias-bomb" / "cxgh" / "CXGH-001.yml").read_bytes())
        expected = "yaml-alias-bomb"
    out, peak_mb = _refuse_in_child(cat)
    assert f'"code": "{expected}"' in out
    assert peak_mb < 200, peak_mb
