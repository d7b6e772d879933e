"""Render stage, the reference pages: 下载 (downloads) and 说明 (about). Pure, like render.

``download_files`` names every data file once; the 下载 page links them and the build
writes them under the same names, straight into the site (they are not MkDocs pages, so
their links are HTML, checked by ``render.broken_links``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from builder.markup import anchor, front_matter, href, text
from builder.model import ITEM_KEYS, Area, Catalog, Site, catalog_title
from builder.validate import raw_schema

FORMATS = ("csv", "xlsx", "json")
SCHEMAS = ("item", "area", "site")
_FORMAT_NAMES = {"csv": "CSV", "xlsx": "Excel（XLSX）", "json": "JSON"}


@dataclass(frozen=True, slots=True)
class Download:
    path: str
    """Path relative to the docs folder (``downloads/cxgh.csv``)."""
    fmt: str
    area: Area | None
    """The area it holds, or None for the whole catalog."""


def download_files(catalog: Catalog) -> list[Download]:
    """Every data file, named as what it is (``示例县城乡规划领域政务公开事项标准目录.xlsx``)
    so that a saved copy says so too."""
    scopes: list[Area | None] = [None, *catalog.areas]
    return [Download(download_path(catalog.site, area, fmt), fmt, area) for area in scopes for fmt in FORMATS]


def download_path(site: Site, area: Area | None, fmt: str) -> str:
    """The site path of the ``fmt`` file of ``area`` (the whole catalog when None)."""
    return f"downloads/{_UNSAFE_IN_NAME.sub('_', catalog_title(site, area))}.{fmt}"


_UNSAFE_IN_NAME = re.compile(r'[\\/:*?"<>|\s]+')
"""Characters a file name may not hold on Windows, and spaces."""


SIZE_MARK = "<!--gkml-size:{}-->"
"""Where the 下载 page shows a file's size: the build fills it in once the file is written
(``downloads.label_sizes``), as the size is known only then."""


def _scope_date(catalog: Catalog, area: Area | None, dates: Mapping[str, str]) -> str:
    """When the items of ``area`` (all when None) last changed, from the catalog's history."""
    items = catalog.items_of(area) if area else catalog.items
    return max((dates.get(i.file, "") for i in items), default="")


def schema_files() -> list[str]:
    return [f"downloads/schema/{kind}.schema.json" for kind in SCHEMAS]


DOWNLOADS = "downloads.md"


def downloads_page(catalog: Catalog, dates: Mapping[str, str] | None = None) -> str:
    by_scope: dict[str, list[Download]] = {}
    for d in download_files(catalog):
        by_scope.setdefault(d.area.name if d.area else "全部领域", []).append(d)
    counts = {a.name: len(catalog.items_of(a)) for a in catalog.areas}
    rows = [f"| {text(scope)} | {counts.get(scope, len(catalog.items))} | "
            + " | ".join(_sized_link(d, _scope_date(catalog, d.area, dates or {})) for d in files) + " |"
            for scope, files in by_scope.items()]
    schemas = [f"- {anchor(_schema_title(p), href(DOWNLOADS, p))}" for p in schema_files()]
    return "\n".join([
        front_matter({"title": "下载", "search": {"exclude": True}}),
        "# 下载\n",
        "整个目录和每个领域都提供三种格式，内容与网站上的标准目录一致：\n",
        "- **CSV**：UTF-8 编码（带 BOM），中文版 Excel 和 WPS 可直接打开；前两行是表头；"
        "整个目录的文件第一列是领域。",
        "- **Excel（XLSX）**：官方两行表头，合并单元格，冻结表头；已设置横向、一页宽、"
        "每页重复表头，可直接打印或加工。整个目录的文件有“汇总”表和每个领域一张表。",
        "- **JSON**：供程序使用，字段含义见下方的 JSON Schema。\n",
        "| 范围 | 事项数 | " + " | ".join(_FORMAT_NAMES[f] for f in FORMATS) + " |",
        "| --- | --- | " + " | ".join("---" for _ in FORMATS) + " |",
        *rows,
        "\n## 数据格式（JSON Schema） {#schemas}\n",
        "目录文件和 JSON 下载的结构由以下 JSON Schema 定义（2020-12 版）：\n",
        *schemas,
        "",
    ])


