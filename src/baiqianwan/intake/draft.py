"""Drafting a plan's structure from clean text, for a person to review.

Everything found keeps the span of clean text it came from. The rules are patterns of
Chinese policy writing, not a parser: the draft proposes, the reviewer decides.

- issuing body: a signature line over a date, or the clause before 印发《…》;
- title: the 《…》 that was issued, or a first line ending in 方案, 计划, 意见 …;
- goals: a year with what is to be achieved (在2025年实现“三年初见成效”), and the
  programme's milestone slogans (“三年初见成效” is 2025, “五年…” 2027, “十年…” 2035);
- named groups: “八个突出”, “三块地”;
- levers: 抓住风貌这个基础, 以县城为重要载体;
- numbered items: 一、 （一） 1. （1）, with the attribute notes of task lists
  (（牵头单位：…；配合单位：…；完成时限：…）, 由A会同B负责, A、B按职责分工负责) in the line or on
  the line after (`duties_parse`);
- tables flattened to text, one row a line or one cell a line, under a header row
  (序号 | 工作任务 | 牵头单位 | 配合单位 | 完成时限);
- measures: clauses led by an imperative verb (加快推进…, 持续深化…, 完善…, 打造…), with
  quantitative targets, deadlines (dated where they name a date: `deadline_due`),
  responsible units and places of the unit register; rhetoric (力争取得更多突破性进展) is
  none (`rhetoric`), nor is the document's frame (特制定本方案, 附件, 指导思想).
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass, field
from datetime import date
from enum import StrEnum
from itertools import takewhile
from typing import Any

from baiqianwan.textclean.report import Span

# Milestones of the programme (DOMAIN.md): initial results in three years, clear in five,
# decisive in ten, counted from its launch in 2023.
MILESTONE_YEARS = {"三年": 2025, "五年": 2027, "十年": 2035}
_PLAN_SUFFIXES = (
    "方案", "计划", "意见", "通知", "办法", "规划", "要点", "清单", "细则", "措施",
    "任务表", "分工表", "责任表", "台账",
)  # fmt: skip
_ISSUER_SUFFIXES = ("指挥部", "指挥部办公室", "人民政府", "办公室", "委员会", "领导小组", "办公厅")

_HAN = r"\u4e00-\u9fff"
_NUMERAL = "一二三四五六七八九十"
_LEVELS = (
    re.compile(rf"[{_NUMERAL}]{{1,3}}、"),
    re.compile(rf"[（(][{_NUMERAL}]{{1,3}}[）)]"),
    re.compile(r"\d{1,3}(?:[．、]|\.(?!\d))"),
    re.compile(r"[（(]\d{1,3}[）)]"),
)
# ``1.121人才梯队项目``: an item whose text starts with digits (see `_heading_level`).
_ITEM_BEFORE_DIGITS = re.compile(r"(\d{1,3})\.(?=\d)")
_HEADING_END = re.compile(r"[。：:]")
_SENTENCE = re.compile(r"[^。！？；\n]+[。！？；]?")
_ISSUED = re.compile(
    r"([^，。；！？\n]{2,60}?)(?:印发|出台|发布|制定|制发)了?(《[^《》\n]{2,120}》)"
)
_TIME_WORDS = re.compile(r"^(?:近日|日前|近期|今年|此前|最近|目前)[，、]?")
_TITLE = re.compile(r"《([^《》\n]{2,120})》")
_DATE_LINE = re.compile(r"\d{4}年\d{1,2}月\d{1,2}日")
_GOAL_YEAR = re.compile(
    r"(?:到|在|于)?(\d{4})年(?:底|末)?前?[，,]?(?:基本|全面|率先)?"
    r"(?:实现|达到|取得|完成|形成)[“「]([^”」\n]{2,20})[”」]"
)
_GOAL_SLOGAN = re.compile(r"[“「]((三|五|十)年[^”」\n]{2,10})[”」]")
_GOAL_SENTENCE = re.compile(r"到(\d{4})年(?:底|末)?，([^。\n]{4,120})。")
_GROUP = re.compile(rf"[“「]([{_NUMERAL}两]{{1,3}})(个|项|大|条|块|张|批)([{_HAN}]{{1,6}})[”」]")
_LEVER_THIS = re.compile(
    rf"(?:抓住|抓好|抓牢|牵住|牵牢|用好|把握|紧扣|突出|夯实|筑牢|强化)"
    rf"([{_HAN}]{{1,8}}?)这(?:个|一)([{_HAN}]{{1,6}}?)(?=[，,。；、]|$)"
)
_LEVER_AS = re.compile(
    rf"以([{_HAN}]{{1,8}}?)为((?:重要|主要|关键|核心)?"
    r"(?:载体|抓手|牵引|突破口|支撑|引领|重点|核心|龙头|切入点))"
)
_LEAD_IN = re.compile(r"^(?:我们|全市上下|各地)?(?:还要|要|并|同时|还)?")
_MODIFIERS = (
    "进一步|加快|积极|有效|全面|持续|大力|着力|扎实|深入|不断|切实|稳步|全力|更好|努力|"
    "统筹|重点|加大力度|高标准|高质量|因地制宜|系统"
)
_VERBS = (
    "推进|推动|深化|完善|打造|构建|建设|建立|健全|实施|开展|改善|提升|培育|优化|加强|强化|"
    "落实|释放|激发|聚焦|促进|创建|推广|支持|引导|鼓励|探索|创新|实现|提高|扩大|保障|规范|"
    "整治|治理|盘活|壮大|做强|做优|做大|补齐|夯实|加大|组织|制定|出台|抓好|抓实|用好|办好|"
    "筑牢|守牢|加快|推行|设立|搭建|布局|引进|招引|完成|新建|改造|编制|统筹|整合|拓展|延伸|"
    "发展|培训|开工|建成|新增|力争|确保"
)
_MEASURE = re.compile(rf"(?:(?:{_MODIFIERS}))*(?:{_VERBS})")
_TARGET = re.compile(
    r"(\d+(?:\.\d+)?)\s*(个百分点|%|亿元|万元|元|万亩|亩|平方公里|公里|千米|万吨|吨|万人|人次|人|户|"
    r"家|个|所|座|条|项|宗|张|辆|套|间|处|倍|批|年)"
)
_DEADLINE = re.compile(
    r"(?:完成时限[:：]\s*([^，。；）)\n]{2,20}))|"
    r"(\d{4}年(?:\d{1,2}月)?(?:底|末|上半年|下半年)?前|长期坚持|持续推进|\d{4}年(?:底|末)"
    r"|\d{4}年\d{1,2}月(?:\d{1,2}日)?(?:底|末)?)"
)
_UNIT_SUFFIXES = ("市", "县", "区")

# Brackets that hold a part of a name or of a note: 各县〔市、区〕, 【牵头单位：…】.
_OPENING = "（(【[〔《“「"
_CLOSING = "）)】]〕》”」"

# The labels of a task list's attribute note (“牵头单位：…；完成时限：…”), longest first, and
# the field each fills. Short labels (牵头, 时间) count only before a colon.
_LABELS = {
    "牵头单位": "lead",
    "牵头部门": "lead",
    "责任单位": "lead",
    "责任部门": "lead",
    "主责单位": "lead",
    "负责单位": "lead",
    "配合单位": "partners",
    "配合部门": "partners",
    "协办单位": "partners",
    "参与单位": "partners",
    "协同单位": "partners",
    "完成时限": "deadline",
    "完成时间": "deadline",
    "完成期限": "deadline",
    "时间节点": "deadline",
    "时限要求": "deadline",
    "牵头": "lead",
    "配合": "partners",
    "时限": "deadline",
    "时间": "deadline",
}
_LONG_LABELS = "|".join(label for label in _LABELS if len(label) == 4)
_LABEL = re.compile(
    rf"(?P<label>{'|'.join(_LABELS)})[ \t\u3000]*[:：][ \t\u3000]*"
    rf"|(?P<bare>{_LONG_LABELS})[ \t\u3000]+"
)
# Free-form notes: 由A会同B负责, 由A牵头、B配合, A、B按职责分工负责, A负责.
_UNITS = r"(?P<units>[^，,；;。：:]{2,80}?)"
_DUTY_JOINT = re.compile(
    r"由?(?P<lead>[^，,；;。：:]{2,60}?)(?:会同|联合|协同)(?P<partners>[^，,；;。：:]{2,80}?)"
    r"(?:共同|按职责分工)?(?:负责|落实|推进)"
)
_DUTY_LEAD = re.compile(rf"由?{_UNITS}(?:牵头|主责)(?:负责|落实|推进)?")
_DUTY_SHARED = re.compile(rf"由?{_UNITS}(?:按|根据|按照)?(?:职责分工|职能分工|职责)?(?:负责|落实)")
_DUTY_HELP = re.compile(rf"{_UNITS}(?:配合|协助|参与|协同)")
_DUTY_DEADLINE = re.compile(
    r"(?:力争|确保|争取|于)?(?P<deadline>\d{4}年[^，,；;。]{0,12}?|长期坚持|持续推进|长期|持续开展)"
    r"(?:完成|见效|建成|落实到位|落地)?"
)
# The last words of a unit's name; 有关部门 and 各地 are names too, by convention.
_UNIT_ENDS = (
    "局", "委", "办", "部", "府", "院", "会", "厅", "中心", "公司", "集团", "社", "行", "队",
    "所", "站", "馆", "部门", "单位", "区", "县", "市", "镇", "乡", "街道", "村", "团", "联",
    "党委", "司", "署", "组", "室", "处", "科", "关", "各地", "园区",
)  # fmt: skip
_UNIT_NAME = re.compile(r"[\u4e00-\u9fff\w（）()〔〕【】·、]{2,40}")
# A clause of the document's own frame: 特制定本方案, 现将…印发, 结合实际.
_FRAME = re.compile(
    r"(?:特|现|为此)?制定(?:了)?本(?:方案|清单|计划|措施|意见|细则|办法|实施方案|任务清单)"
    r"|(?:特|现)制定如下|现将[^。]{0,40}印发|结合[^，。]{0,12}实际"
)
_FRAME_HEADINGS = re.compile(
    r"^(?:附件[0-9一二三四五六七八九十]*(?:[:：].*)?|总体要求|指导思想|基本原则|工作目标|主要目标"
    r"|目标任务|保障措施|组织保障|组织实施|工作要求|工作安排|实施步骤|任务分工|重点任务|主要任务"
    r"|工作任务|具体任务|重点工作|主要举措|工作措施|具体措施)$"
)
# Headings of the frame, under which nothing is a task.
_PREAMBLE_HEADINGS = re.compile(r"^(?:总体要求|指导思想|基本原则|工作目标|主要目标|目标任务|背景)$")
# A category that only wraps the tasks (二、重点任务); the ledger takes the headings below it.
_CONTAINER_HEADINGS = re.compile(
    r"^(?:重点任务|主要任务|工作任务|具体任务|任务清单|重点工作|主要举措|工作措施|具体措施|任务分工)$"
)
# Words of rhetoric, not of tasks (DOMAIN.md: a task has an action on an object).
_AIM_VERBS = re.compile(rf"^(?:(?:{_MODIFIERS}))*(?:力争|争取|确保|实现|奋力)")
_EMPTY_VERBS = re.compile(rf"^(?:(?:{_MODIFIERS}))*(?:释放|激发|聚焦)")
_MIND_OBJECTS = re.compile(
    rf"^(?:(?:{_MODIFIERS}))*(?:{_VERBS})(?:认识|理解|思想|意识|信心|决心|共识)"
)
_ABSTRACT_ENDS = re.compile(
    r"(?:进展|成果|成效|实效|质效|局面|答卷|画卷|篇章|高度|精气神|信心|决心|共识|合力|意识|活力"
    r"|潜能|动能|后劲|要求|导向|意图|氛围|态势|势头|之路|路径|根基|底色|面貌|红利"
    # a feeling (获得感, 使命感) or a new height the text hopes for (新台阶, 新优势, 新引擎),
    # not a new building or place (新校区, 新院区, 新站房)
    rf"|[{_HAN}]感|新[{_HAN}]{{1,2}}(?<![区院馆校厂站路桥楼村镇园房场港线])"
    # what development reaches (发展水平, 发展优势): the level, not a thing to do
    r"|发展(?:水平|质量|优势|格局|环境|空间|基础|底气))$"
)
# 推动X走深走实, 推动X取得实效, 推动X迈上新台阶, 推动X惠及…: the verb asks for an outcome of X
# (a result predicate after the object), not for an action on it.
_OUTCOMES = re.compile(
    rf"^(?:(?:{_MODIFIERS}))*(?:推动|促进|带动|助推|引领|确保|让|使)[^，。；]{{2,40}}?"
    r"(?:走深走实|走在[^，。；]{0,4}前列|落地见效|见行见效|落地生根|开花结果|取得|实现|迈上|迈出|迈向|惠及|跃上"
    r"|更加|更好|更快|更高|由|向|加快|不断|持续|各展|焕然|[^，。；]{0,6}(?:转变|变大|变强|一新))"
)
# Rhetoric by its shape: a doubled verb of outcome at the end (落实落细, 走深走实, 见行见效:
# ABAC), an aim in the comparative (更高水平的…, 更大的…), and the programme itself, or
# development itself, as the whole object (深入推进百千万工程, 推动高质量发展).
_DOUBLED_END = re.compile(rf"([走落见抓做干求])[{_HAN}]\1[{_HAN}]$")
_COMPARATIVE = re.compile(rf"更(?:高|大|好|优|强|快|深|实|多|广)[{_HAN}]{{0,3}}的")
_WHOLE_OBJECTS = re.compile(
    rf"^(?:(?:{_MODIFIERS}))*(?:{_VERBS})"
    r"(?:“?(?:百县千镇万村高质量发展工程|百千万工程|乡村(?:全面)?振兴(?:战略)?)”?"
    r"|(?:更高质量|高质量)?发展)$"
)
_GENERIC_OBJECTS = re.compile(
    rf"^(?:(?:{_MODIFIERS}))*(?:{_VERBS})+(?:各项|相关|有关)?(?:重点|中心|目标)?(?:工作|部署|任务)$"
)
_LOST = "□"

# A deadline's date: the last day the phrase allows (2025年12月底前 is 2025-12-31).
_DUE = re.compile(
    r"(?P<y>\d{4})年(?:(?P<m>\d{1,2})月(?:(?P<d>\d{1,2})[日号])?"
    r"|(?P<half>上半年|下半年|年中)|第?(?P<q>[一二三四1-4])季度)?"
)
_DUE_RANGE = re.compile(r"\d{4}年?\s*(?:[—–\-~～至到])\s*(?P<y>\d{4})年")
_QUARTERS = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}


class ItemKind(StrEnum):
    """What a drafted item is."""

    SECTION = "section"  # a numbered heading: 一、 （一） 1. （1）
    LEVER = "lever"  # 抓住风貌这个基础: a lever and what the text says it is
    MEASURE = "measure"  # an imperative clause: 加快推进典型镇村培育建设
    ROW = "row"  # a row of a task table: 序号 | 工作任务 | 牵头单位 | 配合单位 | 完成时限


@dataclass(frozen=True, slots=True)
class Excerpt:
    """A piece of the clean text and where it is."""

    text: str
    span: Span


@dataclass(frozen=True, slots=True)
class Target:
    """A number with its unit (a year counts: ``2025年``)."""

    text: str
    value: float
    unit: str
    span: Span


@dataclass(frozen=True, slots=True)
class PlaceMatch:
    """A unit of the register named in the text; one name may stand for several units."""

    name: str
    unit: str
    codes: tuple[str, ...]
    span: Span


@dataclass(frozen=True, slots=True)
class Goal:
    """A goal year and what is to be achieved by then.

    `inferred` is true when the year comes from the programme's milestones rather than
    from the text (“三年初见成效” is 2025).
    """

    year: int | None
    text: str
    span: Span
    inferred: bool = False


@dataclass(frozen=True, slots=True)
class Group:
    """A named group of measures, “八个突出”, with the headings that belong to it."""

    name: str
    count: int
    span: Span
    members: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class DraftItem:
    """One node of the drafted plan.

    Attributes
    ----------
    kind : ItemKind
    number : str
        The item's own number as written (``"（一）"``); empty for levers and measures.
    text : str
        A section's heading, a lever's name, a measure's clause.
    span : Span
        Where `text` is in the clean text.
    role : str
        For a lever, what the text says it is (``"基础"``, ``"重要载体"``).
    children : tuple of DraftItem
    targets, places : tuples of Target and PlaceMatch found in `text`
    lead, partners : tuples of str
        Responsible units named in the text (牵头单位, 配合单位).
    deadline : str
        As written: ``"2025年底前"``, ``"长期坚持"``.
    due : date or None
        The last day `deadline` allows when it names one (``2025年12月底前`` is
        2025-12-31, ``2025年6月`` 2025-06-30); None for ``长期坚持``, ``每季度``, no deadline.
    detail : Excerpt or None
        For a section, the rest of its paragraph after the heading, without the
        responsibility note; for a lever, the whole phrase (抓住风貌这个基础).
    task : bool
        Whether the item is a task of the ledger in its own right: a measure, a table row, a
        numbered item with a text or a duty note of its own. Headings (一、突出产业突围, and
        the frame: 附件, 指导思想, 保障措施 as a bare heading) and levers are not.
    """

    kind: ItemKind
    number: str
    text: str
    span: Span
    role: str = ""
    detail: Excerpt | None = None
    children: tuple[DraftItem, ...] = ()
    targets: tuple[Target, ...] = ()
    places: tuple[PlaceMatch, ...] = ()
    lead: tuple[str, ...] = ()
    partners: tuple[str, ...] = ()
    deadline: str = ""
    due: date | None = None
    task: bool = False

    def walk(self) -> Iterator[DraftItem]:
        """This item and all its descendants, depth first."""
        yield self
        for child in self.children:
            yield from child.walk()


@dataclass(frozen=True, slots=True)
class PlanDraft:
    """The drafted structure of a plan, every part tied to its span of `text`."""

    text: str
    issuer: Excerpt | None
    title: Excerpt | None
    goals: tuple[Goal, ...]
    groups: tuple[Group, ...]
    levers: tuple[DraftItem, ...]
    items: tuple[DraftItem, ...]

    def walk(self) -> Iterator[DraftItem]:
        """Every item of the tree, depth first."""
        for item in self.items:
            yield from item.walk()


@dataclass(slots=True)
class _Node:
    """A mutable item while the tree is being built."""

    kind: ItemKind
    number: str
    text: str
    span: Span
    level: int = 0
    role: str = ""
    detail: Excerpt | None = None
    children: list[_Node] = field(default_factory=list)
    lead: tuple[str, ...] = ()
    partners: tuple[str, ...] = ()
    deadline: str = ""
    frame: bool = False  # under a heading of the document's frame (指导思想): no tasks


@dataclass(frozen=True, slots=True)
class _Register:
    """Unit names (and short names of cities, counties and districts) -> codes."""

    codes: Mapping[str, tuple[str, ...]]
    full_names: Mapping[str, str]
    lengths: tuple[int, ...]


UnitNames = Mapping[str, str] | Iterable[str] | Iterable[tuple[str, str]]


def _register_build(unit_names: UnitNames | None) -> _Register | None:
    """The register from names with codes, names alone, or (name, code) pairs.

    Pairs keep every code of a name that several units share (回龙镇 is both
    441204112000 and 441226102000); a mapping can hold only one.
    """
    if unit_names is None:
        return None
    pairs = (
        list(unit_names.items())
        if isinstance(unit_names, Mapping)
        else [(entry, "") if isinstance(entry, str) else entry for entry in unit_names]
    )
    codes: dict[str, list[str]] = {}
    full: dict[str, str] = {}
    for name, code in pairs:
        name = name.strip()
        if not name:
            continue  # an empty name matches nowhere and would stall the search
        names = [name]
        # 四会市 is often written 四会; shorter aliases (城中村 -> 城中) would be noise.
        if name.endswith(_UNIT_SUFFIXES) and len(name) >= 3:
            names.append(name[:-1])
        for alias in names:
            bucket = codes.setdefault(alias, [])
            if code and code not in bucket:
                bucket.append(code)
            full.setdefault(alias, name)
    if not codes:
        return None
    return _Register(
        codes={name: tuple(found) for name, found in codes.items()},
        full_names=full,
        lengths=tuple(sorted({len(name) for name in codes}, reverse=True)),
    )


def _places_find(text: str, *, offset: int, register: _Register | None) -> tuple[PlaceMatch, ...]:
    """Units of the register named in `text`, longest name first, without overlaps."""
    if register is None:
        return ()
    found: list[PlaceMatch] = []
    index = 0
    while index < len(text):
        for length in register.lengths:
            name = text[index : index + length]
            if len(name) == length and name in register.codes:
                found.append(
                    PlaceMatch(
                        name=name,
                        unit=register.full_names[name],
                        codes=register.codes[name],
                        span=Span(offset + index, offset + index + length),
                    )
                )
                index += length
                break
        else:
            index += 1
    return tuple(found)


def _targets_find(text: str, *, offset: int) -> tuple[Target, ...]:
    """Numbers with units in `text`: ``10个``, ``95%``, ``2025年``."""
    return tuple(
        Target(
            text=found.group(0),
            value=float(found.group(1)),
            unit=found.group(2),
            span=Span(offset + found.start(), offset + found.end()),
        )
        for found in _TARGET.finditer(text)
    )


# Brackets inside which a separator does not split: 各县（市、区）人民政府 is one unit.
UNIT_LIST_OPENING = "（(【[《〔"
UNIT_LIST_CLOSING = "）)】]》〕"
UNIT_LIST_SEPARATORS = "、，,;；"
_BLANKS = " \t\u3000"


def units_split(text: str, *, blanks: bool = False) -> tuple[str, ...]:
    """Split ``市农业农村局、各县〔市、区〕政府`` at top-level separators only.

    The drafted ledger and the reviewer's edit of it both split with this, so a cell reads the
    same before and after an edit. With `blanks`, spaces separate too (``市商务局 市财政局``,
    as task lists write them); a reviewer's cell keeps its spaces.
    """
    separators = UNIT_LIST_SEPARATORS + (_BLANKS if blanks else "")
    parts: list[str] = []
    depth = 0
    current: list[str] = []
    for ch in text:
        if ch in UNIT_LIST_OPENING:
            depth += 1
        elif ch in UNIT_LIST_CLOSING:
            depth = max(depth - 1, 0)
        if depth == 0 and ch in separators:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    parts.append("".join(current))
    return tuple(part.strip() for part in parts if part.strip())


# A unit marked as the lead in a list of responsible units.
_LEAD_MARKS = ("（牵头）", "(牵头)")
# A note is short; a longer text is prose, and is not searched for one. A note has one of
# these words (a quick test before the clauses are read).
_NOTE_CHARS = 300
_NOTE_WORDS = re.compile(
    r"牵头|主责|负责|配合|协助|参与|协同|落实|会同|时限|时间|期限|节点|单位|部门|\d{4}年|长期|持续"
)


@dataclass(frozen=True, slots=True)
class Duties:
    """What a task list's attribute note says: who leads, who helps, by when."""

    lead: tuple[str, ...] = ()
    partners: tuple[str, ...] = ()
    deadline: str = ""


