from __future__ import annotations

from django import forms

from . import protocol
from .models import ACTION_CHOICES, KIND_CHOICES, TERRAIN_CHOICES

DAY_CHOICES = [
    (i, name)
    for i, name in enumerate(
        ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
    )
]


class OverrideForm(forms.Form):
    """Parses the coach's override into the values ``services.decision_override`` takes. The
    service judges them (a note, a level the stage has, no pause into impact, a clinician's
    attestation past a failed safety gate, the length of the texts); its ``ValidationError``
    is shown beside these fields (``form_error_from``)."""

    action = forms.ChoiceField(label="Your decision", choices=ACTION_CHOICES)
    to_stage = forms.ChoiceField(label="Stage", choices=protocol.STAGE_CHOICES)
    to_level = forms.IntegerField(label="Level")
    note = forms.CharField(
        label="Why (required)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "aria-required": "true"}),
        help_text="Kept with the decision for the record.",
    )
    clinician_attestation = forms.CharField(
        label="Clinician's approval",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Needed only when this moves her into running although a safety gate failed "
        "(12 weeks, clearance, readiness or a red flag): who approved it, and when.",
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Required by the service, which says so beside the field; not "(optional)" here.
        self.fields["note"].shown_as_required = True


class SessionForm(forms.Form):
    day = forms.TypedChoiceField(choices=DAY_CHOICES, coerce=int)
    kind = forms.ChoiceField(choices=KIND_CHOICES)
    minutes = forms.IntegerField(min_value=0, max_value=600)
    run_seconds = forms.IntegerField(label="Run (s)", min_value=1, max_value=3600, required=False)
    walk_seconds = forms.IntegerField(label="Walk (s)", min_value=1, max_value=3600, required=False)
    repeats = forms.IntegerField(min_value=1, max_value=50, required=False)
    terrain = forms.ChoiceField(choices=TERRAIN_CHOICES)
    notes = forms.CharField(max_length=300, required=False)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") == protocol.RUN_WALK and not all(
            cleaned.get(k) for k in ("run_seconds", "walk_seconds", "repeats")
        ):
            raise forms.ValidationError(
                "A run-walk session needs run and walk seconds and repeats."
            )
        return cleaned


SessionFormSet = forms.formset_factory(SessionForm, extra=1, can_delete=True, max_num=30)
