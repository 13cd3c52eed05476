"""Build the shipped Word templates of the briefings app (docxtpl: Jinja tags inside Word).

    .venv/bin/python scripts/build_briefing_templates.py

writes src/baiqianwan/briefings/shipped/{briefing,ranking,notice}.docx. The layout follows
GB/T 9704—2012: A4, margins 37/35/28/26 mm (top, bottom, left, right), 22 lines of 28
characters, body 3号 仿宋_GB2312, title 2号 方正小标宋简体, headings 黑体 and 楷体_GB2312, the
issuing organ in red over a red rule, page numbers 「— 1 —」 in 4号 宋体, right on odd pages and
left on even ones. The fonts are named as Chinese offices have them installed; Word or WPS
substitutes where one is missing. The names the tags use are those of
`baiqianwan.briefings.samples` (docs/briefings.md lists them).
"""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

OUT = Path(__file__).resolve().parents[1] / "src" / "baiqianwan" / "briefings" / "shipped"
RED = RGBColor(0xE6, 0x00, 0x12)
FANGSONG = "仿宋_GB2312"
XIAOBIAOSONG = "方正小标宋简体"
HEITI = "黑体"
KAITI = "楷体_GB2312"
SONGTI = "宋体"
BODY = Pt(16)
# 22 lines to the 225 mm body area.
LINE = Pt(28.95)


def _font(run, name: str, size: Pt, *, bold: bool = False, colour: RGBColor | None = None):  # type: ignore[no-untyped-def]
    run.font.name = name
    run.font.size = size
    run.font.bold = bold
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)
    if colour is not None:
        run.font.color.rgb = colour
    return run


def _paragraph(
    doc,
    text: str = "",
    *,
    font: str = FANGSONG,
    size: Pt = BODY,
    align=None,
    indent: bool = False,
    bold: bool = False,
    colour: RGBColor | None = None,
):  # type: ignore[no-untyped-def]
    paragraph = doc.add_paragraph()
    fmt = paragraph.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = LINE
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)
    if indent:
        fmt.first_line_indent = Pt(size.pt * 2)
    if align is not None:
        paragraph.alignment = align
    if text:
        _font(paragraph.add_run(text), font, size, bold=bold, colour=colour)
    return paragraph


def _tight(paragraph) -> None:  # type: ignore[no-untyped-def]
    """Single line spacing, no space around: table cells and pictures (an exact line height
    would cut a picture to one line)."""
    fmt = paragraph.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)
    fmt.first_line_indent = Pt(0)


def _tag(doc, text: str):  # type: ignore[no-untyped-def]
    """A paragraph holding only a docxtpl paragraph tag ({%p … %}): it disappears."""
    return _paragraph(doc, text)


def _red_rule(paragraph, colour: str = "E60012") -> None:  # type: ignore[no-untyped-def]
    """A rule under the paragraph: red under the 版头, black (000000) in the 版记."""
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (
        ("w:val", "single"),
        ("w:sz", "12"),
        ("w:space", "4"),
        ("w:color", colour),
    ):
        bottom.set(qn(key), value)
    borders.append(bottom)
    paragraph._p.get_or_add_pPr().append(borders)


def _heading(doc, text: str, level: int = 1):  # type: ignore[no-untyped-def]
    return _paragraph(doc, text, font=HEITI if level == 1 else KAITI, indent=True)


def _table(doc, headers: list[str], loop: str, cells: list[str], widths: list[float]):  # type: ignore[no-untyped-def]
    """A table: the header, then docxtpl's row loop ({%tr for … %}) around one row of cells."""
    table = doc.add_table(rows=4, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = Mm(width)
    rows = [
        headers,
        [f"{{%tr for {loop} %}}"] + [""] * (len(headers) - 1),
        cells,
        ["{%tr endfor %}"] + [""] * (len(headers) - 1),
    ]
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            cell = table.cell(r, c)
            cell.width = Mm(widths[c])
            paragraph = cell.paragraphs[0]
            _tight(paragraph)
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER if r == 0 else WD_ALIGN_PARAGRAPH.LEFT
            if value:
                _font(paragraph.add_run(value), HEITI if r == 0 else FANGSONG, Pt(12))
    return table


def _page_number(paragraph) -> None:  # type: ignore[no-untyped-def]
    _font(paragraph.add_run("— "), SONGTI, Pt(14))
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)
    _font(paragraph.add_run(" —"), SONGTI, Pt(14))


