"""著 or 着: the aspect particle and zhuó words that OpenCC's ``t2s`` leaves as 著.

Traditional text writes one character, 著, for the verb "to write" and "notable" (zhù:
著名, 著作, 显著, 卓著, 土著) and for what modern simplified text writes 着: the aspect
particle (随着, 意味着, 围绕着, 朝着) and words read zhuó (着力, 着眼, 着手, 着重).
``t2s`` keeps 著 in all of them. Each 著 of the simplified text is decided by its
neighbours, in this order:

1. a zhù word ending in it (显著, 卓著, 土著, 名著, 原著, 编著 …) keeps 著;
2. a zhù word starting with it (著名, 著作, 著称, 著述, 著者, 著录, 著书, 著有) keeps it;
3. a zhuó word starting with it (着力, 着眼, 着手, 着重, 着陆, 着想 …) takes 着;
4. a phrase ending in it (随着, 意味着, 围绕着, 朝着, 沿着, 本着, 沉着, 执着, 衣着 …)
   takes 着;
5. after a verb (the longest word of jieba's dictionary that ends before it is tagged as
   a verb: 发挥着, 推动着, 影响着) it is the particle and takes 着;
6. anything else keeps 著: a character not known to be the particle is left as written.
"""

from __future__ import annotations

import re

from baiqianwan.textclean._edits import Edit
from baiqianwan.textclean.lost import word_tags
from baiqianwan.textclean.report import ChangeKind

ZHU = "著"
ZHE = "着"
_MAX_WORD = 4
_LONGEST_BEFORE = 2  # characters of the longest phrase in _PARTICLE_AFTER
# Rule 1: the character before 著 in a zhù word.
_ZHU_AFTER = frozenset("显卓土名原专巨论编合遗拙译新昭彰杰撰杂素较知所大固")
# Rule 2: the character after 著 in a zhù word.
_ZHU_BEFORE = frozenset("名作称述者录书有文")
# Rule 3: the character after 著 in a zhuó word.
_ZHUO_BEFORE = frozenset("力眼手重陆想落急迷火装色实凉墨笔意魔地床数")
# Rule 4: what comes before the particle (or zhuó) 著 in common phrases.
_PARTICLE_PHRASES = (
    "随 意味 围绕 朝 沿 本 向 顺 接 跟 有 带 看 为 凭 靠 对 冲 按 照 沉 执 穿 衣 附 "
    "睡 活 标志 存在 面临 肩负 承载 发挥 代表 体现 紧接 伴随 关系 充满"
)
_PARTICLE_AFTER = frozenset(_PARTICLE_PHRASES.split())
_VERB_TAG = re.compile(r"v")


def _particle(text: str, at: int) -> bool:
    """Whether the 著 at `at` is the particle or a zhuó word (rules 1 to 6 above)."""
    before = text[at - 1] if at > 0 else ""
    after = text[at + 1] if at + 1 < len(text) else ""
    if before in _ZHU_AFTER:
        return False
    if after in _ZHU_BEFORE:
        return False
    if after in _ZHUO_BEFORE:
        return True
    for length in range(_LONGEST_BEFORE, 0, -1):
        if at >= length and text[at - length : at] in _PARTICLE_AFTER:
            return True
    tags = word_tags()
    for length in range(min(_MAX_WORD, at), 0, -1):
        tag = tags.get(text[at - length : at])
        if tag is not None:
            return _VERB_TAG.match(tag) is not None
    return False


def zhe_edits(text: str) -> list[Edit]:
    """Edits turning each 著 that modern usage writes 着 into 着 (rule ``zhe``).

    Decided left to right on the text as already decided, so a 著 after one that became 着
    (發著著) is judged as a second cleaning would judge it: cleaning stays idempotent.
    """
    edits: list[Edit] = []
    decided = list(text)
    for found in re.finditer(ZHU, text):
        # The rules read at most _MAX_WORD characters before 著 and one after it.
        start = max(0, found.start() - _MAX_WORD)
        window = "".join(decided[start : found.start() + 2])
        if _particle(window, found.start() - start):
            decided[found.start()] = ZHE
            edits.append(Edit(found.start(), found.end(), ZHE, ChangeKind.CONVERSION, "zhe"))
    return edits
