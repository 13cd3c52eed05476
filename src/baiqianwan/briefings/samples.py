"""Sample data of each kind of document, in the shape `content.py` writes (a test keeps the
two alike). An uploaded template must render against it before it is accepted, and the
template page lists its names for the office that edits a template."""

from __future__ import annotations

import copy
from typing import Any

from baiqianwan.briefings.choices import Kind

_HEAD: dict[str, Any] = {
    "organ": "肇庆市百县千镇万村高质量发展工程指挥部办公室",
    "organ_short": "肇庆市百千万工程指挥部办公室",
    "copies": "肇庆市百千万工程指挥部成员单位，各县（市、区）",
    "scope": "肇庆市",
    "number": "肇百千万办〔2025〕1号",
    "title": "示例标题",
    "date": "2025年12月5日",
    "period": "2025年11月",
    "period_code": "202511",
    "demo": True,
    "demo_mark": "演示数据",
    "gaps": ["示例：暂无已完成的综合评价。"],
    "empty": False,
}
_INDICATOR = {
    "code": "C_RURAL_INCOME",
    "name": "农村居民人均可支配收入",
    "measure": "元",
    "value": "24,512",
    "target": "25,000",
    "met": "未达标",
    "units_met": "3/8",
    "reported": "8/8",
}
_RANK = {
    "rank": 1,
    "name": "四会市",
    "code": "441284000000",
    "score": "0.7321",
    "change": "↑2",
    "track": "",
    "weak": "C_ENGEL、C_GRAIN",
}
_RANKING: dict[str, Any] = {
    "has": True,
    "scheme": "县域综合评价",
    "period": "2024年度",
    "rows": [_RANK],
    "first": "四会市",
    "last": "封开县",
    "up": "四会市",
    "down": "无",
    "provisional": False,
    "ranked": 8,
    "sentence": "四会市位列第一，封开县位列末位；排名上升：四会市；排名下降：无。",
    "note": "",
    "charts": ["scores", "trend", "map"],
}
_TASK_ROW = {
    "code": "441224000000",
    "name": "怀集县",
    "assignments": 40,
    "done": 12,
    "green": 20,
    "yellow": 5,
    "red": 3,
    "completion": "30.0%",
}
_RED = {
    "unit": "怀集县",
    "number": "3",
    "text": "示例任务",
    "deadline": "2025-10-31",
    "progress": "40.0%",
    "reason": "已过完成时限",
}
_RATE = {
    "name": "怀集县",
    "expected": 19,
    "submitted": 17,
    "rate": "89.5%",
    "on_time": "84.2%",
    "value": 89.5,
}

SAMPLES: dict[str, dict[str, Any]] = {
    Kind.BRIEFING: {
        **_HEAD,
        "issue": "2025年第11期",
        "summary": "2025年11月，肇庆市百县千镇万村高质量发展工程各项工作有序推进。",
        "indicators": {
            "has": True,
            "rows": [_INDICATOR],
            "headline": [_INDICATOR],
            "year": 2025,
            "milestone": 2025,
            "note": "指标数据为2025年度各单位报送值。",
            "charts": ["indicator_1"],
        },
        "ranking": _RANKING,
        "tasks": {
            "has": True,
            "rows": [_TASK_ROW],
            "plans": 1,
            "assignments": 40,
            "done": 12,
            "completion": "30.0%",
            "red_count": 1,
            "red_list": [_RED],
            "red_more": 0,
            "as_of": "2025年11月30日",
            "note": "",
            "charts": ["lights"],
        },
        "reporting": {
            "has": True,
            "sets": [{"name": "县级年报", "period": "2024年度", "rows": [_RATE], "rate": "89.5%"}],
            "note": "",
            "charts": ["reporting"],
        },
    },
    Kind.RANKING: {
        **_HEAD,
        "ranking": _RANKING,
        "addressees": "各县（市、区）百县千镇万村高质量发展工程指挥部",
    },
    Kind.NOTICE: {
        **_HEAD,
        "title": "督办通知单",
        "addressee": "怀集县",
        "plan": "肇庆市2025年百千万工程实施方案",
        "plan_number": "肇百千万指〔2025〕1号",
        "plan_cite": "《肇庆市2025年百千万工程实施方案》（肇百千万指〔2025〕1号）",
        "task_number": "3",
        "task_text": "示例任务",
        "deadline": "2025年10月31日",
        "progress": "40.0%",
        "light": "逾期",
        "reason": "已过完成时限",
        "requirement": "请怀集县于2025年12月15日前将整改落实情况书面报送我办。",
        "reply_by": "2025年12月15日",
    },
}


def sample_context(kind: str) -> dict[str, Any]:
    """A fresh copy of the sample data of `kind`."""
    return copy.deepcopy(SAMPLES[kind])