def _document():  # type: ignore[no-untyped-def]
    doc = Document()
    normal = doc.styles["Normal"]
    normal.font.name = FANGSONG
    normal.font.size = BODY
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FANGSONG)
    normal.paragraph_format.space_after = Pt(0)
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.footer_distance = Mm(28)
    doc.settings.odd_and_even_pages_header_footer = True
    odd = section.footer.paragraphs[0]
    odd.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _page_number(odd)
    _font(odd.add_run("\u3000"), SONGTI, Pt(14))
    even = section.even_page_footer.paragraphs[0]
    even.alignment = WD_ALIGN_PARAGRAPH.LEFT
    _font(even.add_run("\u3000"), SONGTI, Pt(14))
    _page_number(even)
    for header in (section.header, section.even_page_header):
        mark = header.paragraphs[0]
        mark.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        _font(
            mark.add_run("{% if demo %}【{{ demo_mark }}】{% endif %}"), HEITI, Pt(10.5), colour=RED
        )
    return doc


def _charts(doc, names: str) -> None:  # type: ignore[no-untyped-def]
    _tag(doc, f"{{%p for name in {names} %}}")
    _tight(_paragraph(doc, "{{ charts[name] }}", align=WD_ALIGN_PARAGRAPH.CENTER))
    _tag(doc, "{%p endfor %}")


def _gaps(doc) -> None:  # type: ignore[no-untyped-def]
    _tag(doc, "{%p if gaps %}")
    _heading(doc, "（说明）本期缺少的数据", 2)
    _tag(doc, "{%p for gap in gaps %}")
    _paragraph(doc, "{{ gap }}", indent=True)
    _tag(doc, "{%p endfor %}")
    _tag(doc, "{%p endif %}")


def _colophon(doc, *, copies: bool = True) -> None:  # type: ignore[no-untyped-def]
    _paragraph(doc)
    if copies:
        line = _paragraph(doc, "抄送：{{ copies }}", size=Pt(14))
        line.paragraph_format.left_indent = Pt(14)
    line = _paragraph(doc, "{{ organ_short }}\u3000\u3000\u3000\u3000{{ date }}印发", size=Pt(14))
    line.paragraph_format.left_indent = Pt(14)
    _red_rule(line, "000000")


def _signature(doc) -> None:  # type: ignore[no-untyped-def]
    _paragraph(doc)
    _paragraph(doc, "{{ organ }}\u3000\u3000", align=WD_ALIGN_PARAGRAPH.RIGHT)
    _paragraph(doc, "{{ date }}\u3000\u3000\u3000\u3000", align=WD_ALIGN_PARAGRAPH.RIGHT)


def _organ_head(doc, suffix: str = "") -> None:  # type: ignore[no-untyped-def]
    _paragraph(
        doc,
        "{{ organ }}" + suffix,
        font=XIAOBIAOSONG,
        size=Pt(26),
        align=WD_ALIGN_PARAGRAPH.CENTER,
        colour=RED,
    )
    _paragraph(doc)
    number = _paragraph(doc, "{{ number }}", align=WD_ALIGN_PARAGRAPH.CENTER)
    _red_rule(number)
    _paragraph(doc)
    _paragraph(doc, "{{ title }}", font=XIAOBIAOSONG, size=Pt(22), align=WD_ALIGN_PARAGRAPH.CENTER)
    _paragraph(doc)


