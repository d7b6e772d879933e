"""``gkml init``: a county's repository that validates as laid out, and nothing ever overwritten."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import yaml

from tests.conftest import ROOT, Result

Gkml = Callable[..., Result]
AREAS = sorted(p.parent.name for p in (ROOT / "catalog").glob("*/_area.yml"))


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_init_lays_out_a_repository_that_validates(gkml: Gkml, tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    made = gkml("init", str(repo), "--jurisdiction", "青山县人民政府")
    assert made.code == 0, made.out + made.err
    files = _tree(repo)
    assert {f"catalog/{a}/_area.yml" for a in AREAS} <= set(files) and len(AREAS) == 9
    for name in ("catalog/site.yml", ".github/workflows/catalog.yml", ".pre-commit-config.yaml",
                 ".vscode/settings.json", ".gitignore", "README.md"):
        assert name in files, name
    site = yaml.safe_load(files["catalog/site.yml"])
    assert site["jurisdiction"] == "青山县人民政府" and site["short_name"] == "青山县"
    assert site["publisher"] == "青山县人民政府办公室"
    leads = [yaml.safe_load(files[f"catalog/{a}/_area.yml"])["lead"]["name"] for a in AREAS]
    assert all("示例县" not in n for n in leads) and any(n.startswith("青山县") for n in leads)
    assert gkml("validate", str(repo / "catalog")).code == 0
    assert gkml("fmt", str(repo / "catalog"), "--check").code == 0


def test_editor_schemas_and_hooks_point_at_files_init_wrote(gkml: Gkml, tmp_path: Path) -> None:
    assert gkml("init", str(tmp_path), "--jurisdiction", "青山县人民政府").code == 0
    settings = json.loads((tmp_path / ".vscode/settings.json").read_text(encoding="utf-8"))
    for schema in settings["yaml.schemas"]:
        assert json.loads((tmp_path / schema).read_text(encoding="utf-8"))["$schema"]
    site_line = (tmp_path / "catalog/site.yml").read_text(encoding="utf-8").splitlines()[0]
    assert (tmp_path / "catalog" / site_line.split("$schema=")[1]).is_file()
    hooks = yaml.safe_load((tmp_path / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    entries = {h["id"]: h for h in hooks["repos"][0]["hooks"]}
    assert entries["gkml-validate"]["additional_dependencies"] == ["gkml==0.1.0"]
    workflow = yaml.safe_load((tmp_path / ".github/workflows/catalog.yml").read_text(encoding="utf-8"))
    assert workflow["env"]["GKML_SPEC"] == "gkml==0.1.0"


def test_a_wheel_is_kept_in_the_repository_and_installed_from_there(gkml: Gkml, tmp_path: Path) -> None:
    wheel = tmp_path / "gkml-0.1.0-py3-none-any.whl"
    wheel.write_bytes(b"PK\x05\x06" + bytes(18))
    repo = tmp_path / "repo"
    assert gkml("init", str(repo), "--jurisdiction", "青山县人民政府", "--wheel", str(wheel)).code == 0
    assert (repo / "wheels" / wheel.name).read_bytes() == wheel.read_bytes()
    workflow = yaml.safe_load((repo / ".github/workflows/catalog.yml").read_text(encoding="utf-8"))
    assert workflow["env"]["GKML_SPEC"] == f"./wheels/{wheel.name}"
    hooks = yaml.safe_load((repo / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    assert {h["language"] for h in hooks["repos"][0]["hooks"]} == {"system"}
    assert f"wheels\\{wheel.name}" in (repo / "README.md").read_text(encoding="utf-8")


def test_init_never_overwrites_and_then_writes_nothing(gkml: Gkml, tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text("县里自己的说明\n", encoding="utf-8")
    (tmp_path / "catalog").mkdir()
    (tmp_path / "catalog" / "site.yml").write_text("jurisdiction: 旧\n", encoding="utf-8")
    before = _tree(tmp_path)
    again = gkml("init", str(tmp_path), "--jurisdiction", "青山县人民政府")
    assert again.code == 1
    assert again.out.count("[init-exists]") == 2 and "README.md" in again.out and "site.yml" in again.out
    assert _tree(tmp_path) == before


def test_a_second_init_names_every_file_it_would_have_written(gkml: Gkml, tmp_path: Path) -> None:
    assert gkml("init", str(tmp_path), "--jurisdiction", "青山县人民政府").code == 0
    before = _tree(tmp_path)
    again = gkml("init", str(tmp_path), "--jurisdiction", "别的县人民政府", "--lang", "en")
    assert again.code == 1 and again.out.count("[init-exists]") == len(before)
    assert _tree(tmp_path) == before


def test_init_usage_errors(gkml: Gkml, tmp_path: Path) -> None:
    assert gkml("init", str(tmp_path)).code == 2  # no --jurisdiction
    assert gkml("init", str(tmp_path), "--jurisdiction", " ").code == 2
    missing = gkml("init", str(tmp_path), "--jurisdiction", "青山县人民政府",
                   "--wheel", str(tmp_path / "no.whl"))
    assert missing.code == 2 and not any(tmp_path.iterdir())
