from __future__ import annotations

from django import forms

from clinical import protocol
from clinical.gates import SAFETY_GATE_WORDS

from .models import ACTION_CHOICES, KIND_CHOICES, TERRAIN_CHOICES

DAY_CHOICES = [
    (i, name)
    for i, name in enumerate(
        ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
    )
]


class OverrideForm(forms.Form):
    action = forms.ChoiceField(label="Your decision", choices=ACTION_CHOICES)
    to_stage = forms.ChoiceField(label="Stage", choices=protocol.STAGE_CHOICES)
    to_level = forms.IntegerField(label="Level", min_value=1, max_value=10)
    note = forms.CharField(
        label="Why (required)",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Kept with the decision for the record.",
    )
    clinician_attestation = forms.CharField(
        label="Clinician's approval",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Needed only when this moves her into running although a safety gate failed "
        f"({SAFETY_GATE_WORDS}): who approved it, and when.",
    )

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        stage_key, level = cleaned.get("to_stage"), cleaned.get("to_level")
        if stage_key and level and level > protocol.stage(stage_key).top_level:
            self.add_error(
                "to_level",
                f"{protocol.stage(stage_key).name} has levels 1 to "
                f"{protocol.stage(stage_key).top_level}.",
            )
        return cleaned


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
        super().clean()
        cleaned = self.cleaned_data
        if cleaned.get("kind") == protocol.RUN_WALK and not all(
            cleaned.get(k) for k in ("run_seconds", "walk_seconds", "repeats")
        ):
            raise forms.ValidationError(
                "A run-walk session needs run and walk seconds and repeats."
            )
        return cleaned


SessionFormSet = forms.formset_factory(SessionForm, extra=1, can_delete=True, max_num=30)
