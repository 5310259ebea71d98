"""Writes of check-ins: validate, save, keep history, announce after commit."""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet
from django.forms.models import model_to_dict
from django.utils import timezone
from django.utils.formats import date_format
from kombu.exceptions import OperationalError as BrokerError

from athletes.access import is_coach_side
from athletes.models import Athlete, HighFlagDelivery, User
from athletes.selectors import (
    RosterChunk,
    athlete_facts,
    athletes_for_scan,
    notification_preferences_for,
    roster_chunks,
)
from athletes.services import athlete_touch
from clinical import rules
from clinical.facts import HIGH, SEVERITY_RANK, CheckInFacts, Flag
from clinical.symptoms import SYMPTOM_FIELDS, red_flags
from clinical.thresholds import CHECKIN_RANGES, PAIN_MEDIUM, RULE_HISTORY_WEEKS
from web.weeks import monday_of

from . import windows
from .models import (
    CheckInRevision,
    EmailLog,
    FlagStatus,
    SymptomReport,
    WarningFlag,
    WeeklyCheckIn,
)
from .notifications import high_flags_email
from .signals import checkin_committed, symptom_reported

logger = logging.getLogger(__name__)

# Fields a submit or edit may set; ``week``, ``athlete``, ``submitted_by`` and
# ``sessions_planned`` are set by the service itself.
EDITABLE_FIELDS = (
    "sessions_completed",
    "run_minutes",
    "walk_minutes",
    "longest_session_minutes",
    "longest_run_minutes",
    "effort",
    "energy",
    "sleep_hours",
    "sleep_quality",
    "mood",
    "stress",
    "soreness",
    "pain",
    "pain_location",
    "leakage",
    "urgency",
    "heaviness",
    "pelvic_pain",
    "bleeding",
    "abdominal_doming",
    "feeling_low",
    "periods_returned",
    "breastfeeding",
    "unavailable_days",
    "notes",
)


def week_for(athlete: Athlete, day: date, *, by: User) -> date:
    """Validate and normalise a reported week: any day inside it gives its Monday.

    A week whose check-in has not opened yet is refused for everyone (SPEC §11); a week whose
    window has closed only for her: her coach (or staff) may enter any older week after the
    birth, as history that decides nothing for the future."""
    week = monday_of(day)
    today = athlete.today()
    if today < windows.opens_on(week):
        raise ValidationError({"week": windows.not_open_yet_message(week)})
    if week + timedelta(days=6) < athlete.delivery_date:
        raise ValidationError({"week": "That week is before the baby's birth."})
    if today > windows.closes_on(week) and not is_coach_side(by):
        raise ValidationError({"week": windows.closed_message(week)})
    return week


def is_editable(checkin: WeeklyCheckIn, athlete: Athlete) -> bool:
    return athlete.today() <= checkin.edit_deadline


def _no_effort_without_sessions(checkin: WeeklyCheckIn) -> None:
    # Effort rates the sessions done; with none done there is nothing to rate.
    if checkin.sessions_completed == 0:
        checkin.effort = None


def _announce(
    checkin: WeeklyCheckIn, *, created: bool, live: bool, red_flags_before: list[str] | None = None
) -> None:
    checkin_id, athlete_id, week = checkin.pk, checkin.athlete_id, checkin.week
    before = list(red_flags_before or [])

    def send() -> None:
        # Robust: a failing receiver is logged and never stops the others or the rules below.
        for receiver, outcome in checkin_committed.send_robust(
            sender=WeeklyCheckIn,
            checkin_id=checkin_id,
            athlete_id=athlete_id,
            week=week,
            created=created,
            live=live,
            red_flags_before=before,
        ):
            if isinstance(outcome, Exception):
                logger.error(
                    "checkin_committed receiver failed receiver=%s checkin=%s",
                    getattr(receiver, "__qualname__", receiver),
                    checkin_id,
                    exc_info=outcome,
                )
        # The warning rules last, explicitly: the layer above records what her plan held in
        # its receiver, and the spike rules read it.
        from .receivers import queue_warning_evaluation  # tasks import this module

        queue_warning_evaluation(checkin_id=checkin_id, athlete_id=athlete_id, week=week)

    # robust: a failure here is logged by Django and never undoes the saved check-in.
    transaction.on_commit(send, robust=True)


