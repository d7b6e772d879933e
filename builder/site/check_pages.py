"""Render stage, the inspector's pages: 考核 (the score), 考核方法 (the methodology, generated
from the rule book) and each item's own deductions. Pure: check result → Markdown string.

Every value that comes from the catalog or the rule book goes through ``markup.text``.
The bar chart is inline SVG drawn here (no chart library, nothing from a CDN), with a
<title> and role="img"; the same numbers are in the table under it for screen readers.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from builder.check.report import (
    baseline_line,
    baseline_rows,
    exemption_count,
    exemption_groups,
    percent,
    reason_label,
    subject_label,
    word,
)
from builder.check.result import CheckResult, Deduction, Exemption, Tally, element_label
from builder.check.rulebook import LOCAL_SETTING, MISSING_LABELS, STATUS_LABELS, Citation, Rule, RuleBook
from builder.markup import Cell, Head, anchor, attrs, front_matter, table, text

_CSS = "gkml-table gkml-check"
_BAR = "fill: var(--md-primary-fg-color, #4051b5)"
_LOW = "fill: var(--md-accent-fg-color, #c62828)"
ItemHref = Callable[[str], str | None]
"""Item code → the URL of the item's page relative to the 考核 page, or None for no link."""


def score_page(result: CheckResult, *, item_href: ItemHref | None = None) -> str:
    """The 考核 page: the score, tables per area and per subject, a bar chart, every deduction."""
    t = result.total
    parts = [
        front_matter({"title": "考核"}),
        "# 完整性考核\n",
        f'<p class="gkml-score"><strong>得分 {t.score}</strong> / {t.scale}'
        f" · 要素完整率 {percent(t.rate)}（{t.present}/{t.expected}）· 扣分 {t.points}"
        f" · 事项 {t.items} · 考核日期 {text(result.date)}</p>\n",
        f"{text(result.jurisdiction)}的目录按规则手册逐项检查：每个事项应有的要素每缺一项扣规则规定的分数，"
        f"满分 {t.scale} 分，扣完为止；要素完整率不设下限，便于不同规模的目录相互比较。"
        "每条扣分都注明所依据的文件，计分方法见“考核方法”页。\n",
        "## 各领域得分 {#by-area}\n",
        bar_chart(result.areas, t.scale, "chart-areas", "各领域得分"),
        _tally_table(result.areas, "area", "by-area"),
        "## 各公开主体得分 {#by-subject}\n",
        _tally_table(result.subjects, "subject", "by-subject"),
        *_baseline(result),
        "## 扣分明细 {#deductions}\n",
        _deductions(result.deductions, "deductions", item_href) or "没有扣分。\n",
    ]
    groups = exemption_groups(result)
    if groups:
        parts += ["## 豁免 {#exemptions}\n",
                  "下列要素经登记不适用：有效期内的不扣分；已过期或登记不全的不生效，照常扣分，分别列出。\n"]
        for key, rows in groups:
            parts += [f"### {word(key, 'zh')}（{exemption_count(key, rows, 'zh')}） "
                      f"{{#{key.replace('_', '-')}}}\n", _exemptions(rows, key, item_href)]
    if result.advisories:
        parts += ["## 建议补充（不扣分） {#advisories}\n",
                  _deductions(result.advisories, "advisories", item_href)]
    parts += ["## 报告戳记 {#stamp}\n", _stamp(result)]
    return "\n".join(parts)


def _baseline(result: CheckResult) -> list[str]:
    if result.baseline is None:
        return []
    heads = [Head("变化", "change"), Head("事项", "item"), Head("事项名称", "name"), Head("要素", "element"),
             Head("扣分", "points")]
    rows = [[Cell(text(str(v)), header=i == 0) for i, v in enumerate(row)] for row in baseline_rows(result)]
    return ["## 与先前考核比较 {#baseline}\n", text(baseline_line(result, "zh")) + "\n",
            table(heads, rows, label_id="baseline", css=_CSS, search=False) if rows else ""]


def bar_chart(tallies: Sequence[Tally], scale: int, chart_id: str, title: str) -> str:
    """Horizontal bars, one per tally, as an inline SVG figure (one HTML block, no blank line)."""
    row, label_w, bar_w = 28, 150, 400
    width, height = label_w + bar_w + 60, row * len(tallies) + 8
    desc = "；".join(f"{t.name} {t.score} 分" for t in tallies)
    lines = ['<figure class="gkml-chart">',
             f'<svg role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" '
             # Explicit size: Material sizes a <figure> to its content, so "100%" would collapse.
             f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
             'style="max-width: 100%; height: auto" xmlns="http://www.w3.org/2000/svg">',
             f'<title id="{chart_id}-title">{text(title)}（满分 {scale}）</title>',
             f'<desc id="{chart_id}-desc">{text(desc)}</desc>']
    for i, t in enumerate(tallies):
        y = i * row + 4
        bar = round(bar_w * t.score / scale, 1) if scale else 0
        style = _BAR if t.score >= scale * 0.6 else _LOW
        lines += [f'<text x="{label_w - 8}" y="{y + 17}" text-anchor="end" font-size="14" '
                  f'style="fill: currentColor">{text(t.name)}</text>',
                  f'<rect x="{label_w}" y="{y + 3}" width="{bar}" height="18"{attrs({"style": style})}/>',
                  f'<text x="{label_w + bar + 6}" y="{y + 17}" font-size="14" '
                  f'style="fill: currentColor">{t.score}</text>']
    lines += ["</svg>", f"<figcaption>{text(title)}（满分 {scale}）</figcaption>", "</figure>"]
    return "\n".join(lines) + "\n"