def _depth(text: str, index: int) -> int:
    """How many brackets and quotes are open at `index` of `text`."""
    depth = 0
    for ch in text[:index]:
        if ch in _OPENING:
            depth += 1
        elif ch in _CLOSING:
            depth = max(depth - 1, 0)
    return depth


def _top_split(text: str, separators: str) -> Iterator[str]:
    """The parts of `text` between top-level separators, lazily (a reader stops early)."""
    depth = 0
    start = 0
    for index, ch in enumerate(text):
        if ch in _OPENING:
            depth += 1
        elif ch in _CLOSING:
            depth = max(depth - 1, 0)
        elif depth == 0 and ch in separators:
            if text[start:index].strip(_BLANKS):
                yield text[start:index]
            start = index + 1
    if text[start:].strip(_BLANKS):
        yield text[start:]


def _unit_like(name: str) -> bool:
    """Whether `name` reads as a unit's name: 市农业农村局, 各县〔市、区〕人民政府, 有关部门."""
    if not _UNIT_NAME.fullmatch(name) or name in _LABELS:
        return False
    core = re.sub(r"[（(〔【][^）)〕】]*[）)〕】]", "", name)
    return len(core) >= 2 and core.endswith(_UNIT_ENDS)


def _unit_names(text: str) -> tuple[str, ...]:
    """The unit names of a cell or a field, without 等 and without labels that slipped in."""
    names = []
    for part in units_split(text, blanks=True):
        found = _LABEL.match(part)
        if found is not None:
            part = part[found.end() :]
        part = part.strip(_BLANKS)
        part = part[:-1] if part.endswith("等") and len(part) > 2 else part
        if part and part not in _LABELS:
            names.append(part)
    return tuple(names)