@transaction.atomic
def checkin_submit(
    *, athlete: Athlete, week: date, data: dict[str, Any], by: User
) -> WeeklyCheckIn:
    """Store her report of ``week`` (any day in it). One per athlete and week: a second submit,
    even a concurrent one, gets a ``ValidationError`` and writes nothing."""
    monday = week_for(athlete, week, by=by)
    checkin = WeeklyCheckIn(athlete=athlete, week=monday, submitted_by=by)
    for name in EDITABLE_FIELDS:
        if name in data:
            setattr(checkin, name, data[name])
    _no_effort_without_sessions(checkin)
    checkin.full_clean(validate_constraints=False)
    duplicate = ValidationError({"week": "There is already a check-in for this week."})
    if WeeklyCheckIn.objects.filter(athlete=athlete, week=monday).exists():
        raise duplicate
    try:
        # A savepoint, so that losing the race to a concurrent submit leaves the outer
        # transaction usable; the unique constraint is the arbiter.
        with transaction.atomic():
            checkin.save(force_insert=True)
    except IntegrityError:
        raise duplicate from None
    athlete_touch(athlete_id=athlete.pk)
    logger.info("checkin submitted checkin=%s athlete=%s by=%s", checkin.pk, athlete.pk, by.pk)
    # Judged when it is written: a week still open is live; an older one, history.
    _announce(checkin, created=True, live=windows.is_open(monday, athlete.today()))
    return checkin


@transaction.atomic
def checkin_update(*, checkin: WeeklyCheckIn, data: dict[str, Any], by: User) -> WeeklyCheckIn:
    """Change a check-in within its window (to the end of the following week), keeping the
    previous values as a revision."""
    checkin = WeeklyCheckIn.objects.select_for_update().select_related("athlete").get(pk=checkin.pk)
    athlete = checkin.athlete
    if not is_editable(checkin, athlete):
        deadline = date_format(checkin.edit_deadline, "l j F")
        raise ValidationError(
            f"This check-in could be changed until {deadline}; that time has passed."
        )
    before = model_to_dict(checkin, fields=EDITABLE_FIELDS)
    flags_before = red_flags(CheckInFacts.of(checkin), athlete_facts(athlete))
    for name in EDITABLE_FIELDS:
        if name in data:
            setattr(checkin, name, data[name])
    _no_effort_without_sessions(checkin)
    checkin.full_clean(validate_constraints=False)
    after = model_to_dict(checkin, fields=EDITABLE_FIELDS)
    changed = [name for name in EDITABLE_FIELDS if before[name] != after[name]]
    if not changed:
        return checkin
    CheckInRevision.objects.create(
        checkin=checkin,
        values={k: (str(v) if k == "sleep_hours" else v) for k, v in before.items()},
        changed_fields=changed,
        revised_by=by,
    )
    checkin.evaluated_at = None  # this version is not judged yet
    checkin.save()
    athlete_touch(athlete_id=athlete.pk)
    logger.info("checkin updated checkin=%s athlete=%s by=%s", checkin.pk, athlete.pk, by.pk)
    _announce(
        checkin,
        created=False,
        live=windows.is_open(checkin.week, athlete.today()),
        red_flags_before=flags_before,
    )
    return checkin


@dataclass(frozen=True)
class PlannedWeek:
    """What her plan held for a week: the sessions she counts, the minutes of running, the
    longest session with running in it. None where there was no plan to say."""

    sessions: int | None
    run_minutes: int | None = None
    longest_run_minutes: int | None = None


