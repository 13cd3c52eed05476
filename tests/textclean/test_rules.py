"""Conversion, furniture, punctuation and white space, one rule at a time."""

from __future__ import annotations

import pytest

from baiqianwan.textclean import ChangeKind, clean_text, simplified


def test_traditional_to_simplified_counts_characters() -> None:
    result = clean_text("縣鎮村發展")
    assert result.text == "县镇村发展\n"
    assert result.counts.characters_converted == 3
    [change] = result.changes[:1]
    assert change.kind is ChangeKind.CONVERSION
    assert (change.before, change.after) == ("縣鎮", "县镇")


@pytest.mark.parametrize("text", ["據(jù)發展", "據(jù)(jù)發展", "縣（xiàn）鎮發(fā)展"])
def test_conversion_spans_hold_only_converted_characters(text: str) -> None:
    result = clean_text(text)
    conversions = [c for c in result.changes if c.kind is ChangeKind.CONVERSION]
    assert conversions
    for change in conversions:
        assert change.before == text[change.original.start : change.original.end]
        assert "(" not in change.before and "（" not in change.before
    assert "".join(c.before for c in conversions) == "".join(ch for ch in text if ch in "據發縣鎮")


BODY = "正文第一段。\n{line}\n第二段正文，继续推进典型镇村建设。"


@pytest.mark.parametrize(
    ("line", "rule"),
    [
        ("已有0人發表了評論", "comment-counter"),
        ("已有12人发表了评论", "comment-counter"),
        ("共有12条评论", "comment-counter"),
        ("我要评论", "comment-counter"),
        ("分享到：微信 微博 QQ空间", "share-prompt"),
        ("分享到：", "share-prompt"),
        ("微信扫一扫分享", "share-prompt"),
        ("【打印】【关闭】", "page-tools"),
        ("[打印本页] [关闭窗口]", "page-tools"),
        ("【字体：大 中 小】", "page-tools"),
        ("字号：大 中 小", "page-tools"),
        ("打印本页 | 关闭窗口", "page-tools"),
        ("【打印本页】 【关闭窗口】", "page-tools"),
        ("当前位置：首页 > 新闻中心 > 正文", "navigation"),
        ("您现在的位置：首页 > 新闻中心 > 肇庆要闻", "navigation"),
        ("首页 > 要闻", "navigation"),
        ("新闻中心 > 肇庆要闻 > 正文", "navigation"),
        ("政务公开 » 通知公告 » 工作动态", "navigation"),
        ("肇庆要闻 > 正文", "navigation"),
        ("上一篇：肇庆召开推进会", "navigation"),
        ("相关阅读", "navigation"),
        ("浏览次数：1234", "page-counter"),
        ("阅读 1234", "page-counter"),
        ("【浏览次数：56次】", "page-counter"),
        ("责任编辑：张三", "editor-credit"),
        ("【责任编辑：李四】", "editor-credit"),
        ("来源：西江日报", "byline"),
        ("作者：纸鸢", "byline"),
        ("文/纸鸢", "byline"),
        ("本报记者 王五", "byline"),
        ("2025-03-01 10:30:21", "datetime"),
        ("2025/3/1 8:05", "datetime"),
        ("发布时间：2025年03月01日 10:30", "datetime"),
        ("日期：2025-03-01 10:30", "datetime"),
        ("更新日期：2025-03-01", "datetime"),
        ("2025年3月1日 星期六", "datetime"),
        ("2025年03月01日 10:30", "datetime"),
        ("西江日报 2025年3月1日 第A03版：要闻", "newspaper-header"),
        ("西江日报数字报 第3版 2025-03-01", "newspaper-header"),
        ("2025年3月1日 星期六 南方日报 A04：肇庆新闻", "newspaper-header"),
        ("发布时间：2025-03-01 10:30 来源：肇庆市人民政府网 浏览次数：56", "page-metadata"),
        ("来源：西江日报  作者：纸鸢  责任编辑：张三", "page-metadata"),
        ("2025-03-01 | 来源：西江日报 | 【打印】【关闭】", "page-metadata"),
    ],
)
def test_furniture_line_removed(line: str, rule: str) -> None:
    result = clean_text(BODY.format(line=line))
    assert result.text == "正文第一段。\n第二段正文，继续推进典型镇村建设。\n"
    [change] = [c for c in result.changes if c.kind is ChangeKind.FURNITURE]
    assert change.rule == rule
    assert change.before.strip() == simplified(line)


