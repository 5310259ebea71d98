"""Reads of check-ins, scoped to who is asking."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import date, datetime, timedelta

from django.contrib.auth.models import AnonymousUser
from django.db.models import (
    Case,
    Count,
    Exists,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)
from django.http import Http404

from athletes.models import Athlete, User
from clinical.facts import HIGH, LOW, MEDIUM

from . import windows
from .models import CheckInRevision, SymptomReport, WarningFlag, WeeklyCheckIn


def checkins_visible_to(user: User | AnonymousUser) -> QuerySet[WeeklyCheckIn]:
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


# --- What is due, each athlete on her own calendar ------------------------------------------


def due_for(athlete: Athlete, checked_in: Collection[date]) -> windows.Due:
    """Her check-ins in words, on her local today (``checked_in``: the Mondays she has sent,
    at least the last two weeks')."""
    return windows.due_status(athlete.today(), checked_in, first_week=athlete.delivery_date)


def local_dates(zones: Iterable[str], now: datetime) -> dict[date, list[str]]:
    """The time zones grouped by the date it is there at ``now`` (at most three dates).
    An unknown zone counts as UTC, as ``Athlete.tz`` does."""
    by_day: dict[date, list[str]] = {}
    for zone in sorted(set(zones)):
        by_day.setdefault(now.astimezone(Athlete(timezone=zone).tz).date(), []).append(zone)
    return by_day


def due_condition(zones: Iterable[str], now: datetime) -> Q:
    """A filter on athletes: those with a week open today, where she lives, and after the
    birth, that has no check-in. Each athlete is judged on her own Monday: the zones given
    (those of the athletes filtered) are grouped by their local date, so the SQL holds one
    branch per date whatever the number of athletes or zones."""
    condition = Q(pk__in=[])
    for today, group in local_dates(zones, now).items():
        missing = Q(pk__in=[])
        for week in windows.open_weeks(today):
            sent = WeeklyCheckIn.objects.filter(athlete=OuterRef("pk"), week=week)
            missing |= Q(delivery_date__lte=week + timedelta(days=6)) & ~Q(Exists(sent))
        condition |= Q(timezone__in=group) & missing
    return condition


# --- Flags -----------------------------------------------------------------------------------

SEVERITY_ORDER = Case(
    When(severity="high", then=Value(3)),
    When(severity="medium", then=Value(2)),
    default=Value(1),
    output_field=IntegerField(),
)
OPEN_STATUSES = ("open", "acknowledged")


def flags_visible_to(user: User | AnonymousUser) -> QuerySet[WarningFlag]:
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
    return _in_queue_order(
        flags_visible_to(user).filter(status__in=OPEN_STATUSES, athlete__archived=False)
    )


def review_queue_keys(user: User) -> QuerySet:
    """``review_queue`` as its flags' ids only, for paging: a page of it is sorted without
    reading the rows it does not show (``review_queue_page``)."""
    return review_queue(user).select_related(None).values("pk")


def review_queue_page(user: User, keys: Iterable) -> QuerySet[WarningFlag]:
    """The flags of a page of ``review_queue_keys`` (a slice of it, read as a subquery), with
    what the queue shows of them, in the queue's order: one query."""
    return review_queue(user).filter(pk__in=keys)


def _in_queue_order(flags: QuerySet[WarningFlag]) -> QuerySet[WarningFlag]:
    return flags.annotate(severity_rank=SEVERITY_ORDER).order_by(
        "-severity_rank", "created_at", "id"
    )


def review_by_athlete(
    user: User, limit: int, *, total: int | None = None
) -> tuple[list[Athlete], int]:
    """ "Needs your review", one entry per athlete: the ``limit`` athletes whose open flags
    are the most severe (then the longest waiting), each with ``open_flags`` (most severe
    first, then the oldest), and how many athletes have open flags at all (``total``, when
    the caller has it from ``open_flag_counts``: one query fewer). Ranked in one pass over
    her open flags, then the few athletes and their flags: three queries."""
    ranked = (
        WarningFlag.objects.visible_to(user)
        .filter(status__in=OPEN_STATUSES, athlete__archived=False)
        .values("athlete")
        .annotate(top=Max(SEVERITY_ORDER), since=Min("created_at"))
        .order_by("-top", "since", "athlete")
    )
    if total is None:
        total = ranked.count()
    order = {row["athlete"]: i for i, row in enumerate(ranked[:limit])}
    if not order:
        return [], total
    athletes = Athlete.objects.filter(pk__in=order).prefetch_related(
        Prefetch(
            "flags",
            queryset=WarningFlag.objects.filter(status__in=OPEN_STATUSES)
            .annotate(severity_rank=SEVERITY_ORDER)
            .order_by("-severity_rank", "created_at", "id"),
            to_attr="open_flags",
        )
    )
    return sorted(athletes, key=lambda a: order[a.pk]), total


def open_flag_counts(user: User) -> dict[str, int]:
    """{"high": n, "medium": n, "low": n, "total": n, "athletes": n} of the coach's open
    flags, "athletes" being how many of hers have any (one query)."""
    counts = (
        flags_visible_to(user)
        .filter(status__in=OPEN_STATUSES, athlete__archived=False)
        .select_related(None)
        .aggregate(
            high=Count("id", filter=Q(severity=HIGH)),
            medium=Count("id", filter=Q(severity=MEDIUM)),
            low=Count("id", filter=Q(severity=LOW)),
            total=Count("id"),
            athletes=Count("athlete", distinct=True),
        )
    )
    return {key: counts[key] or 0 for key in ("high", "medium", "low", "total", "athletes")}


def open_flag_counts_for_request(request) -> dict[str, int]:
    """``open_flag_counts`` of the signed-in coach, counted once per request (the navigation
    badge and the page's own cards share it)."""
    counts = getattr(request, "_open_flag_counts", None)
    if counts is None:
        counts = request._open_flag_counts = open_flag_counts(request.user)
    return counts


def flags_for_athlete(athlete: Athlete) -> QuerySet[WarningFlag]:
    return (
        athlete.flags.select_related("checkin", "acknowledged_by", "resolved_by")
        .annotate(severity_rank=SEVERITY_ORDER)
        .order_by("-week", "-severity_rank")
    )


# --- Anytime symptom reports -------------------------------------------------------------------


def symptom_reports_visible_to(user: User | AnonymousUser) -> QuerySet[SymptomReport]:
    """Her own for an athlete, her athletes' for a coach, everyone's for staff; newest first,
    each with the flags it raised (SPEC §9: the report answers with them, for her too: what
    she reported is hers to see)."""
    return with_report_flags(SymptomReport.objects.visible_to(user)).order_by("-reported_at", "-id")


def with_report_flags(qs: QuerySet[SymptomReport]) -> QuerySet[SymptomReport]:
    """Each report with who sent it and the flags it raised, most severe first."""
    return qs.select_related("athlete", "submitted_by").prefetch_related(
        Prefetch(
            "flags",
            queryset=WarningFlag.objects.annotate(severity_rank=SEVERITY_ORDER).order_by(
                "-severity_rank", "rule"
            ),
        )
    )


def symptom_reports_for_athlete(
    user: User | AnonymousUser, athlete: Athlete
) -> QuerySet[SymptomReport]:
    return symptom_reports_visible_to(user).filter(athlete=athlete)


# How many of her latest symptom reports a page lists beside her weekly check-ins.
RECENT_REPORTS = 10


def recent_symptom_reports(user: User, athlete: Athlete) -> list[SymptomReport]:
    return list(symptom_reports_for_athlete(user, athlete)[:RECENT_REPORTS])


def symptom_report_for(user: User | AnonymousUser, pk: int) -> SymptomReport:
    try:
        return symptom_reports_visible_to(user).get(pk=pk)
    except SymptomReport.DoesNotExist:
        raise Http404("No such symptom report.") from None


def open_high_flags_by_coach(
    coach_ids: Collection[int],
) -> dict[int, list[tuple[Athlete, list[WarningFlag]]]]:
    """For the daily digest: each coach's open high flags (open or acknowledged, athlete not
    archived), by athlete in name order, newest first. One query whatever the numbers."""
    flags = (
        WarningFlag.objects.filter(
            athlete__coach_id__in=coach_ids,
            athlete__archived=False,
            severity="high",
            status__in=("open", "acknowledged"),
        )
        .select_related("athlete")
        .order_by("athlete__first_name", "athlete__last_name", "athlete_id", "-created_at")
    )
    result: dict[int, list[tuple[Athlete, list[WarningFlag]]]] = {}
    for flag in flags:
        rows = result.setdefault(flag.athlete.coach_id, [])
        if not rows or rows[-1][0].pk != flag.athlete_id:
            rows.append((flag.athlete, []))
        rows[-1][1].append(flag)
    return result