def briefing() -> None:
    doc = _document()
    _paragraph(
        doc,
        "百千万工程工作简报",
        font=XIAOBIAOSONG,
        size=Pt(36),
        align=WD_ALIGN_PARAGRAPH.CENTER,
        colour=RED,
    )
    _paragraph(doc, "{{ issue }}", align=WD_ALIGN_PARAGRAPH.CENTER)
    head = _paragraph(
        doc, "{{ organ }}\u3000\u3000{{ date }}", size=Pt(14), align=WD_ALIGN_PARAGRAPH.CENTER
    )
    _red_rule(head)
    _paragraph(doc)
    _paragraph(doc, "{{ title }}", font=XIAOBIAOSONG, size=Pt(22), align=WD_ALIGN_PARAGRAPH.CENTER)
    _paragraph(doc)
    _heading(doc, "一、总体情况")
    _paragraph(doc, "{{ summary }}", indent=True)
    _heading(doc, "二、主要指标完成情况")
    _paragraph(doc, "{{ indicators.note }}", indent=True)
    _tag(doc, "{%p if indicators.has %}")
    _table(
        doc,
        ["指标", "单位", "本区域", "目标值", "达标", "达标单位", "报送单位"],
        "r in indicators.rows",
        [
            "{{ r.name }}",
            "{{ r.measure }}",
            "{{ r.value }}",
            "{{ r.target }}",
            "{{ r.met }}",
            "{{ r.units_met }}",
            "{{ r.reported }}",
        ],
        [44, 14, 22, 22, 16, 20, 18],
    )
    _charts(doc, "indicators.charts")
    _tag(doc, "{%p endif %}")
    _heading(doc, "三、综合评价情况")
    _tag(doc, "{%p if ranking.has %}")
    _paragraph(
        doc,
        "{{ ranking.scheme }}（{{ ranking.period }}）中，{{ ranking.sentence }}{{ ranking.note }}",
        indent=True,
    )
    _table(
        doc,
        ["排名", "单位", "综合得分", "位次变化", "主要短板"],
        "r in ranking.rows",
        ["{{ r.rank }}", "{{ r.name }}", "{{ r.score }}", "{{ r.change }}", "{{ r.weak }}"],
        [14, 30, 26, 22, 64],
    )
    _charts(doc, "ranking.charts")
    _tag(doc, "{%p else %}")
    _paragraph(doc, "{{ ranking.note }}", indent=True)
    _tag(doc, "{%p endif %}")
    _heading(doc, "四、任务推进情况")
    _tag(doc, "{%p if tasks.has %}")
    _paragraph(
        doc,
        "截至{{ tasks.as_of }}，{{ tasks.plans }}项已下达计划共分解任务{{ tasks.assignments }}项，"
        "已完成{{ tasks.done }}项，"
        "完成率{{ tasks.completion }}；逾期（红灯）任务{{ tasks.red_count }}项。",
        indent=True,
    )
    _table(
        doc,
        ["单位", "任务数", "已完成", "正常", "预警", "逾期", "完成率"],
        "r in tasks.rows",
        [
            "{{ r.name }}",
            "{{ r.assignments }}",
            "{{ r.done }}",
            "{{ r.green }}",
            "{{ r.yellow }}",
            "{{ r.red }}",
            "{{ r.completion }}",
        ],
        [32, 20, 20, 20, 20, 20, 24],
    )
    _charts(doc, "tasks.charts")
    _tag(doc, "{%p if tasks.red_list %}")
    _heading(doc, "（一）逾期任务清单", 2)
    _table(
        doc,
        ["单位", "序号", "任务", "完成时限", "进度", "原因"],
        "r in tasks.red_list",
        [
            "{{ r.unit }}",
            "{{ r.number }}",
            "{{ r.text }}",
            "{{ r.deadline }}",
            "{{ r.progress }}",
            "{{ r.reason }}",
        ],
        [22, 12, 60, 22, 16, 24],
    )
    _tag(doc, "{%p endif %}")
    _tag(doc, "{%p else %}")
    _paragraph(doc, "{{ tasks.note }}", indent=True)
    _tag(doc, "{%p endif %}")
    _heading(doc, "五、数据报送情况")
    _tag(doc, "{%p if reporting.has %}")
    _tag(doc, "{%p for ds in reporting.sets %}")
    _heading(doc, "{{ ds.name }}（{{ ds.period }}），总报送率{{ ds.rate }}", 2)
    _table(
        doc,
        ["单位", "应报", "已报", "报送率", "及时率"],
        "r in ds.rows",
        [
            "{{ r.name }}",
            "{{ r.expected }}",
            "{{ r.submitted }}",
            "{{ r.rate }}",
            "{{ r.on_time }}",
        ],
        [52, 26, 26, 26, 26],
    )
    _tag(doc, "{%p endfor %}")
    _charts(doc, "reporting.charts")
    _tag(doc, "{%p else %}")
    _paragraph(doc, "{{ reporting.note }}", indent=True)
    _tag(doc, "{%p endif %}")
    _gaps(doc)
    _colophon(doc)
    doc.save(OUT / "briefing.docx")


