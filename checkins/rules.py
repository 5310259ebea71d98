"""Warning signs and red flags, as pure functions over plain data (no ORM).

Each of the ten rules of SPEC §7 looks at an athlete's check-ins up to one week and her
profile, and returns at most one ``Flag``. The red-flag definitions and the run-walk entry
gates live here too, because the progression engine (``plans.progression``) must judge them
exactly as the warning rules do; the engine imports them from this module.

Every threshold is a module constant below, with its source.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

# --- Thresholds (SPEC §5, §7; sources in SPEC §10) ----------------------------------------------

# Goom et al. 2019; Moore et al. 2021: no running before about 3 months.
RUN_MIN_WEEKS_POSTPARTUM = 12
# Lochia usually settles by 6-8 weeks; bleeding beyond 8 weeks needs review (Goom et al. 2019).
BLEEDING_HIGH_AFTER_DAYS = 8 * 7
PAIN_HIGH = 5  # pain >= 5/10: high flag, pause
PAIN_MEDIUM = 3  # pain 3-4/10: medium flag, step back
FATIGUE_ENERGY_MAX = 2  # energy <= 2/5 ...
FATIGUE_STREAK_WEEKS = 3  # ... on 3 consecutive weekly check-ins: flag
SHORT_SLEEP_HOURS = Decimal("5")  # average < 5 h a night ...
SHORT_SLEEP_WEEKS = 2  # ... on 2 consecutive check-ins
LOW_MOOD_MAX = 2  # mood <= 2/5 ...
LOW_MOOD_WEEKS = 2  # ... on 2 consecutive check-ins
# Nielsen et al. 2014: > 30 % weekly increase and injury; below 30 minutes a week the
# percentage is noise.
LOAD_SPIKE_RATIO = Decimal("1.3")
LOAD_SPIKE_MIN_MINUTES = 30
LOAD_SPIKE_BASELINE_WEEKS = 2
# Frandsen et al. 2025: single sessions > 10 % longer than the longest of the prior 30 days.
LONG_SESSION_RATIO = Decimal("1.1")
LONG_SESSION_BASELINE_WEEKS = 4
MISSED_CHECKIN_WEEKS = 2
ASSESSMENT_VALID_DAYS = 56  # a passed readiness assessment counts for 8 weeks

SCOPE_RANK = {"exercise": 1, "running": 2, "unrestricted": 3}
IMPACT_STAGES = frozenset({"run_walk", "continuous", "build", "trail", "speed"})

PELVIC_FLOOR_SYMPTOMS = ("leakage", "urgency", "heaviness", "pelvic_pain", "abdominal_doming")

HIGH, MEDIUM, LOW = "high", "medium", "low"
SEVERITY_RANK = {LOW: 1, MEDIUM: 2, HIGH: 3}


# --- Plain data ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CheckInFacts:
    """What a check-in says, as plain values."""

    week: date
    sessions_completed: int = 0
    sessions_planned: int | None = None
    run_minutes: int = 0
    walk_minutes: int = 0
    longest_session_minutes: int = 0
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
    unavailable_days: int = 0

    @classmethod
    def of(cls, obj) -> CheckInFacts:
        """From any object with the check-in's attributes (a model instance, a row)."""
        values = {name: getattr(obj, name) for name in cls.__dataclass_fields__}
        values["sleep_hours"] = Decimal(str(values["sleep_hours"]))
        return cls(**values)


@dataclass(frozen=True)
class ClearanceFacts:
    cleared_on: date
    scope: str
    expires_on: date | None = None
    recorded: int = 0  # breaks ties between two of the same date: the later recorded counts

    def valid_on(self, day: date) -> bool:
        return self.cleared_on <= day and (self.expires_on is None or day <= self.expires_on)


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
        valid = [c for c in self.clearances if c.valid_on(day)]
        return max(valid, key=lambda c: (c.cleared_on, c.recorded), default=None)

    def latest_assessment(self, on: date) -> AssessmentFacts | None:
        done = [a for a in self.assessments if a.assessed_on <= on]
        return max(done, key=lambda a: (a.assessed_on, a.recorded), default=None)


@dataclass(frozen=True)
class Gate:
    """One condition checked, with its outcome in words a coach understands."""

    key: str
    passed: bool
    detail: str


