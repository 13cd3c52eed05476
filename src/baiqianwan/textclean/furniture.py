"""Page furniture: the lines a web page wraps around an article, removed by named rule.

Rules match whole lines of simplified text (they run after conversion) and only short
lines, so a paragraph of the body that happens to mention 评论, 来源 or 分享 is never
taken. Three rules look beyond the line: the items of a related-links list follow its
heading (相关链接：…); a pen name alone on the last line of the article follows a
paragraph (…。 then 纸 鸢); and a line counts as furniture only as a whole.
"""

from __future__ import annotations

import re

from baiqianwan.textclean._edits import Edit
from baiqianwan.textclean.report import ChangeKind

_MAX_LINE = 60
_BLANKS = re.compile(r"\s+")
_PLATFORMS = (
    r"微信|朋友圈|微博|新浪微博|腾讯微博|QQ空间|QQ好友|QQ|豆瓣|人人网|抖音|今日头条|Facebook|Twitter|"
    r"[|｜、,，/]"
)
_HAN = r"[\u3400-\u4dbf\u4e00-\u9fff]"
# A date and maybe a time, as pages stamp them: 2025-03-01, 2025/3/1, 2025年03月01日 10:30.
_DATE_NUMERIC = r"\d{4}[-/.]\d{1,2}[-/.]\d{1,2}"
_DATE_HAN = r"\d{4}年\d{1,2}月\d{1,2}日"
_CLOCK = r"\d{1,2}:\d{2}(?::\d{2})?"
_WEEKDAY = r"(?:(?:星期|周)[一二三四五六日天])"
# A stamp beside other page fields may be a date alone. Alone on a line it needs a time or
# a weekday, and a bare 时间：/日期： label a time: a task list's deadline cell (2025-12-31,
# 时间：2025年12月31日) and the date a document is signed with (2025年3月1日) are text.
_STAMP = rf"(?:{_DATE_NUMERIC}|{_DATE_HAN}{_WEEKDAY}?)(?:{_CLOCK})?"
_STAMP_TIMED = rf"(?:{_DATE_NUMERIC}|{_DATE_HAN}{_WEEKDAY}?){_CLOCK}|{_DATE_HAN}{_WEEKDAY}"
_STAMP_LABELS = r"发布|发表|更新|录入|上传"
# The parts of a page's metadata line, each "label：value".
_CREDIT_LABELS = (
    r"来源|稿源|信息来源|文章来源|新闻来源|出处|作者|文|图|撰文|撰稿|记者|本报记者|通讯员|"
    r"摄影|图片|供稿|供图|发布者|发布机构|信息提供|责任编辑|编辑|责编|校对|值班编辑|主编"
)
_VALUE = r"[^，。；！？,;!?:：]{1,20}?"
_FIELDS = {
    "byline": rf"(?:{_CREDIT_LABELS})[:：/]{_VALUE}|(?:本报记者|本报通讯员){_HAN}{{2,4}}",
    "datetime": rf"[【\[(（]?(?:(?:{_STAMP_LABELS})?(?:时间|日期)[:：])?{_STAMP}[】\])）]?",
    "page-counter": r"[【\[]?(?:阅读量|阅读数|阅读|浏览次数|浏览量|浏览|点击数|点击量|访问量)"
    r"[:：]?\d+次?[】\]]?",
    "page-tools": r"[【\[](?:打印|关闭|收藏|打印本页|关闭窗口|字体|字号)[^】\]]{0,12}[】\]]"
    r"|(?:字体|字号)[:：]?(?:大|中|小|默认|标准|超大)+"
    r"|打印本页|关闭窗口|返回顶部|回到顶部|收藏本站|设为首页|网站地图|打印|关闭",
}
_SEPARATOR = r"[|｜/·•]*"
_ANY_FIELD = "|".join(f"(?:{pattern})" for pattern in _FIELDS.values())
# Breadcrumbs without a home page: three parts or more, or two ending in the article.
_CRUMB = rf"(?:{_HAN}|[A-Za-z0-9]){{1,12}}"
_ARROW = r"(?:>|»|＞|›|→|&gt;)+"
# A newspaper's page header: its name, a date and a page, in either order.
_PAPER = rf"{_HAN}{{1,8}}(?:日报|晚报|时报|商报|早报|都市报|周报)(?:数字报|电子版|数字版)?"
_PAGE = (
    rf"(?:第?[A-Z]?\d{{1,3}}版|[A-Z]\d{{1,2}})(?:[:：]?{_HAN}{{1,8}})?|版次[:：]?[A-Z]?\d{{1,3}}"
)
_PAPER_DATE = rf"(?:{_DATE_HAN}{_WEEKDAY}?|{_DATE_NUMERIC})"
_RELATED = (
    r"相关阅读|相关新闻|相关链接|相关文章|相关报道|推荐阅读|热点推荐|延伸阅读|往期回顾|更多阅读"
)

