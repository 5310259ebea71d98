"""The ten warning rules of SPEC §7, as pure functions over plain facts.

Each rule looks at an athlete's check-ins up to one week and her profile, and returns at most
one ``Flag``. Red flags and the run-walk gates come from ``symptoms`` and ``gates``, which the
progression engine uses too, so a flag and a decision always judge a symptom alike. Every
threshold is in ``thresholds``, with its source.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date, timedelta
from decimal import Decimal

from .dates import day_month
from .facts import HIGH, LOW, MEDIUM, AthleteFacts, CheckInFacts, Flag
from .gates import lasting_running_gates, run_walk_gates
from .protocol import IMPACT_STAGE_KEYS
from .symptoms import PELVIC_FLOOR_SYMPTOMS, late_bleeding
from .thresholds import (
    BLEEDING_HIGH_AFTER_WEEKS,
    FATIGUE_ENERGY_MAX,
    FATIGUE_STREAK_WEEKS,
    LOAD_SPIKE_BASELINE_WEEKS,
    LOAD_SPIKE_MIN_MINUTES,
    LOAD_SPIKE_RATIO,
    LONG_SESSION_BASELINE_WEEKS,
    LONG_SESSION_RATIO,
    LOW_MOOD_MAX,
    LOW_MOOD_WEEKS,
    MISSED_CHECKIN_WEEKS,
    PAIN_HIGH,
    PAIN_MEDIUM,
    SHORT_SLEEP_WEEKS,
    SLEEP_MIN_HOURS,
)

# --- The ten warning rules (SPEC §7) ------------------------------------------------------------


def _percent(ratio: Decimal) -> int:
    return int(ratio * 100)


def _number_word(n: int) -> str:
    return {2: "two", 3: "three", 4: "four"}.get(n, str(n))


Rule = Callable[[AthleteFacts, Sequence[CheckInFacts], CheckInFacts], Flag | None]


def _by_week(checkins: Iterable[CheckInFacts]) -> dict[date, CheckInFacts]:
    return {c.week: c for c in checkins}


class _History(list[CheckInFacts]):
    """Her check-ins up to the week judged, with their map by week built once for all the
    streak rules (``_consecutive``), not once per rule."""

    def __init__(self, checkins: Iterable[CheckInFacts]) -> None:
        super().__init__(checkins)
        self.by_week = _by_week(self)


def _consecutive(
    checkins: Sequence[CheckInFacts], upto: CheckInFacts, n: int
) -> list[CheckInFacts] | None:
    """The ``n`` check-ins of ``upto``'s week and the weeks just before it, or None if a
    week is missing (a missing week breaks a streak)."""
    by_week = checkins.by_week if isinstance(checkins, _History) else _by_week(checkins)
    run = []
    for i in range(n):
        c = by_week.get(upto.week - timedelta(weeks=i))
        if c is None:
            return None
        run.append(c)
    return list(reversed(run))


def rule_pelvic_floor(
    athlete: AthleteFacts, checkins: Sequence[CheckInFacts], latest: CheckInFacts
) -> Flag | None:
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


def rule_bleeding(
    athlete: AthleteFacts, checkins: Sequence[CheckInFacts], latest: CheckInFacts
) -> Flag | None:
    if not latest.bleeding:
        return None
    days = athlete.days_postpartum(latest.week)
    late = late_bleeding(latest, athlete)
    return Flag(
        "bleeding",
        HIGH if late else MEDIUM,
        latest.week,
        f"Bleeding reported at {days // 7} weeks {days % 7} day{'s' if days % 7 != 1 else ''} "
        "postpartum"
        + (
            f"; beyond {BLEEDING_HIGH_AFTER_WEEKS} weeks needs a GP review."
            if late
            else "; check it is settling."
        ),
        {"bleeding": True, "days_postpartum": days},
    )


def rule_pain(
    athlete: AthleteFacts, checkins: Sequence[CheckInFacts], latest: CheckInFacts
) -> Flag | None:
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


def rule_fatigue_streak(
    athlete: AthleteFacts, checkins: Sequence[CheckInFacts], latest: CheckInFacts
) -> Flag | None:
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


def rule_short_sleep(
    athlete: AthleteFacts, checkins: Sequence[CheckInFacts], latest: CheckInFacts
) -> Flag | None:
    run = _consecutive(checkins, latest, SHORT_SLEEP_WEEKS)
    if run is None or any(c.sleep_hours >= SLEEP_MIN_HOURS for c in run):
        return None
    return Flag(
        "short_sleep",
        MEDIUM,
        latest.week,
        f"Under {SLEEP_MIN_HOURS} hours' sleep a night for {SHORT_SLEEP_WEEKS} weeks in a row.",
        {"sleep_hours": {c.week.isoformat(): str(c.sleep_hours) for c in run}},
    )


def rule_low_mood(
    athlete: AthleteFacts, checkins: Sequence[CheckInFacts], latest: CheckInFacts
) -> Flag | None:
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


def rule_load_spike(
    athlete: AthleteFacts, checkins: Sequence[CheckInFacts], latest: CheckInFacts
) -> Flag | None:
    """Running minutes over 130 % of the two weeks before (nielsen2014), and more than her plan
    asked for (SPEC §14)."""
    by_week = {c.week: c for c in checkins}
    found = [
        by_week.get(latest.week - timedelta(weeks=i))
        for i in range(1, LOAD_SPIKE_BASELINE_WEEKS + 1)
    ]
    previous = [c for c in found if c is not None]
    if len(previous) < len(found) or latest.run_minutes < LOAD_SPIKE_MIN_MINUTES:
        return None
    if _within_plan(latest.run_minutes, latest.planned_run_minutes):
        return None
    mean = Decimal(sum(c.run_minutes for c in previous)) / LOAD_SPIKE_BASELINE_WEEKS
    if Decimal(latest.run_minutes) <= mean * LOAD_SPIKE_RATIO:
        return None
    return Flag(
        "load_spike",
        MEDIUM,
        latest.week,
        f"{latest.run_minutes} min of running, more than {_percent(LOAD_SPIKE_RATIO)} % of the "
        f"previous {_number_word(LOAD_SPIKE_BASELINE_WEEKS)} weeks' "
        f"average ({mean.normalize():f} min).",
        {
            "run_minutes": latest.run_minutes,
            "planned_run_minutes": latest.planned_run_minutes,
            "previous_mean": f"{mean.normalize():f}",
            "previous": {c.week.isoformat(): c.run_minutes for c in previous},
        },
    )


def rule_long_session_spike(
    athlete: AthleteFacts, checkins: Sequence[CheckInFacts], latest: CheckInFacts
) -> Flag | None:
    """Her longest run (run-walk counts) more than 10 % over the longest of the 4 weeks
    before, and longer than her plan asked for: running against running (SPEC §14)."""
    start = latest.week - timedelta(weeks=LONG_SESSION_BASELINE_WEEKS)
    prior = [c for c in checkins if start <= c.week < latest.week]
    longest_before = max((c.longest_run_minutes for c in prior), default=0)
    if longest_before <= 0:
        return None
    if Decimal(latest.longest_run_minutes) <= longest_before * LONG_SESSION_RATIO:
        return None
    if _within_plan(latest.longest_run_minutes, latest.planned_longest_run_minutes):
        return None
    return Flag(
        "long_session_spike",
        LOW,
        latest.week,
        f"Longest run {latest.longest_run_minutes} min, more than "
        f"{_percent(LONG_SESSION_RATIO) - 100} % over the longest of the previous "
        f"{LONG_SESSION_BASELINE_WEEKS} weeks ({longest_before} min)"
        + (
            f" and longer than the {latest.planned_longest_run_minutes} min planned."
            if latest.planned_longest_run_minutes is not None
            else "."
        ),
        {
            "longest_run_minutes": latest.longest_run_minutes,
            "planned_longest_run_minutes": latest.planned_longest_run_minutes,
            "prior_longest": longest_before,
        },
    )


def _within_plan(done: int, planned: int | None) -> bool:
    """She did no more than her plan asked for: the plan's own steps are not a spike."""
    return planned is not None and done <= planned