@dataclass(frozen=True)
class Flag:
    rule: str
    severity: str
    week: date
    summary: str
    evidence: dict = field(default_factory=dict)


# --- Red flags (SPEC §5 "pause", §7 high pelvic floor / bleeding / pain) ------------------------


def red_flags(checkin: CheckInFacts, athlete: AthleteFacts) -> list[str]:
    """The red-flag symptoms in one check-in, by name; empty when there are none.

    Bleeding is a red flag only beyond 8 weeks postpartum, judged on the Monday of the
    check-in's week; pain counts from 5/10.
    """
    found = [name for name in PELVIC_FLOOR_SYMPTOMS if getattr(checkin, name)]
    if checkin.bleeding and athlete.days_postpartum(checkin.week) > BLEEDING_HIGH_AFTER_DAYS:
        found.append("bleeding")
    if checkin.pain >= PAIN_HIGH:
        found.append("pain")
    return found


# --- Run-walk entry gates (SPEC §5 stage 3) ------------------------------------------------------


def run_walk_gates(
    athlete: AthleteFacts, checkins: Sequence[CheckInFacts], as_of: date
) -> list[Gate]:
    """The entry gates of run-walk, the first impact stage, for the week starting ``as_of``.

    Time-based gates are judged on ``as_of``; the check-in gates look at the check-ins of
    the weeks before ``as_of`` ("the last 2 check-ins", "the last 3 weeks").
    """
    gates: list[Gate] = []
    weeks = athlete.weeks_postpartum(as_of)
    gates.append(
        Gate(
            "weeks_postpartum",
            weeks >= RUN_MIN_WEEKS_POSTPARTUM,
            f"{weeks} weeks postpartum on {as_of:%d %b}; running starts from "
            f"{RUN_MIN_WEEKS_POSTPARTUM} weeks.",
        )
    )
    clearance = athlete.clearance_on(as_of)
    if clearance is None:
        gates.append(Gate("clearance", False, "No medical clearance that is valid on that day."))
    else:
        ok = SCOPE_RANK.get(clearance.scope, 0) >= SCOPE_RANK["running"]
        gates.append(
            Gate(
                "clearance",
                ok,
                f"Cleared for {clearance.scope} on {clearance.cleared_on:%d %b %Y}"
                + ("." if ok else "; running needs a clearance for running or unrestricted."),
            )
        )
    assessment = athlete.latest_assessment(as_of)
    if assessment is None:
        gates.append(Gate("readiness", False, "No readiness assessment recorded."))
    else:
        age = (as_of - assessment.assessed_on).days
        if not assessment.passed:
            gates.append(
                Gate(
                    "readiness",
                    False,
                    f"The assessment of {assessment.assessed_on:%d %b} was not passed.",
                )
            )
        elif age > ASSESSMENT_VALID_DAYS:
            gates.append(
                Gate(
                    "readiness",
                    False,
                    f"The assessment passed on {assessment.assessed_on:%d %b} is {age} days old; "
                    "a pass counts for 8 weeks. Retest.",
                )
            )
        else:
            gates.append(
                Gate(
                    "readiness",
                    True,
                    f"Readiness passed on {assessment.assessed_on:%d %b} ({age} days ago).",
                )
            )
    before = sorted((c for c in checkins if c.week < as_of), key=lambda c: c.week)
    last_two = before[-2:]
    flagged = [(c.week, red_flags(c, athlete)) for c in last_two]
    flagged = [(w, f) for w, f in flagged if f]
    gates.append(
        Gate(
            "no_red_flags",
            not flagged,
            "No red-flag symptom in the last 2 check-ins."
            if not flagged
            else "Red flag in the week of "
            + "; ".join(f"{w:%d %b} ({', '.join(f)})" for w, f in flagged)
            + ".",
        )
    )
    window_start = as_of - timedelta(weeks=3)
    recent = [c for c in before if c.week >= window_start]
    gates.append(
        Gate(
            "recent_checkins",
            len(recent) >= 2,
            f"{len(recent)} check-in(s) in the 3 weeks before; 2 are needed.",
        )
    )
    return gates


# --- The ten warning rules (SPEC §7) ------------------------------------------------------------

Rule = Callable[[AthleteFacts, Sequence[CheckInFacts], CheckInFacts], Flag | None]