def _free_duties(text: str, *, bare_units: bool) -> Duties | None:
    """Duties of a note without labels (由A会同B负责, A牵头、B配合, A、B按职责分工负责,
    2025年底前完成); None when any clause of it says something else."""
    lead: list[str] = []
    partners: list[str] = []
    deadline = ""
    named: tuple[tuple[str, ...], ...]  # the unit lists of a clause, each must read as units
    for clause in _top_split(text, "，,；;。" + _BLANKS):
        clause = clause.strip(_BLANKS)
        if (found := _DUTY_JOINT.fullmatch(clause)) is not None:
            named = (_unit_names(found["lead"]), _unit_names(found["partners"]))
            lead.extend(named[0])
            partners.extend(named[1])
        elif (found := _DUTY_LEAD.fullmatch(clause)) is not None:
            named = (_unit_names(found["units"]),)
            lead.extend(named[0])
        elif (found := _DUTY_HELP.fullmatch(clause)) is not None:
            named = (_unit_names(found["units"]),)
            partners.extend(named[0])
        elif (found := _DUTY_SHARED.fullmatch(clause)) is not None or (
            bare_units and all(_unit_like(name) for name in _unit_names(clause))
        ):
            # 各项工作由列在首位的单位牵头: the first named leads unless a lead is named.
            units = _unit_names(found["units"] if found is not None else clause)
            named = (units,)
            if lead:
                partners.extend(units)
            else:
                lead.extend(units[:1])
                partners.extend(units[1:])
        elif (found := _DUTY_DEADLINE.fullmatch(clause)) is not None:
            deadline = deadline or found["deadline"]
            continue
        else:
            return None
        if not all(names and all(_unit_like(name) for name in names) for names in named):
            return None
    if not (lead or partners or deadline):
        return None
    return Duties(tuple(lead), tuple(partners), deadline)