FURNITURE_RULES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, re.compile(pattern))
    for name, pattern in (
        ("comment-counter", r"(已有|共有)?\d+\s*(人|条)(参与|发表了?)?(评论|跟帖|回复)"),
        ("comment-counter", r"(我要评论|发表评论|查看评论|网友评论|评论)\s*[(（]?\d*[)）]?"),
        ("share-prompt", rf"(分享到|分享至|一键分享|转发到|分享)\s*[:：]?(\s*({_PLATFORMS}))*"),
        ("share-prompt", r"(微信)?扫一扫(分享|在手机上打开|打开|关注我们|下载客户端)?"),
        ("page-tools", rf"(?:{_FIELDS['page-tools']})(?:{_SEPARATOR}(?:{_FIELDS['page-tools']}))*"),
        ("navigation", r"(当前位置|您的位置|你的位置|您现在的位置|所在位置|当前页)\s*[:：].*"),
        ("navigation", r"(首页|主页|网站首页|首\s*页)\s*([>»＞›/→]|&gt;)+.*"),
        ("navigation", rf"{_CRUMB}(?:{_ARROW}{_CRUMB}){{2,}}|{_CRUMB}{_ARROW}(?:正文|详情|内容)"),
        ("navigation", r"(上一篇|下一篇|上一条|下一条)\s*[:：].*"),
        ("navigation", rf"(?:{_RELATED})\s*[:：]?"),
        ("page-counter", _FIELDS["page-counter"]),
        ("editor-credit", r"[【\[]?(责任编辑|编辑|责编|校对)\s*[:：][^】\]]{1,20}[】\]]?"),
        ("byline", rf"(?:{_FIELDS['byline']})"),
        (
            "datetime",
            rf"[【\[(（]?(?:(?:{_STAMP_LABELS})(?:时间|日期)[:：](?:{_STAMP})"
            rf"|(?:(?:时间|日期)[:：])?(?:{_STAMP_TIMED}))[】\])）]?",
        ),
        (
            "newspaper-header",
            rf"{_PAPER}{_SEPARATOR}(?:{_PAPER_DATE}{_SEPARATOR}(?:{_PAGE})|(?:{_PAGE}){_SEPARATOR}"
            rf"{_PAPER_DATE})|{_PAPER_DATE}{_SEPARATOR}{_PAPER}{_SEPARATOR}(?:{_PAGE})",
        ),
        ("page-metadata", rf"(?:(?:{_ANY_FIELD}){_SEPARATOR}){{2,}}"),
    )
)
_RELATED_HEADING = re.compile(rf"(?:{_RELATED})[:：]?")
# A link in a related-links list: a title, maybe a date; never a sentence or a heading.
_LINK_ENDINGS = tuple("。！？；：，")
_HEADING_START = re.compile(
    r"[一二三四五六七八九十]+、|[(（][一二三四五六七八九十]+[)）]|第[一二三四五六七八九十]+"
)
# A pen name alone on the article's last line: two to four Han characters.
_PEN_NAME = re.compile(rf"{_HAN}{{2,4}}")
# Half-width marks too: punctuation is made full-width later, and a second cleaning must
# judge the line as the first did.
_SENTENCE_ENDINGS = tuple("。！？…”」』!?.")
# Closing words of a document, and deadlines that end a task list one cell a line.
_NOT_PEN_NAME_WORDS = (
    "附件 附表 附录 此致 敬礼 此复 以上 全文完 持续推进 长期坚持 长期推进 持续开展"
)
_NOT_PEN_NAMES = frozenset(_NOT_PEN_NAME_WORDS.split())
_NOT_PEN_NAME_PREFIXES = ("特此",)
_ORGANISATION_ENDINGS = (
    "政府", "指挥部", "办公室", "委员会", "小组", "中心", "公司", "局", "委", "办", "厅", "部",
    "院", "会", "队", "站", "所", "处", "科", "镇", "村", "县", "区", "市", "省", "街道",
)  # fmt: skip


