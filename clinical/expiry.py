"""Expiry warnings (SPEC §12): her clearance or readiness assessment lapsing soon, or before
the next stage she is heading for needs it.

Pure: it takes her facts (``AthleteFacts``), where she stands (stage, level) and her local
today, and uses the same validity rules as the gates (``facts.clearance_that_counts``,
``facts.assessment_valid_until``). The pages, the API and the digest word what it returns
with ``ExpiryWarning.summary``.

Which stage needs what, from the gates (``clinical.gates``, ``clinical.progression``):

- run-walk, the first impact stage, is entered only with a clearance for running and a passed
  readiness assessment valid on the Monday of its first week (``run_walk_gates``);
- every later impact stage is entered (and every level in it climbed) only with a clearance
  for running valid that week (``_impact_clearance_gate``);
- the stages before impact need neither.

"Before the next stage needs it" is judged against the earliest Monday the next stage could
start: next Monday at the soonest, one week per level still to climb in her current stage
(``MIN_WEEKS_AT_LEVEL``), and for run-walk not before 12 weeks postpartum. A record that lapses
before the end of that first week (the very week it is needed) is warned about, however far
off it is: it will not carry her into that stage. Being the earliest possible start, it never
warns about a record that could still be in date when she gets there.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from . import protocol
from .facts import AthleteFacts, assessment_valid_until
from .gates import clears_running
from .thresholds import (
    EXPIRY_WARNING_DAYS,
    MIN_WEEKS_AT_LEVEL,
    RUN_MIN_WEEKS_POSTPARTUM,
    SCOPE_RANK,
    WALK_MIN_WEEKS_POSTPARTUM,
)

CLEARANCE, READINESS = "clearance", "readiness"
RECORD_NAMES = {CLEARANCE: "Medical clearance", READINESS: "Readiness assessment"}

# The first impact stage: the one whose entry gates hold the readiness assessment.
FIRST_IMPACT_STAGE = next(s.key for s in protocol.STAGES if s.impact)


# The stages that wait for weeks since the birth (the gates of ``clinical.gates``).
WEEKS_POSTPARTUM_BEFORE = {
    FIRST_IMPACT_STAGE: RUN_MIN_WEEKS_POSTPARTUM,
    "walk": WALK_MIN_WEEKS_POSTPARTUM,
}


def records_needed_by(stage_key: str) -> frozenset[str]:
    """The records a stage's entry (and each week in it) needs valid."""
    if stage_key == FIRST_IMPACT_STAGE:
        return frozenset({CLEARANCE, READINESS})
    if stage_key in protocol.IMPACT_STAGE_KEYS:
        return frozenset({CLEARANCE})
    return frozenset()


def _day(day: date) -> str:
    return f"{day.day} {day:%b}"


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _first_monday_from(day: date) -> date:
    return day + timedelta(days=-day.weekday() % 7)


def next_stage_start(
    athlete: AthleteFacts, stage_key: str, level: int | None, today: date
) -> tuple[protocol.Stage, date] | None:
    """The stage after ``stage_key`` and the earliest Monday it could start, or None at the
    last stage (or before her plan has a stage)."""
    if stage_key not in protocol.STAGE_BY_KEY:
        return None
    following = protocol.next_stage(stage_key)
    if following is None:
        return None
    current = protocol.stage(stage_key)
    to_climb = max(current.top_level - (level or 1), 0)
    start = _monday(today) + timedelta(weeks=1 + to_climb * MIN_WEEKS_AT_LEVEL)
    weeks_needed = WEEKS_POSTPARTUM_BEFORE.get(following.key)
    if weeks_needed is not None:
        start = max(
            start, _first_monday_from(athlete.delivery_date + timedelta(weeks=weeks_needed))
        )
    return following, start


@dataclass(frozen=True)
class ExpiryWarning:
    record: str  # CLEARANCE or READINESS
    recorded: int  # the record's id, as in its facts
    last_valid_day: date  # inclusive
    days_left: int  # 0: today is its last day
    soon: bool  # lapses within EXPIRY_WARNING_DAYS
    needed_by: str | None = None  # the next stage's key, when it lapses before she gets there
    needed_from: date | None = None  # that stage's earliest Monday

    @property
    def summary(self) -> str:
        """One line a coach reads: what lapses, when, and what it holds up."""
        name = RECORD_NAMES[self.record]
        if self.days_left == 0:
            when = "expires today"
        elif self.days_left == 1:
            when = "expires tomorrow"
        else:
            when = f"expires on {_day(self.last_valid_day)} (in {self.days_left} days)"
        line = f"{name} {when}"
        if self.needed_by and self.needed_from:
            stage = protocol.stage(self.needed_by).name.lower()
            line += (
                f", before {stage} can start (the week of {_day(self.needed_from)} at the earliest)"
            )
        action = "record a new clearance" if self.record == CLEARANCE else "retest her"
        return f"{line}: {action} before then."


