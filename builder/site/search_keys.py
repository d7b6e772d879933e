"""What a citizen types, made findable in Material's own search (issue 13, item 3).

Material's index has the fields ``title`` (shown, boost 1,000), ``text`` (shown) and
``tags``; its worker builds one lunr field per entry of ``config.fields``, so a field it
never shows can carry what people search by without changing the results' look:

- the item's code as written, its parts and without the hyphen (``CXGH-001``, ``cxgh``,
  ``001``, ``cxgh001``: lunr lower-cases both sides), so ``cxgh001`` finds it;
- its names at each level, its area and its subject, each as one whole token *and* as
  jieba's search-engine cut, so ``行政许可`` (the phrase) ranks the items carrying it
  above those that only share ``行政``, while ``许可`` still finds them.

The worker segments a Chinese query against the index's own words, but never lets a
segment reach the query's last character (``query/segment`` in Material 9.x: ``j <
query.length``), so ``政府预算`` is searched as ``政府*``. ``site_overrides/assets/gkml/
search.js`` gives it the whole phrase as well; see there.

Entries stay Material's own (``search_index.search_entries``); this module only adds the field
and tidies the text, so the theme's look, keyboard use and accessibility are untouched.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from html import escape
from typing import Any

from builder.markup import page_url
from builder.model import Catalog
from builder.site.render import item_path

FIELD = "keys"
"""The hidden search field (not ``title``/``text``/``tags``, which the results show):
the code in its spellings, each name whole and as jieba's search cut."""

EXACT_FIELD = "names"
"""The hidden field of whole names, each marked ``〇name〇``: only a query equal to a name
reaches them (below), and they outweigh everything else."""

MARK = "\u4db5"
"""䶵 (U+4DB5, CJK Extension A: a Han character, so the worker's cut keeps it, and one no
catalog uses; ``tune_index`` removes it from every other field, so it is never a word by
itself). search.js sends each Chinese run of a query as ``run䶵`` and as ``䶵run䶵䶵``; the
worker's cut (which never reaches a run's last character) turns them into ``run*``, the
phrase, and ``䶵run䶵*``, which matches only a whole name equal to the query: the marks keep
``行政处罚*`` from counting ``䶵行政处罚䶵`` and ``䶵行政处罚䶵*`` from reaching
``䶵行政处罚流程䶵``."""

BOOSTS = {FIELD: 1000.0, EXACT_FIELD: 100_000.0}
"""``keys`` weighs as the title does; a name equal to the query ranks its items first."""

_PUNCT = "、。，．？！；：（）《》〈〉“”‘’【】〔〕/"
SEPARATOR = r"[\s\u200b\u3000\-" + _PUNCT + r"]+"
"""Material's separator for ``zh`` (whitespace, U+200B that jieba's cuts are joined
with, U+3000, hyphen, 、。，．？！；) plus the other Chinese punctuation, so a word never
carries a bracket or colon into the index. U+200B must stay (mkdocs-notes §3)."""

_ZWSP_NEAR_PUNCT = re.compile("\u200b*([" + _PUNCT + "])\u200b*")
_PIECES = re.compile(SEPARATOR)
_CODE = re.compile(r"^([A-Za-z]+)-?(\d+)$")


def item_keys(code: str, names: Iterable[str]) -> dict[str, str]:
    """The hidden fields of one item: ``code`` in its spellings and each of ``names``
    (levels, area, subject) whole and as jieba's search cut; and the whole names marked."""
    words: list[str] = []
    whole: list[str] = []
    for name in (n.replace(MARK, "") for n in names if n):
        for piece in (p for p in _PIECES.split(name) if p):
            whole.append(MARK + piece + MARK)
            words.append(piece)
            words.extend(w for w in _cut(piece) if w.strip())
    # the worker reads every field as HTML, as Material's own title and text
    return {FIELD: escape("\u200b".join(dict.fromkeys([*_code_spellings(code), *words])), quote=False),
            EXACT_FIELD: escape("\u200b".join(dict.fromkeys(whole)), quote=False)}


def _code_spellings(code: str) -> list[str]:
    found = _CODE.match(code)
    return [code, found[1] + found[2]] if found else [code]


def _cut(text: str) -> list[str]:
    try:
        import jieba
    except ImportError:  # Material then indexes Chinese runs whole; the whole piece is there
        return []
    return list(jieba.cut_for_search(text))


def tidy(text: str) -> str:
    """``text`` without the U+200B that jieba put around punctuation (a break allowed
    before 、 or 》 let result titles start a line with one; the punctuation is itself
    in ``SEPARATOR``, so the words are the same), and without ``MARK``."""
    return _ZWSP_NEAR_PUNCT.sub(r"\1", text).replace(MARK, "")


def tune_index(index: dict[str, Any], keys: Mapping[str, dict[str, str]]) -> None:
    """Give Material's ``index`` (search_index.json, as loaded) the hidden fields, the wider
    separator and tidy punctuation; ``keys`` maps an item page's location to its fields."""
    config = index["config"]
    config["separator"] = SEPARATOR
    config.setdefault("fields", {}).update({f: {"boost": b} for f, b in BOOSTS.items()})
    for entry in index["docs"]:
        entry["title"] = tidy(entry["title"])
        entry["text"] = tidy(entry["text"])
        if entry["location"] in keys:
            entry.update(_new_words(keys[entry["location"]], entry))


def _new_words(fields: Mapping[str, str], entry: Mapping[str, str]) -> dict[str, str]:
    """``fields`` without the words the entry's title or text already has: each word the
    worker indexes costs time when it gets ready (10,000 items: about 1.8× without this)."""
    seen = {w.lower() for w in _PIECES.split(entry["title"] + "\u200b" + entry["text"])}
    return {name: "\u200b".join(w for w in _PIECES.split(value) if w and w.lower() not in seen)
            for name, value in fields.items()}


def catalog_keys(catalog: Catalog) -> dict[str, dict[str, str]]:
    """Item page location (as in the index) → its keys, for every item of ``catalog``."""
    names = {a.slug: a.name for a in catalog.areas}
    return {page_url(item_path(i)): item_keys(i.code, (i.level1, i.level2, i.level3,
                                                     names.get(i.area, ""), i.subject))
            for i in catalog.items}
