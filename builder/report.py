"""Reporters: the same findings as text for a clerk, JSON for tools, annotations for GitHub.

A reporter only formats; it never decides what is wrong.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import TextIO

from builder.findings import CODES, Finding, Lang, Severity, sort_key
from builder.textsafe import terminal


def summary(findings: Sequence[Finding], files: int) -> dict[str, object]:
    errors = sum(f.severity is Severity.ERROR for f in findings)
    return {"files": files, "errors": errors, "warnings": len(findings) - errors,
            "ok": errors == 0}


def as_dict(f: Finding, lang: Lang) -> dict[str, object]:
    message, hint = f.text(lang)
    return {"code": f.code, "severity": f.severity.value, "file": f.file, "line": f.line,
            "column": f.column, "path": f.path, "element": f.element_name(lang),
            "message": message, "hint": hint, **_context(f, lang)}


def _context(f: Finding, lang: Lang) -> dict[str, str]:
    """What a finding says about how it was found: the sheet cell an imported value came from
    (目录.xlsx 城乡规划!E6), the mended lines a file was read past (``Document.assumed``)."""
    out = {"source": str(f.params["source"])} if "source" in f.params else {}
    key = "assuming_en" if lang == "en" else "assuming"
    return out | ({"assuming": str(f.params[key])} if key in f.params else {})


def _notes(f: Finding, lang: Lang) -> list[str]:
    names = {"source": ("表格位置", "from sheet"), "assuming": ("前提", "assuming")}
    return [f"{names[k][lang == 'en']}: {v}" for k, v in _context(f, lang).items()]


def _where(f: Finding) -> str:
    if f.line:
        return f"{f.file}:{f.line}:{f.column}" if f.column else f"{f.file}:{f.line}"
    return f.file


def text(findings: Sequence[Finding], files: int, lang: Lang, out: TextIO) -> None:
    for f in sorted(findings, key=sort_key):
        message, hint = f.text(lang)
        element = f.element_name(lang)
        label = f"{element}: " if element else ""
        line = f"{_where(f)}: {f.severity.label(lang)} [{f.code}] {label}{message}"
        out.write(terminal(line) + "\n")  # catalog text may hold ESC: it must not drive the terminal
        for note in _notes(f, lang):
            out.write(terminal(f"    {note}") + "\n")
        if hint:
            out.write(terminal(f"    {'hint' if lang == 'en' else '提示'}: {hint}") + "\n")
    s = summary(findings, files)
    if lang == "en":
        verdict = "OK" if s["ok"] else "FAILED"
        out.write(f"{verdict}: {files} files, {s['errors']} errors, {s['warnings']} warnings\n")
    else:
        verdict = "校验通过" if s["ok"] else "校验未通过"
        out.write(f"{verdict}：{files} 个文件，{s['errors']} 个错误，{s['warnings']} 个警告\n")


def json_report(findings: Sequence[Finding], files: int, lang: Lang, out: TextIO) -> None:
    doc = {"findings": [as_dict(f, lang) for f in sorted(findings, key=sort_key)],
           "summary": summary(findings, files)}
    json.dump(doc, out, ensure_ascii=False, indent=2)
    out.write("\n")


def _escape(value: str, prop: bool = False) -> str:
    value = terminal(value).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return value.replace(":", "%3A").replace(",", "%2C") if prop else value


def github(findings: Sequence[Finding], files: int, lang: Lang, out: TextIO) -> None:
    """GitHub Actions workflow commands: each finding becomes an annotation on its line."""
    for f in sorted(findings, key=sort_key):
        message, hint = f.text(lang)
        level = "error" if f.severity is Severity.ERROR else "warning"
        props = [f"file={_escape(f.file, True)}"]
        if f.line:
            props += [f"line={f.line}", f"col={max(f.column, 1)}"]
        title = f"[{f.code}] {f.element_name(lang)}".strip()
        props.append(f"title={_escape(title, True)}")
        body = "\n".join(x for x in (message, *_notes(f, lang), hint) if x)
        out.write(f"::{level} {','.join(props)}::{_escape(body)}\n")


Reporter = Callable[[Sequence[Finding], int, Lang, TextIO], None]
REPORTERS: dict[str, Reporter] = {"text": text, "json": json_report, "github": github}


def codes_markdown(lang: Lang) -> str:
    """The catalogue of finding codes as a Markdown table (the site's help page, `gkml codes`)."""
    if lang == "en":
        head = "| code | severity | what it means | what to do |\n| --- | --- | --- | --- |\n"
    else:
        head = "| 代码 | 级别 | 含义 | 怎么改 |\n| --- | --- | --- | --- |\n"
    rows = []
    for c in CODES.values():
        title, hint = (c.title_en, c.hint_en) if lang == "en" else (c.title_zh, c.hint_zh)
        hint = hint if "{" not in hint else ""  # hints built from the finding itself are left out
        rows.append(f"| `{c.code}` | {c.severity.label(lang)} | {title} | {_cell(hint)} |")
    return head + "\n".join(rows) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")
