"""Reads of the athletes layer, scoped to who is asking and with their joins already made."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.contrib.auth.models import AnonymousUser
from django.db.models import (
    Case,
    Count,
    DateField,
    Exists,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)
from django.http import Http404
from django.utils import timezone

from clinical.expiry import CLEARANCE, READINESS, ExpiryWarning, expiry_warnings, lapse_lookahead
from clinical.facts import AssessmentFacts, AthleteFacts, ClearanceFacts
from clinical.protocol import STAGES
from clinical.readiness import ASSESSMENT_ITEM_FIELDS, balance_passed
from clinical.thresholds import ASSESSMENT_VALID_DAYS

from .access import can_change_athlete
from .models import (
    Athlete,
    Clearance,
    NotificationPreferences,
    ReadinessAssessment,
    User,
    current_clearance,
    zone_of,
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


@dataclass(frozen=True)
class RosterChunk:
    """A unit of fanned-out work: whole rosters, by coach, and how many active athletes."""

    coach_ids: list[int]
    athletes: int


def roster_chunks(*, chunk_size: int) -> list[RosterChunk]:
    """The active athletes, by roster, in chunks: coaches are added to a chunk until it
    reaches ``chunk_size`` athletes (a coach with more is a chunk of her own). One query. A
    chunk is named by a handful of coach ids, and the task that runs it reads the rosters
    as they are then (the daily scan's and the hourly publication's chunks)."""
    chunks: list[RosterChunk] = []
    coaches: list[int] = []
    athletes = 0
    for coach_id, n in (
        Athlete.objects.active()
        .order_by("coach_id")
        .values_list("coach_id")
        .annotate(n=Count("pk"))
        .values_list("coach_id", "n")
    ):
        if athletes >= chunk_size:
            chunks.append(RosterChunk(coaches, athletes))
            coaches, athletes = [], 0
        coaches.append(coach_id)
        athletes += n
    if coaches:
        chunks.append(RosterChunk(coaches, athletes))
    return chunks


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


@dataclass(frozen=True)
class AthleteScanRow:
    """What the daily warning scan needs of one athlete: where she lives and her facts."""

    pk: int
    tz: ZoneInfo
    facts: AthleteFacts

    def today(self) -> date:
        return timezone.now().astimezone(self.tz).date()


def athletes_for_scan(athletes: QuerySet[Athlete]) -> list[AthleteScanRow]:
    """``athlete_facts`` for many athletes in three queries of plain columns (no model
    instances: the scan reads thousands), in the order of their ids. ``athletes`` is read as
    a subquery: no list of thousands of ids is sent."""
    clearances, assessments = _records_of(athletes.values("pk"))
    rows = []
    for pk, tz_name, delivery_date, stage, created_at in athletes.order_by("pk").values_list(
        "pk", "timezone", "delivery_date", "stage", "created_at"
    ):
        facts = AthleteFacts(
            delivery_date=delivery_date,
            stage=stage,
            created_on=created_at.date() if created_at else None,
            clearances=tuple(clearances[pk]),
            assessments=tuple(assessments[pk]),
        )
        rows.append(AthleteScanRow(pk, zone_of(tz_name), facts))
    return rows


def _records_of(
    athlete_ids: list[int] | QuerySet,
) -> tuple[defaultdict[int, list[ClearanceFacts]], defaultdict[int, list[AssessmentFacts]]]:
    """Their clearances and assessments as facts, by athlete (two queries of plain columns;
    ``athlete_ids`` a list or a subquery of ids)."""
    clearances: defaultdict[int, list[ClearanceFacts]] = defaultdict(list)
    for athlete_id, cleared_on, scope, expires_on, pk, pelvic in (
        # The models' own ordering, as athlete_facts sees them (it breaks ties).
        Clearance.objects.filter(athlete_id__in=athlete_ids).values_list(
            "athlete_id", "cleared_on", "scope", "expires_on", "pk", "pelvic_health_assessed"
        )
    ):
        clearances[athlete_id].append(ClearanceFacts(cleared_on, scope, expires_on, pk, pelvic))
    assessments: defaultdict[int, list[AssessmentFacts]] = defaultdict(list)
    for athlete_id, assessed_on, passed, pk, *items in ReadinessAssessment.objects.filter(
        athlete_id__in=athlete_ids
    ).values_list("athlete_id", "assessed_on", "passed", "pk", *ASSESSMENT_ITEM_FIELDS):
        balance = balance_passed(dict(zip(ASSESSMENT_ITEM_FIELDS, items, strict=True)))
        assessments[athlete_id].append(AssessmentFacts(assessed_on, bool(passed), balance, pk))
    return clearances, assessments


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


# --- The access log of her record (athletes/audit.py) ---------------------------------------

ACCESS_LOG_ON_PAGE = 20

_ACTION_WORDS = {0: "added", 1: "changed", 2: "deleted", 3: "opened"}
# Columns every save touches: not news to whoever reads who changed what.
_BOOKKEEPING = frozenset({"updated_at", "last_activity_at"})


@dataclass(frozen=True)
class AccessRow:
    at: datetime
    who: str
    did: str  # "opened", "changed", …
    record: str  # "check-in #12"
    what: str  # "her page", "check-ins (3 listed)", or the changed fields
    channel: str


def _who(actor: User | None, athlete: Athlete, viewer: User | None) -> str:
    if actor is None:
        return "Stridewise (automatic)"
    if viewer is not None and actor.pk == viewer.pk:
        return "You"
    if actor.pk == athlete.user_id:
        return f"{athlete.first_name} (herself)" if viewer is not None else "You"
    if actor.is_staff and actor.pk != athlete.coach_id:
        return f"{actor.get_full_name()} (Stridewise staff)"
    return actor.get_full_name()


def _row(entry, athlete: Athlete, viewer: User | None) -> AccessRow:
    data = entry.additional_data or {}
    what = data.get("what", "")
    if entry.action == 1 and isinstance(entry.changes, dict):  # a change: which fields
        changed = sorted(set(entry.changes) - _BOOKKEEPING)
        what = ", ".join(name.replace("_", " ") for name in changed)
    return AccessRow(
        at=entry.timestamp,
        who=_who(entry.actor, athlete, viewer),
        did=_ACTION_WORDS.get(entry.action, "—"),
        record=entry.object_repr,
        what=what,
        channel={"web": "web page", "api": "API", "admin": "admin", "system": "system"}.get(
            data.get("channel", ""), data.get("channel", "")
        ),
    )


def access_log_entries(athlete: Athlete):
    """Every row of the access log about her record (views and changes), newest first, with
    the actor joined: one query whatever the number of rows. The caller has already checked
    that the asker may see her (``athlete_for_coach``)."""
    from .audit import about_athlete

    return about_athlete(athlete.pk).select_related("actor").order_by("-timestamp", "-id")


def access_log_rows(entries, athlete: Athlete, *, viewer: User | None) -> list[AccessRow]:
    """The rows as her coach reads them (``viewer=None``: as she reads them, in her export)."""
    return [_row(entry, athlete, viewer) for entry in entries]


def access_log_latest(athlete: Athlete, *, viewer: User) -> tuple[list[AccessRow], bool]:
    """The latest ``ACCESS_LOG_ON_PAGE`` rows for her page, and whether there are more."""
    entries = list(access_log_entries(athlete)[: ACCESS_LOG_ON_PAGE + 1])
    rows = access_log_rows(entries[:ACCESS_LOG_ON_PAGE], athlete, viewer=viewer)
    return rows, len(entries) > ACCESS_LOG_ON_PAGE


# --- Expiry warnings (SPEC §12) ----------------------------------------------------------------


def expiry_warnings_for(athlete: Athlete, on: date | None = None) -> list[ExpiryWarning]:
    """Her clearance and readiness lapsing soon or before her next stage needs them, on her
    local today (prefetch ``clearances`` and ``assessments`` for many; none when archived)."""
    if athlete.archived:
        return []
    return expiry_warnings(
        athlete_facts(athlete),
        stage=athlete.stage,
        level=athlete.level,
        today=on or athlete.today(),
    )


def expiring_for_roster(
    athletes: QuerySet[Athlete],
) -> list[tuple[Athlete, list[ExpiryWarning]]]:
    """The active athletes in ``athletes`` with expiry warnings, each with hers, the soonest
    lapse first, in three queries whatever their number, and with Python work only for the
    few who could have one: SQL first narrows them to those with a clearance or a passed
    assessment lapsing within her stage's look-ahead (``clinical.expiry.lapse_lookahead``;
    days counted from the UTC date, widened by a day either way: no time zone is further
    off); their records are read as plain columns, and ``expiry_warnings`` decides."""
    utc_today = timezone.now().date()
    since, today = utc_today - timedelta(days=1), utc_today + timedelta(days=1)
    candidates = list(
        athletes.filter(archived=False)
        .order_by()
        .select_related(None)
        .only(*_EXPIRING_FIELDS)
        .annotate(
            clearance_until=_lapse_until(CLEARANCE, today),
            readiness_until=_lapse_until(READINESS, today),
        )
        .filter(
            Exists(
                Clearance.objects.filter(
                    athlete=OuterRef("pk"),
                    expires_on__gte=since,
                    expires_on__lte=OuterRef("clearance_until"),
                )
            )
            | Exists(
                ReadinessAssessment.objects.filter(
                    athlete=OuterRef("pk"),
                    passed=True,
                    assessed_on__gte=since - timedelta(days=ASSESSMENT_VALID_DAYS),
                    # Its last day (assessment_valid_until) no later than readiness_until.
                    assessed_on__lte=OuterRef("readiness_until"),
                )
            )
        )
    )
    clearances, assessments = _records_of([a.pk for a in candidates])
    found = []
    for athlete in candidates:
        facts = AthleteFacts(
            delivery_date=athlete.delivery_date,
            stage=athlete.stage,
            created_on=athlete.created_at.date() if athlete.created_at else None,
            clearances=tuple(clearances[athlete.pk]),
            assessments=tuple(assessments[athlete.pk]),
        )
        warnings = expiry_warnings(
            facts, stage=athlete.stage, level=athlete.level, today=athlete.today()
        )
        if warnings:
            found.append((athlete, warnings))
    return sorted(found, key=lambda item: (item[1][0].last_valid_day, item[0].pk))


# What the dashboard, the roster and the digest show of an athlete warned about.
_EXPIRING_FIELDS = (
    "id",
    "coach_id",
    "first_name",
    "last_name",
    "delivery_date",
    "timezone",
    "stage",
    "level",
    "archived",
    "created_at",
)
_NO_BOUND = date(9999, 12, 31)


def _lapse_until(record: str, today: date) -> Case:
    """The last lapse day (for an assessment: the last day assessed) that could still warn an
    athlete of her stage, as SQL: by stage, ``lapse_lookahead``; no bound for a delivery
    recent enough to push the next stage past it."""
    shift = timedelta(0) if record == CLEARANCE else timedelta(days=-ASSESSMENT_VALID_DAYS)
    cases = []
    for stage in STAGES:
        ahead, after_delivery = lapse_lookahead(stage.key, record)
        if after_delivery is not None:
            cases.append(
                When(
                    stage=stage.key,
                    delivery_date__gt=today + ahead - after_delivery,
                    then=Value(_NO_BOUND),
                )
            )
        cases.append(When(stage=stage.key, then=Value(today + ahead + shift)))
    soon, _ = lapse_lookahead("", record)
    return Case(*cases, default=Value(today + soon + shift), output_field=DateField())


def notification_preferences_for(user: User) -> NotificationPreferences:
    """Her notification preferences; the defaults (everything at once) if she never chose.
    The default is not saved: a read never writes."""
    try:
        return user.notification_preferences
    except NotificationPreferences.DoesNotExist:
        return NotificationPreferences(user=user)
