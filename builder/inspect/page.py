"""The inspection as one self-contained HTML file an inspector can send to each county.

No external resource (styles inline, the chart inline SVG, no script), printable (each
county starts a new page; opened at a county's #jN, only its section prints), and each
county's ``<section>`` stands alone: it repeats the date, the rule book, the scale's source
and the county's rank, so a county sent only its own section has everything it needs.
Every text from a source goes through ``html.escape``; the chart is ``check_pages.bar_chart``,
the one the site's 考核 page draws.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from html import escape

from builder.check.report import percent, reason_label, word
from builder.check.result import Deduction, element_label
from builder.inspect.report import Ranked
from builder.inspect.scoring import Inspection
from builder.site.check_pages import bar_chart

_CSS = """
body { font-family: "Noto Sans CJK SC", "Microsoft YaHei", sans-serif; color: #1a1a1a;
       background: #fff; margin: 0 auto; max-width: 72rem; padding: 1rem; line-height: 1.5; }
a { color: #0645ad; }
table { border-collapse: collapse; margin: .5rem 0 1rem; width: 100%; font-size: .9rem; }
caption { text-align: left; font-weight: bold; padding: .25rem 0; }
th, td { border: 1px solid #767676; padding: .25rem .4rem; text-align: left; vertical-align: top; }
thead th { background: #e8edf5; }
.score { font-size: 1.25rem; }
.meta { color: #3d3d3d; font-size: .9rem; }
figure { margin: 0; }
@media print {
  nav { display: none; }
  section.jurisdiction { break-before: page; }
  a { color: inherit; text-decoration: none; }
  /* Opened at #j2, the page prints that county's section alone: a report to send it. */
  body:has(section.jurisdiction:target) main > section:not(:target) { display: none; }
  body:has(section.jurisdiction:target) section.jurisdiction:target { break-before: auto; }
}
"""


def html_report(r: Ranked, plan: bool) -> str:
    title = r.title if plan else f"{r.entries[0][1].name} 政务公开事项标准目录考核"
    parts = ['<!DOCTYPE html>', '<html lang="zh-CN">', "<head>", '<meta charset="utf-8">',
             '<meta name="viewport" content="width=device-width, initial-scale=1">',
             f"<title>{escape(title)}</title>", f"<style>{_CSS}</style>", "</head>", "<body>",
             "<header>", f"<h1>{escape(title)}</h1>", f'<p class="meta">{_meta(r)}</p>', "</header>"]
    if plan:
        parts += ['<nav aria-label="被考核单位">',
                  "<p>打印某一单位的报告：点击其名称后打印，只打印该单位一节。</p>", "<ol>",
                  *(f'<li><a href="#j{n}">{escape(i.name)}</a></li>'
                    for n, (_, i) in enumerate(r.entries, 1)),
                  "</ol>", "</nav>"]
    parts.append("<main>")
    if plan:
        parts += _ranking(r)
    for n, (rank, i) in enumerate(r.entries, 1):
        parts += _section(r, n, rank, i, plan)
    parts += ["</main>", f'<footer class="meta"><p>{_meta(r)} · 生成于 {escape(r.generated_at)}</p></footer>',
              "</body>", "</html>"]
    return "\n".join(parts) + "\n"


def _meta(r: Ranked) -> str:
    basis = "；".join(c.text() for c in r.book.scoring_basis)
    return (f"考核日期 {escape(r.date)} · 规则手册 {escape(r.book.version)}（sha256 {escape(r.book.sha256)}）"
            f" · 计分：{escape(r.book.requirement)}（依据：{escape(basis)}）")


def _ranking(r: Ranked) -> list[str]:
    scored = [i.result.total for _, i in r.entries if i.result is not None]
    rows = [[str(n) if n is not None else "—", i.name,
             str(i.score) if i.score is not None else "未计分", percent(i.rate),
             str(i.result.total.items if i.result else 0)] for n, i in r.entries]
    return ['<section aria-labelledby="ranking">', '<h2 id="ranking">排名</h2>',
            bar_chart(scored, r.book.scale, "chart-ranking", "各单位得分") if scored else "",
            *_table("排名（按得分）", ["名次", "单位", "得分", "要素完整率", "事项"], rows,
                    first_is_header=False),
            "</section>"]


def _section(r: Ranked, n: int, rank: int | None, i: Inspection, plan: bool) -> list[str]:
    head = f"{escape(i.name)}：得分 {i.score} / {r.book.scale}" if i.result else f"{escape(i.name)}：未计分"
    out = [f'<section class="jurisdiction" id="j{n}" aria-labelledby="j{n}-h">',
           f'<h2 id="j{n}-h">{head}</h2>']
    if plan:
        out.append(f"<p>{escape(r.title)} · 名次 {rank if rank is not None else '—'} / {len(r.entries)}</p>")
    out.append(f'<p class="meta">{_meta(r)}</p>')
    if i.result is not None:
        t = i.result.total
        out.append(f'<p class="score">得分 <strong>{t.score}</strong> / {t.scale} · 要素完整率 '
                   f"{percent(t.rate)}（{t.present}/{t.expected}）· 扣分 {t.points} · 事项 {t.items}</p>")
        out += _table(f"{i.name} 分领域得分", ["领域", "事项", "得分", "扣分", "要素完整率"],
                      [[a.name, str(a.items), str(a.score), str(a.points), percent(a.rate)]
                       for a in i.result.areas])
        if i.result.baseline is not None:
            c = i.result.baseline
            out.append(f"<p>与先前考核（{escape(c.date)}）比较：得分 {c.score} → {t.score}（{c.change:+d}），"
                       f"已整改 {len(c.fixed)} 条，新增 {len(c.new)} 条。</p>")
        out += _table(f"{i.name} 扣分明细（{len(i.result.deductions)} 条）",
                      _DEDUCTION_HEAD, [_deduction(d) for d in i.result.deductions])
    if i.findings:
        out += [f"<h3>{escape(i.name)} 读取中的问题（{len(i.findings)}）</h3>", "<ul>",
                *(f"<li>{escape(f.file)} {escape(f.path) if f.path != '$' else ''} {escape(f.text('zh')[0])}"
                  f"（{escape(f.text('zh')[1])}）</li>" for f in i.findings), "</ul>"]
    out += [f"<h3>{escape(i.name)} 考核的来源</h3>", "<ul>",
            *(f"<li>{escape(s.source)} · sha256 {escape(s.sha256)}"
              + (f" · 获取于 {escape(s.fetched_at)}" if s.fetched_at else "") + "</li>" for s in i.sources),
            "</ul>", "</section>"]
    return out


_DEDUCTION_HEAD = ("来源", "表格", "序号", "事项名称", "领域", "要素", "规则", "扣分", "缺失情形", "依据")


def _deduction(d: Deduction) -> list[str]:
    return [d.file, d.table, d.row or (str(d.line) if not d.table else ""), d.name or (d.item or ""),
            d.area, element_label(d.element), d.rule, str(d.points), reason_label(d.reason, "zh"),
            d.basis]


def _table(caption: str, head: Sequence[str], rows: Iterable[Sequence[str]],
           first_is_header: bool = True) -> list[str]:
    rows = list(rows)
    if not rows:
        return [f"<p>{escape(caption)}：{word('none', 'zh')}</p>"]
    body = []
    for row in rows:
        cells = [f'<th scope="row">{escape(v)}</th>' if c == 0 and first_is_header
                 else f"<td>{escape(v)}</td>" for c, v in enumerate(row)]
        body.append("<tr>" + "".join(cells) + "</tr>")
    return ["<table>", f"<caption>{escape(caption)}</caption>",
            "<thead><tr>" + "".join(f'<th scope="col">{escape(h)}</th>' for h in head) + "</tr></thead>",
            "<tbody>", *body, "</tbody>", "</table>"]