def ranking() -> None:
    doc = _document()
    _organ_head(doc, "文件")
    _paragraph(doc, "{{ addressees }}：")
    _tag(doc, "{%p if ranking.has %}")
    _paragraph(
        doc,
        "根据{{ ranking.scheme }}结果，现将{{ ranking.period }}各单位综合评价排名情况通报如下。",
        indent=True,
    )
    _heading(doc, "一、总体情况")
    _paragraph(
        doc,
        "本次评价中，{{ ranking.sentence }}{{ ranking.note }}",
        indent=True,
    )
    _heading(doc, "二、排名情况")
    _table(
        doc,
        ["排名", "单位", "综合得分", "位次变化", "主要短板"],
        "r in ranking.rows",
        ["{{ r.rank }}", "{{ r.name }}", "{{ r.score }}", "{{ r.change }}", "{{ r.weak }}"],
        [14, 30, 26, 22, 64],
    )
    _charts(doc, "ranking.charts")
    _heading(doc, "三、工作要求")
    _paragraph(
        doc,
        "各地要对照评价结果，聚焦短板指标，细化整改措施，排名靠后的单位要深入分析原因，切实加快追赶进度。",
        indent=True,
    )
    _tag(doc, "{%p else %}")
    _paragraph(doc, "{{ ranking.note }}", indent=True)
    _tag(doc, "{%p endif %}")
    _gaps(doc)
    _signature(doc)
    _colophon(doc)
    doc.save(OUT / "ranking.docx")


def notice() -> None:
    doc = _document()
    _organ_head(doc)
    _paragraph(doc, "{{ addressee }}：")
    _paragraph(
        doc,
        "根据{{ plan_cite }}任务分工，"
        "你单位承担的第{{ task_number }}项任务目前进度滞后，现予督办。",
        indent=True,
    )
    table = doc.add_table(rows=6, cols=2)
    table.style = "Table Grid"
    rows = [
        ("任务", "{{ task_text }}"),
        ("完成时限", "{{ deadline }}"),
        ("当前进度", "{{ progress }}"),
        ("状态", "{{ light }}"),
        ("原因", "{{ reason }}"),
        ("反馈时限", "{{ reply_by }}"),
    ]
    table.autofit = False
    table.columns[0].width, table.columns[1].width = Mm(30), Mm(126)
    for r, (name, value) in enumerate(rows):
        table.cell(r, 0).width, table.cell(r, 1).width = Mm(30), Mm(126)
        _tight(table.cell(r, 0).paragraphs[0])
        _tight(table.cell(r, 1).paragraphs[0])
        _font(table.cell(r, 0).paragraphs[0].add_run(name), HEITI, Pt(14))
        _font(table.cell(r, 1).paragraphs[0].add_run(value), FANGSONG, Pt(14))
    _paragraph(doc, "{{ requirement }}", indent=True)
    _signature(doc)
    _colophon(doc, copies=False)
    doc.save(OUT / "notice.docx")


if __name__ == "__main__":
    OUT.mkdir(parents=True, exist_ok=True)
    briefing()
    ranking()
    notice()
    print(f"build_briefing_templates: 3 templates in {OUT}")
