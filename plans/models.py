from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from athletes.models import Athlete, AthleteScopedQuerySet
from clinical.gates import SAFETY_GATES
from clinical.progression import ACTIONS
from clinical.protocol import (
    IMPACT_STAGE_KEYS,
    RUN_WALK,
    SESSION_KINDS,
    STAGE_CHOICES,
    TERRAINS,
    describe,
)

ACTION_CHOICES = [(a, a.replace("_", " ").capitalize()) for a in ACTIONS]
KIND_LABELS = {"run_walk": "Run-walk", "pelvic_floor": "Pelvic floor"}
KIND_CHOICES = [(k, KIND_LABELS.get(k, k.replace("_", " ").capitalize())) for k in SESSION_KINDS]
TERRAIN_CHOICES = [(t, t.replace("_", " ").capitalize()) for t in TERRAINS]
STAGE_KEYS = [key for key, _ in STAGE_CHOICES]


class Plan(models.Model):
    """Her return-to-run plan: which protocol version it follows and when it started."""

    athlete = models.OneToOneField(Athlete, on_delete=models.CASCADE, related_name="plan")
    protocol_version = models.CharField(max_length=20)
    started_on = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AthleteScopedQuerySet.as_manager()

    def __str__(self) -> str:
        return f"Plan of athlete {self.athlete_id} (protocol {self.protocol_version})"


class PlanPauseQuerySet(AthleteScopedQuerySet):
    athlete_path = "plan__athlete__"

    def active(self) -> PlanPauseQuerySet:
        return self.filter(lifted_at__isnull=True)


class PlanPause(models.Model):
    """A red flag paused her at once (SPEC §11): from ``started_on`` every day of her plan is
    the gentle pause week, until her coach lifts it with an override (``lifted_at``)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="pauses")
    started_at = models.DateTimeField()
    started_on = models.DateField(help_text="Her local day the pause began.")
    red_flags = models.JSONField(default=list, help_text="The red flags that paused her.")
    checkin = models.ForeignKey(
        "checkins.WeeklyCheckIn", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    lifted_at = models.DateTimeField(null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    lifted_by_decision = models.ForeignKey(
        "Decision", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = PlanPauseQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan"],
                condition=models.Q(lifted_at__isnull=True),
                name="pause_one_active_per_plan",
            )
        ]

    def __str__(self) -> str:
        return f"Pause of plan {self.plan_id} from {self.started_on}"

    @property
    def is_active(self) -> bool:
        return self.lifted_at is None


class WeekReason(models.TextChoices):
    """Why a published week holds what it holds, in the words she reads."""

    STARTED = "started", "Your plan starts"
    ADVANCED = "advanced", "Moved on"
    HELD = "held", "Held"
    STEPPED_BACK = "stepped_back", "Stepped back"
    PAUSED = "paused", "Paused"
    CARRIED_OVER = "carried_over", "Carried over"


class PlanWeekQuerySet(AthleteScopedQuerySet):
    athlete_path = "plan__athlete__"


class PlanWeek(models.Model):
    """One published week of her plan: the stage and level, why, and the sessions it holds.

    Exactly one per plan and week (SPEC §11). ``applies_from`` is set when the week was
    changed after it began (a pause, or a decision approved mid-week): the sessions before
    that day are what she was given before."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="weeks")
    week = models.DateField(help_text="Monday of the week.")
    stage = models.CharField(max_length=20, choices=STAGE_CHOICES)
    level = models.PositiveSmallIntegerField(validators=[MinValueValidator(1)])
    # db_default too: rows written by code that predates the field (the data migration that
    # starts missing plans) get a valid reason from the database.
    reason = models.CharField(
        max_length=14,
        choices=WeekReason.choices,
        default=WeekReason.STARTED,
        db_default=WeekReason.STARTED,
    )
    applies_from = models.DateField(null=True, blank=True)
    decision = models.ForeignKey(
        "Decision", on_delete=models.SET_NULL, null=True, blank=True, related_name="plan_weeks"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)

    objects = PlanWeekQuerySet.as_manager()

    class Meta:
        ordering = ["-week"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "week"], name="planweek_one_per_week"),
            models.CheckConstraint(
                condition=models.Q(stage__in=STAGE_KEYS), name="planweek_stage_valid"
            ),
            models.CheckConstraint(condition=models.Q(level__gte=1), name="planweek_level_min"),
        ]

    def __str__(self) -> str:
        return f"Week of {self.week}: {self.stage} level {self.level}"


