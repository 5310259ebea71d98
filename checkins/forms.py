from __future__ import annotations

from datetime import date
from decimal import Decimal

from django import forms
from django.utils.formats import date_format

from activities.selectors import week_totals
from athletes.forms import DateInput
from clinical.symptoms import PERIODS_RETURNED_QUESTION, SYMPTOMS
from clinical.thresholds import CHECKIN_RANGES

from .models import PAIN_LOCATION_MAX, SymptomReport, WeeklyCheckIn
from .services import EDITABLE_FIELDS, REPORT_FIELDS
from .windows import closes_on

YES_NO = [(True, "Yes"), (False, "No")]


def _scale(low: int, high: int) -> list[tuple[int, str]]:
    return [(n, str(n)) for n in range(low, high + 1)]


class ScaleField(forms.TypedChoiceField):
    """A 1–5 or 0–10 answer shown as a row of big, tappable buttons."""

    def __init__(self, name: str, *, label: str, help_text: str = "", **kwargs):
        low, high = CHECKIN_RANGES[name]
        super().__init__(
            choices=_scale(int(low), int(high)),
            coerce=int,
            widget=forms.RadioSelect(attrs={"class": "scale-input"}),
            label=label,
            help_text=help_text,
            **kwargs,
        )
        self.scale = True


class YesNoField(forms.TypedChoiceField):
    def __init__(self, *, label: str, help_text: str = "", **kwargs):
        super().__init__(
            choices=YES_NO,
            coerce=lambda value: value in (True, "True", "true", "1", "on"),
            widget=forms.RadioSelect(attrs={"class": "scale-input"}),
            label=label,
            help_text=help_text,
            initial=False,
            **kwargs,
        )
        self.scale = True


def _minutes(
    name: str, label: str, help_text: str = "", *, required: bool = True
) -> forms.IntegerField:
    low, high = CHECKIN_RANGES[name]
    return forms.IntegerField(
        label=label,
        min_value=int(low),
        max_value=int(high),
        initial=0,
        required=required,
        help_text=help_text,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": low, "max": high}),
    )