@pytest.mark.parametrize(
    "line",
    [
        "要加强网络评论引导，做好分享经验工作，完善评论机制，推动首页改版。",
        "关闭落后产能企业20家。",
        "打印机等办公设备集中采购",
        "审核：市财政局",
        "分享经验做法",
        "时间：持续推进",
        "完成时限：2025年12月底前",
        "责任单位：市农业农村局",
        "资金来源：市级财政",
        "来源于群众、服务于群众。",
        "作者认为，要加快推进典型镇村建设。",
        "记者从市农业农村局获悉，全市已建成典型村30个。",
        "据西江日报2025年3月1日第3版报道，肇庆加快推进典型镇村建设。",
        "西江日报评论员文章指出，要抓住产业这个根本。",
        "2025年3月1日",
        "2025-12-31",  # a deadline cell of a task list flattened one cell a line
        "时间：2025年12月31日",
        "时间：2025-12-31",
        "浏览次数增加了。",
        "效益 > 成本",
        "首页改版工作由市政务服务数据管理局负责。",
        "上一篇文章提到的措施已经落实。",
    ],
)
def test_body_sentences_with_the_same_words_kept(line: str) -> None:
    result = clean_text(BODY.format(line=line))
    assert result.counts.furniture_lines_removed == 0
    assert simplified(line).replace(" ", "") in result.text.replace(" ", "")


@pytest.mark.parametrize(
    "text",
    [
        "正文第一段。\n纸 鸢",
        "正文第一段。\n纸鸢\n\n已有0人发表了评论",
        "正文第一段。\n欧阳纸鸢\n分享到：微信\n",
    ],
)
def test_pen_name_after_the_last_paragraph_removed(text: str) -> None:
    result = clean_text(text)
    assert result.text == "正文第一段。\n"
    assert next(c.rule for c in result.changes if c.kind is ChangeKind.FURNITURE) == "byline"


@pytest.mark.parametrize(
    "text",
    [
        "纸 鸢",  # nothing before it to sign
        "工作方案\n正文第一段。",  # a short first line is a title
        "正文第一段。\n纸 鸢\n第二段正文。",  # not the last line
        "正文第一段，\n纸鸢",  # the line before is no finished paragraph
        "正文第一段。\n特此通知",
        "正文第一段。\n附件",
        "正文第一段。\n市农业局",
        "正文第一段。\n肇庆市人民政府\n2025年3月1日",
        "正文第一段。\n一、总体要求",
        "1\n培育新型农业经营主体。\n长期坚持",  # a task list's last cell
    ],
)
def test_short_last_lines_that_are_no_pen_name_kept(text: str) -> None:
    assert clean_text(text).counts.furniture_lines_removed == 0


def test_related_links_list_removed_up_to_the_body() -> None:
    text = (
        "正文第一段。\n相关链接：\n肇庆召开百千万工程推进会\n"
        "· 端州区典型镇村建设观摩 2025-03-01\n\n高要区：建设宜居宜业和美乡村\n"
        "第二段正文，继续推进典型镇村建设。"
    )
    result = clean_text(text)
    assert result.text == "正文第一段。\n\n第二段正文，继续推进典型镇村建设。\n"
    rules = [c.rule for c in result.changes if c.kind is ChangeKind.FURNITURE]
    assert rules == ["navigation", "related-links", "related-links", "related-links"]


def test_related_links_stop_at_a_heading() -> None:
    text = "正文第一段。\n相关阅读\n肇庆召开推进会\n二、主要任务\n（一）加快推进"
    result = clean_text(text)
    assert result.text == "正文第一段。\n二、主要任务\n（一）加快推进\n"


