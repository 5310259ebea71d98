"""Reads of check-ins, scoped to who is asking."""

from __future__ import annotations

from datetime import date

from django.db.models import Case, Count, IntegerField, Prefetch, QuerySet, Value, When
from django.http import Http404

from athletes.models import Athlete, User

from .models import CheckInRevision, WarningFlag, WeeklyCheckIn


def checkins_visible_to(user: User) -> QuerySet[WeeklyCheckIn]:
    """Her own for an athlete, her athletes' for a coach, everyone's for staff."""
    return WeeklyCheckIn.objects.visible_to(user).select_related("athlete", "submitted_by")


def checkin_for(user: User, pk: int) -> WeeklyCheckIn:
    try:
        return checkins_visible_to(user).get(pk=pk)
    except WeeklyCheckIn.DoesNotExist:
        raise Http404("No such check-in.") from None


def checkins_for_athlete(athlete: Athlete, *, with_revisions: bool = False):
    """Her check-ins, newest first."""
    qs = athlete.checkins.select_related("submitted_by").order_by("-week")
    if with_revisions:
        qs = qs.prefetch_related(
            Prefetch(
                "revisions",
                queryset=CheckInRevision.objects.select_related("revised_by").order_by(
                    "-revised_at", "-id"
                ),
            )
        )
    return qs


def checkin_for_week(athlete: Athlete, week: date) -> WeeklyCheckIn | None:
    return athlete.checkins.filter(week=week).first()


def checkin_weeks(athlete: Athlete) -> set[date]:
    """The Mondays of every week she has a check-in for (one query)."""
    return set(athlete.checkins.values_list("week", flat=True))


# --- Flags -----------------------------------------------------------------------------------

SEVERITY_ORDER = Case(
    When(severity="high", then=Value(3)),
    When(severity="medium", then=Value(2)),
    default=Value(1),
    output_field=IntegerField(),
)
OPEN_STATUSES = ("open", "acknowledged")


def flags_visible_to(user: User) -> QuerySet[WarningFlag]:
    """Coaches see their athletes' flags, staff everyone's; athletes none."""
    return WarningFlag.objects.visible_to(user).select_related(
        "athlete", "checkin", "acknowledged_by", "resolved_by"
    )


def flag_for(user: User, pk: int) -> WarningFlag:
    try:
        return flags_visible_to(user).get(pk=pk)
    except WarningFlag.DoesNotExist:
        raise Http404("No such flag.") from None


def review_queue(user: User) -> QuerySet[WarningFlag]:
    """Open (and acknowledged) flags, most severe first, then the oldest first."""
    return (
        flags_visible_to(user)
        .filter(status__in=OPEN_STATUSES, athlete__archived=False)
        .annotate(severity_rank=SEVERITY_ORDER)
        .order_by("-severity_rank", "created_at", "id")
    )


def open_flag_counts(user: User) -> dict[str, int]:
    """{"high": n, "medium": n, "low": n, "total": n} of the coach's open flags (one query)."""
    rows = (
        flags_visible_to(user)
        .filter(status__in=OPEN_STATUSES, athlete__archived=False)
        .values("severity")
        .annotate(n=Count("id"))
    )
    counts = {"high": 0, "medium": 0, "low": 0}
    for row in rows:
        counts[row["severity"]] = row["n"]
    counts["total"] = sum(counts.values())
    return counts


def flags_for_athlete(athlete: Athlete) -> QuerySet[WarningFlag]:
    return (
        athlete.flags.select_related("checkin", "acknowledged_by", "resolved_by")
        .annotate(severity_rank=SEVERITY_ORDER)
        .order_by("-week", "-severity_rank")
    )
