from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

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
        help_text=_("%(suffixes)s, up to %(mb)d MB")
        % {"suffixes": SUFFIXES, "mb": MAX_INPUT_BYTES // 2**20},
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        has_text = bool((data.get("text") or "").strip())
        if has_text == bool(data.get("upload")):
            raise forms.ValidationError(_("Paste a text or choose a file, one of the two."))
        return data
