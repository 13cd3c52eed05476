"""The cockpit's key indicator cards, in one table: each names its indicator by code.

A card shows the scope unit's value of its indicator in the latest period with approved or
rolled-up data, against the target of the next milestone. A `share` card instead counts the
villages of the scope whose approved value reaches `at_least` (in 元, converted to the
indicator's own unit of measure), as a percentage of those that reported; its target is
`target_from`'s. A card whose indicator is not reported at or below the scope's level (a
county indicator for a town) is left out.

The starter system (indicators/data/zhaoqing-starter.yaml) has typical towns (T_TYPICAL, summed
up the tree to a count) but no village counterpart, so there is no typical-village card.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

VALUE = "value"
SHARE = "share"


@dataclass(frozen=True)
class Card:
    key: str
    indicator: str
    kind: str = VALUE
    # For a share card: the threshold in 元, the level counted and the indicator whose
    # targets the share is held against.
    at_least: float | None = None
    counted: str = "village"
    target_from: str = ""
    title: str | Promise = ""


CARDS = (
    Card("income_ratio", "C_INCOME_RATIO"),
    Card(
        "collective_10w",
        "V_COLLECTIVE_INCOME",
        kind=SHARE,
        at_least=100_000,
        target_from="C_COLLECTIVE_10W",
        title=_("Villages with collective income ≥ 100,000 yuan"),
    ),
    Card("typical_towns", "T_TYPICAL", title=_("Typical towns")),
    Card("gdp", "C_GDP"),
    Card("urbanisation", "C_URBANISATION"),
    Card("rural_income", "C_RURAL_INCOME"),
)

# The indicator a page's map and charts show first: the first card's that exists there.
DEFAULT_INDICATORS = tuple(card.indicator for card in CARDS if card.kind == VALUE)