def _consecutive(checkins: Sequence[CheckInFacts], upto: CheckInFacts, n: int):
    """The ``n`` check-ins of ``upto``'s week and the weeks just before it, or None if a
    week is missing (a missing week breaks a streak)."""
    by_week = {c.week: c for c in checkins}
    run = []
    for i in range(n):
        c = by_week.get(upto.week - timedelta(weeks=i))
        if c is None:
            return None
        run.append(c)
    return list(reversed(run))


def rule_pelvic_floor(athlete, checkins, latest) -> Flag | None:
    found = [name for name in PELVIC_FLOOR_SYMPTOMS if getattr(latest, name)]
    if not found:
        return None
    words = ", ".join(name.replace("_", " ") for name in found)
    return Flag(
        "pelvic_floor",
        HIGH,
        latest.week,
        f"Pelvic floor symptoms reported: {words}. Stop running; refer to a pelvic health physio.",
        dict.fromkeys(found, True),
    )


def rule_bleeding(athlete, checkins, latest) -> Flag | None:
    if not latest.bleeding:
        return None
    days = athlete.days_postpartum(latest.week)
    late = days > BLEEDING_HIGH_AFTER_DAYS
    return Flag(
        "bleeding",
        HIGH if late else MEDIUM,
        latest.week,
        f"Bleeding reported at {days // 7} weeks {days % 7} day{'s' if days % 7 != 1 else ''} "
        "postpartum"
        + ("; beyond 8 weeks needs a GP review." if late else "; check it is settling."),
        {"bleeding": True, "days_postpartum": days},
    )


def rule_pain(athlete, checkins, latest) -> Flag | None:
    if latest.pain >= PAIN_HIGH:
        severity = HIGH
    elif latest.pain >= PAIN_MEDIUM:
        severity = MEDIUM
    else:
        return None
    return Flag(
        "pain",
        severity,
        latest.week,
        f"Pain {latest.pain}/10 reported.",
        {"pain": latest.pain},
    )


def rule_fatigue_streak(athlete, checkins, latest) -> Flag | None:
    run = _consecutive(checkins, latest, FATIGUE_STREAK_WEEKS)
    if run is None or any(c.energy > FATIGUE_ENERGY_MAX for c in run):
        return None
    return Flag(
        "fatigue_streak",
        MEDIUM,
        latest.week,
        f"Energy {FATIGUE_ENERGY_MAX}/5 or lower for {FATIGUE_STREAK_WEEKS} weeks in a row.",
        {"energy": {c.week.isoformat(): c.energy for c in run}},
    )


def rule_short_sleep(athlete, checkins, latest) -> Flag | None:
    run = _consecutive(checkins, latest, SHORT_SLEEP_WEEKS)
    if run is None or any(c.sleep_hours >= SHORT_SLEEP_HOURS for c in run):
        return None
    return Flag(
        "short_sleep",
        MEDIUM,
        latest.week,
        f"Under {SHORT_SLEEP_HOURS} hours' sleep a night for {SHORT_SLEEP_WEEKS} weeks in a row.",
        {"sleep_hours": {c.week.isoformat(): str(c.sleep_hours) for c in run}},
    )


def rule_low_mood(athlete, checkins, latest) -> Flag | None:
    if latest.feeling_low:
        return Flag(
            "low_mood",
            HIGH,
            latest.week,
            "She felt low or anxious most days. Check in with her kindly; point her to support.",
            {"feeling_low": True, "mood": latest.mood},
        )
    run = _consecutive(checkins, latest, LOW_MOOD_WEEKS)
    if run is None or any(c.mood > LOW_MOOD_MAX for c in run):
        return None
    return Flag(
        "low_mood",
        HIGH,
        latest.week,
        f"Mood {LOW_MOOD_MAX}/5 or lower for {LOW_MOOD_WEEKS} weeks in a row.",
        {"mood": {c.week.isoformat(): c.mood for c in run}},
    )


