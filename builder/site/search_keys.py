"""What a citizen types, made findable in Material's own search (issue 13, item 3).

Material's index has the fields ``title`` (shown, boost 1,000), ``text`` (shown) and
``tags``; its worker builds one lunr field per entry of ``config.fields``, so a field it
never shows (``keys``) can carry what people search by without changing the results' look:

- the item's code without the hyphen (``cxgh001``: lunr lower-cases both sides; the title
  already gives ``cxgh`` and ``001``), so ``cxgh001`` finds it;
- its names at each level, its area and its subject as jieba's search-engine cut (the
  sub-words too: ``行政许可`` → ``行政``, ``许可``, ``行政许可``), so a part of a name finds it;
- each of those names whole, marked ``䶵name䶵`` (``MARK``), which only a query equal to
  the name reaches: ``行政许可`` ranks the items whose name or area is that phrase first,
  then the items carrying it inside a longer name, then those that only share a word.

Words the entry's title or text already has are left out (``_new_words``).

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
"""The hidden search field (not ``title``/``text``/``tags``, which the results show): the
code without its hyphen, jieba's search cut of each name, and each whole name marked
``䶵name䶵``. One field, not two: at 10,000 items every field costs the worker a vector per
item (a second one made it ready about 10% later and took 60 MB more)."""

MARK = "\u4db5"
"""䶵 (U+4DB5, CJK Extension A: a Han character, so the worker's cut keeps it, and one no
catalog uses; ``tune_index`` removes it from every other field, so it is never a word by
itself). search.js sends each Chinese run of a query as ``run䶵`` and as ``䶵run䶵䶵``; the
worker's cut (which never reaches a run's last character) turns them into ``run*``, the
phrase, and ``䶵run䶵*``, which matches only a whole name equal to the query: the marks keep
``行政处罚*`` from counting ``䶵行政处罚䶵`` and ``䶵行政处罚䶵*`` from reaching
``䶵行政处罚流程䶵``."""

BOOST = 1000.0
"""As the title's."""

_PUNCT = "、。，．？！；：（）《》〈〉“”‘’【】〔〕/"
SEPARATOR = r"[\s\u200b\u3000\-" + _PUNCT + r"]+"
"""Material's separator for ``zh`` (whitespace, U+200B that jieba's cuts are joined
with, U+3000, hyphen, 、。，．？！；) plus the other Chinese punctuation, so a word never
carries a bracket or colon into the index. U+200B must stay (mkdocs-notes §3)."""

_ZWSP_NEAR_PUNCT = re.compile("\u200b*([" + _PUNCT + "])\u200b*")
_PIECES = re.compile(SEPARATOR)
_CODE = re.compile(r"^([A-Za-z]+)-?(\d+)$")


def item_keys(code: str, names: Iterable[str]) -> str:
    """The hidden field of one item: ``code`` in its spellings, each of ``names`` (levels,
    area, subject) as jieba's search cut, and each whole name marked."""
    words: list[str] = []
    whole: list[str] = []
    for name in (n.replace(MARK, "") for n in names if n):
        for piece in (p for p in _PIECES.split(name) if p):
            whole.append(MARK + piece + MARK)
            words.extend(w for w in _cut(piece) if w.strip())
    # the worker reads every field as HTML, as Material's own title and text
    return escape("\u200b".join(dict.fromkeys([*_code_spellings(code), *words, *whole])), quote=False)


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


def tune_index(index: dict[str, Any], keys: Mapping[str, str]) -> None:
    """Give Material's ``index`` (search_index.json, as loaded) the hidden field, the wider
    separator and tidy punctuation; ``keys`` maps an item page's location to its field."""
    config = index["config"]
    config["separator"] = SEPARATOR
    config.setdefault("fields", {})[FIELD] = {"boost": BOOST}
    for entry in index["docs"]:
        entry["title"] = tidy(entry["title"])
        entry["text"] = tidy(entry["text"])
        if entry["location"] in keys:
            entry[FIELD] = _new_words(keys[entry["location"]], entry)


def _new_words(field: str, entry: Mapping[str, str]) -> str:
    """``field`` without the words the entry's title or text already has: each word the
    worker indexes costs time when it gets ready."""
    seen = {w.lower() for w in _PIECES.split(entry["title"] + "\u200b" + entry["text"])}
    return "\u200b".join(w for w in _PIECES.split(field) if w and w.lower() not in seen)


def catalog_keys(catalog: Catalog) -> dict[str, str]:
    """Item page location (as in the index) → its keys, for every item of ``catalog``."""
    names = {a.slug: a.name for a in catalog.areas}
    return {page_url(item_path(i)): item_keys(i.code, (i.level1, i.level2, i.level3,
                                                     names.get(i.area, ""), i.subject))
            for i in catalog.items}