def duties_parse(text: str, *, bare_units: bool = False) -> Duties | None:
    """The duties an attribute note states, or None when `text` is no such note.

    Understands labelled fields in any order, separated by ；，、 or blanks, any of them
    missing (``牵头单位：A；配合单位：B、C；完成时限：2025年12月底前``, ``责任单位：A``,
    ``时间：持续推进``) and free notes (``由A牵头，B配合``, ``由A会同B负责``, ``A、B按职责分工
    负责``, ``有关部门按职责分工负责``, ``A负责``). Where several units are responsible and
    none is said to lead, the first leads, the convention of Guangdong's task lists (各项
    任务列在首位的为牵头单位). With `bare_units`, a list of unit names alone is a note too
    (a bracket at the end of an item: ``（市农业农村局、市财政局）``).
    """
    body = text.strip(_BLANKS + "。；;，,")
    if len(body) > _NOTE_CHARS or not (bare_units or _NOTE_WORDS.search(body)):
        return None
    if len(body) >= 2 and body[0] in "（(【[" and body[-1] in "）)】]":
        body = body[1:-1].strip(_BLANKS + "。；;，,")
    if not body:
        return None
    labels = [found for found in _LABEL.finditer(body) if _depth(body, found.start()) == 0]
    fields: dict[str, str] = {}
    free = body
    if labels:
        free = body[: labels[0].start()]
        for index, found in enumerate(labels):
            stop = labels[index + 1].start() if index + 1 < len(labels) else len(body)
            key = _LABELS[found["label"] or found["bare"]]
            fields.setdefault(key, body[found.end() : stop].strip(_BLANKS + "；;，,、。"))
    duties = Duties()
    if free.strip(_BLANKS + "；;，,、"):
        parsed = _free_duties(free, bare_units=bare_units)
        if parsed is None:
            return None
        duties = parsed
    elif not labels:
        return None
    lead = duties.lead
    partners = duties.partners
    if "lead" in fields:
        named = _unit_names(re.sub(r"(?:牵头|负责)$", "", fields["lead"]))
        marked = tuple(name for name in named if name.endswith(_LEAD_MARKS))
        if marked:  # 责任单位：市农业农村局（牵头）、市财政局
            lead += tuple(name[: -len("（牵头）")] for name in marked)
            partners += tuple(name for name in named if name not in marked)
        elif "partners" in fields or lead:
            lead += named
        else:
            lead, partners = lead + named[:1], partners + named[1:]
    if "partners" in fields:
        partners += _unit_names(re.sub(r"(?:配合|协助)$", "", fields["partners"]))
    deadline = fields.get("deadline", "") or duties.deadline
    return Duties(lead, partners, deadline)


def duty_parse(text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Lead and cooperating units from a responsibility note (see `duties_parse`)."""
    duties = duties_parse(text, bare_units=True)
    return (duties.lead, duties.partners) if duties is not None else ((), ())


def deadline_due(text: str) -> date | None:
    """The last day a deadline allows, when it names one: ``2025年12月底前`` 2025-12-31,
    ``2025年6月`` 2025-06-30, ``2025年上半年`` 2025-06-30, ``2025年第三季度`` 2025-09-30,
    ``2025—2027年`` 2027-12-31; None for ``长期坚持``, ``持续推进``, ``每季度``.

    The plans app reads a ledger's 完成时限 the same way (`plans.deadlines`; a test holds
    the two together), but without a plan year the draft leaves ``12月底前`` undated.
    """
    ranged = _DUE_RANGE.search(text)
    if ranged is not None:
        year = int(ranged["y"])
        return date(year, 12, 31) if 1900 <= year <= 2099 else None
    found = _DUE.search(text)
    if found is None:
        return None
    year = int(found["y"])
    if not 1900 <= year <= 2099:
        return None
    if found["m"] is not None:
        month = int(found["m"])
        if not 1 <= month <= 12:
            return None
        day = int(found["d"]) if found["d"] else calendar.monthrange(year, month)[1]
        try:
            return date(year, month, day)
        except ValueError:
            return None
    if found["half"] is not None:
        return date(year, 12, 31) if found["half"] == "下半年" else date(year, 6, 30)
    if found["q"] is not None:
        month = _QUARTERS[found["q"]] * 3
        return date(year, month, calendar.monthrange(year, month)[1])
    return date(year, 12, 31)


def _deadline_find(text: str) -> str:
    found = _DEADLINE.search(text)
    if found is None:
        return ""
    return (found.group(1) or found.group(2) or "").strip()


def _clauses(sentence: str, offset: int) -> Iterator[tuple[str, int]]:
    """Split a sentence at top-level commas, keeping each clause's offset."""
    depth = 0
    start = 0
    for index, ch in enumerate(sentence):
        if ch in _OPENING:
            depth += 1
        elif ch in _CLOSING:
            depth = max(0, depth - 1)
        elif depth == 0 and ch in "，,；;。！？":
            yield sentence[start:index], offset + start
            start = index + 1
    if start < len(sentence):
        yield sentence[start:], offset + start


