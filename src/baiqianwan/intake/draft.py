"""Drafting a plan's structure from clean text, for a person to review.

Everything found keeps the span of clean text it came from. The rules are patterns of
Chinese policy writing, not a parser: the draft proposes, the reviewer decides.

- issuing body: a signature line over a date, or the clause before 印发《…》;
- title: the 《…》 that was issued, or a first line ending in 方案, 计划, 意见 …;
- goals: a year with what is to be achieved (在2025年实现“三年初见成效”), and the
  programme's milestone slogans (“三年初见成效” is 2025, “五年…” 2027, “十年…” 2035);
- named groups: “八个突出”, “三块地”;
- levers: 抓住风貌这个基础, 以县城为重要载体;
- numbered items: 一、 （一） 1. （1）;
- measures: clauses led by an imperative verb (加快推进…, 持续深化…, 完善…, 打造…), with
  quantitative targets, deadlines, responsible units and places of the unit register.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any

from baiqianwan.textclean.report import Span

# Milestones of the programme (DOMAIN.md): initial results in three years, clear in five,
# decisive in ten, counted from its launch in 2023.
MILESTONE_YEARS = {"三年": 2025, "五年": 2027, "十年": 2035}
_PLAN_SUFFIXES = ("方案", "计划", "意见", "通知", "办法", "规划", "要点", "清单", "细则", "措施")
_ISSUER_SUFFIXES = ("指挥部", "指挥部办公室", "人民政府", "办公室", "委员会", "领导小组", "办公厅")

_HAN = r"\u4e00-\u9fff"
_NUMERAL = "一二三四五六七八九十"
_LEVELS = (
    re.compile(rf"[{_NUMERAL}]{{1,3}}、"),
    re.compile(rf"[（(][{_NUMERAL}]{{1,3}}[）)]"),
    re.compile(r"\d{1,2}[.．、](?!\d)"),
    re.compile(r"[（(]\d{1,2}[）)]"),
)
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
    r"(\d{4}年(?:\d{1,2}月)?(?:底|末|上半年|下半年)?前|长期坚持|持续推进|\d{4}年(?:底|末))"
)
_DUTY = re.compile(
    r"[（(]([^（）()]*(?:牵头|责任单位|配合)[^（）()]*(?:[（(][^（）()]*[）)][^（）()]*)*)[）)]"
)
_DUTY_TAIL = re.compile(r"(?:责任单位|牵头单位)[:：][^。\n]+。?$")
_UNIT_SUFFIXES = ("市", "县", "区")


class ItemKind(StrEnum):
    """What a drafted item is."""

    SECTION = "section"  # a numbered heading: 一、 （一） 1. （1）
    LEVER = "lever"  # 抓住风貌这个基础: a lever and what the text says it is
    MEASURE = "measure"  # an imperative clause: 加快推进典型镇村培育建设


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
    detail : Excerpt or None
        For a section, the rest of its paragraph after the heading, without the
        responsibility note; for a lever, the whole phrase (抓住风貌这个基础).
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
UNIT_LIST_OPENING = "（(【[《"
UNIT_LIST_CLOSING = "）)】]》"
UNIT_LIST_SEPARATORS = "、，,;；"


def units_split(text: str) -> tuple[str, ...]:
    """Split ``市农业农村局、各县（市、区）政府`` at top-level separators only.

    The drafted ledger and the reviewer's edit of it both split with this, so a cell reads the
    same before and after an edit.
    """
    parts: list[str] = []
    depth = 0
    current: list[str] = []
    for ch in text:
        if ch in UNIT_LIST_OPENING:
            depth += 1
        elif ch in UNIT_LIST_CLOSING:
            depth = max(depth - 1, 0)
        if depth == 0 and ch in UNIT_LIST_SEPARATORS:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    parts.append("".join(current))
    return tuple(part.strip() for part in parts if part.strip())


def duty_parse(text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Lead and cooperating units from a responsibility note.

    Understands ``牵头单位：A；配合单位：B、C``, ``A牵头，B、C配合`` and ``责任单位：A、B``;
    in the last, by the usual convention of Guangdong plans, the first unit leads.
    """
    lead: tuple[str, ...] = ()
    partners: tuple[str, ...] = ()
    labelled = re.search(r"牵头单位[:：]([^；;]+)", text)
    helpers = re.search(r"配合单位[:：]([^；;]+)", text)
    if labelled:
        lead = units_split(labelled.group(1))
        partners = units_split(helpers.group(1)) if helpers else ()
        return lead, partners
    responsible = re.search(r"责任单位[:：](.+)", text)
    if responsible:
        units = units_split(responsible.group(1))
        return units[:1], units[1:]
    led = re.search(r"(.+?)牵头", text)
    if led:
        lead = units_split(led.group(1))
        helped = re.search(r"牵头[，,、；;]?(.+?)配合", text)
        partners = units_split(helped.group(1)) if helped else ()
    return lead, partners


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
        if ch in "（(“《「":
            depth += 1
        elif ch in "）)”》」":
            depth = max(0, depth - 1)
        elif depth == 0 and ch in "，,；;。！？":
            yield sentence[start:index], offset + start
            start = index + 1
    if start < len(sentence):
        yield sentence[start:], offset + start