DAY_CHOICES = [
    (i, name)
    for i, name in enumerate(
        ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
    )
]

# What a coach edits of a session, in the order the week editor, the API and the export show
# it. Their rules are the model's: field limits, constraints and ``clean()``.
SESSION_FIELDS = (
    "day",
    "kind",
    "minutes",
    "run_seconds",
    "walk_seconds",
    "repeats",
    "terrain",
    "notes",
)


class PlannedSessionQuerySet(AthleteScopedQuerySet):
    athlete_path = "plan_week__plan__athlete__"


class PlannedSession(models.Model):
    """One session of a plan week. The week editor (a ModelForm), the API (a ModelSerializer)
    and ``plan_week_update_sessions`` (``full_clean``) all validate with these fields, their
    validators and ``clean()``."""

    plan_week = models.ForeignKey(PlanWeek, on_delete=models.CASCADE, related_name="sessions")
    order = models.PositiveSmallIntegerField(default=0)
    day = models.PositiveSmallIntegerField(
        default=0,
        choices=DAY_CHOICES,
        validators=[MaxValueValidator(6)],
        help_text="0 = Monday … 6 = Sunday (a suggestion; she fits it around her week).",
    )
    kind = models.CharField(max_length=14, choices=KIND_CHOICES)
    minutes = models.PositiveSmallIntegerField(validators=[MaxValueValidator(600)])
    run_seconds = models.PositiveIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(3600)]
    )
    walk_seconds = models.PositiveIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(3600)]
    )
    repeats = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(50)]
    )
    terrain = models.CharField(max_length=16, choices=TERRAIN_CHOICES, default="road")
    notes = models.CharField(max_length=300, blank=True)

    objects = PlannedSessionQuerySet.as_manager()

    # Not a column: the athlete's week page sets it on the sessions it shows, so that the same
    # note appears once a week (unset elsewhere: the template then shows the note).
    show_note: bool

    class Meta:
        ordering = ["day", "order", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(day__lte=6), name="session_day_0_6"),
            models.CheckConstraint(
                condition=models.Q(minutes__lte=600), name="session_minutes_max"
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=SESSION_KINDS), name="session_kind_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(terrain__in=TERRAINS), name="session_terrain_valid"
            ),
        ]

    def __str__(self) -> str:
        return describe(self)

    def clean(self) -> None:
        super().clean()
        if self.kind == RUN_WALK:
            if not (self.run_seconds and self.walk_seconds and self.repeats):
                raise ValidationError("A run-walk session needs run and walk seconds and repeats.")
        else:
            # Intervals mean something only in a run-walk; anything else drops them.
            self.run_seconds = self.walk_seconds = self.repeats = None


class DecisionStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    APPROVED = "approved", "Approved"
    OVERRIDDEN = "overridden", "Overridden"
    # A pause or step back that took effect without the coach, still awaiting her review.
    AUTO_APPLIED = "auto_applied", "Applied, awaiting review"
    # A newer decision replaced it before the coach decided.
    SUPERSEDED = "superseded", "Superseded"


# Awaiting the coach: at most one per athlete (SPEC §11).
OPEN_STATUSES = (DecisionStatus.PENDING, DecisionStatus.AUTO_APPLIED)


class DecisionTrigger(models.TextChoices):
    CHECKIN = "checkin", "Her check-in"
    NO_CHECKIN = "no_checkin", "A week without a check-in"
    RED_FLAG = "red_flag", "A red flag, at once"


class DecisionQuerySet(AthleteScopedQuerySet):
    # The engine's recommendation is for her coach to approve or override (SPEC §9); she
    # sees the week it leads to.
    coach_side_only = True


