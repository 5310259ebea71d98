from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models

from athletes.models import Athlete, AthleteScopedQuerySet
from clinical.facts import CheckInFacts
from clinical.symptoms import PLAIN_NAMES, SYMPTOM_FIELDS
from clinical.thresholds import CHECKIN_RANGES

from .windows import closes_on

PAIN_LOCATION_MAX = 200
NOTES_MAX = 2000


def _range(name: str) -> list:
    low, high = CHECKIN_RANGES[name]
    return [MinValueValidator(low), MaxValueValidator(high)]


def _range_check(name: str, *, nullable: bool = False) -> models.CheckConstraint:
    low, high = CHECKIN_RANGES[name]
    condition = models.Q(**{f"{name}__gte": low, f"{name}__lte": high})
    if nullable:
        condition |= models.Q(**{f"{name}__isnull": True})
    return models.CheckConstraint(condition=condition, name=f"checkin_{name}_range")


class WeeklyCheckIn(models.Model):
    """One athlete's report of one ISO week (stored as that week's Monday in her time zone)."""

    athlete = models.ForeignKey(Athlete, on_delete=models.CASCADE, related_name="checkins")
    week = models.DateField(help_text="The Monday of the week reported on.")
    sessions_planned = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=_range("sessions_planned"), editable=False
    )
    # What her plan held that week, written by the plans layer on commit (the spike rules
    # judge only what she did beyond it).
    planned_run_minutes = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    planned_longest_run_minutes = models.PositiveSmallIntegerField(
        null=True, blank=True, editable=False
    )
    sessions_completed = models.PositiveSmallIntegerField(validators=_range("sessions_completed"))
    run_minutes = models.PositiveSmallIntegerField(default=0, validators=_range("run_minutes"))
    walk_minutes = models.PositiveSmallIntegerField(default=0, validators=_range("walk_minutes"))
    longest_session_minutes = models.PositiveSmallIntegerField(
        default=0, validators=_range("longest_session_minutes")
    )
    longest_run_minutes = models.PositiveSmallIntegerField(
        "longest run",
        default=0,
        validators=_range("longest_run_minutes"),
        help_text="Her longest session with running in it (run-walk counts), in minutes.",
    )
    effort = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=_range("effort"),
        help_text="How hard the sessions felt overall (session RPE), 1–10.",
    )
    energy = models.PositiveSmallIntegerField(validators=_range("energy"))
    sleep_hours = models.DecimalField(
        max_digits=3, decimal_places=1, validators=_range("sleep_hours")
    )
    sleep_quality = models.PositiveSmallIntegerField(validators=_range("sleep_quality"))
    mood = models.PositiveSmallIntegerField(validators=_range("mood"))
    stress = models.PositiveSmallIntegerField(validators=_range("stress"))
    soreness = models.PositiveSmallIntegerField(validators=_range("soreness"))
    pain = models.PositiveSmallIntegerField(validators=_range("pain"))
    pain_location = models.CharField(max_length=PAIN_LOCATION_MAX, blank=True)
    leakage = models.BooleanField(default=False)
    urgency = models.BooleanField(default=False)
    heaviness = models.BooleanField(default=False)
    pelvic_pain = models.BooleanField(default=False)
    bleeding = models.BooleanField(default=False)
    abdominal_doming = models.BooleanField(default=False)
    feeling_low = models.BooleanField(default=False, help_text="Felt low or anxious most days.")
    periods_returned = models.BooleanField(
        "periods back", default=False, help_text="A normal period: it raises nothing."
    )
    breastfeeding = models.BooleanField(default=False)
    unavailable_days = models.PositiveSmallIntegerField(
        default=0,
        validators=_range("unavailable_days"),
        help_text="Days lost to illness, the baby or travel; they don't count against her.",
    )
    notes = models.TextField(blank=True, max_length=NOTES_MAX)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # When the warning rules last ran on this version of it; empty until they have (an edit
    # empties it again). The daily scan evaluates every check-in still empty, however old,
    # so one saved while the broker was down is never left unjudged.
    evaluated_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = AthleteScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-week"]
        indexes = [
            models.Index(
                fields=["athlete"],
                condition=models.Q(evaluated_at__isnull=True),
                name="checkin_not_evaluated",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["athlete", "week"],
                name="checkin_one_per_athlete_week",
                violation_error_message="There is already a check-in for this week.",
            ),
            *[
                _range_check(name, nullable=name in ("effort", "sessions_planned"))
                for name in CHECKIN_RANGES
            ],
            models.CheckConstraint(
                condition=models.Q(
                    longest_session_minutes__lte=models.F("run_minutes") + models.F("walk_minutes")
                )
                | models.Q(longest_session_minutes=0),
                name="checkin_longest_within_total",
            ),
            models.CheckConstraint(
                condition=models.Q(longest_run_minutes__lte=models.F("longest_session_minutes")),
                name="checkin_longest_run_within_longest_session",
            ),
        ]

    def __str__(self) -> str:
        return f"Check-in of week {self.week} (athlete {self.athlete_id})"

    @property
    def week_end(self) -> date:
        return self.week + timedelta(days=6)

    @property
    def edit_deadline(self) -> date:
        """The last day she (or her coach) may edit it: the Sunday of the following week,
        when its window closes (checkins/windows.py)."""
        return closes_on(self.week)

    @property
    def total_minutes(self) -> int:
        return (self.run_minutes or 0) + (self.walk_minutes or 0)

    @property
    def reported_symptoms(self) -> list[str]:
        return [name for name in SYMPTOM_FIELDS if getattr(self, name)]

    def clean(self) -> None:
        super().clean()
        errors: dict[str, str] = {}
        if self.sessions_completed and self.effort is None:
            errors["effort"] = "Say how hard the sessions felt (1–10)."
        if (
            self.longest_session_minutes is not None
            and self.run_minutes is not None
            and self.walk_minutes is not None
            and self.longest_session_minutes > self.run_minutes + self.walk_minutes
        ):
            errors["longest_session_minutes"] = (
                "The longest session can't be longer than the week's running and walking together."
            )
        if (
            self.longest_run_minutes is not None
            and self.longest_session_minutes is not None
            and self.longest_run_minutes > self.longest_session_minutes
        ):
            errors["longest_run_minutes"] = (
                "Your longest run can't be longer than your longest session."
            )
        if errors:
            raise ValidationError(errors)


