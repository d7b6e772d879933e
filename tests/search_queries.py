"""Realistic citizen queries on the bundled catalog and what must come first (issue 13).

Each case: the query as a citizen types it, and the item codes any of which is a right
first result (an area's name, for example, is answered by any item of that area). The
areas, 一级/二级 names and subjects are the bundled catalog's (catalog/).
"""

from __future__ import annotations

AREA = {"城乡规划": "CXGH", "重大建设项目": "ZDJS", "财政预决算": "CZYJ", "税收管理": "SSGL",
        "环境保护": "HJBH", "食品药品监管": "SPYP", "安全生产": "AQSC",
        "公共文化服务": "GGWH", "公共法律服务": "GGFL"}


def _codes(prefix: str, *numbers: int) -> frozenset[str]:
    return frozenset(f"{prefix}-{n:03d}" for n in numbers)


def _area(prefix: str) -> frozenset[str]:
    return frozenset(f"{prefix}-{n:03d}" for n in range(1, 30))


CASES: list[tuple[str, frozenset[str]]] = [
    # codes, as written and as typed
    ("CXGH-001", _codes("CXGH", 1)),
    ("cxgh001", _codes("CXGH", 1)),
    ("CXGH001", _codes("CXGH", 1)),
    ("cxgh-001", _codes("CXGH", 1)),
    ("hjbh-004", _codes("HJBH", 4)),
    ("GGFL005", _codes("GGFL", 5)),
    ("Spyp-003", _codes("SPYP", 3)),
    ("CZYJ 007", _codes("CZYJ", 7)),
    # 一级/二级 names
    ("行政许可", _codes("HJBH", 1, 2, 3, 4) | _codes("GGWH", 1, 2, 3, 4) | _codes("GGFL", 7, 8)
     | _codes("AQSC", 8)),
    ("行政处罚", _codes("CXGH", 9) | _codes("GGFL", 9) | _codes("AQSC", 9)),
    ("行政强制", _codes("HJBH", 5, 6, 7)),
    ("政府预算", _codes("CZYJ", 1, 2, 3, 7, 8)),
    ("政府决算", _codes("CZYJ", 4)),
    ("部门预算", _codes("CZYJ", 5)),
    ("规划编制", _codes("CXGH", 4, 5, 6, 7)),
    ("纳税服务", _codes("SSGL", 3, 4, 5)),
    ("法律援助", _codes("GGFL", 5)),
    ("监督检查", _codes("SPYP", 3, 4, 5)),
    ("批准结果信息", _codes("ZDJS", 4, 5, 6, 7, 8, 9)),
    # areas
    *((name, _area(prefix)) for name, prefix in AREA.items()),
    # subjects
    ("司法局", _area("GGFL")),
    ("应急管理局", _area("AQSC")),
    ("税务局", _area("SSGL")),
    ("市场监督管理局", _area("SPYP")),
    ("生态环境局", _area("HJBH")),
    ("示例县财政局", _codes("CZYJ", 1, 2, 3, 4, 7, 8)),
    # parts of names, as a citizen puts them
    ("乡村建设规划许可证", _codes("CXGH", 8)),
    ("施工许可证", _codes("ZDJS", 9)),
    ("食品经营许可", _codes("SPYP", 1, 2)),
    ("药品零售", _codes("SPYP", 6, 7)),
    ("危险废物", _codes("HJBH", 4)),
    ("环境影响评价", _codes("HJBH", 1, 2)),
    ("招标投标", _codes("ZDJS", 10)),
    ("征收土地", _codes("ZDJS", 11)),
    ("三公经费", _codes("CZYJ", 7)),
    ("营业性演出", _codes("GGWH", 3)),
    ("娱乐场所", _codes("GGWH", 4)),
    ("免费开放", _codes("GGWH", 5, 8)),
    ("村庄规划", _codes("CXGH", 7)),
    ("企业投资项目备案", _codes("ZDJS", 7)),
    ("纳税人权利", _codes("SSGL", 3)),
    ("律师", _codes("GGFL", 4)),
    ("食品安全抽检", _codes("SPYP", 5)),
]