def _sized_link(d: Download, day: str) -> str:
    """The link, then its size (filled in by the build) and the day its items last changed."""
    when = f"，{day} 更新" if day else ""
    name = d.path.rsplit("/", 1)[1].rsplit(".", 1)[0] + f"（{d.fmt.upper()}）"
    return f"{anchor(name, href(DOWNLOADS, d.path))}<br>（{SIZE_MARK.format(d.path)}{when}）"


def _schema_title(path: str) -> str:
    """The schema's Chinese title, raw text (``anchor`` escapes it)."""
    kind = path.rsplit("/", 1)[1].split(".")[0]
    return str(raw_schema(kind)["title"]).split(" / ")[0]


def about_page(site: Site) -> str:
    return "\n".join([
        front_matter({"title": "说明"}),
        "# 说明\n",
        "## 目录怎样组织 {#organisation}\n",
        f"本目录是{text(site.jurisdiction)}的政务公开事项标准目录，按《国务院办公厅关于全面推进"
        "基层政务公开标准化规范化工作的指导意见》(国办发〔2019〕54号)的要求，"
        "以国务院有关部门发布的各领域基层政务公开标准指引为依据编制。\n",
        "- **领域**：目录按试点领域分组，每个领域有牵头单位、配合单位和所依据的标准指引。",
        "- **事项**：每个领域下列出若干公开事项；事项名称分一级事项、二级事项（部分事项再分三级事项）。",
        "- **要素**：每个事项写明公开内容、依据、时限、主体、渠道和载体、对象、方式和层级，"
        "与官方两行表头的标准目录格式一一对应。",
        f"- **事项编码**：每个事项有唯一编码（如 {text(_example_code(site))}），"
        "事项页面的网址以编码结尾，长期不变，可放心引用。\n",
        "目录以文本文件保存在版本库中，由各单位公开专员维护，每次修改都经过自动校验后才发布。"
        "事项页面上的“最后修改”日期取自版本记录。\n",
        "## 要素说明 {#elements}\n",
        "| 要素 | 含义 |",
        "| --- | --- |",
        *(f"| {text(title)} | {text(desc)} |" for title, desc in _elements()),
        "",
    ])


def _example_code(site: Site) -> str:
    return "CXGH-001" if "[0-9]{3" in site.code_pattern else "CXGH-001（以本级编码规则为准）"


def _elements() -> Iterator[tuple[str, str]]:
    """(title, meaning) of every element: the public page names no file keys (clerks find
    them in the schema and the guide)."""
    props: dict[str, Any] = raw_schema("item")["properties"]
    for key in ITEM_KEYS:
        node = props.get(key)
        if node is None:
            continue
        subs = node["properties"].items() if key == "columns" else [(key, node)]
        for name, sub in subs:
            yield sub["title"], _MEANING.get(name) or _chinese(sub.get("description", ""))


_MEANING = {
    "code": "事项的唯一编码，由领域前缀和数字组成，如 CXGH-001；事项网址以它结尾。",
    "content": "需要公开的具体内容或要素。",
    "basis": "要求公开的法律、法规、规章和政策文件。",
    "method": "主动公开、依申请公开，或两者兼有。",
    "channels": "通过哪些渠道和载体公开，如政府网站、政务服务中心、公开栏等。",
    "audience": "全社会，或特定群体（写明是哪类群体）。",
    "levels": "由哪一级政府或部门公开，如县级、乡级。",
    "exemptions": "某一要素依法不适用时的豁免登记：要素、理由、批准单位和有效期。",
}
"""What an element means, for the public: the schema's own descriptions also tell clerks
how to write it in the file (keys, file names), which the public site does not show."""


def _chinese(description: str) -> str:
    """The Chinese part of a schema description ("中文说明。English text.")."""
    m = re.search(r"[。）)]\s*(?=[A-Z][a-z])", description)
    return description[: m.start() + 1].strip() if m else description.strip()