def checkin_set_planned(*, checkin_id: int, planned: PlannedWeek) -> None:
    """Record what her plan held that week. The plans layer, above this one, knows and calls
    this once the check-in is committed, before her warning signs are evaluated (the spike
    rules judge what she did beyond her plan); only these columns are written (an UPDATE, no
    revision: it is not something she or her coach reported)."""
    sessions = planned.sessions
    if sessions is not None:
        # A coach may put more sessions in a week than a check-in can report (0–14).
        low, high = CHECKIN_RANGES["sessions_planned"]
        sessions = max(int(low), min(sessions, int(high)))
    WeeklyCheckIn.objects.filter(pk=checkin_id).update(
        sessions_planned=sessions,
        planned_run_minutes=planned.run_minutes,
        planned_longest_run_minutes=planned.longest_run_minutes,
    )


# --- Warning flags ---------------------------------------------------------------------------


def _flag_row(
    athlete_id: int, flag: Flag, checkin_id: int | None, symptom_report_id: int | None = None
) -> WarningFlag:
    return WarningFlag(
        athlete_id=athlete_id,
        checkin_id=checkin_id,
        symptom_report_id=symptom_report_id,
        rule=flag.rule,
        severity=flag.severity,
        week=flag.week,
        summary=flag.summary[:400],
        evidence=flag.evidence,
    )


def _queue_notifications(flag_ids: list[int]) -> None:
    """E-mail the coach about new high flags, after the flags are committed: one task for
    the flags of one evaluation (one check-in or one symptom report), one e-mail for them."""
    if flag_ids:
        transaction.on_commit(lambda: _queue_now(flag_ids), robust=True)


def _queue_now(flag_ids: list[int]) -> int:
    """Queue one e-mail task for these committed flags (one evaluation's, or one athlete's
    pending ones); returns how many flags the broker took."""
    from .tasks import notify_high_flags

    ids = sorted(flag_ids)
    try:
        notify_high_flags.delay(ids)
    except BrokerError:
        # The flags are saved with notified_at empty; the next scan queues them again.
        logger.warning("could not queue notify_high_flags flags=%s: broker unreachable", ids)
        return 0
    return len(ids)


def _escalate(existing: WarningFlag, new: WarningFlag) -> bool:
    """A more severe finding for the same athlete, rule and week reopens the flag."""
    if SEVERITY_RANK[new.severity] <= SEVERITY_RANK[existing.severity]:
        return False
    existing.severity, existing.summary, existing.evidence = new.severity, new.summary, new.evidence
    # The summary and evidence are now the new finding's, so the flag points at the report
    # that made it (none, if the week's check-in did); the week's check-in stays linked.
    existing.checkin_id = new.checkin_id or existing.checkin_id
    existing.symptom_report_id = new.symptom_report_id
    existing.status, existing.notified_at = FlagStatus.OPEN, None
    existing.acknowledged_by = existing.acknowledged_at = None
    existing.resolved_by = existing.resolved_at = None
    existing.save()
    return True


@transaction.atomic
def flags_raise(
    *,
    athlete: Athlete,
    flags: list[Flag],
    checkin_ids: dict[date, int],
    symptom_report_id: int | None = None,
) -> list[WarningFlag]:
    """Store the flags a rule evaluation produced (of her check-ins, or of one symptom report,
    ``symptom_report_id``). Idempotent: a flag that exists for the same athlete, rule and week
    is kept (and escalated if the new one is more severe, which reopens it); concurrent runs
    are settled by the unique constraint. Returns the flags created or escalated."""
    created: list[WarningFlag] = []
    for flag in flags:
        row = _flag_row(athlete.pk, flag, checkin_ids.get(flag.week), symptom_report_id)
        try:
            with transaction.atomic():
                row.save(force_insert=True)
        except IntegrityError:
            existing = WarningFlag.objects.select_for_update().get(
                athlete=athlete, rule=flag.rule, week=flag.week
            )
            if _escalate(existing, row):
                created.append(existing)
            elif existing.checkin_id is None and row.checkin_id is not None:
                # Raised earlier in the week by a symptom report: the week's check-in, which
                # says the same, is linked to it rather than raising it a second time.
                existing.checkin_id = row.checkin_id
                existing.save(update_fields=["checkin", "updated_at"])
            continue
        created.append(row)
    for row in created:
        # The rule's name can say what she reported (bleeding, pain): the id is enough.
        logger.info("flag raised flag=%s athlete=%s severity=%s", row.pk, athlete.pk, row.severity)
    _queue_notifications([f.pk for f in created if f.severity == HIGH])
    return created


