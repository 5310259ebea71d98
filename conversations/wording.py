"""What a message is about, in a line: the context the thread shows above a message that
points at one of her records (SPEC §12), worded for whoever reads it ("your" for her, "her"
for her coach). Decisions and flags are kept for the coach (athletes.access): she is shown
only what they mean for her week, never the engine's gates or the coach's flag queue."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.formats import date_format

from checkins.models import WarningFlag, WeeklyCheckIn
from clinical import protocol
from plans.models import Decision, PlanWeek

from .models import Message

Record = WeeklyCheckIn | Decision | WarningFlag | PlanWeek


@dataclass(frozen=True)
class About:
    kind: str  # "checkin", "decision", "flag" or "plan_week"
    pk: int
    text: str
    url: str  # "" when there is nothing more to open

    @property
    def value(self) -> str:
        """The form's value for it ("checkin:3")."""
        return f"{self.kind}:{self.pk}"


def _week(day) -> str:
    return date_format(day, "j M")


def _position(stage_key: str, level: int) -> str:
    return f"{protocol.stage(stage_key).name}, level {level}"


def about(kind: str, record: Record, *, for_coach: bool) -> About:
    whose = "her" if for_coach else "your"
    if isinstance(record, WeeklyCheckIn):
        text = (
            f"{whose.capitalize()} check-in for the week of {_week(record.week)}: energy "
            f"{record.energy}/5, sleep {record.sleep_hours:g} h, mood {record.mood}/5, "
            f"pain {record.pain}/10"
        )
        url = (
            reverse("checkins:coach_checkin_detail", args=[record.pk])
            if for_coach
            else reverse("checkins:my_history")
        )
    elif isinstance(record, Decision):
        position = _position(record.outcome_stage, record.outcome_level)
        if for_coach:
            text = (
                f"The decision for the week of {_week(record.week)}: "
                f"{record.get_action_display().lower()} to {position} "
                f"({record.get_status_display().lower()})"
            )
            url = reverse("plans:athlete_overview", args=[record.athlete_id])
        else:
            text = f"Your coach's decision for the week of {_week(record.week)}: {position}"
            url = reverse("plans:my_week")
    elif isinstance(record, WarningFlag):
        if for_coach:
            text = (
                f"The {record.get_severity_display().lower()} flag of the week of "
                f"{_week(record.week)}: {record.get_rule_display()}. {record.summary}"
            )
            url = reverse("plans:athlete_overview", args=[record.athlete_id]) + "#flags"
        else:
            text = (
                f"What you reported in the week of {_week(record.week)}: "
                f"{record.get_rule_display().lower()}"
            )
            url = ""
    else:
        text = (
            f"{whose.capitalize()} week of {_week(record.week)}: "
            f"{_position(record.stage, record.level)}"
        )
        url = reverse("plans:my_week") if not for_coach else ""
    return About(kind=kind, pk=record.pk, text=text, url=url)


def message_about(message: Message, *, for_coach: bool) -> About | None:
    kind = message.reference_name
    if kind is None:
        return None
    return about(kind, getattr(message, kind), for_coach=for_coach)
