"""The language of ``bqw evaluate`` and ``bqw intake``: Chinese unless told otherwise.

These commands run before Django is set up, so they cannot use its catalogue; they keep this
small table of their own. The language is ``--lang`` if given, else the locale's
(``LC_ALL``, then ``LC_MESSAGES``, then ``LANG``: ``en_US.UTF-8`` speaks English), else
Chinese (also for ``C``/``POSIX`` and locales of other languages, which have no table here).

``say(text, **values)`` gives an English sentence of the commands in the chosen language; a
sentence missing from `ZH` stays English rather than failing. The libraries below (tabular,
analysis) speak English; ``library_text`` renders their known sentences by pattern and
leaves any other as it is. Machine-readable output (JSON keys, exit codes) never changes.
"""

from __future__ import annotations

import argparse
import os
import re
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager

LANGUAGES = ("zh", "en")
_state = {"lang": "zh"}


def language_pick(requested: str | None, environ: Mapping[str, str] | None = None) -> str:
    """`requested` if given, else the locale's language: ``"en"`` or ``"zh"``."""
    if requested:
        return requested
    env = os.environ if environ is None else environ
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(name, "")
        if value:
            return "en" if value.lower().startswith("en") else "zh"
    return "zh"


def language_from_argv(argv: Sequence[str], environ: Mapping[str, str] | None = None) -> str:
    """The language before argparse runs (its help and errors speak it too)."""
    requested = None
    for k, arg in enumerate(argv):
        if arg == "--lang" and k + 1 < len(argv):
            requested = argv[k + 1]
        elif arg.startswith("--lang="):
            requested = arg.split("=", 1)[1]
    return language_pick(requested if requested in LANGUAGES else None, environ)


def lang_set(lang: str) -> None:
    """Speak `lang` (``"zh"`` or ``"en"``) from now on."""
    _state["lang"] = lang if lang in LANGUAGES else "zh"


def lang() -> str:
    """The language being spoken."""
    return _state["lang"]


def say(text: str, **values: object) -> str:
    """`text` (English, with ``{name}`` fields) in the current language, filled in."""
    template = ZH.get(text, text) if lang() == "zh" else text
    return template.format(**values) if values else template


@contextmanager
def argparse_speaking() -> Iterator[None]:
    """argparse's own words (usage, help titles, errors) in the current language while a
    parser is built and run; argparse looks them up through its module's ``_`` each time."""
    original = argparse._  # type: ignore[attr-defined]
    if lang() == "zh":
        argparse._ = lambda text: ARGPARSE_ZH.get(text, text)  # type: ignore[attr-defined]
    try:
        yield
    finally:
        argparse._ = original  # type: ignore[attr-defined]


def colon() -> str:
    """The colon after a command's name: full-width in Chinese."""
    return "：" if lang() == "zh" else ": "


def library_text(message: str) -> str:
    """A sentence of the tabular or analysis library in the current language."""
    if lang() != "zh":
        return message
    for pattern, template in PATTERNS:
        found = pattern.match(message)
        if found:
            return template.format(**{k: _quoted(v) for k, v in found.groupdict().items()})
    return message


def _quoted(value: str) -> str:
    """A name the library quotes as 'x' written 「x」, as Chinese text quotes it."""
    if len(value) >= 2 and value[0] == value[-1] == "'":
        return f"「{value[1:-1]}」"
    return value


def place(sheet: str, row: int | None, column: str | None) -> str:
    """Where a table error is: ``Sheet1!C4``, ``Sheet1!C``, ``Sheet1 第 4 行`` or ``Sheet1``."""
    if column is not None:
        return f"{sheet}!{column}{row if row is not None else ''}"
    if row is not None:
        return say("{sheet} row {row}", sheet=sheet, row=row)
    return sheet


