"""Conversion, furniture, punctuation and white space, one rule at a time."""

from __future__ import annotations

import pytest

from baiqianwan.textclean import ChangeKind, clean_text


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


@pytest.mark.parametrize(
    ("line", "rule"),
    [
        ("已有0人發表了評論", "comment-counter"),
        ("共有12条评论", "comment-counter"),
        ("我要评论", "comment-counter"),
        ("分享到：微信 微博 QQ空间", "share-prompt"),
        ("微信扫一扫分享", "share-prompt"),
        ("【打印】【关闭】", "page-tools"),
        ("[打印本页] [关闭窗口]", "page-tools"),
        ("【字体：大 中 小】", "page-tools"),
        ("字号：大 中 小", "page-tools"),
        ("打印本页 | 关闭窗口", "page-tools"),
        ("当前位置：首页 > 新闻中心 > 正文", "navigation"),
        ("首页 > 要闻", "navigation"),
        ("上一篇：肇庆召开推进会", "navigation"),
        ("相关阅读", "navigation"),
        ("浏览次数：1234", "page-counter"),
        ("责任编辑：张三", "editor-credit"),
    ],
)
def test_furniture_line_removed(line: str, rule: str) -> None:
    result = clean_text(f"正文第一段。\n{line}\n纸 鸢")
    assert result.text == "正文第一段。\n纸 鸢\n"
    assert [c.rule for c in result.changes if c.kind is ChangeKind.FURNITURE] == [rule]


@pytest.mark.parametrize(
    "line",
    [
        "要加强网络评论引导，做好分享经验工作，完善评论机制，推动首页改版。",
        "关闭落后产能企业20家。",
        "打印机等办公设备集中采购",
        "审核：市财政局",
        "分享经验做法",
        "来源：西江日报",
        "作者：纸鸢",
        "纸 鸢",
    ],
)
def test_body_and_byline_kept(line: str) -> None:
    assert clean_text(line).counts.furniture_lines_removed == 0


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