class CheckInRevisionQuerySet(AthleteScopedQuerySet):
    athlete_path = "checkin__athlete__"
    # The edit history is the coach's record; her own pages show her answers as they are now
    # (her data export, her right of access, still carries every revision).
    coach_side_only = True


class CheckInRevision(models.Model):
    """The values of a check-in before an edit: nothing she or her coach reported is lost."""

    checkin = models.ForeignKey(WeeklyCheckIn, on_delete=models.CASCADE, related_name="revisions")
    values = models.JSONField(help_text="Every field as it was before the edit.")
    changed_fields = models.JSONField(default=list)
    revised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    revised_at = models.DateTimeField(auto_now_add=True)

    objects = CheckInRevisionQuerySet.as_manager()

    # Not a column: the coach's check-in page sets it on the revisions it shows, as (field
    # label, value before) pairs for its template.
    changes: list[tuple[str, str]]

    class Meta:
        ordering = ["-revised_at", "-id"]

    def __str__(self) -> str:
        return f"Revision of check-in {self.checkin_id} at {self.revised_at:%Y-%m-%d %H:%M}"


# --- Anytime symptom reports -------------------------------------------------------------------


class SymptomReport(models.Model):
    """A symptom she reported when she noticed it, between check-ins (SPEC §11).

    Not a check-in: there may be any number in a week, each stored with its time. It is
    judged at once by the check-in rules for symptoms and pain, as a check-in of ``week``
    that says only this (``facts()``), so a flag it raises is the one that week's check-in
    would raise, and that check-in does not raise it again.
    """

    athlete = models.ForeignKey(Athlete, on_delete=models.CASCADE, related_name="symptom_reports")
    reported_at = models.DateTimeField(help_text="When she reported it.")
    week = models.DateField(
        editable=False,
        help_text="The Monday of the day she reported it, in her time zone.",
    )
    leakage = models.BooleanField(default=False)
    urgency = models.BooleanField(default=False)
    heaviness = models.BooleanField(default=False)
    pelvic_pain = models.BooleanField(default=False)
    bleeding = models.BooleanField(default=False)
    abdominal_doming = models.BooleanField(default=False)
    pain = models.PositiveSmallIntegerField(default=0, validators=_range("pain"))
    pain_location = models.CharField(max_length=PAIN_LOCATION_MAX, blank=True)
    # A TextField's max_length is only a form hint: the validator holds it for every writer.
    notes = models.TextField(
        blank=True, max_length=NOTES_MAX, validators=[MaxLengthValidator(NOTES_MAX)]
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AthleteScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-reported_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    pain__gte=CHECKIN_RANGES["pain"][0], pain__lte=CHECKIN_RANGES["pain"][1]
                ),
                name="symptom_report_pain_range",
            ),
        ]
        indexes = [models.Index(fields=["athlete", "-reported_at"], name="symptom_report_recent")]

    def __str__(self) -> str:
        return f"Symptom report of {self.reported_at:%Y-%m-%d %H:%M} (athlete {self.athlete_id})"

    @property
    def reported_symptoms(self) -> list[str]:
        return [name for name in SYMPTOM_FIELDS if getattr(self, name)]

    @property
    def symptom_names(self) -> list[str]:
        return [PLAIN_NAMES[name] for name in self.reported_symptoms]

    @property
    def description(self) -> str:
        """What she reported, in the plain words she is shown: "leaking and pain of 4/10
        (pubic bone)"."""
        parts = self.symptom_names
        if self.pain:
            where = f" ({self.pain_location})" if self.pain_location else ""
            parts.append(f"pain of {self.pain}/10{where}")
        if len(parts) <= 1:
            return "".join(parts)
        return ", ".join(parts[:-1]) + " and " + parts[-1]

    def facts(self) -> CheckInFacts:
        """The report as the clinical core judges it: a check-in of its week that says only
        the six symptoms and the pain."""
        return CheckInFacts(
            week=self.week,
            pain=self.pain,
            leakage=self.leakage,
            urgency=self.urgency,
            heaviness=self.heaviness,
            pelvic_pain=self.pelvic_pain,
            bleeding=self.bleeding,
            abdominal_doming=self.abdominal_doming,
        )


