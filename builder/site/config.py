"""The MkDocs config the site is built with: the project's ``mkdocs.yml`` (shipped in
the package, see ``builder.resources``) plus what comes from the catalog: site name, nav,
footer data, and absolute paths to the theme overrides."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml

from builder import resources
from builder.markup import url as safe_url
from builder.model import Site
from builder.site.docs import DOCS, write_if_changed

CONFIG = "mkdocs.yml"
NavEntry = tuple[str, "str | list[tuple[str, str]]"]


def write_config(work: Path, site: Site, title: str, nav: Sequence[NavEntry]) -> Path:
    """The project's mkdocs.yml with the catalog's name, nav and footer, paths made absolute."""
    config: dict[str, Any] = yaml.safe_load(resources.mkdocs_config().read_text(encoding="utf-8"))
    config.update(site_name=title, docs_dir=str(work / DOCS), nav=_nav(nav))
    theme = config["theme"]
    theme["custom_dir"] = str(resources.root() / theme["custom_dir"])
    site_url = safe_url(site.site_url)
    if site_url:
        config["site_url"] = site_url
    else:  # instant navigation needs site_url (it reads the sitemap)
        theme["features"] = [f for f in theme.get("features", []) if not f.startswith("navigation.instant")]
    config.setdefault("extra", {})["gkml"] = _footer(site)
    for plugin in config.get("plugins", []):
        if isinstance(plugin, dict) and "search" in plugin and plugin["search"].get("jieba_dict_user"):
            plugin["search"]["jieba_dict_user"] = str(resources.root() / plugin["search"]["jieba_dict_user"])
    path = work / CONFIG
    write_if_changed(path, yaml.safe_dump(config, allow_unicode=True, sort_keys=False))
    return path


def _nav(entries: Sequence[NavEntry]) -> list[Any]:
    def one(label: str, target: Any) -> Any:
        if isinstance(target, list):
            return {label: [one(t, p) for t, p in target]}
        return {label: target} if label else target

    return [one(label, target) for label, target in entries]


def _footer(site: Site) -> dict[str, str]:
    """What partials/copyright.html shows: publisher, contact and the record numbers; the
    public security record system is searched by the number's digits (police_code)."""
    records = {"site_code": site.site_code, "icp_record": site.icp_record,
               "police_record": site.police_record,
               "police_code": "".join(c for c in site.police_record if c.isascii() and c.isdigit())}
    return {"jurisdiction": site.jurisdiction, "publisher": site.publisher,
            **{k: str(v) for k, v in site.contact.items()}, **{k: v for k, v in records.items() if v}}