def _measures(sentence: str, offset: int) -> list[_Node]:
    nodes = []
    clauses = list(_clauses(sentence, offset))
    for index, (clause, at) in enumerate(clauses):
        lead_in = _LEAD_IN.match(clause)
        skip = lead_in.end() if lead_in else 0
        body = clause[skip:]
        # 实施“百千万工程”，其影响之远…: a clause that the next one takes up with 其 is
        # the topic of the sentence, not something to do.
        topic = index + 1 < len(clauses) and clauses[index + 1][0].startswith("其")
        if len(body) >= 4 and _MEASURE.match(body) and not topic and not _DUTY.fullmatch(body):
            nodes.append(
                _Node(
                    ItemKind.MEASURE,
                    "",
                    body,
                    Span(at + skip, at + len(clause)),
                    # A deadline is often a clause of its own: 2025年12月底前完成.
                    deadline=_deadline_find(body) or _deadline_find(sentence),
                )
            )
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


def _body_nodes(text: str, start: int, end: int) -> list[_Node]:
    """Levers and measures of one stretch of text, each measure under its sentence's lever."""
    nodes: list[_Node] = []
    for found in _SENTENCE.finditer(text, start, end):
        sentence, at = found.group(), found.start()
        measures = _measures(sentence, at)
        levers = _levers_in(sentence, at)
        if levers:
            levers[0].children.extend(measures)
            nodes.extend(levers)
        else:
            nodes.extend(measures)
    return nodes


def _heading_level(line: str) -> tuple[int, str] | None:
    for level, pattern in enumerate(_LEVELS, start=1):
        found = pattern.match(line)
        if found:
            return level, found.group()
    return None


def _tree_build(text: str) -> list[_Node]:
    roots: list[_Node] = []
    stack: list[_Node] = []
    offset = 0
    for line in text.split("\n"):
        line_start, line_end = offset, offset + len(line)
        offset = line_end + 1
        if not line.strip():
            continue
        duties = [(m.start(), duty_parse(m.group(1))) for m in _DUTY.finditer(line)]
        tail = None if duties else _DUTY_TAIL.search(line)
        if tail is not None:
            duties.append((tail.start(), duty_parse(tail.group())))
        content_end = line_start + min([len(line), *(at for at, _ in duties)])
        heading = _heading_level(line)
        body_start = line_start
        if heading is not None:
            level, number = heading
            stop = _HEADING_END.search(line, len(number))
            head_end = min(stop.start() if stop else len(line), content_end - line_start)
            node = _Node(
                ItemKind.SECTION,
                number,
                line[len(number) : head_end],
                Span(line_start + len(number), line_start + head_end),
                level=level,
            )
            while stack and stack[-1].level >= level:
                stack.pop()
            (stack[-1].children if stack else roots).append(node)
            stack.append(node)
            body_start = line_start + (stop.end() if stop else len(line))
            detail = text[body_start:content_end].strip()
            if detail:
                at = text.index(detail, body_start)
                node.detail = Excerpt(detail, Span(at, at + len(detail)))
            node.deadline = _deadline_find(line)
        body = _body_nodes(text, body_start, line_end)
        if duties:
            lead, partners = duties[-1][1]
            for node in [*stack[-1:], *(n for b in body for n in _flatten(b))]:
                if node.kind is not ItemKind.LEVER and not node.lead:
                    node.lead, node.partners = lead, partners
        (stack[-1].children if stack else roots).extend(body)
    return roots


def _flatten(node: _Node) -> Iterator[_Node]:
    yield node
    for child in node.children:
        yield from _flatten(child)


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
    items = tuple(_freeze(node, register) for node in _tree_build(text))
    every = [item for root in items for item in root.walk()]
    sections = [item for item in every if item.kind is ItemKind.SECTION]
    return PlanDraft(
        text=text,
        issuer=_issuer_find(text),
        title=_title_find(text),
        goals=_goals_find(text),
        groups=_groups_find(text, sections),
        levers=tuple(item for item in every if item.kind is ItemKind.LEVER),
        items=items,
    )


def draft_data(*, draft: PlanDraft) -> dict[str, Any]:
    """The draft as JSON-ready data: every field of the tree, without the text itself."""
    data = asdict(draft)
    del data["text"]
    return data
