"""The conversation between an athlete and her coach (SPEC §12): one thread per athlete, plain
text messages that may point at one of her records."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from athletes.models import Athlete, AthleteScopedQuerySet
from checkins.models import WarningFlag, WeeklyCheckIn
from plans.models import Decision, PlanWeek

# SPEC §12: a message is plain text of at most this many characters.
BODY_MAX_LENGTH = 4000

# The largest id a record can have (a 64-bit primary key): anything above is no record.
MAX_ID = 2**63 - 1

# The records a message may be about, by the name the API and the forms use for each.
REFERENCE_FIELDS = ("checkin", "decision", "flag", "plan_week")


class MessageQuerySet(AthleteScopedQuerySet):
    # Shared with her: the thread is hers and her coach's (staff read it in the admin).
    athlete_path = "athlete__"


class Message(models.Model):
    """One message of her thread. ``from_coach`` says which side wrote it (her coach, or she
    herself), so that the unread counts and the e-mails still know after an account is gone.
    ``read_at`` is when the other side read it."""

    athlete = models.ForeignKey(Athlete, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    from_coach = models.BooleanField()
    # Checked in clean() (full_clean does not check a TextField's max_length); blank here so
    # that an empty body gets the one clear error of clean() (the database refuses it too).
    body = models.TextField(max_length=BODY_MAX_LENGTH, blank=True)
    sent_at = models.DateTimeField(default=timezone.now, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)
    # When the other side was told of it by e-mail (SPEC §12: at most one e-mail an hour).
    mailed_at = models.DateTimeField(null=True, blank=True)
    checkin = models.ForeignKey(
        WeeklyCheckIn, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decision = models.ForeignKey(
        Decision, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    flag = models.ForeignKey(
        WarningFlag, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    plan_week = models.ForeignKey(
        PlanWeek, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = MessageQuerySet.as_manager()

    class Meta:
        ordering = ["sent_at", "id"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(body=""), name="message_body_not_empty"),
            # At most one reference: a message is about one thing, or about nothing in particular.
            models.CheckConstraint(
                condition=(
                    models.Q(checkin__isnull=True, decision__isnull=True, flag__isnull=True)
                    | models.Q(checkin__isnull=True, decision__isnull=True, plan_week__isnull=True)
                    | models.Q(checkin__isnull=True, flag__isnull=True, plan_week__isnull=True)
                    | models.Q(decision__isnull=True, flag__isnull=True, plan_week__isnull=True)
                ),
                name="message_one_reference_at_most",
            ),
        ]
        indexes = [
            models.Index(fields=["athlete", "sent_at"]),
            # The unread counts: few rows are unread at any time.
            models.Index(
                fields=["athlete", "from_coach"],
                condition=models.Q(read_at__isnull=True),
                name="message_unread",
            ),
        ]

    def __str__(self) -> str:
        side = "coach" if self.from_coach else "athlete"
        return f"Message {self.pk} from the {side} (athlete {self.athlete_id})"

    @property
    def reference_name(self) -> str | None:
        """Which record it is about ("checkin", "decision", "flag", "plan_week"), if any."""
        for name in REFERENCE_FIELDS:
            if getattr(self, f"{name}_id") is not None:
                return name
        return None

    def clean(self) -> None:
        errors: dict[str, str] = {}
        self.body = (self.body or "").strip()
        if not self.body:
            errors["body"] = "Write a message."
        elif "\x00" in self.body:  # no database text holds it (PostgreSQL refuses it)
            errors["body"] = "A message can't contain null characters."
        elif len(self.body) > BODY_MAX_LENGTH:
            errors["body"] = (
                f"A message holds at most {BODY_MAX_LENGTH:,} characters "
                f"(this one has {len(self.body):,})."
            )
        references = [n for n in REFERENCE_FIELDS if getattr(self, f"{n}_id") is not None]
        if len(references) > 1:
            errors[references[1]] = "A message can be about one record only."
        for name in references:
            record = getattr(self, name)
            owner = record.plan.athlete_id if name == "plan_week" else record.athlete_id
            if owner != self.athlete_id:
                errors[name] = "Not one of her records."
        if errors:
            raise ValidationError(errors)


class ThreadQuerySet(AthleteScopedQuerySet):
    coach_side_only = True  # the e-mail bookkeeping: nobody's to read but staff's


class Thread(models.Model):
    """What the e-mails about her thread need to remember: when each side was last told of
    new messages (SPEC §12: at most one e-mail an hour per thread)."""

    athlete = models.OneToOneField(Athlete, on_delete=models.CASCADE, related_name="thread")
    coach_mailed_at = models.DateTimeField(null=True, blank=True)
    athlete_mailed_at = models.DateTimeField(null=True, blank=True)

    objects = ThreadQuerySet.as_manager()

    def __str__(self) -> str:
        return f"Thread of athlete {self.athlete_id}"