def _clearance_warning(
    athlete: AthleteFacts, today: date, needed: tuple[str, date] | None
) -> ExpiryWarning | None:
    current = athlete.clearance_on(today)
    if current is None or current.expires_on is None:
        return None
    last = current.expires_on
    after = athlete.clearance_on(last + timedelta(days=1))
    if after is not None and SCOPE_RANK.get(after.scope, 0) >= SCOPE_RANK.get(current.scope, 0):
        return None  # a renewal is already on file
    needed_by = needed_from = None
    if needed is not None and clears_running(current):
        needed_by, needed_from = needed
    return _warning(CLEARANCE, current.recorded, last, today, needed_by, needed_from)


def _readiness_warning(
    athlete: AthleteFacts, today: date, needed: tuple[str, date] | None
) -> ExpiryWarning | None:
    latest = athlete.latest_assessment(today)
    if latest is None or not latest.passed:
        return None
    last = assessment_valid_until(latest.assessed_on)
    needed_by, needed_from = needed if needed is not None else (None, None)
    return _warning(READINESS, latest.recorded, last, today, needed_by, needed_from)


def _warning(
    record: str,
    recorded: int,
    last: date,
    today: date,
    needed_by: str | None,
    needed_from: date | None,
) -> ExpiryWarning | None:
    days_left = (last - today).days
    if days_left < 0:
        return None  # lapsed already: the badges say "expired"
    soon = days_left <= EXPIRY_WARNING_DAYS
    # Needed through the first week of that stage: lapsing before its Sunday holds it up.
    too_early = needed_from is not None and last < needed_from + timedelta(days=6)
    if not soon and not too_early:
        return None
    return ExpiryWarning(
        record,
        recorded,
        last,
        days_left,
        soon,
        needed_by if too_early else None,
        needed_from if too_early else None,
    )


def expiry_warnings(
    athlete: AthleteFacts, *, stage: str, level: int | None, today: date
) -> list[ExpiryWarning]:
    """Her clearance and readiness assessment that lapse within ``EXPIRY_WARNING_DAYS`` of
    ``today`` (her local date), or before the first week of the next stage that needs them;
    the soonest first. A record already lapsed, or renewed by one on file, warns of nothing."""
    start = next_stage_start(athlete, stage, level, today)
    needs = records_needed_by(start[0].key) if start else frozenset()
    warnings = [
        _clearance_warning(
            athlete, today, (start[0].key, start[1]) if start and CLEARANCE in needs else None
        ),
        _readiness_warning(
            athlete, today, (start[0].key, start[1]) if start and READINESS in needs else None
        ),
    ]
    return sorted((w for w in warnings if w), key=lambda w: (w.last_valid_day, w.record))


def lapse_lookahead(stage_key: str, record: str) -> tuple[timedelta, timedelta | None]:
    """How far ahead a ``record`` (CLEARANCE or READINESS) of an athlete in ``stage_key`` can
    lapse and still be warned about: its last day at most ``ahead`` past her today, or, when
    the second is not None, at most that past her delivery date (the postpartum weeks the next
    stage waits for). For narrowing a search before ``expiry_warnings`` decides; never
    narrower than it: at level 1 of her stage (the most levels still to climb), the next
    stage starts ``1 + (top_level - 1) × MIN_WEEKS_AT_LEVEL`` weeks after this Monday at the
    latest, and a record lapsing before that week's Sunday is the furthest one warned about."""
    soon = timedelta(days=EXPIRY_WARNING_DAYS)
    following = protocol.next_stage(stage_key) if stage_key in protocol.STAGE_BY_KEY else None
    if following is None or record not in records_needed_by(following.key):
        return soon, None
    climb = protocol.stage(stage_key).top_level - 1  # the most levels left: from level 1
    # The Monday after that many levels (from this Monday, on or before today), to its Friday:
    # a record lapsing before its Sunday leaves at least a day of that week uncovered.
    ahead = timedelta(weeks=1 + climb * MIN_WEEKS_AT_LEVEL, days=5)
    weeks_needed = WEEKS_POSTPARTUM_BEFORE.get(following.key)
    # Its first Monday from that day (at most 6 days on), then to that week's Friday.
    after_delivery = None if weeks_needed is None else timedelta(weeks=weeks_needed, days=11)
    return max(soon, ahead), after_delivery
