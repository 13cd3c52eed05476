from __future__ import annotations

import json
import re
from typing import Any

from django import forms
from django.http import QueryDict
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from baiqianwan.intake.draft import units_split
from baiqianwan.intake.ledger import LedgerDataError
from baiqianwan.textclean.decode import MAX_INPUT_BYTES

SUFFIXES = ".txt, .docx, .html, .htm"


class IntakeForm(forms.Form):
    """Paste a text or upload a file (one of the two)."""

    title = forms.CharField(
        label=_("Title"),
        max_length=300,
        required=False,
        help_text=_("Leave empty to use the plan's own title."),
    )
    text = forms.CharField(
        label=_("Text"), required=False, widget=forms.Textarea(attrs={"rows": 12}), strip=False
    )
    upload = forms.FileField(
        label=_("Or a file"),
        required=False,
        help_text=format_lazy(
            _("{suffixes}, up to {mb} MB"), suffixes=SUFFIXES, mb=MAX_INPUT_BYTES // 2**20
        ),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        has_text = bool((data.get("text") or "").strip())
        if has_text == bool(data.get("upload")):
            raise forms.ValidationError(_("Paste a text or choose a file, one of the two."))
        return data


# The editor posts rows-<n>-<field>; a ledger longer than this is not a plan's ledger.
MAX_LEDGER_ROWS = 2000
# Columns the draft filled for checking: carried through an edit unchanged.
CARRIED = ("targets", "places", "source")
_ROW_KEY = re.compile(r"^rows-(\d{1,6})-task$")


# The drafted columns the editor carries through hidden fields, at most this long.
MAX_CARRIED_CHARS = 20_000
MAX_OFFSET = 10_000_000


def _carried(raw: str) -> dict[str, Any] | None:
    """The drafted columns of a row as posted, or None when they are not what the page sent:
    lists of short texts and a span of two small non-negative whole numbers."""
    if len(raw) > MAX_CARRIED_CHARS:
        return None
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError):
        return None
    if not isinstance(data, dict) or set(data) - set(CARRIED):
        return None
    for key in ("targets", "places"):
        values = data.get(key, [])
        if not isinstance(values, list) or not all(
            isinstance(v, str) and len(v) <= 200 for v in values
        ):
            return None
    source = data.get("source", {"start": 0, "end": 0})
    if not isinstance(source, dict):
        return None
    start, end = source.get("start"), source.get("end")
    if type(start) is not int or type(end) is not int or not 0 <= start <= end <= MAX_OFFSET:
        return None
    return data


def too_many_rows_message(count: int) -> str:
    return gettext(
        "A ledger holds at most %(n)d tasks; this one has %(count)d. Nothing was saved: delete "
        "tasks, or download the ledger as Excel or JSON to work on one this long."
    ) % {"n": MAX_LEDGER_ROWS, "count": count}


def ledger_rows_from_post(post: QueryDict) -> list[dict[str, Any]]:
    """The ledger rows as the editor posted them, in order, deleted rows left out.

    Only the rows actually posted are read (never a count the client claims); Django's
    DATA_UPLOAD_MAX_NUMBER_FIELDS bounds how many. Raises `LedgerDataError` naming the row.
    """
    indices = sorted(int(m.group(1)) for key in post if (m := _ROW_KEY.match(key)))
    rows: list[dict[str, Any]] = []
    for index in indices:
        prefix = f"rows-{index}-"
        if post.get(f"{prefix}delete"):
            continue
        if not post.get(f"{prefix}task", "").strip():
            message = _("Row %(n)d: the task is empty. Write it, or delete the row.")
            raise LedgerDataError(message % {"n": len(rows) + 1})
        carried = _carried(post.get(f"{prefix}carried") or "{}")
        if carried is None:
            raise LedgerDataError(
                gettext("Row %(n)d: the drafted columns were damaged.") % {"n": len(rows) + 1}
            )
        rows.append(
            {
                "category": post.get(f"{prefix}category", ""),
                "number": "",
                "task": post.get(f"{prefix}task", ""),
                "lead": list(units_split(post.get(f"{prefix}lead", ""))),
                "partners": list(units_split(post.get(f"{prefix}partners", ""))),
                "deadline": post.get(f"{prefix}deadline", ""),
                "progress": post.get(f"{prefix}progress", ""),
                **{key: carried.get(key) for key in CARRIED if key in carried},
            }
        )
    return rows


class LedgerEditForm(forms.Form):
    """The ledger editor's post: the plan's title and issuer, the version the editor opened,
    and the rows (`rows-<n>-<field>`, read by `ledger_rows_from_post`).

    `rows` keeps the rows as posted, also when the form refuses them (too many), so the page
    can show the reviewer's typing again; it stays None when they could not be read.
    """

    plan_title = forms.CharField(label=_("Plan title"), required=False, max_length=300)
    plan_issuer = forms.CharField(label=_("Issued by"), required=False, max_length=300)
    version = forms.IntegerField(label=_("Version"), min_value=0)

    def __init__(self, post: QueryDict) -> None:
        super().__init__(
            {
                "plan_title": post.get("plan-title", ""),
                "plan_issuer": post.get("plan-issuer", ""),
                "version": post.get("version", ""),
            }
        )
        self.post = post
        self.rows: list[dict[str, Any]] | None = None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        try:
            self.rows = ledger_rows_from_post(self.post)
        except LedgerDataError as exc:
            raise forms.ValidationError(str(exc)) from exc
        if len(self.rows) > MAX_LEDGER_ROWS:
            raise forms.ValidationError(too_many_rows_message(len(self.rows)))
        data["rows"] = self.rows
        return data

    def error_text(self) -> str:
        """Every error of the post as one sentence for the page's message."""
        parts = [
            f"{self.fields[name].label}: {error}" if name in self.fields else str(error)
            for name, errors in self.errors.items()
            for error in errors
        ]
        return " ".join(parts)
