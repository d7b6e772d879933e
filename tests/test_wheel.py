"""gkml as a county gets it: a wheel, installed into a clean virtual environment, used in a
repository that holds only what ``gkml init`` wrote plus the bundled catalog's items.

No gkml source is in sight: the wheel is built from a copy of the tracked files, the
commands run with the county's folder as working directory and no PYTHONPATH, and the
test checks that ``builder`` is imported from the environment's site-packages. The CI
workflow and the pre-commit hooks that ``init`` wrote are run too, step by step, as a push
to main would run them (the steps that need a pull request or GitHub's services are the
only ones left out).
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import signal
import subprocess
import sys
import venv
from pathlib import Path

import pytest
import yaml
from openpyxl import load_workbook

from tests.conftest import ROOT
from tests.test_site_build import _free_port, _wait_for

pytestmark = pytest.mark.slow


def _tracked_copy(dest: Path) -> Path:
    """The repository's tracked files as they are now (no build/, .venv or egg-info)."""
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    for rel in filter(None, listed.decode("utf-8").split("\0")):
        src = ROOT / rel
        if src.is_file():
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / rel)
    return dest


@pytest.fixture(scope="module")
def county(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """(the county's repository, the environment to run its gkml in)."""
    base = tmp_path_factory.mktemp("wheel")
    src = _tracked_copy(base / "src")
    dist = base / "dist"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(dist), str(src)],
                   check=True, cwd=base)
    wheel = next(dist.glob("gkml-*.whl"))
    env_dir = base / "venv"
    venv.create(env_dir, with_pip=True)
    bindir = env_dir / ("Scripts" if os.name == "nt" else "bin")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "CI")}
    env |= {"PATH": f"{bindir}{os.pathsep}{env['PATH']}", "PYTHONNOUSERSITE": "1"}
    pip = [str(bindir / "python"), "-m", "pip", "install", "--quiet"]
    subprocess.run([*pip, "-c", str(ROOT / "constraints.txt"), str(wheel)], check=True, env=env, cwd=base)
    repo = base / "青山县目录"
    made = subprocess.run(["gkml", "init", str(repo), "--jurisdiction", "青山县人民政府",
                           "--wheel", str(wheel)], env=env, cwd=base, capture_output=True, text=True,
                          check=False)
    assert made.returncode == 0, made.stdout + made.stderr
    for item in (ROOT / "catalog").glob("*/*.yml"):
        if item.name != "_area.yml":
            shutil.copyfile(item, repo / "catalog" / item.parent.name / item.name)
    env["GKML_TEST_WHEEL"] = str(wheel)  # for the pre-commit test's second repository
    return repo, env


def _gkml(county: tuple[Path, dict[str, str]], *argv: str) -> subprocess.CompletedProcess[str]:
    repo, env = county
    return subprocess.run(["gkml", *argv], cwd=repo, env=env, capture_output=True, text=True,
                          encoding="utf-8", check=False, timeout=600)


def test_gkml_comes_from_the_installed_wheel(county: tuple[Path, dict[str, str]]) -> None:
    repo, env = county
    where = subprocess.run(["python", "-c", "import builder, builder.resources as r; print(builder.__file__);"
                            "print(r.root())"], cwd=repo, env=env, capture_output=True, text=True, check=True)
    module, data = where.stdout.splitlines()
    assert "site-packages" in module and not Path(module).is_relative_to(ROOT)
    assert Path(data).name == "data" and not Path(data).is_relative_to(ROOT)


def test_validate_check_build_and_export_in_the_county(county: tuple[Path, dict[str, str]]) -> None:
    repo, _ = county
    validated = _gkml(county, "validate")
    assert validated.returncode == 0, validated.stdout
    for fmt in ("json", "csv", "xlsx", "markdown"):
        done = _gkml(county, "check", "--format", fmt, "-o", f"score.{fmt}")
        assert done.returncode == 0, done.stdout + done.stderr
    assert json.loads((repo / "score.json").read_text(encoding="utf-8"))["jurisdiction"] == "青山县人民政府"
    rows = list(csv.reader((repo / "score.csv").read_text(encoding="utf-8-sig").splitlines()))
    assert len(rows) > 1
    assert load_workbook(repo / "score.xlsx").sheetnames
    assert "得分 **100** / 100" in (repo / "score.markdown").read_text(encoding="utf-8")
    built = _gkml(county, "build")
    assert built.returncode == 0, built.stdout + built.stderr
    assert "青山县人民政府" in (repo / "site" / "index.html").read_text(encoding="utf-8")
    assert (repo / "site" / "items" / "CXGH-001" / "index.html").is_file()
    exported = _gkml(county, "export", "-o", "目录.xlsx")
    assert exported.returncode == 0, exported.stdout + exported.stderr
    sheet = load_workbook(repo / "目录.xlsx").active
    assert sheet is not None and sheet.max_row > 70


