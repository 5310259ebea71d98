"""Reads of check-ins, scoped to who is asking."""

from __future__ import annotations

from datetime import date

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from athletes.models import Athlete, Role, User

from .models import SYMPTOM_FIELDS, CheckInRevision, WeeklyCheckIn


def checkins_visible_to(user: User) -> QuerySet[WeeklyCheckIn]:
    qs = WeeklyCheckIn.objects.select_related("athlete", "submitted_by")
    if not user.is_authenticated:
        return qs.none()
    if user.is_staff:
        return qs
    if user.role == Role.COACH:
        return qs.filter(athlete__coach=user)
    return qs.filter(athlete__user=user)


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


def recent_checkins(athlete: Athlete, *, since: date) -> list[WeeklyCheckIn]:
    return list(athlete.checkins.filter(week__gte=since).order_by("week"))


def checkin_for_week(athlete: Athlete, week: date) -> WeeklyCheckIn | None:
    return athlete.checkins.filter(week=week).first()


def symptom_filter() -> Q:
    q = Q()
    for name in (*SYMPTOM_FIELDS, "feeling_low"):
        q |= Q(**{name: True})
    return q
