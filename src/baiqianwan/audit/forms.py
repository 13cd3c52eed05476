from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from baiqianwan.audit.choices import Action


class AuditFilterForm(forms.Form):
    """The audit page's filters; the Excel export reads the same ones."""

    action = forms.ChoiceField(label=_("Action"), required=False)
    actor = forms.CharField(label=_("User"), required=False, max_length=150)
    q = forms.CharField(label=_("Object"), required=False, max_length=200)
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, actions: list[tuple[str, Any]] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        choices = actions if actions is not None else list(Action.choices)
        action = cast(forms.ChoiceField, self.fields["action"])
        action.choices = [("", _("All actions")), *choices]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error(
                "date_to",
                _("The end date %(end)s is before the start date %(start)s.")
                % {"end": end.isoformat(), "start": start.isoformat()},
            )
        return data

    def filters(self) -> dict[str, Any]:
        """The cleaned filters, as the selectors take them."""
        data = self.cleaned_data
        return {
            "action": data.get("action") or "",
            "actor": data.get("actor", "").strip(),
            "q": data.get("q", "").strip(),
            "date_from": data.get("date_from"),
            "date_to": data.get("date_to"),
        }
