from __future__ import annotations

from django import forms
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError

from clinical.readiness import ASSESSMENT_ITEMS
from web.validators import no_control_characters

from .documents import check_document
from .models import (
    PROFILE_FIELDS,
    Athlete,
    Clearance,
    ClearanceScope,
    NotificationPreferences,
    ReadinessAssessment,
    User,
    known_timezones,
)


class CoachSignupForm(forms.Form):
    """Extra field on allauth's sign-up form. Everyone who signs up here is a coach."""

    name = forms.CharField(
        max_length=150,
        label="Your name",
        validators=[no_control_characters],
        widget=forms.TextInput(attrs={"autocomplete": "name", "placeholder": "Alex Morgan"}),
    )

    def signup(self, request, user) -> None:
        user.name = self.cleaned_data["name"].strip()
        user.save(update_fields=["name"])


# --- Coach forms -------------------------------------------------------------------------------

TEAR_CHOICES = [
    ("", "Not recorded"),
    (0, "0 – no tear"),
    (1, "1st degree"),
    (2, "2nd degree"),
    (3, "3rd degree (OASI)"),
    (4, "4th degree (OASI)"),
]


def timezone_choices() -> list[tuple[str, str]]:
    return [(name, name.replace("_", " ")) for name in sorted(known_timezones())]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class AthleteForm(forms.ModelForm):
    timezone = forms.ChoiceField(
        label="Time zone", choices=timezone_choices, help_text=Athlete.timezone.field.help_text
    )
    perineal_tear_degree = forms.TypedChoiceField(
        label="Perineal tear",
        choices=TEAR_CHOICES,
        coerce=int,
        empty_value=None,
        required=False,
        help_text=Athlete.perineal_tear_degree.field.help_text,
    )

    class Meta:
        model = Athlete
        fields = list(PROFILE_FIELDS)
        widgets = {
            "date_of_birth": DateInput(),
            "delivery_date": DateInput(),
            "diastasis_recti": forms.RadioSelect,
            "notes": forms.Textarea(attrs={"rows": 4}),
            "prior_weekly_km": forms.NumberInput(attrs={"step": "0.1", "min": "0"}),
            "prior_longest_run_km": forms.NumberInput(attrs={"step": "0.1", "min": "0"}),
        }
        labels = {"delivery_date": "Baby's date of birth", "first_name": "First name"}
        help_texts = {
            "delivery_date": "Weeks postpartum, and every time-based gate, count from this date."
        }

    GROUPS = (
        (
            "Who she is",
            (
                "first_name",
                "last_name",
                "email",
                "date_of_birth",
                "timezone",
                "country",
                "units",
            ),
        ),
        (
            "Birth and recovery",
            (
                "delivery_date",
                "delivery_type",
                "perineal_tear_degree",
                "diastasis_recti",
                "prior_incontinence",
                "breastfeeding",
                "previous_births",
            ),
        ),
        (
            "Running background",
            ("years_running", "prior_weekly_km", "prior_longest_run_km", "goal", "notes"),
        ),
    )

    def groups(self):
        return [(title, [self[name] for name in names]) for title, names in self.GROUPS]


class ClearanceForm(forms.ModelForm):
    document = forms.FileField(
        required=False,
        label="Clearance letter or note",
        help_text="PDF, PNG or JPEG, up to 10 MB. Kept private: only you, she and "
        "administrators can download it.",
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg"}),
    )

    class Meta:
        model = Clearance
        fields = [
            "cleared_on",
            "clinician_name",
            "clinician_role",
            "scope",
            "pelvic_health_assessed",
            "expires_on",
            "notes",
        ]
        widgets = {
            "cleared_on": DateInput(),
            "expires_on": DateInput(),
            "scope": forms.RadioSelect,
            "notes": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "scope": "Exercise allows walking and strength work; running unlocks run-walk once "
            "the other gates hold.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A radio list needs no "---------" choice; the field stays required.
        scope = self.fields["scope"]
        if isinstance(scope, forms.ChoiceField):  # what a model field with choices becomes
            scope.choices = list(ClearanceScope.choices)
        if not self.is_bound and not self.instance.pk and not self.initial.get("cleared_on"):
            self.initial["cleared_on"] = self.instance.athlete.today()

    def clean_document(self):
        upload = self.cleaned_data.get("document")
        if upload:
            check_document(upload)
        return upload


class AssessmentForm(forms.ModelForm):
    class Meta:
        model = ReadinessAssessment
        fields = [
            "assessed_on",
            "assessed_by",
            *[item[0] for item in ASSESSMENT_ITEMS],
            "symptoms",
            "notes",
        ]
        widgets = {"assessed_on": DateInput(), "notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, label, target, how in ASSESSMENT_ITEMS:
            self.fields[name].label = f"{label} — {target}"
            self.fields[name].help_text = how
        if not self.is_bound and not self.instance.pk and not self.initial.get("assessed_on"):
            self.initial["assessed_on"] = self.instance.athlete.today()

    def items(self):
        return [self[item[0]] for item in ASSESSMENT_ITEMS]


class InvitationAcceptForm(forms.Form):
    # Her login is the address the invitation went to: shown, read-only, and whatever is
    # posted in its place is ignored (``clean_email``).
    email = forms.CharField(
        label="Your e-mail address",
        required=False,
        help_text="Your login: the address your coach's invitation was sent to.",
        widget=forms.EmailInput(attrs={"autocomplete": "username", "readonly": True}),
    )
    password1 = forms.CharField(
        label="Choose a password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="At least 8 characters. You can also sign in later with a code sent by e-mail.",
    )
    password2 = forms.CharField(
        label="Password again",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, athlete: Athlete, invited_email: str, **kwargs):
        self.athlete = athlete
        self.invited_email = invited_email
        super().__init__(*args, **kwargs)
        self.fields["email"].initial = invited_email
        # Not "(optional)" beside it: it is given. (_field.html reads this attribute.)
        setattr(self.fields["email"], "shown_as_required", True)  # noqa: B010

    def clean_email(self) -> str:
        return self.invited_email

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        p1, p2 = cleaned.get("password1"), cleaned.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", "The two passwords are not the same.")
        elif p1:
            probe = User(email=cleaned.get("email", ""), name=self.athlete.full_name)
            try:
                password_validation.validate_password(p1, probe)
            except ValidationError as exc:
                self.add_error("password1", exc)
        return cleaned


class NotificationPreferencesForm(forms.ModelForm):
    """What she wants e-mailed, and when. Warning signs concern coaches only."""

    class Meta:
        model = NotificationPreferences
        fields = ["high_flags", "messages"]
        labels = {
            "high_flags": "High-priority warning signs",
            "messages": "New messages in a conversation",
        }
        help_texts = {
            "high_flags": "The daily digest lists every open warning sign either way.",
            "messages": "Hourly gathers the messages of the past hour into one e-mail.",
        }
        widgets = {"high_flags": forms.RadioSelect, "messages": forms.RadioSelect}

    def __init__(self, *args, user: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not user.is_coach:
            del self.fields["high_flags"]