# Marks that the punctuation stage writes at another length (... → ……, -- → ——): one
# character each here, so a line is as long on a second cleaning as on the first.
_ELLIPSES = re.compile(r"\.{3,}|…+")
_DASHES = re.compile(r"-{2,}|—+")


def _compact(line: str) -> str:
    """The line as the rules see it: no blanks, an ellipsis or a dash one character."""
    return _DASHES.sub("—", _ELLIPSES.sub("…", _BLANKS.sub("", line)))


def _line_rule(compact: str) -> str:
    """The name of the rule that matches the compact line in full, or ``""``."""
    if not compact or len(compact) > _MAX_LINE:
        return ""
    for name, pattern in FURNITURE_RULES:
        if pattern.fullmatch(compact):
            return name
    return ""


def _link_item(compact: str) -> bool:
    """Whether a line can be an item of a related-links list: a short title."""
    return (
        0 < len(compact) <= _MAX_LINE
        and not compact.endswith(_LINK_ENDINGS)
        and _HEADING_START.match(compact) is None
    )


def _pen_name(compact: str, previous: str) -> bool:
    """Whether a last line is a pen name signing the paragraph before it."""
    return (
        _PEN_NAME.fullmatch(compact) is not None
        and (
            previous.endswith(_SENTENCE_ENDINGS)
            # an ASCII quote that the punctuation stage will close (an even count on the line)
            or (previous.endswith('"') and previous.count('"') % 2 == 0)
        )
        and compact not in _NOT_PEN_NAMES
        and not compact.startswith(_NOT_PEN_NAME_PREFIXES)
        and not compact.endswith(_ORGANISATION_ENDINGS)
    )


def furniture_edits(text: str) -> list[Edit]:
    """Delete every furniture line with its newline, each as a change naming its rule.

    Rules see the line without its blanks, so they need no ``\\s*`` of their own, and with
    each ellipsis or dash as one character: the verdict must not change when blanks are
    removed, marks are set full-width and the clean text is cleaned again.
    """
    lines = text.split("\n")
    compacts = [_compact(line) for line in lines]
    rules = [_line_rule(compact) for compact in compacts]
    _related_mark(compacts, rules)
    _pen_name_mark(compacts, rules)
    edits: list[Edit] = []
    start = 0
    for line, rule in zip(lines, rules, strict=True):
        end = start + len(line)
        if rule:
            stop = end + 1 if end < len(text) else end
            edits.append(Edit(start, stop, "", ChangeKind.FURNITURE, rule))
        start = end + 1
    return edits


def _related_mark(compacts: list[str], rules: list[str]) -> None:
    """Mark the links under each related-links heading, up to the first line that is not one."""
    for index, compact in enumerate(compacts):
        if not _RELATED_HEADING.fullmatch(compact):
            continue
        for following in range(index + 1, len(compacts)):
            item = compacts[following]
            if not item or rules[following]:
                continue
            if not _link_item(item):
                break
            rules[following] = "related-links"


def _pen_name_mark(compacts: list[str], rules: list[str]) -> None:
    """Mark the last line of the article when it is a pen name after a paragraph."""
    content = [i for i, compact in enumerate(compacts) if compact and not rules[i]]
    if len(content) >= 2 and _pen_name(compacts[content[-1]], compacts[content[-2]]):
        rules[content[-1]] = "byline"
