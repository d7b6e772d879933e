"""The 计分表 of ``gkml check``: a summary sheet, then a sheet each for deductions,
recommendations, each group of exemptions and (with --baseline) the follow-up. Every cell
is written through ``tables.xlsx_cell``, the one cell writer."""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from openpyxl.worksheet.worksheet import Worksheet

from builder.check.report import (
    baseline_line,
    baseline_rows,
    deduction_head,
    deduction_row,
    exemption_count,
    exemption_groups,
    exemption_head,
    exemption_row,
    percent,
    stamp_pairs,
    tally_head,
    tally_row,
    word,
)
from builder.check.result import CheckResult
from builder.findings import Lang
from builder.tables import xlsx_cell


def xlsx_report(r: CheckResult, lang: Lang) -> bytes:
    """The 计分表: a summary sheet, then a sheet each for deductions, recommendations, exemptions."""
    from openpyxl import Workbook  # late: only the xlsx report needs it

    wb = Workbook()
    summary = wb.active
    assert summary is not None  # a new workbook always has its first sheet
    summary.title = word("summary", lang)
    _summary_sheet(summary, r, lang)
    for key, head, rows in (
            ("deductions", deduction_head(lang), [deduction_row(d, lang) for d in r.deductions]),
            ("advisories", deduction_head(lang), [deduction_row(d, lang) for d in r.advisories]),
            *((key, exemption_head(lang), [exemption_row(x, lang) for x in group])
              for key, group in exemption_groups(r))):
        _sheet(wb.create_sheet(word(key, lang)[:31]), head, rows)
    if r.baseline is not None:
        ws = wb.create_sheet(word("baseline", lang))
        ws.append([xlsx_cell(ws, baseline_line(r, lang))])
        _sheet_rows(ws, [word(k, lang) for k in ("change", "item", "name", "element", "points")],
                    baseline_rows(r, lang))
    wb.properties.creator = f"gkml {r.stamp.tool_version}"
    wb.properties.created = datetime.fromisoformat(r.stamp.generated_at.replace("Z", "+00:00")
                                                   ).replace(tzinfo=None)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _sheet_rows(ws: Worksheet, head: list[str], rows: list[list[object]]) -> None:
    ws.append([xlsx_cell(ws, h, font=bold()) for h in head])
    for row in rows:
        ws.append([xlsx_cell(ws, v) for v in row])


def _summary_sheet(ws: Worksheet, r: CheckResult, lang: Lang) -> None:
    t = r.total
    rows: list[Sequence[object]] = [
        [word("jurisdiction", lang), r.jurisdiction], [word("score", lang), t.score],
        [word("scale", lang), t.scale], [word("points", lang), t.points],
        [word("rate", lang), percent(t.rate)], [word("items", lang), t.items],
        [word("present", lang), t.present], [word("expected", lang), t.expected],
        *([word(key, lang), exemption_count(key, group, lang)] for key, group in exemption_groups(r)),
        *([k, v] for k, v in stamp_pairs(r, lang)), [],
        [word("by_area", lang)], tally_head("area", lang), *(tally_row(a, lang) for a in r.areas), [],
        [word("by_subject", lang)], tally_head("subject", lang),
        *(tally_row(s, lang, True) for s in r.subjects)]
    for row in rows:
        heading = bool(row) and row[0] in (word("by_area", lang), word("by_subject", lang))
        ws.append([xlsx_cell(ws, v, **({"font": bold()} if heading else {})) for v in row])
    ws.column_dimensions["A"].width = 24
    ws.column_dimensions["B"].width = 40


def _sheet(ws: Worksheet, head: list[str], rows: list[list[object]]) -> None:
    _sheet_rows(ws, head, rows)
    ws.freeze_panes = "A2"
    for i, _ in enumerate(head):
        ws.column_dimensions[chr(ord("A") + i)].width = 14 if i != 2 else 32


def bold() -> Any:
    from openpyxl.styles import Font

    return Font(bold=True)
