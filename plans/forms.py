from __future__ import annotations

from django import forms

from clinical import protocol
from clinical.gates import SAFETY_GATE_WORDS
from web.forms import RequiredByServiceCharField

from .models import ACTION_CHOICES, SESSION_FIELDS, PlannedSession


class OverrideForm(forms.Form):
    """Parses the coach's override into the values ``services.decision_override`` takes. The
    service judges them (a note, a level the stage has, no pause into impact, a clinician's
    attestation past a failed safety gate, the length of the texts); its ``ValidationError``
    is shown beside these fields (``form_error_from``)."""

    action = forms.ChoiceField(label="Your decision", choices=ACTION_CHOICES)
    to_stage = forms.ChoiceField(label="Stage", choices=protocol.STAGE_CHOICES)
    to_level = forms.IntegerField(label="Level")
    note = RequiredByServiceCharField(
        label="Why (required)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "aria-required": "true"}),
        help_text="Kept with the decision, and sent to her as your message in your "
        "conversation: write it to her.",
    )
    clinician_attestation = forms.CharField(
        label="Clinician's approval",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Needed only when this moves her into running although a safety gate failed "
        f"({SAFETY_GATE_WORDS}): who approved it, and when.",
    )


class SessionForm(forms.ModelForm):
    """One session of the week editor: the model's fields and rules (limits, choices, "a
    run-walk needs run and walk seconds and repeats"); ``plan_week_update_sessions`` checks
    them again, with ``full_clean``, as it saves the week."""

    class Meta:
        model = PlannedSession
        fields = SESSION_FIELDS
        labels = {"run_seconds": "Run (s)", "walk_seconds": "Walk (s)"}


SessionFormSet = forms.formset_factory(SessionForm, extra=1, can_delete=True, max_num=30)
