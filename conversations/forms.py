"""The message form: it only parses; ``services.message_post`` validates (once, on the
model), and its errors are put beside these fields (``web.forms.form_error_from``)."""

from __future__ import annotations

from collections.abc import Sequence

from django import forms

from web.forms import RequiredByServiceCharField

from .models import BODY_MAX_LENGTH, REFERENCE_FIELDS
from .wording import About

NOTHING = ("", "Nothing in particular")


class MessageForm(forms.Form):
    body = RequiredByServiceCharField(
        label="Message",
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": BODY_MAX_LENGTH}),
        help_text=f"Plain text, up to {BODY_MAX_LENGTH:,} characters.",
    )
    # A select of her recent records; its value ("checkin:3") is checked by the service, so a
    # record offered by a "Reply about this" link but older than the list is accepted too.
    about = forms.CharField(label="About", required=False, widget=forms.Select)

    def __init__(self, *args, choices: Sequence[About] = (), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        widget = self.fields["about"].widget
        if isinstance(widget, forms.Select):
            widget.choices = [NOTHING, *((a.value, a.text) for a in choices)]

    def reference(self) -> tuple[str, str] | None:
        """(kind, id) of the record chosen, or None."""
        value = self.cleaned_data.get("about") or ""
        kind, _, pk = value.partition(":")
        return (kind, pk) if kind in REFERENCE_FIELDS else None
