"""The gates that protect her body: what must hold before impact (SPEC §5 stage 3) and which
gates only a clinician's word may pass (SPEC §5 "coach control")."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from .dates import day_month, day_month_year
from .facts import AthleteFacts, CheckInFacts, ClearanceFacts, Gate
from .symptoms import red_flags
from .thresholds import (
    ASSESSMENT_VALID_DAYS,
    ASSESSMENT_VALID_WEEKS,
    RECENT_CHECKINS_NEEDED,
    RECENT_CHECKINS_WINDOW_WEEKS,
    RED_FLAG_LOOKBACK_CHECKINS,
    RUN_MIN_WEEKS_POSTPARTUM,
    RUNNING_SCOPE,
    SCOPE_RANK,
    WALK_MIN_WEEKS_POSTPARTUM,
)

# How each gate is named to a coach.
GATE_LABELS = {
    "checkin_received": "Check-in",
    "red_flags": "Red flags",
    "no_red_flags": f"No red flags in the last {RED_FLAG_LOOKBACK_CHECKINS} check-ins",
    "pain": "Pain",
    "fatigue": "Fatigue",
    "effort_and_soreness": "Effort and soreness",
    "sessions_completed": "Sessions done",
    "sleep": "Sleep",
    "mood": "Mood",
    "time_at_level": "Time at level",
    "clearance": "Medical clearance",
    "weeks_postpartum": f"{RUN_MIN_WEEKS_POSTPARTUM} weeks postpartum",
    "weeks_postpartum_walk": f"{WALK_MIN_WEEKS_POSTPARTUM} weeks postpartum",
    "readiness": "Readiness assessment",
    "recent_checkins": "Recent check-ins",
    "top_level_symptom_free": "Symptom-free at the top level",
    "weeks_in_previous_stage": "Time in the stage",
    "balance": "Balance",
    "next_stage": "Next stage",
    "reviewed_since_red_flag": "Seen by a clinician since the red flag",
}


def gate_words(key: str) -> str:
    """A gate as it reads inside a sentence: its label, lower-cased unless it opens with a
    number or an initialism ("medical clearance", "12 weeks postpartum")."""
    label = GATE_LABELS.get(key, key.replace("_", " "))
    return label if label[:2] == label[:2].upper() else label[0].lower() + label[1:]


SAFETY_GATE_WORDS = f"{RUN_MIN_WEEKS_POSTPARTUM} weeks, clearance, readiness or a red flag"

# The gates that protect her body; an override past one of them needs a clinician's word.
SAFETY_GATES = frozenset(
    {
        "weeks_postpartum",
        "clearance",
        "readiness",
        "no_red_flags",
        "red_flags",
        "reviewed_since_red_flag",
    }
)


def scope_allows_running(scope: str) -> bool:
    return SCOPE_RANK.get(scope, 0) >= SCOPE_RANK[RUNNING_SCOPE]


def clears_running(clearance: ClearanceFacts) -> bool:
    """A running (or unrestricted) scope counts only with a pelvic health assessment
    recorded (SPEC §14; goom2019: a pelvic health assessment before running)."""
    return scope_allows_running(clearance.scope) and clearance.pelvic_health_assessed


def walk_gate(athlete: AthleteFacts, as_of: date) -> Gate:
    weeks = athlete.weeks_postpartum(as_of)
    return Gate(
        "weeks_postpartum_walk",
        weeks >= WALK_MIN_WEEKS_POSTPARTUM,
        f"{weeks} weeks postpartum on {day_month(as_of)}; walking builds from "
        f"{WALK_MIN_WEEKS_POSTPARTUM} weeks.",
    )


def _clearance_detail(clearance: ClearanceFacts, ok: bool) -> str:
    given = f"Cleared for {clearance.scope} on {day_month_year(clearance.cleared_on)}"
    if ok:
        return given + ", with a pelvic health assessment."
    if not scope_allows_running(clearance.scope):
        return given + "; running needs a clearance for running or unrestricted."
    return given + ", but no pelvic health assessment is recorded: running needs one."


def clearance_gate(athlete: AthleteFacts, as_of: date, *, missing: str) -> Gate:
    """A clearance for running, with a pelvic health assessment, valid on ``as_of``."""
    clearance = athlete.clearance_on(as_of)
    if clearance is None:
        return Gate("clearance", False, missing)
    ok = clears_running(clearance)
    return Gate("clearance", ok, _clearance_detail(clearance, ok))


def red_flag_day(checkin: CheckInFacts, athlete: AthleteFacts) -> date | None:
    """The day a check-in's red flag counts from: the last day of its week (she may have
    felt it any day of it), or None without a red flag."""
    return checkin.week + timedelta(days=6) if red_flags(checkin, athlete) else None


def reviewed_since_red_flag_gate(athlete: AthleteFacts, last_red_flag: date | None) -> Gate:
    """After any red flag, impact again only once a clinician has seen her: a clearance (a
    clinical review is recorded as one, with the scope she was given) dated on or after it
    (SPEC §14; goom2019: no running if any symptom of pelvic floor dysfunction is identified
    before or after attempting it)."""
    if last_red_flag is None:
        return Gate("reviewed_since_red_flag", True, "No red flag on record.")
    seen = [c for c in athlete.clearances if c.cleared_on >= last_red_flag]
    if seen:
        latest = max(seen, key=lambda c: (c.cleared_on, c.recorded))
        return Gate(
            "reviewed_since_red_flag",
            True,
            f"Seen on {day_month_year(latest.cleared_on)}, after the red flag of "
            f"{day_month_year(last_red_flag)}.",
        )
    return Gate(
        "reviewed_since_red_flag",
        False,
        f"Red flag on {day_month_year(last_red_flag)}: before impact again, record the clinician's "
        "clearance or review of her, dated on or after it.",
    )


def readiness_gate(athlete: AthleteFacts, as_of: date) -> Gate:
    assessment = athlete.latest_assessment(as_of)
    if assessment is None:
        return Gate("readiness", False, "No readiness assessment recorded.")
    age = (as_of - assessment.assessed_on).days
    if not assessment.passed:
        return Gate(
            "readiness",
            False,
            f"The assessment of {day_month(assessment.assessed_on)} was not passed.",
        )
    if age > ASSESSMENT_VALID_DAYS:
        return Gate(
            "readiness",
            False,
            f"The assessment passed on {day_month(assessment.assessed_on)} is {age} days old; "
            f"a pass counts for {ASSESSMENT_VALID_WEEKS} weeks. Retest.",
        )
    return Gate(
        "readiness",
        True,
        f"Readiness passed on {day_month(assessment.assessed_on)} ({age} days ago).",
    )


def lasting_running_gates(athlete: AthleteFacts, as_of: date) -> list[Gate]:
    """The run-walk gates that hold for as long as she runs, in every impact stage: 12 weeks
    postpartum and a clearance for running valid that week (the first two of
    ``run_walk_gates``)."""
    weeks = athlete.weeks_postpartum(as_of)
    return [
        Gate(
            "weeks_postpartum",
            weeks >= RUN_MIN_WEEKS_POSTPARTUM,
            f"{weeks} weeks postpartum on {day_month(as_of)}; running starts from "
            f"{RUN_MIN_WEEKS_POSTPARTUM} weeks.",
        ),
        clearance_gate(athlete, as_of, missing="No medical clearance that is valid on that day."),
    ]


def run_walk_gates(
    athlete: AthleteFacts, checkins: Sequence[CheckInFacts], as_of: date
) -> list[Gate]:
    """The entry gates of run-walk, the first impact stage, for the week starting ``as_of``.

    Time-based gates are judged on ``as_of``; the check-in gates look at the check-ins of
    the weeks before ``as_of`` ("the last 2 check-ins", "the last 3 weeks").
    """
    gates = [*lasting_running_gates(athlete, as_of), readiness_gate(athlete, as_of)]
    before = sorted((c for c in checkins if c.week < as_of), key=lambda c: c.week)
    flagged = [(c.week, red_flags(c, athlete)) for c in before[-RED_FLAG_LOOKBACK_CHECKINS:]]
    flagged = [(w, f) for w, f in flagged if f]
    gates.append(
        Gate(
            "no_red_flags",
            not flagged,
            f"No red-flag symptom in the last {RED_FLAG_LOOKBACK_CHECKINS} check-ins."
            if not flagged
            else "Red flag in the week of "
            + "; ".join(f"{day_month(w)} ({', '.join(f)})" for w, f in flagged)
            + ".",
        )
    )
    window_start = as_of - timedelta(weeks=RECENT_CHECKINS_WINDOW_WEEKS)
    recent = [c for c in before if c.week >= window_start]
    gates.append(
        Gate(
            "recent_checkins",
            len(recent) >= RECENT_CHECKINS_NEEDED,
            f"{len(recent)} check-in(s) in the {RECENT_CHECKINS_WINDOW_WEEKS} weeks before; "
            f"{RECENT_CHECKINS_NEEDED} are needed.",
        )
    )
    return gates


def latest_red_flag_gate(latest: CheckInFacts, athlete: AthleteFacts) -> Gate:
    flags = red_flags(latest, athlete)
    return Gate(
        "red_flags",
        not flags,
        "No red-flag symptom in the latest check-in."
        if not flags
        else "Red flag in the latest check-in: " + ", ".join(flags).replace("_", " ") + ".",
    )