#: The commands' own sentences (the English text is the key).
ZH: dict[str, str] = {
    # bqw evaluate
    "Evaluate units from a spreadsheet (units in rows, indicators in columns).": (
        "按表格评价各单位（每行一个单位，每列一个指标）。"
    ),
    "options each method reads:": "各方法读取的选项：",
    "input .xlsx, .xls, .ods or .csv": "输入文件：.xlsx、.xls、.ods 或 .csv",
    "evaluation method": "评价方法",
    "write results here (.xlsx: every sheet; .csv)": "结果写入此文件（.xlsx：全部工作表；.csv）",
    "print the results as JSON": "以 JSON 输出结果",
    "column naming the units (default: the first)": "单位所在列（默认第一列）",
    "column of unit names to keep beside the codes (default: found when the unit column holds"
    " codes)": "单位名称所在列，输出时列在代码旁（默认：单位列是代码时自动识别）",
    "column of groups (e.g. county) for theil, gini and cv": (
        "分组所在列（如县），用于泰尔指数、基尼系数和变异系数"
    ),
    "column of population weights for theil/gini/cv": (
        "人口权重所在列，用于泰尔指数、基尼系数、变异系数"
    ),
    "comma-separated columns that are not indicators": "不是指标的列，用逗号分隔",
    "AHP matrix sheet name": "层次分析法判断矩阵所在工作表",
    "allow AHP CR ≥ 0.1": "允许一致性比率 CR ≥ 0.1",
    "for TOPSIS": "TOPSIS 的标准化方法",
    "combine the given weights (subjective) with entropy weights": "将给定（主观）权重与熵权组合",
    "subjective share, linear": "线性组合时主观权重的占比",
    "coupling: comma-separated subsystem columns": "耦合协调：子系统所在列，用逗号分隔",
    "coupling: the form of C": "耦合协调：耦合度 C 的形式",
    "min-max onto [FLOOR, 1] for weighted sums and coupling levels (e.g. 0.01)": (
        "加权和与耦合协调的极差标准化映射到 [FLOOR, 1]（如 0.01）"
    ),
    "obstacle: weak points per unit": "障碍度：每个单位列出的障碍因子数",
    "cv: 0 population, 1 sample": "变异系数：0 为总体标准差，1 为样本标准差",
    "missing values: refuse, drop the unit, or fill with the mean/median": (
        "缺失值：拒绝、删去该单位，或用均值/中位数填补"
    ),
    "rows to print (default 20)": "显示的行数（默认 20）",
    "print no table": "不显示表格",
    "language of messages and tables: zh (default, or the locale's) or en": (
        "提示与表格的语言：zh（默认，或随系统区域设置）或 en"
    ),
    "--out {path}: expected .xlsx or .csv": "--out {path}：应为 .xlsx 或 .csv 文件",
    "note: {note}": "提示：{note}",
    "wrote {path}": "已写入 {path}",
    "reading {rows:,} rows": "正在读取 {rows:,} 行",
    "writing {rows:,} rows": "正在写入 {rows:,} 行",
    "… {count} more rows in the output file": "…… 另有 {count} 行，见输出文件",
    "{sheet} row {row}": "{sheet} 第 {row} 行",
    "the directory {directory} does not exist": "目录 {directory} 不存在",
    # bqw evaluate: methods.py
    "indicator {name!r} has no direction; add 正向/逆向 (+/-) in a 'direction' row under the"
    " header or an 'indicators' sheet": (
        "指标「{name}」没有方向；请在表头下加一行「方向」（正向/逆向 或 +/-），"
        "或加一个 indicators 工作表"
    ),
    "missing value for {unit!r}, {indicator!r}; fill it or pass --missing drop|mean|median": (
        "「{unit}」的「{indicator}」缺失；请补上，或加 --missing drop|mean|median"
    ),
    "indicator {name!r} is constant ({value:g} for every unit), so it cannot tell units apart;"
    " remove the column": "指标「{name}」是常数（各单位都是 {value:g}），无法区分单位；请删去该列",
    "indicator {name!r} has no weight while others do": "指标「{name}」没有权重，而其他指标有",
    "given weights must be non-negative and not all 0": "给定权重必须非负且不全为 0",
    "dropped {count} unit(s) with missing values": "删去了 {count} 个有缺失值的单位",
    "--combine {combine} needs a 'weight' (权重) row or an 'indicators' sheet with weights": (
        "--combine {combine} 需要一行「权重」或带权重的 indicators 工作表"
    ),
    "the given weights were not used; pass --combine multiplicative|linear to combine them with"
    " the entropy weights": "未使用给定的权重；加 --combine multiplicative|linear 可与熵权组合",
    "ahp-topsis needs a sheet named {sheet!r} with the pairwise matrix": (
        "ahp-topsis 需要名为「{sheet}」的判断矩阵工作表"
    ),
    "--subsystems: no column(s) {unknown}; columns: {columns}": (
        "--subsystems：没有这些列 {unknown}；现有列：{columns}"
    ),
    "subsystem levels have missing values": "子系统发展水平有缺失值",
    "coupling needs --subsystems COL,COL or a 'dimension' (维度) for every indicator": (
        "耦合协调需要 --subsystems 列,列，或为每个指标指定「维度」"
    ),
    "indicator {name!r} is 0 for every unit: its indices are 0 by convention": (
        "指标「{name}」各单位都是 0：按约定其指数记为 0"
    ),
    # bqw intake
    "Clean a scraped policy text (.txt, .docx, .html, or - for standard input) and draft its"
    " plan and task ledger.": (
        "清洗抓取的政策文本（.txt、.docx、.html，或 - 表示标准输入），并起草方案和任务台账。"
    ),
    "the file to take in, or - to read standard input": "要导入的文件，或 - 表示从标准输入读取",
    "print the clean text and stop": "只输出清洗后的文本",
    "md (default): text and tables; json: everything; xlsx: the task ledger": (
        "md（默认）：文本和表格；json：全部内容；xlsx：任务台账"
    ),
    "write here instead of standard output": "写入此文件，而不是标准输出",
    "unit register to match place names: one unit a line, 'code,name' or a name": (
        "用于匹配地名的单位名录：每行一个单位，写「代码,名称」或名称"
    ),
    "--format xlsx writes a workbook: give --out FILE.xlsx, without --clean-only": (
        "--format xlsx 输出工作簿：请给出 --out 文件.xlsx，且不要加 --clean-only"
    ),
    "read {file} as {kind}, encoding {encoding}": "已读取 {file}（{kind}，编码 {encoding}）",
    "the unit register is not UTF-8": "单位名录不是 UTF-8 编码",
    "no such file or directory": "文件或目录不存在",
}