def test_furniture_in_the_middle_of_a_body_line_kept() -> None:
    line = "据报道，当前位置：首页>新闻中心的改版已完成，浏览次数：1234。"
    assert clean_text(line).text == line + "\n"


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("据报道,近日;全市:推进!", "据报道，近日；全市：推进！"),
        ("是否推进?", "是否推进？"),
        ("(一)加快推进", "（一）加快推进"),
        ("生产总值(GDP)增长", "生产总值（GDP）增长"),
        ('提出"八个突出"举措', "提出“八个突出”举措"),
        ("完成任务.", "完成任务。"),
        ("稳步提升...实践证明", "稳步提升……实践证明"),
        ("稳步提升…实践证明", "稳步提升……实践证明"),
        ("１０个典型村，达到９５％", "10个典型村，达到95%"),
        ("投资1,000万元，增长3.5%，10:30开会", "投资1,000万元，增长3.5%，10:30开会"),
        ("1.打造产业集群", "1.打造产业集群"),
        ("Hello, world (see A).", "Hello, world (see A)."),
        ("在 2025 年完成 GDP 目标", "在2025年完成GDP目标"),
        ("推进 ， 落实", "推进，落实"),
        ("纸  鸢", "纸 鸢"),
        ("城乡--融合", "城乡——融合"),
    ],
)
def test_punctuation_and_spaces(raw: str, clean: str) -> None:
    assert clean_text(raw).text == clean + "\n"


def test_lines_and_newlines() -> None:
    result = clean_text("\ufeff\r\n\r\n  第一段。  \r\n\r\n\r\n\r\n第二段。\u200b\n\n\n")
    assert result.text == "第一段。\n\n第二段。\n"
    assert {c.kind for c in result.changes} == {ChangeKind.WHITESPACE}


def test_tabs_part_table_columns() -> None:
    text = "序号\t任务\t牵头单位\n1\t121人才梯队项目 \t 市委组织部\t2025年6月\n\t缩进"
    result = clean_text(text)
    assert result.text == "序号\t任务\t牵头单位\n1\t121人才梯队项目\t市委组织部\t2025年6月\n缩进\n"
    assert [c.rule for c in result.changes] == ["tab", "line-edge", "text-edge"]


def test_wide_gaps_of_a_table_part_its_columns() -> None:
    text = (
        "序号   任务                牵头单位\n"
        "1      新建高标准农田2万亩  县农业农村局    2025年底前\n"
        "2\u3000完成圩镇整治\u3000县住房城乡建设局\n"
    )
    result = clean_text(text)
    assert result.text == (
        "序号\t任务\t牵头单位\n"
        "1\t新建高标准农田2万亩\t县农业农村局\t2025年底前\n"
        "2\t完成圩镇整治\t县住房城乡建设局\n"
    )
    assert {c.rule for c in result.changes} == {"column-gap"}
    assert clean_text(result.text).text == result.text


def test_wide_gaps_outside_a_table_are_blanks() -> None:
    # One line with wide gaps and no such line beside it, and prose with one wide gap.
    text = "记者  张三  李四 报道\n发展  经济 2025 年。\n"
    assert clean_text(text).text == "记者 张三 李四 报道\n发展 经济2025年。\n"


def test_a_table_parted_by_single_blanks_keeps_them() -> None:
    text = (
        "序号 工作任务 牵头单位 完成时限\n"
        "1 新建高标准农田 县农业农村局 2025年底前\n"
        "2 完成圩镇整治 县住房城乡建设局 2025年6月\n"
        "注 2025 年内完成\n"
        "1 新建 2 处\n"
    )
    assert clean_text(text).text == (
        "序号 工作任务 牵头单位 完成时限\n"
        "1 新建高标准农田 县农业农村局 2025年底前\n"
        "2 完成圩镇整治 县住房城乡建设局 2025年6月\n"
        "注2025年内完成\n"  # the table ended at the line without a number
        "1新建2处\n"
    )