def _tally_table(tallies: Sequence[Tally], first: str, label_id: str) -> str:
    heads = [Head(word(first, "zh"), "name"), Head("事项", "items"), Head("得分", "score"),
             Head("扣分", "points"), Head("要素完整率", "rate")]
    rows = [[Cell(text(subject_label(t.name, "zh") if first == "subject" else t.name), header=True),
             Cell(str(t.items)), Cell(str(t.score)), Cell(str(t.points)),
             Cell(percent(t.rate), sort=f"{t.rate if t.rate is not None else -1:.4f}")]
            for t in tallies]
    return table(heads, rows, label_id=label_id, css=_CSS, search=False)


def _item_cell(code: str | None, fallback: str, item_href: ItemHref | None) -> Cell:
    target = item_href(code) if code and item_href else None
    if target:
        return Cell(anchor(code or "", target), header=True)
    return Cell(text(code or fallback), header=True)


def _deductions(rows: Sequence[Deduction], label_id: str, item_href: ItemHref | None) -> str:
    if not rows:
        return ""
    heads = [Head("事项", "item"), Head("事项名称", "name"), Head("要素", "element"),
             Head("扣分", "points"), Head("缺失情形", "reason"), Head("依据", "basis")]
    cells = [[_item_cell(d.item, d.area, item_href), Cell(text(d.name)),
              Cell(text(element_label(d.element))), Cell(str(d.points)),
              Cell(text(reason_label(d.reason, "zh"))), Cell(text(d.basis))] for d in rows]
    return table(heads, cells, label_id=label_id, css=_CSS, search=False)


def _exemptions(rows: Sequence[Exemption], label_id: str, item_href: ItemHref | None) -> str:
    heads = [Head("事项", "item"), Head("要素", "element"), Head("豁免理由", "reason"),
             Head("批准人", "approved"), Head("有效期至", "until"), Head("状态", "status"),
             Head("免扣", "waived"), Head("照常扣分", "charged")]
    cells = [[_item_cell(x.item, x.file, item_href),
              Cell(text(element_label(x.element) if x.element else "")), Cell(text(x.reason)),
              Cell(text(x.approved_by)), Cell(text(x.until)),
              Cell(text(word(x.status, "zh"))), Cell(str(x.waived)), Cell(str(x.charged))] for x in rows]
    return table(heads, cells, label_id=label_id, css=_CSS, search=False)


def _stamp(result: CheckResult) -> str:
    # generated_at is left out: the page would change on every build without the data changing.
    # The commit and the hashes stay in the JSON report: the public page names no internals.
    rows = [("考核日期", result.date), ("规则手册版本", result.stamp.rules_version)]
    return "\n".join(f"- {k}：{text(v)}" for k, v in rows) + "\n"


def item_section(result: CheckResult, code: str) -> str:
    """The item's own deductions, recommendations and exemptions as HTML (item pages are
    HTML, see ``render.item_page``); '' when it has none."""
    deductions, advisories, exemptions = result.of_item(code)
    if not (deductions or advisories or exemptions):
        return ""
    points = sum(d.points for d in deductions)
    parts = ['<h2 id="check">考核</h2>',
             f"<p>本事项扣 {points} 分（考核日期 {text(result.date)}，"
             f"规则手册 {text(result.rules.version)}）。</p>"]
    if deductions or advisories:
        heads = [Head("要素", "element"), Head("扣分", "points"), Head("缺失情形", "reason"),
                 Head("依据", "basis")]
        cells = [[Cell(text(element_label(d.element)), header=True), Cell(str(d.points)),
                  Cell(text(reason_label(d.reason, "zh"))), Cell(text(d.basis))]
                 for d in (*deductions, *advisories)]
        parts.append(table(heads, cells, label_id="check", css=_CSS, search=False))
    if exemptions:
        parts.append("<ul>" + "".join(
            f"<li>豁免 {text(element_label(x.element) if x.element else '')}：{text(x.reason)}"
            f"（批准：{text(x.approved_by)}，有效期至 {text(x.until)}，{text(word(x.status, 'zh'))}）</li>"
            for x in exemptions) + "</ul>")
    return "\n".join(p.strip("\n") for p in parts) + "\n"