def warnings_evaluate(*, athlete: Athlete, week: date) -> list[WarningFlag]:
    """Run the check-in rules for her check-in of ``week``."""
    started = timezone.now()
    since = week - timedelta(weeks=RULE_HISTORY_WEEKS)
    rows = list(athlete.checkins.filter(week__gte=since, week__lte=week))
    facts = [CheckInFacts.of(c) for c in rows]
    flags = rules.evaluate_checkin(athlete_facts(athlete), facts, week)
    raised = flags_raise(athlete=athlete, flags=flags, checkin_ids={c.week: c.pk for c in rows})
    _mark_evaluated([c.pk for c in rows if c.week == week], started)
    return raised


def _mark_evaluated(checkin_ids: list[int], started) -> None:
    """Record that the rules judged these check-ins as they were when the run ``started``;
    a version saved since is left for its own evaluation (queued by the edit) or the scan."""
    if checkin_ids:
        WeeklyCheckIn.objects.filter(
            pk__in=checkin_ids, evaluated_at__isnull=True, updated_at__lte=started
        ).update(evaluated_at=timezone.now())


# --- Anytime symptom reports -------------------------------------------------------------------

REPORT_FIELDS = (*SYMPTOM_FIELDS, "pain", "pain_location", "notes")
EMPTY_REPORT = (
    f"Tick what you noticed, or give a pain score of {PAIN_MEDIUM} or more. "
    "If all is well, there is nothing to report."
)


def _announce_report(report: SymptomReport, *, red: list[str], reported_on: date) -> None:
    report_id, athlete_id = report.pk, report.athlete_id

    def send() -> None:
        symptom_reported.send(
            sender=SymptomReport,
            report_id=report_id,
            athlete_id=athlete_id,
            red_flags=list(red),
            reported_on=reported_on,
        )

    # robust: a receiver's failure is logged by Django and never undoes the saved report.
    transaction.on_commit(send, robust=True)


@transaction.atomic
def symptom_report_submit(*, athlete: Athlete, data: dict[str, Any], by: User) -> SymptomReport:
    """Store a symptom she noticed, now, and raise its flags at once (SPEC §11).

    A report must say something (``clinical.rules.report_is_empty``): an empty one gets a
    ``ValidationError`` and writes nothing. Its flags are raised in the same transaction by
    the check-in rules for symptoms and pain, through ``flags_raise``: one per athlete, rule
    and week, so the week's check-in saying the same raises nothing new, and a high flag
    e-mails the coach once, after the commit. After the commit ``symptom_reported`` is sent
    with the report's red flags (see ``checkins.signals``).
    """
    now = timezone.now()
    reported_on = now.astimezone(athlete.tz).date()
    report = SymptomReport(
        athlete=athlete, reported_at=now, week=monday_of(reported_on), submitted_by=by
    )
    for name in REPORT_FIELDS:
        if name in data:
            setattr(report, name, data[name])
    report.full_clean(validate_constraints=False)  # the field validators hold the same ranges
    facts = report.facts()
    if rules.report_is_empty(facts):
        raise ValidationError(EMPTY_REPORT)
    report.save()
    profile = athlete_facts(athlete)
    flags_raise(
        athlete=athlete,
        flags=rules.evaluate_report(profile, facts),
        checkin_ids={},
        symptom_report_id=report.pk,
    )
    athlete_touch(athlete_id=athlete.pk)
    # Ids only: what she reported is health data.
    logger.info("symptom report submitted report=%s athlete=%s by=%s", report.pk, athlete.pk, by.pk)
    _announce_report(report, red=red_flags(facts, profile), reported_on=reported_on)
    return report


