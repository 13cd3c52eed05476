"""著 or 着: the particle and zhuó words become 着, zhù words keep 著."""

from __future__ import annotations

import pytest

from baiqianwan.textclean import ChangeKind, clean_text
from baiqianwan.textclean.zhe import zhe_edits


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("隨著城鄉融合發展", "随着城乡融合发展"),
        ("這意味著縣域經濟進入新階段", "这意味着县域经济进入新阶段"),
        ("圍繞著“三年初見成效”目標", "围绕着“三年初见成效”目标"),
        ("朝著既定目標前進", "朝着既定目标前进"),
        ("沿著高質量發展道路", "沿着高质量发展道路"),
        ("本著實事求是的原則", "本着实事求是的原则"),
        ("著力推進典型鎮村建設", "着力推进典型镇村建设"),
        ("著眼長遠", "着眼长远"),
        ("著手編制規劃", "着手编制规划"),
        ("著重解決突出問題", "着重解决突出问题"),
        ("沉著應對風險", "沉着应对风险"),
        ("發揮著重要作用", "发挥着重要作用"),
        ("推動著產業升級", "推动着产业升级"),
        ("承載著群眾期盼", "承载着群众期盼"),
    ],
)
def test_particle_and_zhuo_words_take_zhe(raw: str, clean: str) -> None:
    result = clean_text(raw)
    assert result.text == clean + "\n"
    [change] = [c for c in result.changes if c.rule == "zhe"]
    assert (change.kind, change.before, change.after) == (ChangeKind.CONVERSION, "著", "着")
    assert result.original[change.original.start] == "著"


@pytest.mark.parametrize(
    "text",
    [
        "肇慶是著名的歷史文化名城",
        "出版學術著作三部",
        "成效顯著",
        "功勳卓著",
        "保護土著居民的權益",
        "魯迅所著的小說",
        "他著有《鄉村振興研究》",
        "圍繞著名景區打造旅遊線路",  # 围绕 + 著名: a famous scenic spot
        "以微知著",
        "編著出版",
        "著稱於世",
    ],
)
def test_zhu_words_keep_zhu(text: str) -> None:
    result = clean_text(text)
    assert "著" in result.text
    assert not [c for c in result.changes if c.rule == "zhe"]


def test_zhe_is_idempotent_and_leaves_zhe_alone() -> None:
    assert zhe_edits("随着发展，显著提升，沿着道路") == []
    result = clean_text("隨著發展，成效顯著。")
    assert clean_text(result.text).changes == ()