def rhetoric(clause: str) -> bool:
    """Whether a clause led by a verb is rhetoric rather than a task (DOMAIN.md: a task is
    an action on an object). Without a number: an aim (力争取得更多突破性进展), an outcome
    asked of the object (推动X取得实效, 推动X由小变大, 推进X落实落细), an aim in the
    comparative (建设更高水平的…). Always: a verb of spirit (激发…活力, 释放…潜能, 聚焦…导向),
    a mind for object (深化认识…), an abstract, generic or whole object (…新局面, 开展工作,
    深入推进百千万工程, 推动高质量发展)."""
    body = clause.rstrip(_LOST).strip()
    if _AIM_VERBS.match(body) and not _TARGET.search(body):
        return True
    if not _TARGET.search(body) and (
        _OUTCOMES.match(body) or _COMPARATIVE.search(body) or _DOUBLED_END.search(body)
    ):
        return True
    return bool(
        _WHOLE_OBJECTS.match(body)
        or _EMPTY_VERBS.match(body)
        or _MIND_OBJECTS.match(body)
        or _ABSTRACT_ENDS.search(body)
        or _GENERIC_OBJECTS.match(body)
    )


def _measures(sentence: str, offset: int, notes: list[_Note]) -> list[_Node]:
    nodes: list[_Node] = []
    if _FRAME.search(sentence):
        return nodes  # 为…，特制定本方案: the document speaking of itself
    clauses = list(_clauses(sentence, offset))
    for index, (clause, at) in enumerate(clauses):
        lead_in = _LEAD_IN.match(clause)
        skip = lead_in.end() if lead_in else 0
        own = [note for note in notes if at + skip <= note.start < at + len(clause)]
        end = (own[0].start - at) if own else len(clause)
        body = clause[skip:end].rstrip(_BLANKS)
        # 实施“百千万工程”，其影响之远…: a clause that the next one takes up with 其 is
        # the topic of the sentence, not something to do.
        topic = index + 1 < len(clauses) and clauses[index + 1][0].startswith("其")
        if (
            len(body) >= 4
            and _MEASURE.match(body)
            and not topic
            and duties_parse(body) is None
            and not rhetoric(body)
        ):
            node = _Node(
                ItemKind.MEASURE,
                "",
                body,
                Span(at + skip, at + skip + len(body)),
                # A deadline is often a clause of its own: 2025年12月底前完成.
                deadline=_deadline_find(body) or _deadline_find(sentence),
            )
            if own:
                _duties_apply(node, own[0].duties)
            nodes.append(node)
    return nodes


def _levers_in(sentence: str, offset: int) -> list[_Node]:
    levers = []
    for pattern in (_LEVER_THIS, _LEVER_AS):
        for found in pattern.finditer(sentence):
            levers.append(
                _Node(
                    ItemKind.LEVER,
                    "",
                    found.group(1),
                    Span(offset + found.start(1), offset + found.end(1)),
                    role=found.group(2),
                    detail=Excerpt(
                        found.group(), Span(offset + found.start(), offset + found.end())
                    ),
                )
            )
    return sorted(levers, key=lambda node: node.span.start)


def _body_nodes(text: str, start: int, end: int, notes: list[_Note]) -> list[_Node]:
    """Levers and measures of one stretch of text, each measure under its sentence's lever."""
    nodes: list[_Node] = []
    for found in _SENTENCE.finditer(text, start, end):
        sentence, at = found.group(), found.start()
        measures = _measures(sentence, at, notes)
        levers = _levers_in(sentence, at)
        if levers:
            levers[0].children.extend(measures)
            nodes.extend(levers)
        else:
            nodes.extend(measures)
    return nodes


@dataclass(frozen=True, slots=True)
class _Note:
    """An attribute note found in a line; offsets in the whole text."""

    start: int
    end: int
    duties: Duties


def _bracket_groups(line: str) -> Iterator[tuple[int, int]]:
    """Top-level bracket groups of a line, （…）, (…) and 【…】, as (start, end)."""
    depth = 0
    start = 0
    for index, ch in enumerate(line):
        if ch in "（(【[〔":
            if depth == 0:
                start = index
            depth += 1
        elif ch in "）)】]〕" and depth:
            depth -= 1
            if depth == 0 and line[start] in "（(【[":
                yield start, index + 1


# A note at the end of a line is looked for this far back, so a long paragraph costs no more.
_TAIL_REACH = 300


def _notes_find(line: str, offset: int) -> list[_Note]:
    """The attribute notes of a line: bracketed ones anywhere, and one unbracketed tail."""
    notes = []
    closing = len(line.rstrip(_BLANKS + "。；;"))
    for start, end in _bracket_groups(line):
        at_end = end >= closing
        duties = duties_parse(line[start + 1 : end - 1], bare_units=at_end and start > 0)
        if duties is not None:
            notes.append(_Note(offset + start, offset + end, duties))
    if notes and notes[-1].end - offset >= closing:
        return notes
    reach = max(0, len(line) - _TAIL_REACH)
    window = line[reach:closing]
    if not _NOTE_WORDS.search(window):
        return notes
    depth = _depth(line, reach)
    top = []  # whether each position of the window is outside brackets
    for ch in window:
        top.append(depth == 0)
        depth = depth + 1 if ch in _OPENING else max(depth - 1, 0) if ch in _CLOSING else depth
    first = len(line) - len(line.lstrip(_BLANKS))
    # Positions after a sentence mark or at a label; after a comma or blank (negative) only
    # for a note that names units (…，市发展改革局负责), not a deadline clause of the task.
    candidates = sorted(
        {
            *(found.end() for found in re.finditer(r"[。；;]", window)),
            *(found.start() for found in _LABEL.finditer(window)),
            *(-found.end() for found in re.finditer(r"[，,]|[ \t\u3000]+", window)),
        },
        key=abs,
    )
    for candidate in candidates:
        start = reach + abs(candidate)
        if start <= first or abs(candidate) >= len(window) or not top[abs(candidate)]:
            continue
        if not _NOTE_WORDS.search(line, start, closing):
            break  # nor in any later start
        duties = duties_parse(line[start:closing])
        if duties is None or (candidate < 0 and not (duties.lead or duties.partners)):
            continue
        notes.append(_Note(offset + start, offset + len(line), duties))
        break
    return notes


def _duties_apply(node: _Node, duties: Duties) -> None:
    """Give `node` the duties of a note: units where it names none, the note's deadline."""
    if not node.lead and not node.partners:
        node.lead, node.partners = duties.lead, duties.partners
    if duties.deadline:
        node.deadline = duties.deadline


def _heading_level(line: str, expected: tuple[int, ...] = ()) -> tuple[int, str] | None:
    """The level and number of a numbered line. ``1.121人才梯队项目`` is item 1 when item 1
    comes next (`expected`), not the number 1.121."""
    for level, pattern in enumerate(_LEVELS, start=1):
        found = pattern.match(line)
        if found:
            return level, found.group()
    found = _ITEM_BEFORE_DIGITS.match(line)
    if found is not None and int(found.group(1)) in expected:
        return 3, found.group()
    return None


