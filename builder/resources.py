"""The data files gkml reads at run time, wherever gkml is installed.

They stay at the top of the repository, where clerks and developers look for them:
``schema/`` (JSON Schemas and the rule book), ``mkdocs.yml`` (the site's base config),
``site_overrides/`` (theme templates and assets), ``pages/guide.md`` (the clerk's guide),
``catalog/*/_area.yml`` (the nine pilot areas, templates for ``gkml init``) and
``.github/workflows/catalog.yml`` (the CI workflow ``gkml init`` gives a county).
``pyproject.toml`` maps that top folder into the package as ``builder.data`` and lists
the files, so a wheel carries exactly these. Every reader goes through this module, by
``importlib.resources``: never through ``__file__``, which points elsewhere in a wheel, a
zip or a frozen install. An editable install (``make setup``) has no ``builder.data``:
setuptools' editable finder cannot map a subpackage onto the project's root folder, so
there the data is read in place, from the source folder the install records (PEP 610's
``direct_url.json``).
"""

from __future__ import annotations

import functools
import json
from importlib import metadata
from importlib.resources import files
from pathlib import Path
from urllib.parse import unquote, urlparse

_PACKAGE = "builder.data"


@functools.cache
def root() -> Path:
    """The folder that holds the shipped data (the repository root in a checkout)."""
    try:
        # builder.data has no __init__.py (it is the repository root), so files() gives a
        # namespace MultiplexedPath; a child of it is a real pathlib.Path.
        return Path(str(files(_PACKAGE).joinpath("mkdocs.yml"))).parent
    except ModuleNotFoundError:
        return _editable_source()


def _editable_source() -> Path:
    # Every gkml distribution on the path: a build leaves gkml.egg-info in the checkout,
    # which is found first when the checkout is the working folder.
    for dist in metadata.distributions(name="gkml"):
        info = json.loads(dist.read_text("direct_url.json") or "{}")
        if info.get("dir_info", {}).get("editable"):
            return Path(unquote(urlparse(info["url"]).path))
    raise ModuleNotFoundError("gkml's data files are missing: reinstall gkml")


def schema_dir() -> Path:
    return root() / "schema"


def mkdocs_config() -> Path:
    return root() / "mkdocs.yml"


def theme_dir() -> Path:
    return root() / "site_overrides"


def guide() -> Path:
    return root() / "pages" / "guide.md"


def workflow() -> Path:
    """The CI workflow for catalog repositories (``gkml init`` writes it into a new one)."""
    return root() / ".github" / "workflows" / "catalog.yml"


def area_templates() -> list[Path]:
    """The nine pilot areas' ``_area.yml`` of the bundled catalog, in folder order."""
    return sorted((root() / "catalog").glob("*/_area.yml"))


def data_files() -> list[Path]:
    """Every shipped data file, for the cache fingerprint."""
    folders = (schema_dir(), theme_dir(), root() / "pages")
    found = [p for folder in folders for p in folder.rglob("*") if p.is_file()]
    return sorted([*found, mkdocs_config(), workflow(), *area_templates()])