#: argparse's sentences (Python 3.11) that a user of the commands meets.
ARGPARSE_ZH: dict[str, str] = {
    "usage: ": "用法：",
    "options": "选项",
    "positional arguments": "位置参数",
    "show this help message and exit": "显示本帮助并退出",
    "%(prog)s: error: %(message)s\n": "%(prog)s：错误：%(message)s\n",
    "argument %(argument_name)s: %(message)s": "参数 %(argument_name)s：%(message)s",
    "expected one argument": "需要一个值",
    "invalid choice: %(value)r (choose from %(choices)s)": (
        "无效的选择 %(value)r（可选：%(choices)s）"
    ),
    "invalid %(type)s value: %(value)r": "无效的 %(type)s 值：%(value)r",
    "the following arguments are required: %s": "缺少必需的参数：%s",
    "unrecognized arguments: %s": "无法识别的参数：%s",
    "ambiguous option: %(option)s could match %(matches)s": (
        "选项 %(option)s 有歧义，可能是 %(matches)s"
    ),
}

#: Intake's refusals by reason (``IntakeInputError.reason``), filled from its ``values``; the
#: library's own sentence is English, so the command builds the Chinese one from these.
INTAKE_ZH: dict[str, str] = {
    "empty": "输入为空：没有文字。",
    "furniture-only": "去掉网页附属内容后没有剩下正文。",
    "binary": (
        "这像是二进制文件而不是文本（第 {offset} 字节是控制字符）。"
        "请上传 .txt、.docx 或 .html 文件。"
    ),
    "bom-not-utf8": (
        "文件以 UTF-8 标记开头，但从第 {offset} 字节起不是 UTF-8。请重新以 UTF-8 保存。"
    ),
    "unknown-encoding": "无法识别文本的编码（已尝试 {encodings}）。请另存为 UTF-8 再导入。",
    "too-large": "输入过大：{size:,} {unit}，上限为 {limit:,} {unit}。请把文本分成几部分导入。",
    "unsupported": "不接受 {suffix} 类型的文件；请使用 .txt、.docx 或 .html。",
    "docx-damaged": "无法读取这个 .docx 文件（{error}）。请用 Word 重新保存。",
    "docx-unpacked": "这个 .docx 文件解压后过大（{size:,} 字节，上限 {limit:,} 字节）。",
}
INTAKE_UNITS_ZH = {"bytes": "字节", "characters": "字"}
KINDS_ZH = {"text": "纯文本", "html": "网页", "docx": "Word 文档"}


