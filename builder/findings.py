"""Findings: the one record every stage produces, and the catalogue of finding codes.

A finding is data, never an exception. Each code below is stable: tests, CI
annotations and clerks' bookmarks refer to it, so a code is never renamed or reused.
Messages and hints are templates filled from a finding's ``params``; the same
catalogue renders the 说明/help page on the site (``gkml codes``).
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Literal

Lang = Literal["zh", "en"]


class Severity(enum.StrEnum):
    ERROR = "error"
    WARNING = "warning"

    def label(self, lang: Lang) -> str:
        return {"error": ("错误", "error"), "warning": ("警告", "warning")}[self.value][
            lang == "en"
        ]


@dataclass(frozen=True, slots=True)
class Code:
    """One kind of finding: its severity and its words in both languages."""

    code: str
    severity: Severity
    title_zh: str
    title_en: str
    zh: str
    en: str
    hint_zh: str = ""
    hint_en: str = ""

    def render(self, lang: Lang, params: Mapping[str, object]) -> tuple[str, str]:
        """Return (message, hint) with ``params`` filled in."""
        if lang == "en":
            # English templates name {label}, {kind}, ... and get the *_en variant when given.
            params = {**params, **{k[:-3]: v for k, v in params.items() if k.endswith("_en")}}
            return _fill(self.en, params), _fill(self.hint_en, params)
        return _fill(self.zh, params), _fill(self.hint_zh, params)


def _fill(template: str, params: Mapping[str, object]) -> str:
    try:
        return template.format_map(params)
    except (KeyError, IndexError, ValueError):
        # A template and its params out of step is our bug, not the clerk's:
        # show the template rather than lose the finding.
        return template


E, W = Severity.ERROR, Severity.WARNING

_CODES: tuple[Code, ...] = (
    # --- files and YAML syntax -------------------------------------------------
    Code("file-too-large", E, "文件过大", "file too large",
         "文件有 {size} 字节，超过上限 {limit} 字节，没有读取。",
         "The file has {size} bytes, over the limit of {limit}; it was not read.",
         "一个事项文件通常只有几 KB，请检查是否误存了别的内容。",
         "An item file is a few KB; check that nothing else was saved into it."),
    Code("file-not-text", E, "不是文本文件", "not a text file",
         "文件含有二进制内容（第 {line} 行附近），不是 YAML 文本文件。",
         "The file holds binary content (near line {line}); it is not a YAML text file.",
         "目录文件夹只放 .yml 文本文件；Word、Excel 等附件请放在别处。",
         "Keep only .yml text files in the catalog; put attachments elsewhere."),
    Code("file-encoding", E, "不是 UTF-8 编码", "not UTF-8",
         "文件不是 UTF-8 编码，无法读取{guess}。",
         "The file is not UTF-8 and cannot be read{guess}.",
         "请在编辑器中把文件“另存为”UTF-8 编码（记事本：另存为 → 编码选 UTF-8；WPS/VS Code 同理）。",
         "Re-save the file as UTF-8 (Notepad: Save As → Encoding: UTF-8)."),
    Code("file-empty", E, "空文件", "empty file",
         "文件是空的，没有任何内容。",
         "The file is empty.",
         "用 gkml new 生成事项模板，或删除这个文件。",
         "Start the item with `gkml new`, or delete the file."),
    Code("file-ignored", W, "文件不会发布", "file ignored",
         "“{name}”不是 .yml 文件，不会被读取或发布。",
         "'{name}' is not a .yml file; it is not read or published.",
         "事项文件的扩展名必须是 .yml；附件请放在 catalog 文件夹之外。",
         "Item files must end in .yml; keep other files outside catalog/."),
    Code("yaml-syntax", E, "YAML 格式错误", "YAML syntax error",
         "YAML 格式错误：{problem}。",
         "YAML syntax error: {problem}.",
         "检查这一行和上一行的缩进（只用空格）、冒号后的空格和引号是否成对。",
         "Check indentation (spaces only), the space after each colon, and matching quotes."),
    Code("yaml-tab", E, "用了制表符缩进", "tab indentation",
         "这一行用制表符（Tab）缩进，YAML 只允许用空格缩进。",
         "This line is indented with a tab; YAML allows only spaces.",
         "把行首的 Tab 换成两个空格（编辑器里可设置“Tab 转空格”）。",
         "Replace the leading tab with two spaces."),
    Code("yaml-fullwidth-colon", E, "用了全角冒号", "full-width colon",
         "“{key}”后面用了全角冒号“：”，YAML 只认半角冒号“:”。",
         "'{key}' is followed by a full-width colon '：'; YAML needs an ASCII colon ':'.",
         "改成 {key}: 值（半角冒号，后面加一个空格）。",
         "Write '{key}: value' with an ASCII colon and a space."),
    Code("yaml-bad-char", E, "不允许的字符", "forbidden character",
         "文件含有 YAML 不允许的控制字符 {char}。",
         "The file contains the control character {char}, which YAML forbids.",
         "删除这个不可见字符；它通常来自从网页或 Word 复制的内容。",
         "Delete the invisible character; it usually comes from pasted web or Word text."),
    Code("yaml-unsafe-tag", E, "不安全的标签", "unsafe tag",
         "标签 {tag} 不允许使用，文件没有读取。",
         "The tag {tag} is not allowed; the file was not read.",
         "删除 {tag}；事项文件只需要普通文字和列表。",
         "Remove {tag}; an item needs only plain text and lists."),
    Code("yaml-alias-bomb", E, "别名展开过大", "alias expansion too large",
         "锚点和别名（& 和 *）展开后超过 {limit} 个节点，文件被拒绝。",
         "Anchors and aliases (& and *) expand to more than {limit} nodes; the file was refused.",
         "不要用锚点和别名，直接写出内容。",
         "Do not use anchors and aliases; write the values out."),
    Code("yaml-too-deep", E, "嵌套过深", "nested too deeply",
         "内容嵌套超过 {limit} 层，文件被拒绝。",
         "The content is nested more than {limit} levels deep; the file was refused.",
         "事项文件最多只有三层：键、列表、列表中的键。请检查括号 [ ] { } 是否成对。",
         "An item is at most three levels deep; check that brackets [ ] { } are paired."),
    Code("yaml-multi-doc", E, "多个 YAML 文档", "several YAML documents",
         "文件中有多个 YAML 文档（用 --- 分隔），一个文件只能写一个事项。",
         "The file holds several YAML documents (separated by ---); one file holds one item.",
         "把第二个文档移到它自己的文件中，或删除多余的 ---。",
         "Move the second document to a file of its own, or delete the extra ---."),
    Code("yaml-duplicate-key", E, "键重复", "duplicate key",
         "键“{key}”重复出现（第一次在第 {first_line} 行），YAML 会悄悄丢掉其中一个值。",
         "The key '{key}' appears twice (first on line {first_line}); YAML would silently drop one.",
         "删除或合并重复的“{key}”。",
         "Delete or merge the repeated '{key}'."),
    Code("yaml-bad-key", E, "键不是文字", "key is not text",
         "键 {key} 不是普通文字。",
         "The key {key} is not plain text.",
         "键名只用英文字母和下划线，如 subject。",
         "Keys are plain words such as subject."),
    Code("yaml-not-text", E, "值被 YAML 改变了类型", "value read as non-text",
         "未加引号的 {raw} 被 YAML 读成了{kind}，不再是原样的文字。",
         "The unquoted {raw} is read by YAML as {kind}, not as the text you wrote.",
         "加上引号：{key}: \"{raw}\"",
         "Quote it: {key}: \"{raw}\""),
    Code("doc-not-mapping", E, "文件结构不对", "not a mapping",
         "文件内容应是一组“键: 值”，这里却是{kind}。",
         "The file should hold 'key: value' lines but holds {kind}.",
         "参照模板（gkml new），每个要素一行，写成“键: 值”。",
         "Follow the template (`gkml new`): one 'key: value' line per element."),
    # --- schema -------------------------------------------------------------------
    Code("required", E, "缺少必填要素", "required element missing",
         "缺少必填要素“{label}”（{key}）。",
         "The required element {label} ({key}) is missing.",
         "添加一行：{snippet}",
         "Add a line: {snippet}"),
    Code("unknown-key", E, "不认识的键", "unknown key",
         "不认识的键“{key}”。",
         "Unknown key '{key}'.",
         "{suggestion}",
         "{suggestion}"),
    Code("wrong-type", E, "类型不对", "wrong type",
         "“{label}”应为{expected}，这里是{actual}。",
         "{label} should be {expected}, not {actual}.",
         "{example}",
         "{example}"),
    Code("empty", E, "要素为空", "empty element",
         "“{label}”为空。",
         "{label} is empty.",
         "填写实际内容；依法确实不适用的，请在 exemptions 中登记豁免。",
         "Fill it in; if it truly does not apply, record an exemption under exemptions."),
    Code("bad-value", E, "取值不在允许范围", "value not allowed",
         "“{value}”不是“{label}”允许的值，可选：{allowed}。",
         "'{value}' is not allowed for {label}; choose one of: {allowed}.",
         "{suggestion}",
         "{suggestion}"),
    Code("bad-format", E, "格式不对", "bad format",
         "“{label}”的值“{value}”格式不对：{detail}。",
         "The value '{value}' of {label} is malformed: {detail}.",
         "{example}",
         "{example}"),
    Code("duplicate-value", W, "重复的值", "repeated value",
         "“{label}”中有重复的值。",
         "{label} lists a value twice.",
         "删除重复的一项。",
         "Delete the repeated entry."),
    Code("basis-format", E, "依据未写成《》引用", "basis not a 《title》 citation",
         "公开依据“{value}”没有写成《名称》的引用形式。",
         "The basis '{value}' is not written as a 《title》 citation.",
         "写成《中华人民共和国政府信息公开条例》这样的书名号引用，文号或条款写在书名号之后。",
         "Write it as 《title》 with any document number or article after the closing 》."),
    Code("placeholder", E, "占位词", "placeholder",
         "“{label}”填的是占位词“{value}”，等于没有填写。",
         "{label} holds the placeholder '{value}', which counts as not filled in.",
         "写出实际内容；从 Word/Excel 表格复制来的“同上”要换成上一行的实际内容。",
         "Write the actual value; replace 同上 (ditto) copied from a table with the value itself."),
    Code("channel-unknown", E, "渠道不在清单中", "unknown channel",
         "公开渠道“{value}”既不在官方渠道清单中，也不在本领域的平台清单中。",
         "The channel '{value}' is neither in the official checklist nor in this area's platforms.",
         "{suggestion}",
         "{suggestion}"),
    Code("level-unknown", E, "层级不在设置中", "unknown level",
         "公开层级“{value}”不在 site.yml 设定的层级（{levels}）中。",
         "The level '{value}' is not one of the levels set in site.yml ({levels}).",
         "改为 {levels} 之一，或在 catalog/site.yml 的 levels 中增加这一层级。",
         "Use one of {levels}, or add the level to levels in catalog/site.yml."),
    Code("audience-group-missing", E, "未写明特定群体", "audience group missing",
         "公开对象为“特定群体”，但没有写明是哪类群体。",
         "The audience is 特定群体 (a specific group) but the group is not named.",
         "添加一行：audience_group: 法律援助申请人（按实际群体填写）",
         "Add a line such as: audience_group: 法律援助申请人"),
    Code("audience-group-unused", W, "特定群体未使用", "audience group unused",
         "写了 audience_group，但公开对象是“{value}”，这一项不会显示。",
         "audience_group is set but the audience is '{value}', so it is not shown.",
         "公开对象确为特定群体时，把 audience 改为 特定群体；否则删除 audience_group。",
         "Set audience to 特定群体 if that is meant; otherwise delete audience_group."),
    Code("exemption-expired", W, "豁免已过期", "exemption expired",
         "“{label}”的豁免已于 {until} 到期，考核时将重新计分。",
         "The exemption for {label} expired on {until}; the check counts it again.",
         "续签豁免（更新 until 和批准人），或补上这一要素。",
         "Renew the exemption (until, approved_by) or fill in the element."),
    # --- across files ------------------------------------------------------------
    Code("code-format", E, "编码不符合规则", "code does not match the pattern",
         "事项编码“{code}”不符合编码规则 {pattern}。",
         "The code '{code}' does not match the pattern {pattern}.",
         "例如：{example}",
         "For example: {example}"),
    Code("code-duplicate", E, "编码重复", "duplicate code",
         "事项编码“{code}”重复，也用在 {other}。",
         "The code '{code}' is also used in {other}.",
         "给其中一个事项换一个未用过的编码（gkml new 会给出下一个空号）。",
         "Give one of the items an unused code (`gkml new` picks the next free one)."),
    Code("code-filename", E, "编码与文件名不一致", "code differs from file name",
         "事项编码“{code}”与文件名“{stem}”不一致。",
         "The code '{code}' differs from the file name '{stem}'.",
         "把文件改名为 {code}.yml，或改正 code。",
         "Rename the file to {code}.yml, or correct the code."),
    Code("code-prefix", E, "编码前缀与领域不符", "code prefix differs from area",
         "事项编码“{code}”的前缀与所在领域“{area}”的前缀 {prefix} 不一致。",
         "The code '{code}' does not start with the prefix {prefix} of its area '{area}'.",
         "把事项移到正确的领域文件夹，或把编码改为 {prefix}- 开头。",
         "Move the item to the right area folder, or start the code with {prefix}-."),
    Code("area-missing-meta", E, "领域缺少 _area.yml", "area without _area.yml",
         "文件夹“{folder}”中有事项，但没有 _area.yml，这些事项不属于任何已知领域。",
         "The folder '{folder}' holds items but has no _area.yml, so they belong to no known area.",
         "在该文件夹中添加 _area.yml（领域名称、编码前缀、顺序、牵头单位、标准指引），或把事项移到已有领域。",
         "Add an _area.yml (name, prefix, order, lead, guideline) or move the items to a known area."),
    Code("item-outside-area", E, "事项不在领域文件夹中", "item outside an area folder",
         "事项文件必须放在 catalog/<领域>/ 文件夹中，这里的位置无法确定所属领域。",
         "Item files belong in catalog/<area>/; this place names no area.",
         "把文件移到所属领域的文件夹中。",
         "Move the file into its area's folder."),
    Code("area-prefix-duplicate", E, "领域前缀重复", "duplicate area prefix",
         "编码前缀 {prefix} 也被领域“{other}”使用。",
         "The prefix {prefix} is also used by the area '{other}'.",
         "每个领域使用不同的编码前缀。",
         "Give each area its own prefix."),
    Code("site-missing", W, "缺少 site.yml", "site.yml missing",
         "没有找到 catalog/site.yml，使用默认设置（层级：县级、乡级；编码：前缀-3至5位数字）。",
         "catalog/site.yml was not found; defaults are used (levels 县级, 乡级; codes PREFIX-001).",
         "添加 catalog/site.yml，写明发布机关（jurisdiction）等信息。",
         "Add catalog/site.yml naming at least the jurisdiction."),
    Code("site-bad-pattern", E, "编码规则无效", "invalid code pattern",
         "code_pattern“{pattern}”不是有效的正则表达式：{detail}。",
         "code_pattern '{pattern}' is not a valid regular expression: {detail}.",
         "使用默认值 ^{{prefix}}-[0-9]{{3,5}}$，或请技术人员协助修改。",
         "Use the default ^{{prefix}}-[0-9]{{3,5}}$."),
    Code("path-not-found", E, "路径不存在", "path not found",
         "找不到“{path}”。",
         "'{path}' does not exist.",
         "检查路径拼写；默认校验当前文件夹下的 catalog。",
         "Check the path; by default the catalog folder in the working directory is read."),
    # --- clerk workflow: new, import, export, fmt (builder/new.py, importer.py, export.py, fmt.py) ---
    Code("area-unknown", E, "没有这个领域", "unknown area",
         "目录中没有领域“{area}”。",
         "The catalog has no area '{area}'.",
         "可用的领域（文件夹、编码前缀或名称均可）：{areas}",
         "Areas (folder, code prefix or name): {areas}"),
    Code("item-not-found", E, "没有这个事项", "unknown item",
         "目录中没有事项“{code}”。",
         "The catalog has no item '{code}'.",
         "写事项编码，即 catalog/<领域>/ 中的文件名（不带 .yml），例如 CXGH-001。",
         "Give an item code, the file name without .yml, e.g. CXGH-001."),
    Code("code-no-shape", E, "无法生成编码", "cannot make a code",
         "site.yml 的编码规则 {pattern} 不是常见的“前缀-数字”形式，无法自动取下一个编码。",
         "The code pattern {pattern} in site.yml has no usual PREFIX-number shape; no code can be made.",
         "在领域文件夹中先按规则建一个事项文件，之后的编码会按它的样式递增。",
         "Create one item by hand; later codes follow its style."),
    Code("file-exists", E, "文件已存在", "file exists",
         "{target} 已存在，没有覆盖。",
         "{target} exists and was not overwritten.",
         "确需用表格内容覆盖时，加 --force 重新运行（豁免登记会保留）。",
         "Run again with --force to overwrite it (its exemptions are kept)."),
    Code("fmt-skipped", W, "未格式化", "not formatted",
         "文件有需要先修正的问题，没有格式化。",
         "The file has problems to fix first; it was not formatted.",
         "运行 gkml validate 查看并修正，再运行 gkml fmt。",
         "Run gkml validate, fix what it reports, then gkml fmt."),
    Code("fmt-unsafe", E, "格式化会改变内容", "formatting would change the data",
         "格式化后的文件读出来与原文件不同，没有改写。",
         "The formatted file would read differently from the original; it was left alone.",
         "这是 gkml 的缺陷，请把这个文件发给技术人员。",
         "This is a gkml bug; please report it with the file."),
    Code("import-xls", E, "旧版 .xls 文件", "legacy .xls file",
         "旧版 Excel 文件（.xls）无法直接导入。",
         "Legacy Excel files (.xls) cannot be imported.",
         "用 Excel 或 WPS 打开，“另存为”Excel 工作簿（.xlsx），再导入 .xlsx 文件。",
         "Open it in Excel or WPS, save it as an Excel workbook (.xlsx) and import that."),
    Code("import-format", E, "无法读取表格", "cannot read the table",
         "无法把这个文件当作表格读取（{detail}）。",
         "The file cannot be read as a table ({detail}).",
         "导入 .xlsx（Excel 工作簿）或 .csv 文件；Word 或网页中的表格请先复制到 Excel 中保存。",
         "Import an .xlsx or .csv file; copy Word or web tables into Excel and save them first."),
    Code("import-csv-encoding", W, "CSV 不是 UTF-8", "CSV not UTF-8",
         "CSV 文件不是 UTF-8 编码，已按 GBK（GB18030）读取。",
         "The CSV file is not UTF-8; it was read as GBK (GB18030).",
         "请核对导入的文字有没有乱码；另存为“CSV UTF-8”可避免这个问题。",
         "Check the imported text for garbling; saving as 'CSV UTF-8' avoids this."),
    Code("import-no-header", E, "没有找到表头", "no header found",
         "工作表“{sheet}”的前 {rows} 行中没有找到目录表头（公开事项、公开内容、公开依据……）。",
         "No catalog header (公开事项, 公开内容, 公开依据 …) in the first {rows} rows of sheet '{sheet}'.",
         "表头至少要有三个要素列，如“公开内容（要素）”“公开依据”“公开时限”；{sheets}",
         "The header needs at least three element columns; {sheets}"),
    Code("import-other-sheet", W, "另有工作表未导入", "other sheet not imported",
         "工作表“{sheet}”也有目录表头，这次没有导入。",
         "Sheet '{sheet}' also has a catalog header and was not imported.",
         "用 --sheet {sheet} 导入它（通常同时用 --area 指定它的领域）。",
         "Import it with --sheet {sheet} (usually with --area for its area)."),
    Code("import-column-missing", W, "表中缺少要素列", "element column missing",
         "表中没有“{label}”列，导入的事项都缺少这一要素。",
         "The table has no column for {label}; every imported item lacks it.",
         "在表格中补上这一列再导入，或导入后逐个补写。",
         "Add the column and import again, or fill the element in after importing."),
    Code("import-column-extra", W, "多出的列", "extra column",
         "工作表“{sheet}”的“{value}”列不是目录要素，内容写入了各事项的情况说明（notes）。",
         "Column '{value}' of sheet '{sheet}' is not a catalog element; it went into each item's notes.",
         "核对情况说明；不需要的话，删除表中这一列再导入。",
         "Check the notes; delete the column and import again if it is not wanted."),
    Code("import-row-skipped", W, "不是事项的行", "row is not an item",
         "工作表“{sheet}”第 {row} 行没有事项名称或内容，没有导入：“{text}”。",
         "Row {row} of sheet '{sheet}' has no item name or content and was not imported: '{text}'.",
         "如果这一行是事项，请补上二级事项；说明、合计等行可以不管。",
         "If the row is an item, fill in its 二级事项; notes and totals rows can be ignored."),
    Code("import-ditto-first", E, "“同上”没有上一行", "ditto with nothing above",
         "{sheet}!{cell} 写的是“{value}”，但上面没有可以沿用的内容。",
         "{sheet}!{cell} says '{value}' (ditto) but there is nothing above it.",
         "把“同上”换成实际内容。",
         "Replace the ditto with the actual value."),
    Code("import-tick-unclear", W, "看不懂的勾选", "unclear tick",
         "{sheet}!{cell}（{column}）写的是“{value}”，不是勾选符号。",
         "{sheet}!{cell} ({column}) holds '{value}', which is not a tick mark.",
         "勾选请用 √ 或 ■，不选留空或 □；请核对导入结果。",
         "Use √ or ■ for a tick and leave it empty or □ otherwise; check the result."),
    Code("import-audience-both", E, "公开对象勾了两个", "both audiences ticked",
         "{sheet}!{cell} 所在行的“全社会”和“特定群体”都勾选了，公开对象没有导入。",
         "The row of {sheet}!{cell} ticks both 全社会 and 特定群体; the audience was not imported.",
         "只保留一个：面向公众选“全社会”，面向特定人群选“特定群体”并写明群体。",
         "Keep one: 全社会 for the public, or 特定群体 with the group named."),
    Code("import-channel-other", W, "渠道不在清单中", "channel not in the checklist",
         "{sheet}!{cell} 的渠道“{value}”不在官方清单和本领域平台中，已写成“其他：{value}”。",
         "Channel '{value}' in {sheet}!{cell} is in neither checklist; it was written as '其他：{value}'.",
         "若它就是清单中的某个渠道（写法不同），改用清单中的名称；本领域平台可加入 _area.yml 的 channels。",
         "If it is a checklist channel spelled differently, use that name; add platforms to _area.yml."),
    Code("import-channel-unnamed", W, "“其他”没有写名称", "unnamed other channel",
         "{sheet}!{cell} 勾选了“{value}”，但没有写明是什么渠道，没有导入这一项。",
         "{sheet}!{cell} ticks '{value}' without naming the channel; it was not imported.",
         "写成“其他：渠道名称”，例如“其他：办税服务厅”。",
         "Write it as 其他：<name>, e.g. 其他：办税服务厅."),
    Code("import-level-unmatched", W, "层级对不上", "level does not match",
         "工作表“{sheet}”的公开层级“{value}”与 site.yml 的层级（{levels}）对不上，按原样写入。",
         "Level '{value}' in sheet '{sheet}' matches none of site.yml's levels ({levels}); written as is.",
         "在 catalog/site.yml 的 levels 中加上这一层级，或把表中的层级改成 {levels} 之一。",
         "Add the level to levels in catalog/site.yml, or use one of {levels}."),
    Code("import-code-bad", E, "编码不能作文件名", "code unusable as a file name",
         "{sheet}!{cell} 的事项编码“{value}”不能用作文件名，已改用新编码 {new}。",
         "The code '{value}' in {sheet}!{cell} cannot be a file name; the new code {new} was used.",
         "编码只用字母、数字和“-”，如 CXGH-001。",
         "Codes use letters, digits and '-', e.g. CXGH-001."),
    Code("import-code-repeated", E, "编码在表中重复", "code repeated in the table",
         "{sheet}!{cell} 的事项编码“{value}”在表中出现了不止一次，这一行没有导入。",
         "The code '{value}' in {sheet}!{cell} occurs more than once in the table; this row was skipped.",
         "给重复的行换一个编码，或清空编码单元格让 gkml 自动编号。",
         "Give the row another code, or empty the cell to get the next free code."),
    Code("import-area-needed", E, "不知道导入到哪个领域", "area not known",
         "{sheet}!{cell} 所在行的编码“{value}”不属于任何领域，这一行没有导入。",
         "The code '{value}' in the row of {sheet}!{cell} belongs to no area; the row was skipped.",
         "用 --area 指定领域（文件夹、编码前缀或名称均可）。",
         "Name the area with --area (folder, code prefix or name)."),
    Code("export-skipped", W, "未导出", "not exported",
         "这个文件有错误，没有导出。",
         "This file has errors and was not exported.",
         "运行 gkml validate 查看并修正后重新导出。",
         "Run gkml validate, fix it and export again."),
)

CODES: Mapping[str, Code] = {c.code: c for c in _CODES}


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem at one place. ``line`` and ``column`` are 1-based; 0 means the whole file."""

    code: str
    file: str
    line: int = 0
    column: int = 0
    path: str = "$"
    element: str = ""
    """The element's key (``basis``); reporters turn it into its Chinese name."""
    params: Mapping[str, object] = field(default_factory=dict)

    @property
    def severity(self) -> Severity:
        return CODES[self.code].severity

    def text(self, lang: Lang) -> tuple[str, str]:
        """(message, hint) in ``lang``."""
        return CODES[self.code].render(lang, self.params)

    def element_label(self, lang: Lang) -> str:
        """The element's name as a clerk knows it (公开依据), or its key."""
        key = "label_en" if lang == "en" else "label"
        return str(self.params.get(key) or self.element)


def errors(findings: Iterable[Finding]) -> list[Finding]:
    return [f for f in findings if f.severity is Severity.ERROR]


def sort_key(f: Finding) -> tuple[str, int, int, str]:
    return (f.file, f.line, f.column, f.code)