# Tables flattened to text: a header row, then one row a line (cells by tabs, ``|`` or
# blanks) or one cell a line.
_TABLE_HEADERS = {
    "序号": "number",
    "编号": "number",
    "大类": "category",
    "类别": "category",
    "任务类别": "category",
    "领域": "category",
    "重点领域": "category",
    "工作类别": "category",
    "板块": "category",
    "任务": "task",
    "工作任务": "task",
    "重点任务": "task",
    "具体任务": "task",
    "主要任务": "task",
    "任务内容": "task",
    "工作内容": "task",
    "任务名称": "task",
    "工作措施": "task",
    "具体措施": "task",
    "项目名称": "task",
    "主要内容": "task",
    "备注": "note",
    **{label: key for label, key in _LABELS.items() if len(label) == 4},
    "牵头": "lead",
    "配合": "partners",
    "时限": "deadline",
}
_NUMBER_CELL = re.compile(r"\d{1,3}[.．、]?")

# A cell: where it starts and ends in its line.
_Cell = tuple[int, int]


def _cells(line: str) -> list[_Cell]:
    """The cells of a row: split by tabs or ``|`` when the line has them (an empty cell stays,
    empty), else by blanks."""
    if "\t" in line or "|" in line:
        bounds = [-1, *(i for i, ch in enumerate(line) if ch in "\t|"), len(line)]
        spans = list(zip([b + 1 for b in bounds[:-1]], bounds[1:], strict=True))
        if "|" in line:  # | a | b |: no cells outside the outer bars
            while spans and not line[slice(*spans[0])].strip(_BLANKS):
                spans.pop(0)
            while spans and not line[slice(*spans[-1])].strip(_BLANKS):
                spans.pop()
    else:
        spans = [found.span() for found in re.finditer(r"[^ \t\u3000]+", line)]
    cells = []
    for start, end in spans:
        while start < end and line[start] in _BLANKS:
            start += 1
        while end > start and line[end - 1] in _BLANKS:
            end -= 1
        cells.append((start, end))
    return cells


def _table_header(names: list[str]) -> list[str] | None:
    """The kinds of the columns a header row names, or None if it is no task table's."""
    kinds = [_TABLE_HEADERS.get(name) for name in names]
    if len(kinds) < 3 or None in kinds or "task" not in kinds:
        return None
    if not {"lead", "partners", "deadline"} & set(kinds):
        return None
    return [kind for kind in kinds if kind is not None]


def _fits(kind: str, cell: str, following: str | None) -> bool:
    """Whether `cell` can be the `kind` column (for a row with cells missing)."""
    if kind == "number":
        return bool(_NUMBER_CELL.fullmatch(cell))
    if kind == "category":
        return (
            not _NUMBER_CELL.fullmatch(cell)
            and following is not None
            and bool(_NUMBER_CELL.fullmatch(following))
        )
    if kind in ("lead", "partners"):
        names = _unit_names(cell)
        duties = duties_parse(cell)
        return (bool(names) and all(_unit_like(name) for name in names)) or (
            duties is not None and bool(duties.lead or duties.partners)
        )
    if kind == "deadline":
        return bool(_DUTY_DEADLINE.fullmatch(cell) or deadline_due(cell) or _deadline_find(cell))
    return True


_GLUED_NUMBER = re.compile(r"\d{1,3}(?=[\u4e00-\u9fff“「《])")
_GLUED_DEADLINE = re.compile(
    r"(?:\d{4}年[0-9年月日底末前上下半第一二三四季度]*|长期坚持|持续推进|长期|持续开展)$"
)


def _cells_unglue(line: str, cells: list[_Cell], kinds: list[str]) -> list[_Cell]:
    """Cells that cleaning glued together, parted again: cleaning drops the blank between a
    Chinese character and a number, so ``1 新建…`` reads ``1新建…`` and ``县财政局 2025年12月
    底前`` reads ``县财政局2025年12月底前``."""
    if len(cells) >= len(kinds) or not cells:
        return cells
    cells = list(cells)
    start, end = cells[0]
    glued = _GLUED_NUMBER.match(line, start, end)
    if kinds[0] == "number" and glued is not None and glued.end() < end:
        cells[0:1] = [(start, glued.end()), (glued.end(), end)]
    start, end = cells[-1]
    glued = _GLUED_DEADLINE.search(line[start:end])
    if (
        "deadline" in kinds
        and len(cells) < len(kinds)
        and glued is not None
        and glued.start() > 0
        and not _GLUED_DEADLINE.fullmatch(line[start:end])
    ):
        cells[-1:] = [(start, start + glued.start()), (start + glued.start(), end)]
    return cells


def _cells_align(line: str, cells: list[_Cell], kinds: list[str]) -> dict[str, _Cell]:
    """Which cell is which column. Extra cells belong to the task (its text had blanks);
    with cells missing, each goes to the first column left that it fits."""
    if len(cells) > len(kinds) and "task" in kinds:
        first = kinds.index("task")
        last = first + len(cells) - len(kinds)
        cells = [*cells[:first], (cells[first][0], cells[last][1]), *cells[last + 1 :]]
        return dict(zip(kinds, cells, strict=True))
    aligned: dict[str, _Cell] = {}
    position = 0
    for index, kind in enumerate(kinds):
        if position >= len(cells):
            break
        start, end = cells[position]
        following = cells[position + 1] if position + 1 < len(cells) else None
        must = len(cells) - position >= len(kinds) - index
        if must or _fits(kind, line[start:end], line[slice(*following)] if following else None):
            aligned[kind] = cells[position]
            position += 1
    return aligned


def _row_node(
    text: str, offset: int, aligned: dict[str, tuple[int, int]], kinds: list[str]
) -> _Node | None:
    """A table row as an item (`offset` is where the cells' positions count from)."""
    if "task" not in aligned:
        return None

    def cell(kind: str) -> str:
        start, end = aligned.get(kind, (0, 0))
        return text[offset + start : offset + end]

    start, end = aligned["task"]
    node = _Node(
        ItemKind.ROW,
        cell("number"),
        cell("task"),
        Span(offset + start, offset + end),
        level=len(_LEVELS) + 2,
    )
    lead_cell, partner_cell = cell("lead"), cell("partners")
    parsed = duties_parse(lead_cell) if lead_cell else None
    if parsed is not None and (parsed.lead or parsed.partners):
        node.lead, node.partners = parsed.lead, parsed.partners
    else:
        names = _unit_names(lead_cell)
        # A single 责任单位 column: the first named leads.
        node.lead, node.partners = (names, ()) if "partners" in kinds else (names[:1], names[1:])
    node.partners += _unit_names(re.sub(r"(?:配合|协助)$", "", partner_cell))
    node.deadline = cell("deadline")
    return node


def _category_node(text: str, start: int, end: int) -> _Node:
    """A table's category cell (merged over its rows) as a heading."""
    cell = text[start:end]
    heading = _heading_level(cell)
    number = heading[1] if heading is not None else ""
    return _Node(
        ItemKind.SECTION,
        number,
        cell[len(number) :],
        Span(start + len(number), end),
        level=len(_LEVELS) + 1,
    )


def _table_read(
    text: str, lines: list[tuple[int, str]], index: int
) -> tuple[list[_Node], int] | None:
    """A flattened table whose header is at `lines[index]`: its categories and rows, and the
    index of the first line after it; None if no table header is there."""
    _start, line = lines[index]
    kinds = _table_header([line[start:end] for start, end in _cells(line)])
    if kinds is not None:
        return _table_rows(text, lines, index + 1, kinds)
    names = []
    probe = index
    while probe < len(lines) and lines[probe][1].strip(_BLANKS) in _TABLE_HEADERS:
        names.append(lines[probe][1].strip(_BLANKS))
        probe += 1
    kinds = _table_header(names)
    if kinds is None or "number" not in kinds:
        return None
    return _table_cells(text, lines, probe, kinds)