def kind_name(kind: str) -> str:
    """What intake read the input as (text, html, docx), in the current language."""
    return KINDS_ZH.get(kind, kind) if lang() == "zh" else kind


def intake_refusal(reason: str, message: str, values: Mapping[str, object]) -> str:
    """Intake's refusal in the current language: built from its reason and values in Chinese,
    its own English sentence otherwise (or when the reason is one this table lacks)."""
    template = INTAKE_ZH.get(reason) if lang() == "zh" else None
    if template is None:
        return message
    filled = dict(values)
    if isinstance(filled.get("offset"), int):
        filled["offset"] = int(filled["offset"]) + 1  # type: ignore[call-overload]  # 第 1 字节: offset 0
    if "unit" in filled:
        filled["unit"] = INTAKE_UNITS_ZH.get(str(filled["unit"]), filled["unit"])
    if "encodings" in filled and not isinstance(filled["encodings"], str):
        filled["encodings"] = "、".join(map(str, filled["encodings"]))  # type: ignore[call-overload]
    if filled.get("suffix") == "":
        filled["suffix"] = "无扩展名"
    try:
        return template.format(**filled)
    except (KeyError, ValueError):
        return message


#: Sentences of the tabular and analysis libraries, by pattern (the values are fields).
PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(p), t)
    for p, t in [
        (r"^(?P<v>'.*') is not a number$", "{v}不是数字"),
        (
            r"^(?P<v>'.*') is out of range \(numbers must be within ±(?P<lim>\S+)\)$",
            "{v}超出范围（数值须在 ±{lim} 以内）",
        ),
        (r"^the sheet is empty$", "工作表是空的"),
        (r"^empty header$", "表头为空"),
        (r"^duplicate column names (?P<n>.*)$", "列名重复：{n}"),
        (
            r"^(?P<v>'.*') is not a direction.*$",
            "{v}不是方向（应为 正向/逆向、+/-、benefit/cost）",
        ),
        (
            r"^no column (?P<c>'.*') for (?P<o>\S+); columns: (?P<cols>.*)$",
            "没有 {o} 所指的列{c}；现有列：{cols}",
        ),
        (r"^no indicator columns besides the unit names$", "除单位列外没有指标列"),
        (r"^the unit has no name$", "该单位没有名称"),
        (r"^the unit has no group$", "该单位没有分组"),
        (r"^the population weight must be positive$", "人口权重必须为正数"),
        (r"^fewer than 2 units to evaluate$", "可评价的单位少于 2 个"),
        (r"^units listed more than once: (?P<l>.*)$", "单位重复出现：{l}"),
        (r"^needs an 'indicator' \(指标\) column$", "需要一列「指标」（indicator）"),
        (r"^indicator (?P<n>'.*') is not a data column$", "指标{n}不是数据表中的列"),
        (
            r"^the pairwise matrix must compare exactly the indicators (?P<l>.*)$",
            "判断矩阵须恰好比较这些指标：{l}",
        ),
        (r"^(?P<v>'.*') divides by zero$", "{v}的分母为 0"),
        (r"^empty judgement$", "判断值为空"),
        (r"^no such file$", "文件不存在"),
        (r"^expected \.xlsx, \.xls, \.ods or \.csv$", "应为 .xlsx、.xls、.ods 或 .csv 文件"),
        (r"^cannot be read as a spreadsheet \((?P<e>.*)\)$", "无法作为表格读取（{e}）"),
        (r"^the workbook has no sheets$", "工作簿中没有工作表"),
        (
            r"^row (?P<r>\d+) holds only directions: read as the direction row$",
            "第 {r} 行只有方向：按方向行读取",
        ),
        (
            r"^column (?P<c>'.*') \((?P<l>[A-Z]+)\) holds text, not numbers: not an indicator$",
            "{c}列（{l}）是文字而非数字：不作为指标",
        ),
        (
            r"^column (?P<c>'.*') \((?P<l>[A-Z]+)\) names the units: kept beside the codes$",
            "{c}列（{l}）是单位名称：列在代码旁",
        ),
        (
            r"^the pairwise matrix is inconsistent: CR = (?P<cr>\S+) ≥ 0\.1 \((?P<d>.*)\);.*$",
            "判断矩阵一致性检验未通过：CR = {cr} ≥ 0.1（{d}）；"
            "请修改判断，或加 --accept-inconsistent",
        ),
        (
            r"^the pairwise matrix is not reciprocal at \((?P<i>\d+), (?P<j>\d+)\): (?P<x>.*)$",
            "判断矩阵在第 {i} 行第 {j} 列不互反：{x}",
        ),
        (r"^pairwise judgements must be positive numbers$", "判断值必须为正数"),
        (
            r"^every indicator is constant(?P<p>.*), so (?P<w>\S+) weights are undefined$",
            "所有指标都是常数{p}，{w} 权重无法计算",
        ),
        (
            r"^fewer than 2 units are left after dropping missing values$",
            "删去有缺失值的单位后剩余单位少于 2 个",
        ),
        (
            r"^subsystem levels must be finite and lie in \[0, 1\]$",
            "子系统发展水平须在 [0, 1] 内且不缺失",
        ),
        (r"^ddof=(?P<d>\d+) leaves no degrees of freedom$", "ddof={d} 时没有自由度"),
        (
            r"^ddof=(?P<d>\d+) leaves group (?P<g>'.*') no degrees of freedom$",
            "ddof={d} 时分组{g}没有自由度",
        ),
        (
            r"^Theil L is infinite when a unit has 0 \((?P<w>.*)\); use index='T'$",
            "有单位为 0 时泰尔 L 指数为无穷大（{w}）；请用 T 指数",
        ),
    ]
]

