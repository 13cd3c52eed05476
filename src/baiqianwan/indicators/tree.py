"""The tree a data set's period reports through: its reporting units and every unit above
them up to the city, as the units stood on the period's last day.

A village that was retired or merged after the period still belongs to the period's tree
(it was valid on the period's last day), under the town it belonged to then (its `parent`),
so its values for that period roll into the right town. Each unit above the reporting level
and below the city submits its *total* of the data set (a `Submission` of the same data set
for that unit), approved by its own parent; the city's headquarters approves the counties and
locks.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from baiqianwan.indicators.choices import Aggregation
from baiqianwan.indicators.models import DataSet, Indicator, Period
from baiqianwan.indicators.selectors import expected_units, units_valid_on
from baiqianwan.units.choices import Level
from baiqianwan.units.codes import SEGMENT_END, prefix_of

# From the top down; a data set's level and the levels above it take part.
LEVELS = (Level.CITY, Level.COUNTY, Level.TOWN, Level.VILLAGE)
# Every level's depth in the tree, the province 0.
DEPTH: dict[str, int] = {level: depth for depth, level in enumerate(SEGMENT_END)}


@dataclass(frozen=True)
class Node:
    pk: int
    code: str
    name: str
    level: str
    parent: int | None


@dataclass
class PeriodTree:
    """`nodes` by id; `leaves` the reporting units in code order; `children` of each node."""

    dataset: DataSet
    period: Period
    nodes: dict[int, Node]
    leaves: list[int]
    children: dict[int, list[int]] = field(default_factory=dict)

    def node_by_code(self, code: str) -> Node | None:
        for node in self.nodes.values():
            if node.code == code:
                return node
        return None

    def ancestors(self, pk: int) -> list[int]:
        """The node's ancestors, nearest first."""
        found = []
        parent = self.nodes[pk].parent
        while parent is not None:
            found.append(parent)
            parent = self.nodes[parent].parent
        return found

    def is_leaf(self, pk: int) -> bool:
        return self.nodes[pk].level == self.dataset.level

    def submits(self, pk: int) -> bool:
        """Whether the node has a submission of its own: the reporting units and the totals
        of the units above them, the city excepted (its headquarters approves and locks)."""
        return pk in self.nodes and self.nodes[pk].level != Level.CITY

    def leaves_below(self, pk: int) -> list[int]:
        """The reporting units in the node's subtree (itself if it reports)."""
        if self.is_leaf(pk):
            return [pk]
        found: list[int] = []
        stack = [pk]
        while stack:
            current = stack.pop()
            for child in self.children.get(current, []):
                if self.is_leaf(child):
                    found.append(child)
                else:
                    stack.append(child)
        return found

    def leaf_groups(self, level: str) -> tuple[list[int], np.ndarray]:
        """The nodes of `level` and, for each leaf (in `leaves` order), the row of its
        ancestor of that level among them (-1 for none): the index vector a roll-up groups
        by."""
        groups = sorted(
            (pk for pk, node in self.nodes.items() if node.level == level),
            key=lambda pk: self.nodes[pk].code,
        )
        row = {pk: index for index, pk in enumerate(groups)}
        index = np.full(len(self.leaves), -1, dtype=np.int64)
        for position, leaf in enumerate(self.leaves):
            for ancestor in self.ancestors(leaf):
                if ancestor in row:
                    index[position] = row[ancestor]
                    break
        return groups, index


def indicator_reaches(indicator: Indicator, level: str) -> bool:
    """Whether the indicator has values at `level`: reported there, or reported below it and
    rolled up (or computed from what is) — what an evaluation scheme or the cockpit may show
    at that level."""
    if level in indicator.levels:
        return True
    here = DEPTH.get(level)
    if here is None:
        return False
    below = any(DEPTH.get(reported, -1) > here for reported in indicator.levels)
    return below and (indicator.is_computed or indicator.aggregation != Aggregation.NONE)


def levels_above(level: str) -> list[str]:
    """The levels above `level` up to the city, nearest first."""
    order = list(LEVELS)
    return list(reversed(order[: order.index(Level(level))]))


def period_tree(dataset: DataSet, period: Period) -> PeriodTree:
    """The data set's reporting units for the period and their ancestors up to the city.

    Two queries: the reporting units, and the units of the levels above valid on the period's
    last day. A unit whose `parent` is not in that tree (a register gap) is hung under the
    unit of the level above whose code prefix it carries.
    """
    nodes: dict[int, Node] = {}
    leaves: list[int] = []
    for pk, code, name, level, parent in expected_units(dataset, period).values_list(
        "id", "code", "name", "level", "parent_id"
    ):
        nodes[pk] = Node(pk, code, name, level, parent)
        leaves.append(pk)
    above = levels_above(dataset.level)
    by_code: dict[str, int] = {}
    for pk, code, name, level, parent in (
        units_valid_on(period.end)
        .filter(level__in=above)
        .values_list("id", "code", "name", "level", "parent_id")
    ):
        nodes[pk] = Node(pk, code, name, level, parent)
        by_code[code] = pk
    # Re-hang what points outside the tree; drop the city's own parent (the province).
    for pk, node in list(nodes.items()):
        if node.level == Level.CITY:
            nodes[pk] = Node(node.pk, node.code, node.name, node.level, None)
            continue
        if node.parent in nodes:
            continue
        parent_level = LEVELS[LEVELS.index(Level(node.level)) - 1]
        parent_prefix = prefix_of(node.code, parent_level)
        parent_code = parent_prefix.ljust(12, "0")
        nodes[pk] = Node(node.pk, node.code, node.name, node.level, by_code.get(parent_code))
    # Keep only the ancestors of the reporting units.
    wanted = set(leaves)
    for leaf in leaves:
        up = nodes[leaf].parent
        while up is not None and up not in wanted:
            wanted.add(up)
            up = nodes[up].parent
    nodes = {pk: node for pk, node in nodes.items() if pk in wanted}
    children: dict[int, list[int]] = {}
    for pk in sorted(nodes, key=lambda pk: nodes[pk].code):
        parent_id = nodes[pk].parent
        if parent_id is not None:
            children.setdefault(parent_id, []).append(pk)
    return PeriodTree(dataset=dataset, period=period, nodes=nodes, leaves=leaves, children=children)
