"""Page furniture: the lines a web page wraps around an article, removed by named rule.

Rules match whole lines of simplified text (they run after conversion) and only short
lines, so a paragraph of the body that happens to mention 评论 or 分享 is never taken.
The byline (作者, 来源, a pen name) is part of the article and has no rule here.
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

FURNITURE_RULES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, re.compile(pattern))
    for name, pattern in (
        ("comment-counter", r"(已有|共有)?\d+\s*(人|条)(参与|发表了?)?(评论|跟帖|回复)"),
        ("comment-counter", r"(我要评论|发表评论|查看评论|网友评论|评论)\s*[(（]?\d*[)）]?"),
        ("share-prompt", rf"(分享到|分享至|一键分享|转发到|分享)\s*[:：]?(\s*({_PLATFORMS}))*"),
        ("share-prompt", r"(微信)?扫一扫(分享|在手机上打开|打开|关注我们|下载客户端)?"),
        ("page-tools", r"([【\[](打印|关闭|收藏|打印本页|关闭窗口|字体|字号)[^】\]]{0,12}[】\]])+"),
        ("page-tools", r"(字体|字号)[:：]?(大|中|小|默认|标准|超大)+"),
        (
            "page-tools",
            r"(打印本页|关闭窗口|返回顶部|回到顶部|收藏本站|设为首页|网站地图)"
            r"(\s*[|｜/]?\s*(打印本页|关闭窗口|返回顶部|回到顶部|收藏本站|设为首页|网站地图))*",
        ),
        ("navigation", r"(当前位置|您的位置|你的位置)\s*[:：].*"),
        ("navigation", r"(首页|主页|网站首页|首\s*页)\s*([>»＞›/]|&gt;)+.*"),
        ("navigation", r"(上一篇|下一篇|上一条|下一条)\s*[:：].*"),
        ("navigation", r"(相关阅读|相关新闻|相关链接|推荐阅读|热点推荐|延伸阅读)\s*[:：]?"),
        ("page-counter", r"(阅读量|阅读数|浏览次数|浏览量|点击数|点击量|访问量)\s*[:：]?\s*\d+"),
        ("editor-credit", r"[【\[]?(责任编辑|编辑|责编|校对)\s*[:：][^】\]]{1,20}[】\]]?"),
    )
)


def furniture_edits(text: str) -> list[Edit]:
    """Delete every short line that a furniture rule matches in full, with its newline.

    Rules see the line without its blanks, so they need no ``\\s*`` of their own.
    """
    edits: list[Edit] = []
    start = 0
    for line in text.split("\n"):
        end = start + len(line)
        # Judged without blanks, which later rules may remove: the verdict must not change
        # when the clean text is cleaned again.
        compact = _BLANKS.sub("", line)
        if compact and len(compact) <= _MAX_LINE:
            for name, pattern in FURNITURE_RULES:
                if pattern.fullmatch(compact):
                    stop = end + 1 if end < len(text) else end
                    edits.append(Edit(start, stop, "", ChangeKind.FURNITURE, name))
                    break
        start = end + 1
    return edits
