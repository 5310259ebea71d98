"""Reads of the athletes layer, scoped to who is asking and with their joins already made."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.contrib.auth.models import AnonymousUser
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from clinical.facts import AssessmentFacts, AthleteFacts, ClearanceFacts

from .access import can_change_athlete
from .models import (
    Athlete,
    Clearance,
    NotificationPreferences,
    ReadinessAssessment,
    User,
    current_clearance,
)


def athletes_visible_to(user: User | AnonymousUser) -> QuerySet[Athlete]:
    """Staff see everyone; a coach her own athletes; an athlete only herself."""
    return Athlete.objects.visible_to(user).select_related("coach", "user")


def athlete_for_coach(coach: User, pk: int, *, clinical: bool = False) -> Athlete:
    """One of this coach's athletes (staff: anyone's), or 404: others' are not revealed.

    ``clinical=True`` also prefetches her clearances and assessments.
    """
    qs = athletes_visible_to(coach)
    if clinical:
        qs = with_clinical_records(qs)
    try:
        athlete = qs.get(pk=pk)
    except Athlete.DoesNotExist:
        raise Http404("No such athlete.") from None
    if not can_change_athlete(coach, athlete):  # an athlete's own profile, on a coach's page
        raise Http404("No such athlete.")
    return athlete


def athlete_for_user(user: User) -> Athlete | None:
    """The profile linked to an athlete's login."""
    return Athlete.objects.select_related("coach").filter(user=user).first()


def with_clinical_records(qs: QuerySet[Athlete]) -> QuerySet[Athlete]:
    """Prefetch clearances and assessments (newest first): two queries for any number of rows."""
    return qs.prefetch_related(
        Prefetch("clearances", queryset=Clearance.objects.order_by("-cleared_on", "-created_at")),
        Prefetch(
            "assessments",
            queryset=ReadinessAssessment.objects.order_by("-assessed_on", "-created_at"),
        ),
    )


def roster_for_coach(
    coach: User, *, search: str = "", include_archived: bool = False
) -> QuerySet[Athlete]:
    # Her own roster: staff who also coach see theirs here and open anyone else's by link.
    qs = Athlete.objects.visible_to(coach).filter(coach=coach).select_related("user")
    if not include_archived:
        qs = qs.filter(archived=False)
    # PostgreSQL text cannot hold NUL; a pasted control character must not break the page.
    search = search.replace("\x00", "").strip()
    if search:
        for word in search.split()[:5]:
            qs = qs.filter(
                Q(first_name__icontains=word)
                | Q(last_name__icontains=word)
                | Q(email__icontains=word)
            )
    return qs.order_by("first_name", "last_name", "id")


def clearances_for(athlete: Athlete) -> QuerySet[Clearance]:
    return athlete.clearances.select_related("recorded_by").order_by("-cleared_on", "-created_at")


def assessments_for(athlete: Athlete) -> QuerySet[ReadinessAssessment]:
    return athlete.assessments.order_by("-assessed_on", "-created_at")


def clearance_for_download(user: User, pk: int) -> Clearance:
    """A clearance with a document, if ``user`` is its athlete's coach, the athlete or staff."""
    qs = Clearance.objects.visible_to(user).select_related("athlete").exclude(document="")
    try:
        return qs.get(pk=pk)
    except Clearance.DoesNotExist:
        raise Http404("No such document.") from None


# --- Clinical status, computed from prefetched rows ------------------------------------------


@dataclass(frozen=True)
class ClearanceStatus:
    scope: str | None  # None: no clearance that counts today
    label: str
    tone: str  # badge tone: ok / medium / high / neutral
    clearance: Clearance | None


@dataclass(frozen=True)
class ReadinessStatus:
    state: str  # passed / expired / not_passed / none
    label: str
    tone: str
    assessment: ReadinessAssessment | None


def clearance_status(athlete: Athlete, on: date | None = None) -> ClearanceStatus:
    on = on or athlete.today()
    clearances = list(athlete.clearances.all())
    current = current_clearance(clearances, on)
    if current is None:
        label = "Clearance expired" if clearances else "No clearance"
        return ClearanceStatus(None, label, "high" if clearances else "neutral", None)
    tone = "medium" if current.scope == "exercise" else "ok"
    return ClearanceStatus(current.scope, f"Cleared: {current.scope}", tone, current)


def readiness_status(athlete: Athlete, on: date | None = None) -> ReadinessStatus:
    on = on or athlete.today()
    assessments = list(athlete.assessments.all())
    if not assessments:
        return ReadinessStatus("none", "Not assessed", "neutral", None)
    latest = max(assessments, key=lambda a: (a.assessed_on, a.created_at, a.pk))
    if not latest.passed:
        return ReadinessStatus("not_passed", "Readiness not passed", "medium", latest)
    if latest.counts_on(on):
        return ReadinessStatus("passed", "Readiness passed", "ok", latest)
    return ReadinessStatus("expired", "Readiness expired", "medium", latest)


# --- Her facts, as the clinical core takes them ----------------------------------------------


def athlete_facts(athlete: Athlete) -> AthleteFacts:
    """Her profile, clearances and assessments as the plain values the rules and the
    progression engine take (prefetch ``clearances`` and ``assessments`` for many)."""
    return AthleteFacts(
        delivery_date=athlete.delivery_date,
        stage=athlete.stage,
        created_on=athlete.created_at.date() if athlete.created_at else None,
        clearances=tuple(
            ClearanceFacts(c.cleared_on, c.scope, c.expires_on, c.pk, c.pelvic_health_assessed)
            for c in athlete.clearances.all()
        ),
        assessments=tuple(
            AssessmentFacts(
                a.assessed_on,
                bool(a.passed),
                a.balance_passed,
                a.pk,
            )
            for a in athlete.assessments.all()
        ),
    )


def notification_preferences_for(user: User) -> NotificationPreferences:
    """Her notification preferences; the defaults (everything at once) if she never chose.
    The default is not saved: a read never writes."""
    try:
        return user.notification_preferences
    except NotificationPreferences.DoesNotExist:
        return NotificationPreferences(user=user)
