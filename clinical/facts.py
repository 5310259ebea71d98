"""The plain values the clinical core takes and returns. No ORM: the apps build these from
their rows (``CheckInFacts.of(row)``) and store what the core returns."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, Protocol, TypeVar

from .thresholds import ASSESSMENT_VALID_DAYS


@dataclass(frozen=True)
class CheckInFacts:
    """What a check-in says, as plain values."""

    week: date
    sessions_completed: int = 0
    sessions_planned: int | None = None
    run_minutes: int = 0
    walk_minutes: int = 0
    longest_session_minutes: int = 0
    # Her longest session with running in it (run-walk counts): running is judged against
    # running (SPEC §14), not against her longest walk.
    longest_run_minutes: int = 0
    effort: int | None = None
    energy: int = 3
    sleep_hours: Decimal = Decimal("7")
    sleep_quality: int = 3
    mood: int = 3
    stress: int = 3
    soreness: int = 0
    pain: int = 0
    leakage: bool = False
    urgency: bool = False
    heaviness: bool = False
    pelvic_pain: bool = False
    bleeding: bool = False
    abdominal_doming: bool = False
    feeling_low: bool = False
    periods_returned: bool = False  # a normal period: raises nothing (SPEC §14)
    unavailable_days: int = 0
    # What her plan held that week, filled by the plans layer: the spike rules judge only what
    # she did beyond it (SPEC §14). None when there was no plan to compare with.
    planned_run_minutes: int | None = None
    planned_longest_run_minutes: int | None = None

    @classmethod
    def of(cls, obj: Any) -> CheckInFacts:
        """From any object with the check-in's attributes (a model instance, a row)."""
        values = {name: getattr(obj, name) for name in cls.__dataclass_fields__}
        values["sleep_hours"] = Decimal(str(values["sleep_hours"]))
        return cls(**values)


# --- Validity periods --------------------------------------------------------------------------


def clearance_valid_on(cleared_on: date, expires_on: date | None, day: date) -> bool:
    """A clearance counts from the day it was given through its expiry day, inclusive."""
    return cleared_on <= day and (expires_on is None or day <= expires_on)


def assessment_valid_until(assessed_on: date) -> date:
    """The last day a passed readiness assessment counts (8 weeks, goom2019)."""
    return assessed_on + timedelta(days=ASSESSMENT_VALID_DAYS)


def assessment_counts_on(assessed_on: date, passed: bool, day: date) -> bool:
    return passed and assessed_on <= day <= assessment_valid_until(assessed_on)


class _Clearance(Protocol):
    @property
    def cleared_on(self) -> date: ...
    @property
    def expires_on(self) -> date | None: ...


C = TypeVar("C", bound=_Clearance)


def clearance_that_counts(clearances: Iterable[C], day: date, *, order: Any = None) -> C | None:
    """The clearance that counts on ``day``: the latest given among those valid that day.

    ``order`` breaks ties between two given the same day (the later recorded wins); by
    default the one listed last wins.
    """
    valid = [
        (c.cleared_on, order(c) if order else i, c)
        for i, c in enumerate(clearances)
        if clearance_valid_on(c.cleared_on, c.expires_on, day)
    ]
    if not valid:
        return None
    return max(valid, key=lambda item: (item[0], item[1]))[2]


@dataclass(frozen=True)
class ClearanceFacts:
    cleared_on: date
    scope: str
    expires_on: date | None = None
    recorded: int = 0  # breaks ties between two of the same date: the later recorded counts
    # Running clearance means a pelvic health assessment was done (SPEC §14).
    pelvic_health_assessed: bool = False

    def valid_on(self, day: date) -> bool:
        return clearance_valid_on(self.cleared_on, self.expires_on, day)


@dataclass(frozen=True)
class AssessmentFacts:
    assessed_on: date
    passed: bool
    balance_passed: bool = True
    recorded: int = 0  # breaks ties between two of the same date: the later recorded counts


@dataclass(frozen=True)
class AthleteFacts:
    """What the rules need to know about her, as plain values."""

    delivery_date: date
    stage: str = ""
    clearances: tuple[ClearanceFacts, ...] = ()
    assessments: tuple[AssessmentFacts, ...] = ()
    created_on: date | None = None

    def days_postpartum(self, on: date) -> int:
        return (on - self.delivery_date).days

    def weeks_postpartum(self, on: date) -> int:
        return self.days_postpartum(on) // 7

    def clearance_on(self, day: date) -> ClearanceFacts | None:
        """The clearance that counts: the latest given among those valid that day."""
        return clearance_that_counts(self.clearances, day, order=lambda c: c.recorded)

    def latest_assessment(self, on: date) -> AssessmentFacts | None:
        done = [a for a in self.assessments if a.assessed_on <= on]
        return max(done, key=lambda a: (a.assessed_on, a.recorded), default=None)


# --- What the core returns -----------------------------------------------------------------------


@dataclass(frozen=True)
class Gate:
    """One condition checked, with its outcome in words a coach understands."""

    key: str
    passed: bool
    detail: str


HIGH, MEDIUM, LOW = "high", "medium", "low"
SEVERITIES = (HIGH, MEDIUM, LOW)
SEVERITY_RANK = {LOW: 1, MEDIUM: 2, HIGH: 3}


@dataclass(frozen=True)
class Flag:
    rule: str
    severity: str
    week: date
    summary: str
    evidence: dict[str, Any] = field(default_factory=dict)