@transaction.atomic
def flag_acknowledge(*, flag: WarningFlag, by: User) -> WarningFlag:
    flag = WarningFlag.objects.select_for_update().get(pk=flag.pk)
    if flag.status == FlagStatus.RESOLVED:
        raise ValidationError("This flag is already resolved.")
    if flag.status == FlagStatus.OPEN:
        flag.status = FlagStatus.ACKNOWLEDGED
        flag.acknowledged_by, flag.acknowledged_at = by, timezone.now()
        flag.save()
        logger.info("flag acknowledged flag=%s by=%s", flag.pk, by.pk)
    return flag


@transaction.atomic
def flag_resolve(*, flag: WarningFlag, by: User, note: str) -> WarningFlag:
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": "Say what was done or decided, for the record."})
    if len(note) > 2000:
        raise ValidationError({"note": "Keep the note under 2,000 characters."})
    flag = WarningFlag.objects.select_for_update().get(pk=flag.pk)
    if flag.status == FlagStatus.RESOLVED:
        raise ValidationError("This flag is already resolved.")
    now = timezone.now()
    if flag.acknowledged_at is None:
        flag.acknowledged_by, flag.acknowledged_at = by, now
    flag.status = FlagStatus.RESOLVED
    flag.resolved_by, flag.resolved_at, flag.resolution_note = by, now, note
    flag.save()
    logger.info("flag resolved flag=%s by=%s", flag.pk, by.pk)
    return flag


SCAN_RECENT_DAYS = 14
SCAN_CHUNK_SIZE = 500
# The columns of a check-in the rules read (CheckInFacts), read as plain values by the scan.
_FACT_COLUMNS = tuple(CheckInFacts.__dataclass_fields__)


def scan_chunks(*, chunk_size: int | None = None) -> list[RosterChunk]:
    """The daily scan's units of work: whole rosters (``roster_chunks``), so that each coach
    is told of her new high flags in one task per scan, whichever worker runs her chunk, and
    a chunk is named by a handful of coach ids, not thousands of athlete ids."""
    return roster_chunks(chunk_size=chunk_size or SCAN_CHUNK_SIZE)


def warnings_scan(*, chunk_size: int | None = None) -> dict[str, int]:
    """Evaluate every active athlete, chunk after chunk, in this process: the check-in rules
    for her check-ins of the last two weeks and for any check-in never evaluated, however old
    (one saved while the broker was down is caught up), and the missed check-in rule. The
    daily task runs the same chunks in parallel over the workers (``tasks.scan_warnings``).
    Safe to run twice or alongside check-in evaluations."""
    chunks = scan_chunks(chunk_size=chunk_size)
    queued = warnings_renotify()
    raised = 0
    for chunk in chunks:
        done = warnings_scan_chunk(coach_ids=chunk.coach_ids)
        raised += done["flags"]
        queued += done["notifications"]
    athletes = sum(chunk.athletes for chunk in chunks)
    logger.info("warnings scan athletes=%d flags=%d notified=%d", athletes, raised, queued)
    return {"athletes": athletes, "flags": raised, "notifications": queued}


def warnings_renotify() -> int:
    """Queue again the e-mails of high flags never sent (broker down, crash) of athletes
    archived since: the scan's chunks cover the active ones (``warnings_scan_chunk``).
    Returns how many flags were queued (none while the broker refuses them)."""
    archived = WarningFlag.objects.filter(athlete__archived=True)
    return sum(_queue_now(ids) for ids in _pending_by_coach(archived).values())


def _pending_by_coach(flags) -> dict[int, list[int]]:
    """The open high flags among ``flags`` whose e-mail was never sent, by coach: one task per
    coach, which writes one e-mail per check-in or report among them (``high_flags_notify``)."""
    by_coach: dict[int, list[int]] = {}
    for coach_id, flag_id in (
        flags.filter(severity=HIGH, notified_at__isnull=True, status=FlagStatus.OPEN)
        .order_by("athlete__coach_id", "pk")
        .values_list("athlete__coach_id", "pk")
    ):
        by_coach.setdefault(coach_id, []).append(flag_id)
    return by_coach