#: Column and sheet names of the output (tables and files; JSON keeps the English keys).
HEADERS_ZH: dict[str, str] = {
    "unit": "单位",
    "name": "名称",
    "rank": "排名",
    "score": "得分",
    "d_plus": "正理想解距离",
    "d_minus": "负理想解距离",
    "indicator": "指标",
    "direction": "方向",
    "dimension": "维度",
    "entropy": "信息熵",
    "diversity": "差异系数",
    "weight": "权重",
    "subjective": "主观权重",
    "ideal": "正理想解",
    "anti_ideal": "负理想解",
    "value": "值",
    "C": "耦合度C",
    "T": "综合发展指数T",
    "D": "耦合协调度D",
    "grade": "协调等级",
    "lag_type": "滞后类型",
    "theil_T": "泰尔指数T",
    "between": "组间",
    "within": "组内",
    "between_share": "组间贡献率",
    "total": "总体",
    "group": "分组",
    "index": "指数",
    "income_share": "收入份额",
    "population_share": "人口份额",
    "contribution": "贡献率",
    "gini": "基尼系数",
    "cv": "变异系数",
    "mean": "均值",
    "std": "标准差",
    "max_min_ratio": "极值比",
    "scores": "得分",
    "weights": "权重",
    "normalized": "标准化值",
    "weighted": "加权标准化值",
    "consistency": "一致性检验",
    "coupling": "耦合协调",
    "theil": "泰尔指数",
    "groups": "分组",
    "weak_points": "障碍因子",
    "obstacle_degree": "障碍度",
    "dimension_degree": "维度障碍度",
}


def header(name: str) -> str:
    """A column or sheet name of the output in the current language.

    ``weak_2`` → 障碍因子2, ``degree_2`` → 障碍度2, ``weights_经济`` → 权重_经济; names that
    are the analyst's own (indicators, dimensions) stay as they are.
    """
    if lang() != "zh":
        return name
    if name in HEADERS_ZH:
        return HEADERS_ZH[name]
    for prefix, word in (("weak_", "障碍因子"), ("degree_", "障碍度"), ("weights_", "权重_")):
        if name.startswith(prefix) and len(name) > len(prefix):
            return word + name[len(prefix) :]
    return name