def methodology_page(rules: RuleBook) -> str:
    """The 考核方法 page, generated from the rule book: each rule with its requirement and citations."""
    parts = [
        front_matter({"title": "考核方法"}),
        "# 考核方法\n",
        f"完整性考核按规则手册（版本 {text(rules.version)}）逐项检查每个事项。"
        "每份考核报告都注明所用的规则版本，同一数据、同一规则得到同样的分数。\n",
        "## 计分 {#scoring}\n",
        text(rules.requirement) + "\n",
        "满分和每缺一项扣分的办法出自城市对所辖县级单位的考核计分表：\n",
        _citations(rules.scoring_basis),
        "## 何为缺失 {#missing}\n",
        "要素出现下列情形之一即算缺失（各规则适用的情形见下）；列表中每一项都缺失时，整个要素算缺失：\n",
        *(f"- {text(zh)}" for key, (zh, _) in MISSING_LABELS.items()
          if key not in ("unparseable", "empty-area", "no-column")),
        "\n考核各地公开的目录表格时，表格缺少某一栏，则每一行都算缺少这一要素，"
        "按规则扣分（下文“本规则手册自己的设定”中不扣分的要素除外），并按表格汇总报告一次。"
        "\n无法解析的文件按事项计，所有要素都算缺失。占位词："
        + "、".join(text(p) for p in rules.placeholders) + "；只由横线、斜线或句点组成的值也算占位词。\n",
        "## 规则一览 {#rules}\n",
        _rule_table(rules.rules),
        *(_rule_section(r) for r in rules.rules),
        "## 空白试点领域 {#empty-area}\n",
        f"{text(rules.empty_area.requirement)}一个事项也没有的试点领域扣 {rules.empty_area.points} 分"
        f"（{LOCAL_SETTING[0]}）。"
        "本级的试点领域：" + "、".join(text(a) for a in rules.pilot_areas) + "。\n",
        _citations(rules.empty_area.basis),
        "## 本规则手册自己的设定 {#settings}\n",
        "下列分值和做法是本规则手册自己的设定，不是法律、法规或上级文件规定的；"
        "报告中相应的扣分注明“" + LOCAL_SETTING[0] + "”。可按本地考核办法修改规则手册。\n",
        *_settings(rules),
        "## 豁免 {#exemptions}\n",
        "某一要素依法不适用时，可为该事项登记豁免："
        "要素、理由（所依据的法律例外）、批准人和有效期。"
        "有效期内的豁免不扣分，在考核报告中单独列出；"
        "已过期的豁免和缺少理由、批准人或有效期的登记不生效，照常扣分，"
        "在报告中各有标题，并注明因此扣了多少分。\n",
    ]
    return "\n".join(parts)


def _settings(rules: RuleBook) -> list[str]:
    lines = [f"- {text(element_label(r.element))}：{text(r.setting)}"
             for r in (*rules.rules, rules.empty_area) if r.setting]
    if rules.unscored_in_tables:
        names = "、".join(text(element_label(e)) for e in rules.unscored_in_tables)
        lines.append(f"- 考核各地公开的目录表格时不扣分的要素：{names}。"
                     f"{text(rules.unscored_note[0])}")
    return ["\n".join(lines) + "\n"] if lines else ["（无）\n"]


def _rule_table(rules: Iterable[Rule]) -> str:
    heads = [Head("要素", "element"), Head("扣分", "points"),
             Head("类别", "severity"), Head("依据", "basis")]
    cells = [[Cell(text(element_label(r.element)), header=True), Cell(str(r.points)),
              Cell(_severity(r)), Cell(text(r.short_citation()))] for r in rules]
    return table(heads, cells, label_id="rules", css=_CSS, search=False)


def _severity(rule: Rule) -> str:
    return "必备，缺失扣分" if rule.points else "建议，只提示不扣分"


def _rule_section(rule: Rule) -> str:
    missing = "、".join(text(zh) for m, (zh, _) in MISSING_LABELS.items() if m in rule.missing)
    return "\n".join([
        f"### {text(element_label(rule.element))} {{#rule-{rule.id}}}\n",
        f"{text(rule.requirement)}扣分：{rule.points}（{_severity(rule)}）。何为缺失：{missing}。\n",
        _citations(rule.basis)])


def _citations(basis: Iterable[Citation]) -> str:
    lines = []
    for c in basis:
        line = f"- 依据：{text(c.text())}（{STATUS_LABELS[c.status][0]}）"
        if c.quote:
            line += f"。原文：“{text(c.quote)}”"
        if c.note:
            line += f"。说明：{text(c.note)}"
        lines.append(line)
    return "\n".join(lines) + "\n"