def test_serve_in_the_county(county: tuple[Path, dict[str, str]], tmp_path: Path) -> None:
    repo, env = county
    port = _free_port()
    log = tmp_path / "serve.log"
    with log.open("wb") as sink, subprocess.Popen(
            ["gkml", "serve", "--site-dir", str(tmp_path / "preview"), "--addr", f"127.0.0.1:{port}"],
            cwd=repo, env=env, stdout=sink, stderr=subprocess.STDOUT) as proc:
        try:
            page = _wait_for(f"http://127.0.0.1:{port}/items/CXGH-001/", "CXGH-001", proc, log)
            assert "CXGH-001" in page
        finally:
            proc.send_signal(signal.SIGINT)
            assert proc.wait(timeout=30) in (0, 2, -signal.SIGINT)


def test_the_workflow_init_wrote_passes_on_the_fresh_repository(county: tuple[Path, dict[str, str]],
                                                                  tmp_path: Path) -> None:
    repo, env = county
    workflow = yaml.safe_load((repo / ".github/workflows/catalog.yml").read_text(encoding="utf-8"))
    summary = tmp_path / "summary.md"
    step_env = {**env, **{k: str(v) for k, v in workflow["env"].items()}, "GITHUB_STEP_SUMMARY": str(summary)}
    ran = []
    for step in workflow["jobs"]["check"]["steps"]:
        if "run" not in step or "pull_request" in step.get("if", "") or "failure" in step.get("if", ""):
            continue  # GitHub's own actions, pull-request-only steps, the failure report
        done = subprocess.run(["bash", "-e", "-o", "pipefail", "-c", step["run"]], cwd=repo, env=step_env,
                              capture_output=True, text=True, check=False, timeout=600)
        assert done.returncode == 0, (step["name"], done.stdout, done.stderr)
        assert "::warning" not in done.stdout and "::error" not in done.stdout, step["name"]
        ran.append(step["name"])
    assert len(ran) == 4  # install, validate, fmt --check, build


def _pre_commit(repo: Path, env: dict[str, str], home: Path) -> subprocess.CompletedProcess[str]:
    """``pre-commit run --all-files``, the real one, in ``repo`` made a git repository."""
    git = {**env, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"}
    for argv in (["init", "-q"], ["add", "-A"]):
        subprocess.run(["git", *argv], cwd=repo, env=git, check=True)
    return subprocess.run([sys.executable, "-m", "pre_commit", "run", "--all-files"], cwd=repo,
                          env={**git, "PRE_COMMIT_HOME": str(home)}, capture_output=True, text=True,
                          check=False, timeout=900)


def test_the_hooks_init_wrote_pass_with_gkml_from_the_wheel(county: tuple[Path, dict[str, str]],
                                                             tmp_path: Path) -> None:
    repo, env = county
    done = _pre_commit(repo, env, tmp_path / "pre-commit")  # language: system, the clerk's gkml
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.count("Passed") == 2


def test_the_hooks_init_wrote_install_a_pinned_gkml_themselves(county: tuple[Path, dict[str, str]],
                                                               tmp_path: Path) -> None:
    repo, env = county
    wheel = Path(env["GKML_TEST_WHEEL"])
    spec = f"gkml @ {wheel.as_uri()}"
    other = tmp_path / "repo"
    made = _gkml(county, "init", str(other), "--jurisdiction", "白水县人民政府", "--spec", spec)
    assert made.returncode == 0, made.stdout
    shutil.copytree(repo / "catalog", other / "catalog", dirs_exist_ok=True,
                    ignore=shutil.ignore_patterns("site.yml", "_area.yml"))
    # no gkml on PATH: pre-commit installs the pinned spec into an environment of its own
    bare = {**{k: v for k, v in env.items() if k != "PATH"}, "PATH": os.environ["PATH"],
            "PIP_CONSTRAINT": str(ROOT / "constraints.txt")}
    done = _pre_commit(other, bare, tmp_path / "pre-commit")
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.count("Passed") == 2