def rule_load_spike(athlete, checkins, latest) -> Flag | None:
    by_week = {c.week: c for c in checkins}
    previous = [
        by_week.get(latest.week - timedelta(weeks=i))
        for i in range(1, LOAD_SPIKE_BASELINE_WEEKS + 1)
    ]
    if any(c is None for c in previous) or latest.run_minutes < LOAD_SPIKE_MIN_MINUTES:
        return None
    mean = Decimal(sum(c.run_minutes for c in previous)) / LOAD_SPIKE_BASELINE_WEEKS
    if Decimal(latest.run_minutes) <= mean * LOAD_SPIKE_RATIO:
        return None
    return Flag(
        "load_spike",
        MEDIUM,
        latest.week,
        f"{latest.run_minutes} min of running, more than 130 % of the previous two weeks' "
        f"average ({mean.normalize():f} min).",
        {
            "run_minutes": latest.run_minutes,
            "previous_mean": f"{mean.normalize():f}",
            "previous": {c.week.isoformat(): c.run_minutes for c in previous},
        },
    )


def rule_long_session_spike(athlete, checkins, latest) -> Flag | None:
    start = latest.week - timedelta(weeks=LONG_SESSION_BASELINE_WEEKS)
    prior = [c for c in checkins if start <= c.week < latest.week]
    longest_before = max((c.longest_session_minutes for c in prior), default=0)
    if longest_before <= 0:
        return None
    if Decimal(latest.longest_session_minutes) <= longest_before * LONG_SESSION_RATIO:
        return None
    return Flag(
        "long_session_spike",
        LOW,
        latest.week,
        f"Longest session {latest.longest_session_minutes} min, more than 10 % over the "
        f"longest of the previous 4 weeks ({longest_before} min).",
        {
            "longest_session_minutes": latest.longest_session_minutes,
            "prior_longest": longest_before,
        },
    )


def rule_running_without_clearance(athlete, checkins, latest) -> Flag | None:
    """Running in a week when she was not cleared for it.

    Before an impact stage is reached, every run-walk entry gate must have held for that
    week. Once her plan is in an impact stage (the gates held when she entered it, or her
    coach overrode them with a clinician's attestation) the lasting conditions are checked:
    12 weeks postpartum and a clearance for running that is valid that week.
    """
    if latest.run_minutes <= 0:
        return None
    if athlete.stage in IMPACT_STAGES:
        gates = [
            g
            for g in run_walk_gates(athlete, checkins, latest.week)
            if g.key in ("weeks_postpartum", "clearance")
        ]
    else:
        gates = run_walk_gates(athlete, checkins, latest.week)
    failed = [g for g in gates if not g.passed]
    if not failed:
        return None
    return Flag(
        "running_without_clearance",
        HIGH,
        latest.week,
        f"{latest.run_minutes} min of running while the run-walk gates did not hold: "
        + "; ".join(g.detail for g in failed),
        {"run_minutes": latest.run_minutes, "failed_gates": [g.key for g in failed]},
    )


CHECKIN_RULES: tuple[Rule, ...] = (
    rule_pelvic_floor,
    rule_bleeding,
    rule_pain,
    rule_fatigue_streak,
    rule_short_sleep,
    rule_low_mood,
    rule_load_spike,
    rule_long_session_spike,
    rule_running_without_clearance,
)


def evaluate_checkin(
    athlete: AthleteFacts, checkins: Iterable[CheckInFacts], week: date
) -> list[Flag]:
    """The flags raised by the check-in of ``week``, judged on it and the weeks before it."""
    history = [c for c in checkins if c.week <= week]
    latest = next((c for c in history if c.week == week), None)
    if latest is None:
        return []
    return [flag for rule in CHECKIN_RULES if (flag := rule(athlete, history, latest))]


def rule_missed_checkins(
    athlete: AthleteFacts, checkins: Iterable[CheckInFacts], current_week: date
) -> Flag | None:
    """No check-in for the last 2 completed weeks (before ``current_week``, her Monday).

    Weeks before her profile existed, or before the birth, are not held against her.
    """
    silent = [current_week - timedelta(weeks=i) for i in range(1, MISSED_CHECKIN_WEEKS + 1)]
    weeks = {c.week for c in checkins}
    if any(w in weeks for w in silent):
        return None
    first_expected = max(athlete.created_on or athlete.delivery_date, athlete.delivery_date)
    # Only weeks that started on or after the first day she was expected to check in count.
    if any(w < first_expected - timedelta(days=first_expected.weekday()) for w in silent):
        return None
    last_silent = silent[0]
    return Flag(
        "missed_checkins",
        LOW,
        last_silent,
        f"No check-in for the weeks of {silent[-1]:%d %b} and {last_silent:%d %b}.",
        {"missing_weeks": [w.isoformat() for w in reversed(silent)]},
    )