# --- Warning flags ---------------------------------------------------------------------------


class Rule(models.TextChoices):
    PELVIC_FLOOR = "pelvic_floor", "Pelvic floor symptoms"
    BLEEDING = "bleeding", "Bleeding"
    PAIN = "pain", "Pain"
    FATIGUE_STREAK = "fatigue_streak", "Fatigue streak"
    SHORT_SLEEP = "short_sleep", "Short sleep"
    LOW_MOOD = "low_mood", "Low mood"
    LOAD_SPIKE = "load_spike", "Load spike"
    LONG_SESSION_SPIKE = "long_session_spike", "Long session spike"
    MISSED_CHECKINS = "missed_checkins", "Missed check-ins"
    RUNNING_WITHOUT_CLEARANCE = "running_without_clearance", "Running without clearance"


class Severity(models.TextChoices):
    HIGH = "high", "High"
    MEDIUM = "medium", "Medium"
    LOW = "low", "Low"


class FlagStatus(models.TextChoices):
    OPEN = "open", "Open"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    RESOLVED = "resolved", "Resolved"


class WarningFlagQuerySet(AthleteScopedQuerySet):
    coach_side_only = True  # flags are for her coach to review (SPEC §7, §9)


class WarningFlag(models.Model):
    """A warning sign raised by a rule for one athlete and week, for her coach to review.

    At most one per (athlete, rule, week), whatever its status: evaluating again, or the
    daily scan running alongside, never duplicates it, and a resolved flag is not raised again.
    """

    athlete = models.ForeignKey(Athlete, on_delete=models.CASCADE, related_name="flags")
    checkin = models.ForeignKey(
        WeeklyCheckIn, on_delete=models.SET_NULL, null=True, blank=True, related_name="flags"
    )
    symptom_report = models.ForeignKey(
        SymptomReport,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="flags",
        help_text="The anytime symptom report that raised it, if one did.",
    )
    rule = models.CharField(max_length=32, choices=Rule.choices)
    severity = models.CharField(max_length=6, choices=Severity.choices)
    week = models.DateField(help_text="The check-in week that raised it (a Monday).")
    summary = models.CharField(max_length=400)
    evidence = models.JSONField(default=dict)
    status = models.CharField(max_length=12, choices=FlagStatus.choices, default=FlagStatus.OPEN)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution_note = models.TextField(blank=True, max_length=2000)
    notified_at = models.DateTimeField(
        null=True, blank=True, help_text="When the coach was e-mailed (high flags only)."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = WarningFlagQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["athlete", "rule", "week"], name="flag_one_per_athlete_rule_week"
            ),
            models.CheckConstraint(
                condition=models.Q(rule__in=Rule.values), name="flag_rule_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(severity__in=Severity.values), name="flag_severity_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=FlagStatus.values), name="flag_status_valid"
            ),
            models.CheckConstraint(
                condition=~models.Q(status="resolved") | ~models.Q(resolution_note=""),
                name="flag_resolved_has_note",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "severity"]),
            # The resolved tab's pages, newest first, read by keyset (checkins.views).
            models.Index(fields=["status", "-resolved_at", "-id"], name="flag_resolved_newest"),
            # A coach's open flags, athlete by athlete (the queue, the counts, the roster's
            # badges): a probe per athlete of hers, never a pass over every coach's flags.
            models.Index(
                fields=["athlete", "severity", "created_at"],
                condition=models.Q(status__in=("open", "acknowledged")),
                name="flag_open_by_athlete",
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.get_severity_display()} {self.get_rule_display()} (athlete {self.athlete_id})"
        )

    @property
    def is_open(self) -> bool:
        return self.status != FlagStatus.RESOLVED


class EmailLog(models.Model):
    """A ledger of e-mails that must go out once: a digest per coach per day, a reminder per
    athlete per week. The unique key is claimed before sending."""

    kind = models.CharField(max_length=20)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=20)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "user", "key"], name="email_once")]

    def __str__(self) -> str:
        return f"{self.kind} {self.key} to user {self.user_id}"