def warnings_scan_chunk(*, coach_ids: list[int]) -> dict[str, int]:
    """One chunk of the scan, the active athletes of these coaches: their flags raised in one
    transaction, then, once committed, each coach told of her high flags not yet sent, in one
    task. Returns the athletes scanned, the flags raised or escalated and the flags whose
    e-mail was queued."""
    roster = Athlete.objects.active().filter(coach_id__in=coach_ids)
    athletes, raised = _scan_chunk_flags(roster)
    # The high flags it raised, and any of theirs an earlier run left unsent (broker down,
    # crash): one task per coach.
    pending = _pending_by_coach(WarningFlag.objects.filter(athlete__in=roster))
    queued = sum(_queue_now(ids) for ids in pending.values())
    return {"athletes": athletes, "flags": raised, "notifications": queued}


# A finding of the scan, as plain values: (athlete, rule, week, severity, check-in, flag).
_Finding = tuple[int, str, date, str, int | None, Flag]


@transaction.atomic
def _scan_chunk_flags(roster: QuerySet[Athlete]) -> tuple[int, int]:
    """The flags of one chunk, in a fixed handful of queries whatever its size (plain
    columns; model instances only for the flags to insert), plus the inserts. Returns the
    athletes scanned and the flags raised or escalated."""
    started = timezone.now()
    athletes = athletes_for_scan(roster)
    if not athletes:
        return 0, 0
    ids = roster.values("pk")
    todays = {a.pk: a.today() for a in athletes}
    recent_since = min(monday_of(day) for day in todays.values()) - timedelta(
        weeks=RULE_HISTORY_WEEKS + 1
    )
    # Check-ins never evaluated, however old, and the weeks of history their rules read.
    stale: dict[int, date] = {}
    for athlete_id, week in WeeklyCheckIn.objects.filter(
        athlete_id__in=ids, evaluated_at__isnull=True
    ).values_list("athlete_id", "week"):
        stale[athlete_id] = min(week, stale.get(athlete_id, week))
    window = Q(week__gte=recent_since)
    for athlete_id, week in stale.items():
        if week < recent_since:
            window |= Q(athlete_id=athlete_id, week__gte=week - timedelta(weeks=RULE_HISTORY_WEEKS))
    by_athlete: defaultdict[int, list[tuple]] = defaultdict(list)
    for row in (
        WeeklyCheckIn.objects.filter(window, athlete_id__in=ids)
        .order_by()
        .annotate(never_evaluated=ExpressionWrapper(Q(evaluated_at=None), BooleanField()))
        .values_list("pk", "athlete_id", "never_evaluated", *_FACT_COLUMNS)
    ):
        by_athlete[row[1]].append(row)
    findings: list[_Finding] = []
    evaluated: list[int] = []
    for athlete in athletes:
        checkins = sorted(by_athlete[athlete.pk], key=lambda r: r[3])  # by week
        facts = [CheckInFacts(*r[3:]) for r in checkins]
        checkin_of = {r[3]: r[0] for r in checkins}
        today = todays[athlete.pk]
        for row, fact in zip(checkins, facts, strict=True):
            if row[2] or (today - fact.week).days <= SCAN_RECENT_DAYS + 6:
                for flag in rules.evaluate_checkin(athlete.facts, facts, fact.week):
                    findings.append(
                        (
                            athlete.pk,
                            flag.rule,
                            flag.week,
                            flag.severity,
                            checkin_of.get(flag.week),
                            flag,
                        )
                    )
                if row[2]:
                    evaluated.append(row[0])
        missed = rules.rule_missed_checkins(athlete.facts, facts, monday_of(today))
        if missed is not None:
            findings.append((athlete.pk, missed.rule, missed.week, missed.severity, None, missed))
    _mark_evaluated(evaluated, started)
    return len(athletes), _store_findings(ids, findings)