class Decision(models.Model):
    """The engine's recommendation for one week, and what the coach made of it."""

    athlete = models.ForeignKey(Athlete, on_delete=models.CASCADE, related_name="decisions")
    week = models.DateField(help_text="Monday of the week the decision is for.")
    applies_from = models.DateField(
        null=True, blank=True, help_text="The first day it takes effect, when not the Monday."
    )
    trigger = models.CharField(
        max_length=12, choices=DecisionTrigger.choices, default=DecisionTrigger.CHECKIN
    )
    action = models.CharField(max_length=10, choices=ACTION_CHOICES)
    from_stage = models.CharField(max_length=20, choices=STAGE_CHOICES)
    from_level = models.PositiveSmallIntegerField()
    to_stage = models.CharField(max_length=20, choices=STAGE_CHOICES)
    to_level = models.PositiveSmallIntegerField()
    gates = models.JSONField(default=list)
    summary = models.CharField(max_length=500)
    refer = models.BooleanField(default=False, help_text="Refer to a pelvic health physio/GP.")
    protocol_version = models.CharField(max_length=20)
    status = models.CharField(
        max_length=12, choices=DecisionStatus.choices, default=DecisionStatus.PENDING
    )
    # What the coach decided instead, when she overrode the recommendation.
    final_action = models.CharField(max_length=10, choices=ACTION_CHOICES, blank=True)
    final_stage = models.CharField(max_length=20, choices=STAGE_CHOICES, blank=True)
    final_level = models.PositiveSmallIntegerField(null=True, blank=True)
    note = models.TextField(blank=True, max_length=2000)
    clinician_attestation = models.TextField(blank=True, max_length=2000)
    overridden_safety_gates = models.JSONField(default=list, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    computed_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)

    objects = DecisionQuerySet.as_manager()

    class Meta:
        ordering = ["-week"]
        constraints = [
            models.UniqueConstraint(
                fields=["athlete"],
                condition=models.Q(status__in=OPEN_STATUSES),
                name="decision_one_open_per_athlete",
            ),
            models.CheckConstraint(
                condition=models.Q(action__in=ACTIONS), name="decision_action_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=DecisionStatus.values), name="decision_status_valid"
            ),
            models.CheckConstraint(
                condition=~models.Q(status="overridden") | ~models.Q(note=""),
                name="decision_override_has_note",
            ),
        ]
        indexes = [models.Index(fields=["status", "week"])]

    def __str__(self) -> str:
        return f"{self.action} for week {self.week} (athlete {self.athlete_id}, {self.status})"

    @property
    def is_pending(self) -> bool:
        """Awaiting the coach's approval or override (pending, or applied without her)."""
        return self.status in OPEN_STATUSES

    @property
    def failed_safety_gates(self) -> list[str]:
        """The safety gates (12 weeks, clearance, readiness, red flags) its check failed."""
        return sorted(
            {
                g["key"]
                for g in self.gates or ()
                if isinstance(g, dict) and g.get("key") in SAFETY_GATES and not g.get("passed")
            }
        )

    @property
    def needs_her_page(self) -> bool:
        """Approved only from her page, never in bulk: a referral is advised, or it puts her
        in an impact stage although a safety gate failed when it was computed."""
        return self.refer or (self.to_stage in IMPACT_STAGE_KEYS and bool(self.failed_safety_gates))

    @property
    def starts_on(self) -> date:
        """The first day it takes effect: its week's Monday, or a later day of that week."""
        return self.applies_from or self.week

    @property
    def outcome_stage(self) -> str:
        return self.final_stage or self.to_stage

    @property
    def outcome_level(self) -> int:
        return self.final_level or self.to_level

    @property
    def outcome_action(self) -> str:
        return self.final_action or self.action


class AuditEntryQuerySet(AthleteScopedQuerySet):
    coach_side_only = True  # for coaches and admins


class AuditEntry(models.Model):
    """An append-only record of coaching decisions that admins can inspect."""

    class Kind(models.TextChoices):
        APPROVED = "approved", "Decision approved"
        OVERRIDDEN = "overridden", "Decision overridden"
        SAFETY_OVERRIDE = "safety_override", "Override past a safety gate"
        SESSIONS_EDITED = "sessions_edited", "Sessions edited"
        PLAN_STARTED = "plan_started", "Plan started"
        PAUSED = "paused", "Paused at once after a red flag"
        PAUSE_LIFTED = "pause_lifted", "Pause lifted by the coach"
        AUTO_APPLIED = "auto_applied", "Applied without the coach (pause or step back)"

    athlete = models.ForeignKey(Athlete, on_delete=models.CASCADE, related_name="audit_entries")
    decision = models.ForeignKey(
        Decision, on_delete=models.SET_NULL, null=True, blank=True, related_name="audit_entries"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    details = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "audit entries"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} (athlete {self.athlete_id})"


class CalendarFeed(models.Model):
    """Her private iCal feed. The secret URL is signed with the site's key over this random
    nonce: a leaked database alone does not reveal it, and a new nonce revokes the old URL."""

    athlete = models.OneToOneField(Athlete, on_delete=models.CASCADE, related_name="calendar")
    nonce = models.CharField(max_length=32, unique=True)
    created_at = models.DateTimeField(auto_now=True)

    objects = AthleteScopedQuerySet.as_manager()

    def __str__(self) -> str:
        return f"Calendar of athlete {self.athlete_id}"
