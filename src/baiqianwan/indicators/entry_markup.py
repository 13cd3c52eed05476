"""The markup of one entry-grid cell, built in Python.

A town's grid has some 1,200 cells; rendering each through a template include costs about
0.3 ms, which alone would spend the grid's 300 ms budget. So the cell's `<td>` is put together
here, every value escaped, and the grid and a cell's save answer both use it: one markup, two
callers. The words a cell shows (its labels and messages) are translated by the caller.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class CellLabels:
    """The translated words every cell repeats, looked up once per page."""

    history: str
    saved: str
    reload: str

    @classmethod
    def current(cls) -> CellLabels:
        return cls(history=_("Change history"), saved=_("Saved"), reload=_("Reload"))


def cell_html(
    *,
    unit_code: str,
    unit_name: str,
    indicator_code: str,
    indicator_name: str,
    text: str,
    stored_text: str,
    editable: bool,
    computed: bool,
    previous: str,
    delta: str,
    unusual: bool,
    labels: CellLabels,
    status: str = "",
    message: str = "",
    warnings: Sequence[str] = (),
    reload_url: str = "",
) -> SafeString:
    """One `<td>`: the input (its stored value in `data-s` for Esc), the history button, the
    previous period's value and the change, and after a save its status, message and
    warnings. `status` is "", "saved", "invalid", "refused" or "conflict"."""
    classes = "bqw-c"
    if computed:
        classes += " bqw-computed"
    if unusual:
        classes += " bqw-unusual"
    if status:
        classes += f" bqw-{status}"
    state = " is-valid" if status == "saved" else (" is-invalid" if status else "")
    parts = [
        f'<td class="{classes}"><input id="c{escape(unit_code)}_{escape(indicator_code)}" '
        f'class="bqw-v{state}" value="{escape(text)}" data-s="{escape(stored_text)}" '
        f'data-i="{escape(indicator_code)}" autocomplete="off" spellcheck="false" '
        f'aria-label="{escape(unit_name)} {escape(indicator_name)}"'
        f"{'' if editable else ' readonly'}>"
    ]
    if not computed:
        parts.append(
            f'<button type="button" class="bqw-h" tabindex="-1" '
            f'title="{escape(labels.history)}">⋯</button>'
        )
    if status == "saved":
        parts.append(
            f'<span class="bqw-ok" data-testid="cell-saved" title="{escape(labels.saved)}">✓</span>'
        )
    if previous:
        change = f" · {escape(delta)}" if delta else ""
        parts.append(f'<small class="bqw-p">{escape(previous)}{change}</small>')
    if message:
        reload = ""
        if status == "conflict":
            reload = (
                f' <a href="{escape(reload_url)}" data-testid="cell-reload">'
                f"{escape(labels.reload)}</a>"
            )
        parts.append(
            f'<div class="bqw-msg" role="alert" data-testid="cell-message">'
            f"{escape(message)}{reload}</div>"
        )
    for warning in warnings:
        parts.append(f'<div class="bqw-warn" data-testid="cell-warning">⚠ {escape(warning)}</div>')
    parts.append("</td>")
    return mark_safe("".join(parts))


__all__ = ["CellLabels", "cell_html"]
