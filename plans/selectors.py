"""Reads of the plans layer, and the snapshots the progression engine is fed."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.http import Http404

from athletes.models import Athlete, User
from athletes.selectors import athlete_facts, roster_for_coach, with_clinical_records
from checkins.models import SymptomReport, WarningFlag, WeeklyCheckIn
from checkins.selectors import SEVERITY_ORDER, due_condition, open_flag_counts
from checkins.services import PlannedWeek
from clinical import protocol
from clinical.facts import AthleteFacts, CheckInFacts
from clinical.gates import red_flag_day
from clinical.guidance import Note, notes_for
from clinical.guidance import Profile as GuidanceProfile
from clinical.progression import Snapshot, WeekPosition, safety_gates_for
from clinical.protocol import COUNTED_KINDS
from clinical.symptoms import red_flags
from clinical.thresholds import ENGINE_HISTORY_WEEKS, PAIN_HIGH
from web.weeks import monday_of

from .models import (
    OPEN_STATUSES,
    Decision,
    PlannedSession,
    PlanPause,
    PlanWeek,
    WeekReason,
)


def engine_snapshot(athlete: Athlete, for_week: date) -> Snapshot:
    since = for_week - timedelta(weeks=ENGINE_HISTORY_WEEKS)
    checkins = WeeklyCheckIn.objects.filter(athlete=athlete, week__gte=since, week__lt=for_week)
    history = [
        WeekPosition(*row)
        for row in PlanWeek.objects.filter(
            plan__athlete=athlete, week__gte=since, week__lt=for_week
        ).values_list("week", "stage", "level")
    ]
    # Where she stood in the week before the one decided: the latest published before it.
    latest = max(history, key=lambda p: p.week, default=None)
    paused_since = (
        PlanPause.objects.filter(plan__athlete=athlete, lifted_at__isnull=True)
        .values_list("started_on", flat=True)
        .first()
    )
    facts = athlete_facts(athlete)
    return Snapshot(
        for_week=for_week,
        athlete=facts,
        stage=latest.stage if latest else athlete.stage or "walk",
        level=latest.level if latest else athlete.level or 1,
        history=tuple(history),
        checkins=tuple(CheckInFacts.of(c) for c in checkins),
        paused_since=paused_since,
        last_red_flag_on=red_flag_on_record(athlete, facts, before=for_week, since=since),
    )


# A check-in or report that could hold a red flag (the core says which do).
_MAYBE_RED = (
    Q(leakage=True)
    | Q(urgency=True)
    | Q(heaviness=True)
    | Q(pelvic_pain=True)
    | Q(abdominal_doming=True)
    | Q(bleeding=True)
    | Q(pain__gte=PAIN_HIGH)
)


def red_flag_on_record(
    athlete: Athlete, facts: AthleteFacts, *, before: date, since: date
) -> date | None:
    """Her latest red flag outside the engine's window of check-ins: in an older check-in, or
    an anytime symptom report before ``before`` (its local day). Two queries."""
    days = [
        day
        for c in WeeklyCheckIn.objects.filter(_MAYBE_RED, athlete=athlete, week__lt=since)
        if (day := red_flag_day(CheckInFacts.of(c), facts)) is not None
    ]
    tz = athlete.tz
    days += [
        r.reported_at.astimezone(tz).date()
        for r in SymptomReport.objects.filter(_MAYBE_RED, athlete=athlete, week__lt=before)
        if red_flags(r.facts(), facts)
    ]
    return max(days, default=None)


def plan_week_for(athlete: Athlete, week: date) -> PlanWeek | None:
    return (
        PlanWeek.objects.filter(plan__athlete=athlete, week=week)
        .prefetch_related("sessions")
        .first()
    )


def planned_week(athlete: Athlete | int, week: date) -> PlannedWeek:
    """What her plan held that week (the athlete, or her id): the sessions she counts (walks,
    runs, strength), the minutes of running and the longest run. Two queries."""
    plan_week = (
        PlanWeek.objects.filter(plan__athlete=athlete, week__lte=week).order_by("-week").first()
    )
    if plan_week is None:
        return PlannedWeek(sessions=None)
    sessions = list(plan_week.sessions.all())
    return PlannedWeek(
        sessions=sum(1 for s in sessions if s.kind in COUNTED_KINDS),
        run_minutes=sum(protocol.running_minutes(s) for s in sessions),
        longest_run_minutes=protocol.longest_run(sessions),
    )


PLAN_STATUS_OF_REASON: dict[str, str] = {
    WeekReason.PAUSED: "paused",
    WeekReason.STEPPED_BACK: "stepped_back",
    WeekReason.CARRIED_OVER: "carried_over",
}


@dataclass(frozen=True)
class WeekOverview:
    """Her plan around today: this week, next week once published, and why (SPEC §11)."""

    today: date
    this_monday: date
    this_week: PlanWeek | None  # this week's, or (never expected) the latest before it
    next_week: PlanWeek | None  # published from her Sunday, or when her coach decided it
    pause: PlanPause | None

    @property
    def status(self) -> str:
        """``active``, ``paused``, ``carried_over`` or ``stepped_back`` (SPEC §9)."""
        if self.pause is not None:
            return "paused"
        if self.this_week is None:
            return "active"
        return PLAN_STATUS_OF_REASON.get(self.this_week.reason, "active")

    @property
    def is_current(self) -> bool:
        return self.this_week is not None and self.this_week.week == self.this_monday


def week_overview(athlete: Athlete, today: date) -> WeekOverview:
    """Three queries whatever her history: the weeks, their sessions, an active pause."""
    this_monday = monday_of(today)
    next_monday = this_monday + timedelta(weeks=1)
    weeks = list(
        PlanWeek.objects.filter(plan__athlete=athlete, week__lte=next_monday)
        .select_related("decision")
        .prefetch_related(
            Prefetch("sessions", queryset=PlannedSession.objects.order_by("day", "order", "id"))
        )
        .order_by("-week")[:2]
    )
    next_week = next((w for w in weeks if w.week == next_monday), None)
    this_week = next((w for w in weeks if w.week <= this_monday), None)
    pause = PlanPause.objects.filter(plan__athlete=athlete, lifted_at__isnull=True).first()
    return WeekOverview(today, this_monday, this_week, next_week, pause)


def decisions_visible_to(user: User | AnonymousUser) -> QuerySet[Decision]:
    """Her coach's and staff's; athletes see the weeks decisions lead to, not the decisions."""
    return Decision.objects.visible_to(user).select_related("athlete", "decided_by")


def decision_for_coach(user: User, pk: int) -> Decision:
    try:
        return decisions_visible_to(user).get(pk=pk)
    except Decision.DoesNotExist:
        raise Http404("No such decision.") from None


def pending_decision(athlete: Athlete) -> Decision | None:
    """The decision awaiting her coach: pending, or applied without her and awaiting review."""
    return athlete.decisions.filter(status__in=OPEN_STATUSES).order_by("-week", "-pk").first()


def recent_decisions(athlete: Athlete, limit: int = 8) -> list[Decision]:
    return list(athlete.decisions.select_related("decided_by").order_by("-week")[:limit])


# --- The coach's dashboard -------------------------------------------------------------------

TREND_WEEKS = 8


def _active_roster(coach: User) -> QuerySet[Athlete]:
    return Athlete.objects.visible_to(coach).filter(coach=coach, archived=False)


def roster_zones(coach: User) -> list[str]:
    """The time zones her active athletes live in (one query): what ``checkins_due`` needs
    to judge each of them on her own calendar."""
    return list(_active_roster(coach).order_by().values_list("timezone", flat=True).distinct())


def dashboard_counts(
    coach: User, *, zones: list[str], now: datetime, flags: dict[str, int] | None = None
) -> dict:
    """Open flags by severity (``flags`` if the caller has them already), pending decisions,
    and athletes with a check-in due: an open week, on her own calendar, without one (3
    queries, given ``roster_zones``; 2 given ``flags``)."""
    active = _active_roster(coach)
    return {
        "flags": flags if flags is not None else open_flag_counts(coach),
        "pending_decisions": Decision.objects.filter(
            athlete__in=active, status__in=OPEN_STATUSES
        ).count(),
        "checkins_due": active.filter(due_condition(zones, now)).count(),
    }


# The roster's orders (SPEC §8, issue 12): "need" first by default; the others by column, a
# leading "-" for descending. Each is a list of SQL orderings, ties broken by name.
ROSTER_SORTS = ("need", "name", "weeks", "stage", "checkin", "flags")
DEFAULT_ROSTER_SORT = "need"
_BY_NAME = ("first_name", "last_name", "id")


def roster_sort(value: str) -> str:
    """The sort asked for, or the default for anything unknown."""
    key = value.removeprefix("-")
    return value if key in ROSTER_SORTS and value != "-need" else DEFAULT_ROSTER_SORT


def _roster_order(sort: str, *, by_expiry: bool = True) -> list:
    descending = sort.startswith("-")
    key = sort.removeprefix("-")

    def directed(*fields: str) -> list:
        return [
            F(f).desc(nulls_last=True) if descending else F(f).asc(nulls_first=True) for f in fields
        ]

    if key == "need":
        expiry = ["-need_expiry"] if by_expiry else []
        return ["-need_high", "-need_decision", "-need_checkin", *expiry, *_BY_NAME]
    if key == "name":
        return [*directed("first_name", "last_name"), "id"]
    if key == "weeks":  # weeks postpartum: fewer weeks, a later birth
        return [
            F("delivery_date").asc() if descending else F("delivery_date").desc(),
            *_BY_NAME,
        ]
    if key == "stage":
        return [*directed("stage_rank", "level"), *_BY_NAME]
    if key == "checkin":
        return [*directed("last_checkin_week"), *_BY_NAME]
    return [*directed("top_severity", "open_flag_count"), *_BY_NAME]  # flags


def dashboard_roster(
    coach: User,
    *,
    zones: list[str],
    now: datetime,
    search: str = "",
    stage: str = "",
    flagged: bool = False,
    due: bool = False,
    include_archived: bool = False,
    sort: str = DEFAULT_ROSTER_SORT,
    expiring: Collection[int] = (),
) -> QuerySet[Athlete]:
    """The roster with what each row shows, annotated and sorted in SQL so that a page costs
    the same few queries whatever the number of athletes (prefetch the page with
    ``roster_page``). ``due`` keeps the active athletes with a check-in due (``zones``:
    ``roster_zones``). Sorted as ``roster_sorted`` says."""
    qs = roster_sorted(
        roster_for_coach(coach, search=search, include_archived=include_archived),
        zones=zones,
        now=now,
        sort=sort,
        expiring=expiring,
    )
    if stage:
        qs = qs.filter(stage=stage)
    if flagged:
        qs = qs.filter(Exists(_open_flags_of_row()))
    if due:
        qs = qs.filter(due_condition(zones, now), archived=False)
    return qs


def roster_sorted(
    athletes: QuerySet[Athlete],
    *,
    zones: Collection[str],
    now: datetime,
    sort: str = DEFAULT_ROSTER_SORT,
    expiring: Collection[int] = (),
) -> QuerySet[Athlete]:
    """``athletes`` annotated with what the roster sorts on and sorted in SQL by ``sort``
    (``ROSTER_SORTS``; anything else sorts by need). By need: an open high flag, then a
    decision awaiting her coach (pending, or applied without her), then a check-in due where
    she lives (``zones``: the time zones among them), then an expiring clearance or readiness
    (``expiring``: their ids, from ``expiring_for_roster``), then her name."""
    sort = roster_sort(sort)
    key = sort.removeprefix("-")
    open_flags = _open_flags_of_row()
    # Only what this sort reads: the database computes every sort key for every athlete of
    # the roster, so a key it does not need is work for nothing.
    annotations: dict[str, Any] = {
        # Shown on every row: computed for the page's rows only (after LIMIT).
        "last_checkin_week": Subquery(
            WeeklyCheckIn.objects.filter(athlete=OuterRef("pk"))
            .order_by("-week")
            .values("week")[:1]
        ),
    }
    if key == "need":
        annotations |= {
            "need_high": Exists(open_flags.filter(severity="high")),
            "need_decision": Exists(
                Decision.objects.filter(athlete=OuterRef("pk"), status__in=OPEN_STATUSES)
            ),
            "need_checkin": Case(
                When(Q(archived=False) & due_condition(zones, now), then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            ),
        }
        if expiring:  # none: a constant, which no database sorts by
            annotations["need_expiry"] = Case(
                When(pk__in=list(expiring), then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
    elif key == "stage":
        annotations["stage_rank"] = Case(
            *(When(stage=s.key, then=Value(s.order)) for s in protocol.STAGES),
            default=Value(0),
            output_field=IntegerField(),
        )
    elif key == "flags":
        annotations |= {
            "top_severity": Subquery(
                open_flags.annotate(rank=SEVERITY_ORDER).order_by("-rank").values("rank")[:1]
            ),
            "open_flag_count": Subquery(
                open_flags.order_by().values("athlete").annotate(n=Count("id")).values("n")[:1],
                output_field=IntegerField(),
            ),
        }
    qs = athletes.annotate(**annotations)
    return qs.order_by(*_roster_order(sort, by_expiry=bool(expiring)))


def roster_sort_keys(roster: QuerySet[Athlete]) -> list[str]:
    """The annotations ``roster`` (from ``roster_sorted``) is sorted by."""
    names = []
    for item in roster.query.order_by:
        if isinstance(item, str):
            names.append(item.removeprefix("-"))
        elif isinstance(expression := getattr(item, "expression", None), F):
            names.append(str(getattr(expression, "name", "")))
    return [name for name in names if name in roster.query.annotations]


def _open_flags_of_row() -> QuerySet[WarningFlag]:
    """The open flags of the athlete of the row (``OuterRef``)."""
    return WarningFlag.objects.filter(athlete=OuterRef("pk"), status__in=("open", "acknowledged"))


def safety_gates_failing_now(decision: Decision) -> list[str]:
    """The safety gates that approving ``decision`` would take her past today: for a week in
    an impact stage, those ``safety_gates_for`` finds failing on her records as they are now
    (a clearance may have lapsed since it was computed). A few queries."""
    if decision.to_stage not in protocol.IMPACT_STAGE_KEYS:
        return []
    snapshot = engine_snapshot(decision.athlete, decision.week)
    return sorted({g.key for g in safety_gates_for(snapshot, decision.to_stage) if not g.passed})


def open_decisions(coach: User) -> QuerySet[Decision]:
    """The decisions awaiting this coach (pending, or applied without her) for her active
    athletes, oldest week first, with the athlete."""
    return (
        Decision.objects.filter(athlete__in=_active_roster(coach), status__in=OPEN_STATUSES)
        .select_related("athlete")
        .order_by("week", "athlete__first_name", "athlete__last_name", "id")
    )


def roster_page(athletes: QuerySet[Athlete], this_monday: date) -> QuerySet[Athlete]:
    """Prefetch what a page of the roster shows: clearances and assessments for the badges,
    8 weeks of check-ins for the trend, open flags, a pending decision (five queries for the
    whole page)."""
    since = this_monday - timedelta(weeks=TREND_WEEKS)
    return with_clinical_records(athletes).prefetch_related(
        Prefetch(
            "checkins",
            queryset=WeeklyCheckIn.objects.filter(week__gte=since).order_by("week"),
            to_attr="recent_checkins",
        ),
        Prefetch(
            "flags",
            queryset=WarningFlag.objects.filter(status__in=("open", "acknowledged")).order_by(
                "severity"
            ),
            to_attr="open_flags",
        ),
        Prefetch(
            "decisions",
            queryset=Decision.objects.filter(status__in=OPEN_STATUSES),
            to_attr="pending_decisions",
        ),
    )


# --- Guidance where it applies (SPEC §14) --------------------------------------------------------


def guidance_for(athlete: Athlete, stage: str) -> list[Note]:
    """The guidance notes for her stage and profile (no query)."""
    return notes_for(
        GuidanceProfile(
            stage=stage,
            weeks_postpartum=athlete.weeks_postpartum,
            breastfeeding=athlete.breastfeeding,
            caesarean=athlete.delivery_type.startswith("caesarean"),
            oasi=athlete.is_oasi,
            diastasis=athlete.diastasis_recti == "yes",
            previous_births=athlete.previous_births,
        )
    )