def _table_rows(
    text: str, lines: list[tuple[int, str]], index: int, kinds: list[str]
) -> tuple[list[_Node], int]:
    """Rows one a line after the header, until a blank line or a line that is no row."""
    nodes: list[_Node] = []
    category: _Node | None = None
    category_cell = ""
    while index < len(lines):
        offset, line = lines[index]
        cells = _cells(line)
        if len(cells) < 2:
            # A merged category row, when a row follows it.
            following = _cells(lines[index + 1][1]) if index + 1 < len(lines) else []
            if len(cells) != 1 or len(following) < 2:
                break
            if _NUMBER_CELL.fullmatch(line[slice(*cells[0])]):
                break
            category = _category_node(text, offset + cells[0][0], offset + cells[0][1])
            nodes.append(category)
            index += 1
            continue
        aligned = _cells_align(line, _cells_unglue(line, cells, kinds), kinds)
        number = aligned.get("number")
        if "number" in kinds and (
            number is None or not _NUMBER_CELL.fullmatch(line[slice(*number)])
        ):
            break  # every row has its 序号: a line without one is past the table
        if "category" in aligned and aligned["category"][0] < aligned["category"][1]:
            start, end = aligned["category"]  # an empty one: the merged category goes on
            if category is None or category_cell != line[start:end]:
                category = _category_node(text, offset + start, offset + end)
                category_cell = line[start:end]
                nodes.append(category)
        row = _row_node(text, offset, aligned, kinds)
        if row is None:
            break
        (category.children if category else nodes).append(row)
        index += 1
    return nodes, index


def _table_cells(
    text: str, lines: list[tuple[int, str]], index: int, header: list[str]
) -> tuple[list[_Node], int]:
    """Cells one a line after the header. A row begins at its 序号; a cell before it beyond
    the row before is the category (a merged cell, written once); the table ends at a blank
    line or at a line that would make a row too long."""
    kinds = [kind for kind in header if kind != "category"]
    merged = "category" in header
    events: list[tuple[str, list[_Cell]]] = []  # ("category" | "row", cells in the text)
    loose: list[_Cell] = []
    while index < len(lines):
        offset, line = lines[index]
        stripped = line.strip(_BLANKS)
        if not stripped:
            break
        start = offset + line.index(stripped)
        cell = (start, start + len(stripped))
        row = events[-1][1] if events and events[-1][0] == "row" else None
        if _NUMBER_CELL.fullmatch(stripped):
            if row is not None and len(row) > len(kinds):
                loose = row[len(kinds) :]
                del row[len(kinds) :]
            if loose and merged:
                events.append(("category", loose[-1:]))
            loose = []
            events.append(("row", [cell]))
        elif row is not None and len(row) < len(kinds) + merged:
            row.append(cell)
        elif row is None and merged and not loose:
            loose.append(cell)
        else:
            break
        index += 1
    if events and events[-1][0] == "row" and len(events[-1][1]) > len(kinds):
        index -= len(events[-1][1]) - len(kinds)
        del events[-1][1][len(kinds) :]
    nodes: list[_Node] = []
    category: _Node | None = None
    for kind, cells in events:
        if kind == "category":
            category = _category_node(text, *cells[0])
            nodes.append(category)
            continue
        row_node = _row_node(text, 0, _cells_align(text, cells, kinds), kinds)
        if row_node is not None:
            (category.children if category is not None else nodes).append(row_node)
    return nodes, index


def _lines(text: str) -> list[tuple[int, str]]:
    """Every line of `text` with where it starts."""
    found = []
    offset = 0
    for line in text.split("\n"):
        found.append((offset, line))
        offset += len(line) + 1
    return found


def _expected_items(stack: list[_Node], last: int) -> tuple[int, ...]:
    """The numbers the next ``1.``-level item may have: one after the last such item (lists
    number on across categories), or 1 under a heading that has none yet."""
    parent = next((node for node in reversed(stack) if node.level < 3), None)
    siblings = parent.children if parent is not None else []
    fresh = not any(node.kind is ItemKind.SECTION and node.level == 3 for node in siblings)
    return (last + 1, 1) if fresh else (last + 1,)


def _heading_node(
    text: str, line_start: int, line: str, heading: tuple[int, str], notes: list[_Note], end: int
) -> tuple[_Node, int]:
    """The section of a numbered line, and where its body starts. `end` is where the line's
    content ends (before its note)."""
    level, number = heading
    title_start = len(number)
    while title_start < len(line) and line[title_start] in _BLANKS:
        title_start += 1
    stop = _HEADING_END.search(line, title_start)
    stop_at = stop.start() if stop else len(line)
    head_end = max(
        title_start, min(stop_at, end - line_start, *(n.start - line_start for n in notes))
    )
    title = line[title_start:head_end].rstrip(_BLANKS)
    node = _Node(
        ItemKind.SECTION,
        number,
        title,
        Span(line_start + title_start, line_start + title_start + len(title)),
        level=level,
    )
    cut = next((note for note in notes if note.start == line_start + head_end), None)
    if stop and stop_at == head_end:
        body_start = line_start + stop.end()
    elif cut is not None:  # 加快推进X（A牵头）。…: the body follows the note and its mark
        body_start = cut.end + (text[cut.end : cut.end + 1] in ("。", "；", ";"))
    else:
        body_start = line_start + head_end
    detail = text[body_start:end].strip(_BLANKS)
    # What is left besides the notes (1.…。（A牵头，B配合）完成时限：… has nothing else).
    rest, at = [], body_start
    for note in sorted(notes, key=lambda n: n.start):
        if body_start <= note.start and note.end <= end:
            rest.append(text[at : note.start])
            at = note.end
    rest.append(text[at:end])
    if "".join(rest).strip(_BLANKS + "。；;，,"):
        at = text.index(detail, body_start)
        node.detail = Excerpt(detail, Span(at, at + len(detail)))
    node.deadline = _deadline_find(text[line_start:end])
    return node, body_start


def _tree_build(text: str, *, skip: Span | None = None) -> list[_Node]:
    roots: list[_Node] = []
    stack: list[_Node] = []
    last: list[_Node] = []  # the items of the line before, for a note on a line of its own
    item_number = 0  # the number of the last 1.-level item
    lines = _lines(text)
    index = 0
    while index < len(lines):
        table = _table_read(text, lines, index)
        if table is not None:
            nodes, index = table
            (stack[-1].children if stack else roots).extend(nodes)
            last = []
            continue
        line_start, line = lines[index]
        index += 1
        stripped = line.strip(_BLANKS)
        if not stripped:
            continue
        if skip is not None and skip.slice(text) == stripped and skip.start >= line_start:
            continue  # the document's title (a first line equal to it)
        if stripped.startswith("附件") and _FRAME_HEADINGS.match(stripped):
            last = []
            continue
        own = duties_parse(stripped)
        if own is not None and _heading_level(stripped) is None:
            for node in last:  # a note on the line after its item
                _duties_apply(node, own)
            continue
        notes = _notes_find(line, line_start)
        closing = line_start + len(line.rstrip(_BLANKS + "。；;"))
        tail = next((note for note in notes if note.end >= closing), None)
        content_end = tail.start if tail is not None else line_start + len(line)
        heading = _heading_level(line, _expected_items(stack, item_number))
        body_start = line_start
        last = []
        if heading is not None:
            node, body_start = _heading_node(text, line_start, line, heading, notes, content_end)
            while stack and stack[-1].level >= node.level:
                stack.pop()
            node.frame = bool(stack and stack[-1].frame) or bool(
                _PREAMBLE_HEADINGS.match(node.text)
            )
            # Every note of the item's line counts, the tail last: 1.…。（X牵头，Y配合）完成时限：…
            # takes its units from the bracket and its deadline from the tail.
            for note in [n for n in notes if n is not tail] + ([tail] if tail else []):
                _duties_apply(node, note.duties)
            (stack[-1].children if stack else roots).append(node)
            stack.append(node)
            last.append(node)
            if node.level == 3:
                item_number = int("".join(takewhile(str.isdigit, node.number)))
        if stack and stack[-1].frame:
            continue
        body = _body_nodes(text, body_start, content_end, notes)
        measures = [n for b in body for n in _flatten(b) if n.kind is not ItemKind.LEVER]
        if tail is not None:
            for measure in measures:
                _duties_apply(measure, tail.duties)
        (stack[-1].children if stack else roots).extend(body)
        if heading is None:
            last.extend(measures)
    for root in roots:
        _duties_inherit(root, Duties())
    return roots