def rule_running_without_clearance(
    athlete: AthleteFacts, checkins: Sequence[CheckInFacts], latest: CheckInFacts
) -> Flag | None:
    """Running in a week when she was not cleared for it.

    Before an impact stage is reached, every run-walk entry gate must have held for that
    week. Once her plan is in an impact stage (the gates held when she entered it, or her
    coach overrode them with a clinician's attestation) the lasting conditions are checked:
    12 weeks postpartum and a clearance for running that is valid that week.
    """
    if latest.run_minutes <= 0:
        return None
    if athlete.stage in IMPACT_STAGE_KEYS:
        gates = lasting_running_gates(athlete, latest.week)
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
    history = _History(c for c in checkins if c.week <= week)
    latest = history.by_week.get(week)
    if latest is None:
        return []
    return [flag for rule in CHECKIN_RULES if (flag := rule(athlete, history, latest))]


# The rules that judge one report on its own, at once: what an anytime symptom report raises.
REPORT_RULES: tuple[Rule, ...] = (rule_pelvic_floor, rule_bleeding, rule_pain)


def report_is_empty(report: CheckInFacts) -> bool:
    """An anytime report must say something: a symptom, or pain from 3/10 (SPEC §11)."""
    symptoms = (*PELVIC_FLOOR_SYMPTOMS, "bleeding")
    return not any(getattr(report, name) for name in symptoms) and report.pain < PAIN_MEDIUM


def evaluate_report(athlete: AthleteFacts, report: CheckInFacts) -> list[Flag]:
    """The flags an anytime symptom report raises at once, judged by the check-in rules for
    symptoms and pain (``report.week`` is the Monday of the day it was reported)."""
    return [flag for rule in REPORT_RULES if (flag := rule(athlete, [report], report))]


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
        f"No check-in for the weeks of {day_month(silent[-1])} and {day_month(last_silent)}.",
        {"missing_weeks": [w.isoformat() for w in reversed(silent)]},
    )