class CheckInForm(forms.Form):
    """The weekly check-in: grouped, with defaults for an ordinary week."""

    week = forms.DateField(
        label="Which week?",
        widget=DateInput(),
        help_text="Any day of the week; it is saved as that week's Monday.",
    )
    sessions_completed = forms.IntegerField(
        label="Sessions done",
        min_value=0,
        max_value=14,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 0, "max": 14}),
        help_text="Walks, runs, strength.",
    )
    run_minutes = _minutes("run_minutes", "Minutes running", "The running parts only.")
    walk_minutes = _minutes("walk_minutes", "Minutes walking", "Walks and walk breaks.")
    longest_session_minutes = _minutes("longest_session_minutes", "Longest session (minutes)")
    longest_run_minutes = _minutes(
        "longest_run_minutes",
        "Longest run (minutes)",
        "Your longest session with running in it; run-walk counts. 0 if you didn't run.",
        required=False,
    )
    effort = forms.TypedChoiceField(
        label="How hard did the sessions feel?",
        choices=[("", "No sessions"), *_scale(1, 10)],
        coerce=int,
        empty_value=None,
        required=False,
        help_text="1 = very easy, 10 = flat out.",
    )
    unavailable_days = forms.IntegerField(
        label="Days off",
        min_value=0,
        max_value=7,
        initial=0,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 0, "max": 7}),
        help_text="Illness, baby, travel: not held against you.",
    )
    energy = ScaleField("energy", label="Energy", help_text="1 = exhausted, 5 = full of beans.")
    soreness = ScaleField(
        "soreness", label="Muscle soreness", help_text="0 = none, 10 = very sore."
    )
    pain = ScaleField(
        "pain", label="Pain (not soreness)", help_text="0 = none, 10 = the worst imaginable."
    )
    pain_location = forms.CharField(
        label="Where was the pain?",
        max_length=PAIN_LOCATION_MAX,
        required=False,
        help_text="For example: left knee, pubic bone, scar.",
    )
    sleep_hours = forms.DecimalField(
        label="Sleep per night, on average (hours)",
        min_value=Decimal("0"),
        max_value=Decimal("14"),
        max_digits=3,
        decimal_places=1,
        widget=forms.NumberInput(
            attrs={"inputmode": "decimal", "step": "0.5", "min": 0, "max": 14}
        ),
        help_text="Broken sleep counts: add up the pieces.",
    )
    sleep_quality = ScaleField(
        "sleep_quality", label="Sleep quality", help_text="1 = very poor, 5 = great."
    )
    mood = ScaleField("mood", label="Mood", help_text="1 = very low, 5 = very good.")
    stress = ScaleField("stress", label="Stress", help_text="1 = calm, 5 = very stressed.")
    feeling_low = YesNoField(label="Did you feel low or anxious most days?")
    periods_returned = YesNoField(
        label=PERIODS_RETURNED_QUESTION, required=False, empty_value=False
    )
    breastfeeding = YesNoField(label="Are you breastfeeding?")
    notes = forms.CharField(
        label="Anything else your coach should know?",
        required=False,
        max_length=WeeklyCheckIn._meta.get_field("notes").max_length,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(
        self,
        *args,
        weeks: list[tuple[date, str]] | None = None,
        this_week_opens: date | None = None,
        **kwargs,
    ):
        """``weeks``: (Monday, label) of the weeks to offer as choices (her own form offers
        only the open weeks she hasn't sent); None leaves a date field (her coach's form).
        Either way the field only parses a date: the service judges the week.
        ``this_week_opens``: the day this week's check-in opens, when it is not open yet."""
        super().__init__(*args, **kwargs)
        if weeks is not None:
            week = self.fields["week"]
            week.widget = forms.RadioSelect(choices=[(w.isoformat(), label) for w, label in weeks])
            # Only the week that closes soon needs saying: last week's, this Sunday; and,
            # before this week's opens, when it does.
            if len(weeks) > 1:
                week.help_text = (
                    f"Last week's stays open until {date_format(closes_on(weeks[0][0]), 'l j F')}."
                )
            elif this_week_opens is not None:
                week.help_text = f"This week's opens on {date_format(this_week_opens, 'l j F')}."
            else:
                week.help_text = ""
        for name, question in SYMPTOMS:
            self.fields[name] = YesNoField(label=question)
        self.order_fields(["week", *EDITABLE_FIELDS])

    GROUPS = (
        (
            "Training",
            "What you did that week.",
            (
                "sessions_completed",
                "unavailable_days",
                "run_minutes",
                "walk_minutes",
                "longest_session_minutes",
                "longest_run_minutes",
                "effort",
            ),
        ),
        ("Body", "How your body felt.", ("energy", "soreness", "pain", "pain_location")),
        (
            "Pelvic floor and bleeding",
            "These are common after birth and nothing to be embarrassed about. Your answers "
            "help your coach keep your plan safe.",
            (*(name for name, _ in SYMPTOMS), "periods_returned"),
        ),
        (
            "Sleep and mood",
            "Sleep and mood shape recovery as much as training.",
            ("sleep_hours", "sleep_quality", "mood", "stress", "feeling_low"),
        ),
        ("Notes", "", ("breastfeeding", "notes")),
    )

    # Short number fields shown two to a row, even on a phone.
    PAIRED = ("sessions_completed", "unavailable_days", "run_minutes", "walk_minutes")

    def groups(self):
        return [
            (
                title,
                intro,
                [self[name] for name in names if name in self.PAIRED],
                [self[name] for name in names if name not in self.PAIRED],
            )
            for title, intro, names in self.GROUPS
        ]

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        sessions = cleaned.get("sessions_completed")
        if sessions and cleaned.get("effort") is None and "effort" not in self.errors:
            self.add_error("effort", "Say how hard the sessions felt (1–10).")
        if sessions == 0:
            cleaned["effort"] = None
        return cleaned

    def checkin_data(self) -> dict:
        data = {
            name: self.cleaned_data[name] for name in EDITABLE_FIELDS if name in self.cleaned_data
        }
        # Left blank: she didn't run (the question is optional, to keep the form short).
        if data.get("longest_run_minutes") is None:
            data["longest_run_minutes"] = 0
        return data


def initial_for(athlete, *, week, previous=None) -> dict:
    """Defaults so an ordinary week takes under a minute: no symptoms, last week's sleep.
    The sessions she did, and how hard they felt, are hers to enter: no default."""
    initial = {
        "week": week,
        "effort": None,
        "run_minutes": 0,
        "walk_minutes": 0,
        "longest_session_minutes": 0,
        "longest_run_minutes": 0,
        "unavailable_days": 0,
        "energy": 3,
        "soreness": 2,
        "pain": 0,
        "sleep_hours": previous.sleep_hours if previous else Decimal("6"),
        "sleep_quality": 3,
        "mood": 3,
        "stress": 3,
        "feeling_low": False,
        "periods_returned": previous.periods_returned if previous else False,
        "breastfeeding": previous.breastfeeding if previous else athlete.breastfeeding,
    }
    for name, _ in SYMPTOMS:
        initial[name] = False
    # What her watch recorded that week (SPEC §13): filled in, marked as such, hers to change.
    watch = week_totals(athlete, week) if week is not None else None
    if watch:
        initial.update(
            sessions_completed=watch.sessions,
            run_minutes=watch.run_minutes,
            walk_minutes=watch.walk_minutes,
            longest_session_minutes=watch.longest_session_minutes,
            longest_run_minutes=watch.longest_run_minutes,
            watch=watch,  # not a field: the form's page says where the numbers came from
        )
    return initial


class SymptomReportForm(forms.Form):
    """An anytime symptom report: tick what she noticed, pain and where, a note. Whether it
    says enough is the service's to judge (``symptom_report_submit``)."""

    pain = ScaleField(
        "pain",
        label="Pain (not soreness)",
        help_text="0 = none, 10 = the worst imaginable.",
        required=False,
        empty_value=0,
    )
    pain_location = forms.CharField(
        label="Where is the pain?",
        max_length=PAIN_LOCATION_MAX,
        required=False,
        help_text="For example: pubic bone, lower back, scar.",
    )
    notes = forms.CharField(
        label="Anything else your coach should know?",
        required=False,
        max_length=SymptomReport._meta.get_field("notes").max_length,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="When it started, what you were doing, whether it is getting better.",
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"pain": 0})
        super().__init__(*args, **kwargs)
        for name, question in SYMPTOMS:
            self.fields[name] = forms.BooleanField(label=question, required=False)
        self.order_fields(REPORT_FIELDS)

    def symptom_fields(self):
        return [self[name] for name, _ in SYMPTOMS]

    def report_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in REPORT_FIELDS}