def _duties_inherit(node: _Node, above: Duties) -> None:
    """An item's note holds for the items below it that have none (1.… （牵头单位：A） over its
    （1） and （2））."""
    if node.kind is not ItemKind.LEVER:
        if not node.lead and not node.partners:
            node.lead, node.partners = above.lead, above.partners
        node.deadline = node.deadline or above.deadline
        above = Duties(node.lead, node.partners, node.deadline)
    for child in node.children:
        _duties_inherit(child, above)


def _flatten(node: _Node) -> Iterator[_Node]:
    yield node
    for child in node.children:
        yield from _flatten(child)


def _is_task(node: _Node) -> bool:
    """See `DraftItem.task`. A bare heading numbered in Chinese (一、 （一）) heads a category;
    one numbered in digits (1. （1）) is an item of the list: ``1. 121人才梯队项目``."""
    if node.kind in (ItemKind.MEASURE, ItemKind.ROW):
        return True
    if node.kind is not ItemKind.SECTION or node.frame:
        return False
    if any(child.kind in (ItemKind.SECTION, ItemKind.ROW) for child in node.children):
        return False
    heading = node.text.strip(_BLANKS)
    if _FRAME_HEADINGS.match(heading) or _CONTAINER_HEADINGS.match(heading):
        return False
    if node.detail is not None or node.lead or node.partners or node.deadline:
        return True
    if node.children or not heading:
        return False
    return bool(_MEASURE.match(heading)) or any(ch.isdigit() for ch in node.number[:2])


def category_wraps(heading: str) -> bool:
    """Whether a heading only wraps the document's categories (二、重点任务): the ledger's
    大类 is then the heading below it."""
    return bool(_CONTAINER_HEADINGS.match(heading.strip(_BLANKS)))


def _freeze(node: _Node, register: _Register | None) -> DraftItem:
    scanned = [Excerpt(node.text, node.span)]
    if node.detail is not None and node.kind is ItemKind.SECTION:
        scanned.append(node.detail)
    return DraftItem(
        kind=node.kind,
        number=node.number,
        text=node.text,
        span=node.span,
        role=node.role,
        detail=node.detail,
        children=tuple(_freeze(child, register) for child in node.children),
        targets=tuple(
            target
            for part in scanned
            for target in _targets_find(part.text, offset=part.span.start)
            if node.kind is not ItemKind.LEVER
        ),
        places=tuple(
            place
            for part in scanned
            for place in _places_find(part.text, offset=part.span.start, register=register)
        ),
        lead=node.lead,
        partners=node.partners,
        deadline=node.deadline,
        due=deadline_due(node.deadline) if node.deadline else None,
        task=_is_task(node),
    )


def _issuer_find(text: str) -> Excerpt | None:
    lines = text.split("\n")
    offset = 0
    starts = []
    for line in lines:
        starts.append(offset)
        offset += len(line) + 1
    for index in range(len(lines) - 1):
        line = lines[index].strip()
        if (
            line.endswith(_ISSUER_SUFFIXES)
            and len(line) <= 40
            and _DATE_LINE.fullmatch(lines[index + 1].strip())
        ):
            start = starts[index] + lines[index].index(line)
            return Excerpt(line, Span(start, start + len(line)))
    found = _ISSUED.search(text)
    if found is None:
        return None
    clause = found.group(1)
    lead = _TIME_WORDS.match(clause)
    skip = lead.end() if lead else 0
    return Excerpt(clause[skip:], Span(found.start(1) + skip, found.end(1)))


def _title_find(text: str) -> Excerpt | None:
    issued = _ISSUED.search(text)
    if issued is not None:
        return Excerpt(issued.group(2)[1:-1], Span(issued.start(2) + 1, issued.end(2) - 1))
    offset = 0
    for line in text.split("\n"):
        stripped = line.strip()
        if stripped:
            if len(stripped) <= 80 and stripped.endswith(_PLAN_SUFFIXES):
                start = offset + line.index(stripped)
                return Excerpt(stripped, Span(start, start + len(stripped)))
            break
        offset += len(line) + 1
    for found in _TITLE.finditer(text):
        if len(found.group(1)) > 4 and found.group(1).endswith(_PLAN_SUFFIXES):
            return Excerpt(found.group(1), Span(found.start(1), found.end(1)))
    return None


def _goals_find(text: str) -> tuple[Goal, ...]:
    goals: list[Goal] = []
    seen: set[str] = set()
    for found in _GOAL_YEAR.finditer(text):
        if found.group(2) not in seen:
            seen.add(found.group(2))
            goals.append(
                Goal(int(found.group(1)), found.group(2), Span(found.start(2), found.end(2)))
            )
    for found in _GOAL_SENTENCE.finditer(text):
        if found.group(2) not in seen:
            seen.add(found.group(2))
            goals.append(
                Goal(int(found.group(1)), found.group(2), Span(found.start(2), found.end(2)))
            )
    for found in _GOAL_SLOGAN.finditer(text):
        if found.group(1) not in seen:
            seen.add(found.group(1))
            goals.append(
                Goal(
                    MILESTONE_YEARS.get(found.group(2) + "年"),
                    found.group(1),
                    Span(found.start(1), found.end(1)),
                    inferred=True,
                )
            )
    return tuple(sorted(goals, key=lambda goal: goal.span.start))


def _groups_find(text: str, sections: list[DraftItem]) -> tuple[Group, ...]:
    groups: dict[str, Group] = {}
    for found in _GROUP.finditer(text):
        name = found.group(1) + found.group(2) + found.group(3)
        if name in groups:
            continue
        key = found.group(3)
        members = tuple(s.text for s in sections if s.text.startswith(key))
        groups[name] = Group(
            name=name,
            count=_numeral_value(found.group(1)),
            span=Span(found.start(), found.end()),
            members=members,
        )
    return tuple(groups.values())


def _numeral_value(numeral: str) -> int:
    digits = {ch: value for value, ch in enumerate("零一二三四五六七八九", start=0)}
    digits["两"] = 2
    if numeral == "十":
        return 10
    if "十" in numeral:
        tens, _, ones = numeral.partition("十")
        return (digits.get(tens, 1) if tens else 1) * 10 + (digits.get(ones, 0) if ones else 0)
    return digits.get(numeral, 0)


def draft_plan(text: str, /, *, unit_names: UnitNames | None = None) -> PlanDraft:
    """Draft a plan's structure from clean text.

    Parameters
    ----------
    text : str
        Clean text (see `baiqianwan.textclean.clean_text`); spans refer to it.
    unit_names : mapping of name to code, iterable of names or of (name, code), optional
        The unit register. Places are matched only when it is given; short names of
        cities, counties and districts (四会 for 四会市) match too. Pairs keep every
        code of a name shared by several units, and `PlaceMatch.codes` lists them all.

    Returns
    -------
    PlanDraft
        Issuer, title, goals, named groups, levers and the item tree.
    """
    register = _register_build(unit_names)
    title = _title_find(text)
    items = tuple(
        _freeze(node, register)
        for node in _tree_build(text, skip=title.span if title is not None else None)
    )
    every = [item for root in items for item in root.walk()]
    sections = [item for item in every if item.kind is ItemKind.SECTION]
    return PlanDraft(
        text=text,
        issuer=_issuer_find(text),
        title=title,
        goals=_goals_find(text),
        groups=_groups_find(text, sections),
        levers=tuple(item for item in every if item.kind is ItemKind.LEVER),
        items=items,
    )


def draft_data(*, draft: PlanDraft) -> dict[str, Any]:
    """The draft as JSON-ready data: every field of the tree, without the text itself; a due
    date as ``"2025-12-31"``."""
    data = asdict(
        draft,
        dict_factory=lambda pairs: {
            key: value.isoformat() if isinstance(value, date) else value for key, value in pairs
        },
    )
    del data["text"]
    return data