def _store_findings(athlete_ids: QuerySet, findings: list[_Finding]) -> int:
    """Insert the findings not stored yet; raise the severity of a stored flag that a finding
    now judges more severe (rare: an edit whose evaluation never ran). Returns how many."""
    if not findings:
        return 0
    weeks = [f[2] for f in findings]
    existing = {
        (athlete_id, rule, week): (pk, severity)
        for athlete_id, rule, week, pk, severity in WarningFlag.objects.filter(
            athlete_id__in=athlete_ids, week__gte=min(weeks), week__lte=max(weeks)
        )
        .order_by()
        .values_list("athlete_id", "rule", "week", "pk", "severity")
    }
    new = [
        _flag_row(athlete_id, flag, checkin_id)
        for athlete_id, rule, week, _, checkin_id, flag in findings
        if (athlete_id, rule, week) not in existing
    ]
    # ignore_conflicts: a concurrent evaluation may insert the same flag in between.
    WarningFlag.objects.bulk_create(new, ignore_conflicts=True)
    escalated = 0
    for athlete_id, rule, week, severity, checkin_id, flag in findings:
        stored = existing.get((athlete_id, rule, week))
        if stored is not None and SEVERITY_RANK[severity] > SEVERITY_RANK[stored[1]]:
            locked = WarningFlag.objects.select_for_update().get(pk=stored[0])
            escalated += _escalate(locked, _flag_row(athlete_id, flag, checkin_id))
    return len(new) + escalated


# --- E-mails ---------------------------------------------------------------------------------


def _flag_source(flag: WarningFlag) -> tuple[str, int | date]:
    """What raised it, for grouping: a symptom report, else a check-in, else its week."""
    if flag.symptom_report_id is not None:
        return ("report", flag.symptom_report_id)
    if flag.checkin_id is not None:
        return ("checkin", flag.checkin_id)
    return ("week", flag.week)


@transaction.atomic
def high_flags_notify(*, flag_ids: list[int]) -> int:
    """Tell each coach about new high flags: one e-mail per check-in or symptom report that
    raised them, listing them all, with a link to her athlete page (SPEC §12). A coach who
    chose "in the daily digest only" gets none here; the digest lists them.

    Idempotent: the flags are claimed (``notified_at``) in the same transaction that stores
    the e-mail in the outbox, under locks; a flag already claimed is skipped, so a retry or
    a second scan never writes a second e-mail. Returns the number of e-mails queued."""
    flags = list(
        WarningFlag.objects.select_for_update(of=("self",))
        .filter(pk__in=flag_ids, severity=HIGH, notified_at__isnull=True)
        .select_related("athlete__coach__notification_preferences", "symptom_report", "checkin")
        .order_by("pk")
    )
    if not flags:
        return 0
    WarningFlag.objects.filter(pk__in=[f.pk for f in flags]).update(notified_at=timezone.now())
    groups: dict[tuple[int, str, int | date], list[WarningFlag]] = {}
    for flag in flags:
        groups.setdefault((flag.athlete_id, *_flag_source(flag)), []).append(flag)
    queued = 0
    for group in groups.values():
        athlete = group[0].athlete
        coach = athlete.coach
        if notification_preferences_for(coach).high_flags == HighFlagDelivery.DIGEST:
            logger.info("high flags held for the digest flags=%s", [f.pk for f in group])
            continue
        if high_flags_email(athlete=athlete, coach=coach, flags=group) is not None:
            queued += 1
            logger.info("high flags e-mailed flags=%s coach=%s", [f.pk for f in group], coach.pk)
    return queued


def email_claim(*, kind: str, user: User, key: str) -> bool:
    """True once per (kind, user, key): the caller may send; False if already sent."""
    try:
        with transaction.atomic():
            EmailLog.objects.create(kind=kind, user=user, key=key)
    except IntegrityError:
        return False
    return True
