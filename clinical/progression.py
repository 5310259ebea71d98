"""The progression engine: one decision for next week, with every gate it checked.

Pure: it takes a ``Snapshot`` of plain values and returns a ``Recommendation``; it never
touches the database. The rules are those of SPEC §5, applied in this order:

1. ``pause``     any red flag in the latest check-in → no impact; drop to ``walk``; refer.
2. ``step_back`` pain 3–4/10, a fatigue streak (energy ≤ 2/5 on 2 consecutive check-ins), or
                 effort ≥ 8/10 with soreness ≥ 7/10 → back to the last symptom-free level.
3. ``hold``      no check-in; sessions < 2/3 of planned; sleep < 5 h; feeling low; less than
                 the minimum time at the level; or the next stage's gates not met.
4. ``advance``   otherwise: next level, or next stage when its gates hold.

Time-based gates are judged on the Monday of the week the decision is for (``for_week``).
Red flags are judged from the check-ins with the definitions of ``clinical.symptoms``, so the
engine needs no flag rows and no ordering between the warning task and the plan task.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from fractions import Fraction

from . import protocol
from .dates import day_month, weekday_day_month
from .facts import HIGH, MEDIUM, AthleteFacts, CheckInFacts, Gate
from .gates import (
    SAFETY_GATES,
    clearance_gate,
    gate_words,
    latest_red_flag_gate,
    red_flag_day,
    reviewed_since_red_flag_gate,
    run_walk_gates,
    walk_gate,
)
from .protocol import IMPACT_STAGE_KEYS
from .rules import evaluate_checkin
from .symptoms import is_symptom_free
from .thresholds import (
    COMPLIANCE_MIN,
    COMPLIANCE_MIN_WORDS,
    FATIGUE_ENERGY_MAX,
    FATIGUE_STEP_BACK_WEEKS,
    HIGH_EFFORT,
    HIGH_SORENESS,
    MIN_WEEKS_AT_LEVEL,
    MIN_WEEKS_IN_STAGE_BEFORE_NEXT,
    PAIN_HIGH,
    PAIN_MEDIUM,
    SLEEP_MIN_HOURS,
    SYMPTOM_FREE_WEEKS_AT_TOP,
    UNAVAILABLE_WEEK_DAYS,
)

ADVANCE, HOLD, STEP_BACK, PAUSE = "advance", "hold", "step_back", "pause"
# A low flag (a missed check-in, a long session) does not hold her in build forever (SPEC §14).
SERIOUS_SEVERITIES = frozenset({MEDIUM, HIGH})
ACTIONS = (ADVANCE, HOLD, STEP_BACK, PAUSE)


@dataclass(frozen=True)
class WeekPosition:
    """Where her plan stood in one week."""

    week: date
    stage: str
    level: int


@dataclass(frozen=True)
class Snapshot:
    """Everything the engine may look at, as plain values."""

    for_week: date  # the Monday of the week the decision is for
    athlete: AthleteFacts
    stage: str
    level: int
    history: tuple[WeekPosition, ...] = ()  # her plan's past weeks, any order
    checkins: tuple[CheckInFacts, ...] = ()  # her recent check-ins, any order
    # The day a red flag paused her, while no coach's override has lifted the pause (SPEC §11).
    paused_since: date | None = None
    # Her latest red flag on record outside ``checkins`` (older check-ins, symptom reports).
    last_red_flag_on: date | None = None

    @property
    def checked_week(self) -> date:
        """The week just finished: the one whose check-in drives the decision."""
        return self.for_week - timedelta(weeks=1)


@dataclass(frozen=True)
class Recommendation:
    action: str
    from_stage: str
    from_level: int
    to_stage: str
    to_level: int
    gates: tuple[Gate, ...]
    summary: str
    refer: bool = False
    failed_safety_gates: tuple[str, ...] = field(default=())

    def gates_as_dicts(self) -> list[dict[str, object]]:
        return [{"key": g.key, "passed": g.passed, "detail": g.detail} for g in self.gates]


# --- Helpers over the snapshot ------------------------------------------------------------------


def _position_on(snapshot: Snapshot, week: date) -> tuple[str, int] | None:
    for p in snapshot.history:
        if p.week == week:
            return p.stage, p.level
    return None


def _started(snapshot: Snapshot, *, same_level: bool) -> date:
    """The first week of the current level (or stage) in an unbroken run up to now."""
    week = snapshot.checked_week
    start = week
    while True:
        position = _position_on(snapshot, week)
        if position is None:
            break
        stage, level = position
        if stage != snapshot.stage or (same_level and level != snapshot.level):
            break
        start = week
        week -= timedelta(weeks=1)
    return start


def _weeks_with_checkins(snapshot: Snapshot, since: date) -> list[CheckInFacts]:
    return sorted(
        (c for c in snapshot.checkins if since <= c.week <= snapshot.checked_week),
        key=lambda c: c.week,
    )


def _level_below(stage_key: str, level: int) -> tuple[str, int]:
    if level > 1:
        return stage_key, level - 1
    previous = protocol.previous_stage(stage_key)
    if previous is None:
        return stage_key, level
    return previous.key, previous.top_level


def _floor(stage_key: str, level: int, current_stage: str) -> tuple[str, int]:
    """Stepping back never goes below walking, unless she is still in the first stage."""
    if current_stage == "recover":
        return "recover", 1
    if protocol.position_rank(stage_key, level) < protocol.position_rank("walk", 1):
        return "walk", 1
    return stage_key, level


# --- The checks -----------------------------------------------------------------------------


def _stage_entry_gates(snapshot: Snapshot, target: protocol.Stage) -> list[Gate]:
    """The entry gates of ``target`` (the stage after the current one)."""
    athlete, as_of = snapshot.athlete, snapshot.for_week
    gates: list[Gate] = []
    if target.key == "walk":
        return [walk_gate(athlete, as_of)]
    if target.key == "run_walk":
        return [*run_walk_gates(athlete, snapshot.checkins, as_of), _reviewed_gate(snapshot)]

    current = protocol.stage(snapshot.stage)
    if target.key in ("continuous", "build"):
        recent = _weeks_with_checkins(snapshot, _started(snapshot, same_level=True))
        at_top = snapshot.level == current.top_level
        last = recent[-SYMPTOM_FREE_WEEKS_AT_TOP:]
        consecutive = len(last) == SYMPTOM_FREE_WEEKS_AT_TOP and all(
            last[i].week - last[i - 1].week == timedelta(weeks=1) for i in range(1, len(last))
        )
        clean = consecutive and all(is_symptom_free(c, athlete) for c in last)
        what = "the top run-walk level" if target.key == "continuous" else "30 min continuous"
        gates.append(
            Gate(
                "top_level_symptom_free",
                at_top and clean,
                f"{SYMPTOM_FREE_WEEKS_AT_TOP} consecutive symptom-free weeks at {what} are "
                f"needed; {sum(is_symptom_free(c, athlete) for c in last) if at_top else 0} "
                "so far.",
            )
        )
    else:  # trail, speed: consecutive weeks in the previous stage, no medium or high flag
        in_stage = _weeks_with_checkins(snapshot, _started(snapshot, same_level=False))
        run: list[CheckInFacts] = []
        broken_by = None
        expected = snapshot.checked_week
        for c in reversed(in_stage):
            if c.week != expected:
                break
            serious = [
                f
                for f in evaluate_checkin(athlete, snapshot.checkins, c.week)
                if f.severity in SERIOUS_SEVERITIES
            ]
            if serious:
                broken_by = c.week
                break
            run.append(c)
            expected -= timedelta(weeks=1)
        gates.append(
            Gate(
                "weeks_in_previous_stage",
                len(run) >= MIN_WEEKS_IN_STAGE_BEFORE_NEXT,
                f"{len(run)} consecutive checked-in week(s) in {current.name.lower()} without a "
                f"medium or high warning sign; {MIN_WEEKS_IN_STAGE_BEFORE_NEXT} needed"
                + (
                    f" (a warning sign in the week of {day_month(broken_by)})."
                    if broken_by
                    else "."
                ),
            )
        )
        if target.key == "trail":
            latest = athlete.latest_assessment(as_of)
            ok = latest is not None and latest.balance_passed
            gates.append(
                Gate(
                    "balance",
                    ok,
                    "Balance items of the latest readiness assessment passed."
                    if ok
                    else "The latest readiness assessment's balance items were not passed."
                    if latest
                    else "No readiness assessment on file for the balance items.",
                )
            )
    return gates


def last_red_flag(snapshot: Snapshot) -> date | None:
    """Her latest red flag: in the check-ins before the week decided, or on record before
    them (``snapshot.last_red_flag_on``: older check-ins, anytime symptom reports)."""
    days = [
        day
        for c in snapshot.checkins
        if c.week < snapshot.for_week and (day := red_flag_day(c, snapshot.athlete)) is not None
    ]
    if snapshot.last_red_flag_on is not None:
        days.append(snapshot.last_red_flag_on)
    return max(days, default=None)


def _reviewed_gate(snapshot: Snapshot) -> Gate:
    return reviewed_since_red_flag_gate(snapshot.athlete, last_red_flag(snapshot))


def _impact_clearance_gate(snapshot: Snapshot) -> Gate:
    """Running on needs a clearance for running that is still valid that week."""
    return clearance_gate(
        snapshot.athlete, snapshot.for_week, missing="No medical clearance valid that week."
    )


def safety_gates_for(snapshot: Snapshot, to_stage: str) -> list[Gate]:
    """The safety gates that a move to ``to_stage`` for ``snapshot.for_week`` must pass.

    Only impact stages have them: 12 weeks postpartum, a clearance for running, a passed
    readiness assessment within 8 weeks, and no red flag (in the latest check-in or the two
    before the week). Used to decide whether a coach's override needs a clinician's word.
    """
    if to_stage not in IMPACT_STAGE_KEYS:
        return []
    gates = [
        g
        for g in run_walk_gates(snapshot.athlete, snapshot.checkins, snapshot.for_week)
        if g.key in SAFETY_GATES
    ]
    latest = next((c for c in snapshot.checkins if c.week == snapshot.checked_week), None)
    if latest is not None:
        gates.append(latest_red_flag_gate(latest, snapshot.athlete))
    if snapshot.paused_since is not None:
        gates.append(_pause_gate(snapshot.paused_since))
    gates.append(_reviewed_gate(snapshot))
    return gates


def _pause_gate(since: date) -> Gate:
    return Gate(
        "red_flags",
        False,
        f"Paused since {weekday_day_month(since)} after a red flag; only your override lifts "
        "the pause.",
    )


def pause_target(stage_key: str, level: int) -> tuple[str, int]:
    """A pause lands in a non-impact stage: walking, or where she is if she is not running."""
    if stage_key in IMPACT_STAGE_KEYS:
        return "walk", protocol.stage("walk").top_level
    return stage_key, level


PAUSE_SUMMARY = (
    "Pause: no running or jumping. Refer her to a pelvic health physiotherapist or GP before "
    "any impact."
)


def recommend(snapshot: Snapshot) -> Recommendation:
    athlete = snapshot.athlete
    stage_key, level = snapshot.stage, snapshot.level
    current = protocol.stage(stage_key)
    latest = next((c for c in snapshot.checkins if c.week == snapshot.checked_week), None)
    gates: list[Gate] = []

    def result(
        action: str, to_stage: str, to_level: int, summary: str, *, refer: bool = False
    ) -> Recommendation:
        failed_safety = tuple(
            sorted({g.key for g in gates if g.key in SAFETY_GATES and not g.passed})
        )
        return Recommendation(
            action,
            stage_key,
            level,
            to_stage,
            to_level,
            tuple(gates),
            summary,
            refer=refer,
            failed_safety_gates=failed_safety,
        )

    # A pause after a red flag holds until the coach lifts it with an override, whatever the
    # check-ins say since (SPEC §11).
    if snapshot.paused_since is not None:
        gates.append(_pause_gate(snapshot.paused_since))
        return result(PAUSE, *pause_target(stage_key, level), PAUSE_SUMMARY, refer=True)

    # Rule 0: no check-in → hold (nothing else can be judged).
    gates.append(
        Gate(
            "checkin_received",
            latest is not None,
            f"Check-in for the week of {day_month(snapshot.checked_week)} received."
            if latest
            else f"No check-in for the week of {day_month(snapshot.checked_week)}.",
        )
    )
    if latest is None:
        return result(HOLD, stage_key, level, "Hold: no check-in for last week.")

    # Rule 1: red flags → pause.
    red_flag_gate = latest_red_flag_gate(latest, athlete)
    gates.append(red_flag_gate)
    if not red_flag_gate.passed:
        return result(PAUSE, *pause_target(stage_key, level), PAUSE_SUMMARY, refer=True)

    # Rule 2: step back.
    by_week = {c.week: c for c in snapshot.checkins}
    previous = by_week.get(snapshot.checked_week - timedelta(weeks=1))
    pain_mid = PAIN_MEDIUM <= latest.pain < PAIN_HIGH
    streak = [
        by_week.get(snapshot.checked_week - timedelta(weeks=i))
        for i in range(FATIGUE_STEP_BACK_WEEKS)
    ]
    fatigue = previous is not None and all(
        c is not None and c.energy <= FATIGUE_ENERGY_MAX for c in streak
    )
    strain = (latest.effort or 0) >= HIGH_EFFORT and latest.soreness >= HIGH_SORENESS
    gates.append(
        Gate(
            "pain",
            not pain_mid,
            f"Pain {latest.pain}/10"
            + (f" ({PAIN_MEDIUM}–{PAIN_HIGH - 1}: step back)." if pain_mid else "."),
        )
    )
    gates.append(
        Gate(
            "fatigue",
            not fatigue,
            f"Energy {latest.energy}/5"
            + (
                f" and {previous.energy}/5 the week before: a fatigue streak."
                if fatigue and previous is not None
                else "; no fatigue streak."
            ),
        )
    )
    gates.append(
        Gate(
            "effort_and_soreness",
            not strain,
            f"Effort {latest.effort or '–'}/10, soreness {latest.soreness}/10"
            + (": too hard for now." if strain else "."),
        )
    )
    if pain_mid or fatigue or strain:
        target = _step_back_target(snapshot)
        reasons = [
            r
            for r, on in (
                (f"pain {latest.pain}/10", pain_mid),
                ("two weeks of very low energy", fatigue),
                ("very hard sessions with high soreness", strain),
            )
            if on
        ]
        stage_name = protocol.stage(target[0]).name.lower()
        return result(
            STEP_BACK,
            *target,
            f"Step back ({', '.join(reasons)}) to {stage_name}, level {target[1]}: the last "
            "level that was symptom-free.",
        )

    # Rule 3: hold.
    holds: list[str] = []
    planned = latest.sessions_planned
    if planned and latest.unavailable_days < UNAVAILABLE_WEEK_DAYS:
        expected = Fraction(planned) * Fraction(7 - latest.unavailable_days, 7)
        ok = Fraction(latest.sessions_completed) >= COMPLIANCE_MIN * expected
        gates.append(
            Gate(
                "sessions_completed",
                ok,
                f"{latest.sessions_completed} of {planned} sessions done"
                + (
                    f" ({latest.unavailable_days} day(s) unavailable)"
                    if latest.unavailable_days
                    else ""
                )
                + ("." if ok else f"; at least {COMPLIANCE_MIN_WORDS} are needed to move on."),
            )
        )
        if not ok:
            holds.append(f"fewer than {COMPLIANCE_MIN_WORDS} of the sessions done")
    else:
        reason = (
            "most of the week unavailable (illness, baby, travel)"
            if planned
            else "no planned sessions to compare with"
        )
        gates.append(Gate("sessions_completed", True, f"Not judged: {reason}."))
    sleep_ok = latest.sleep_hours >= SLEEP_MIN_HOURS
    gates.append(
        Gate(
            "sleep",
            sleep_ok,
            f"{latest.sleep_hours} h of sleep a night"
            + ("." if sleep_ok else f"; under {SLEEP_MIN_HOURS} h, recovery comes first."),
        )
    )
    if not sleep_ok:
        holds.append(f"average sleep under {SLEEP_MIN_HOURS} hours")
    gates.append(
        Gate(
            "mood",
            not latest.feeling_low,
            "She felt low or anxious most days." if latest.feeling_low else "No low mood reported.",
        )
    )
    if latest.feeling_low:
        holds.append("she felt low or anxious")
    level_start = _started(snapshot, same_level=True)
    weeks_at_level = len(_weeks_with_checkins(snapshot, level_start))
    time_ok = weeks_at_level >= MIN_WEEKS_AT_LEVEL
    gates.append(
        Gate(
            "time_at_level",
            time_ok,
            f"{weeks_at_level} checked-in week(s) at this level; {MIN_WEEKS_AT_LEVEL} needed.",
        )
    )
    if not time_ok:
        holds.append("not yet a full week at this level")

    # Where advancing would go, and its gates.
    if level < current.top_level:
        target = (stage_key, level + 1)
        if stage_key in IMPACT_STAGE_KEYS:
            clearance_gate = _impact_clearance_gate(snapshot)
            gates.append(clearance_gate)
            if not clearance_gate.passed:
                holds.append("no valid clearance for running")
    else:
        following = protocol.next_stage(stage_key)
        if following is None:
            target = (stage_key, level)
            gates.append(Gate("next_stage", False, "She is at the last level of the last stage."))
            holds.append("the protocol's last level is reached; the coach leads from here")
        else:
            target = (following.key, 1)
            entry = _stage_entry_gates(snapshot, following)
            if following.key in IMPACT_STAGE_KEYS and following.key != "run_walk":
                entry.append(_impact_clearance_gate(snapshot))
            gates.extend(entry)
            failed = [g for g in entry if not g.passed]
            if failed:
                holds.append(
                    f"the gates of {following.name.lower()} are not met yet ("
                    + ", ".join(gate_words(g.key) for g in failed)
                    + ")"
                )
    if holds:
        return result(HOLD, stage_key, level, "Hold: " + "; ".join(holds) + ".")
    to_stage, to_level = target
    if to_stage != stage_key:
        summary = f"Advance to {protocol.stage(to_stage).name.lower()}: every entry gate holds."
    else:
        summary = f"Advance to level {to_level}: {protocol.stage(to_stage).level(to_level).label}."
    return result(ADVANCE, to_stage, to_level, summary)


def _step_back_target(snapshot: Snapshot) -> tuple[str, int]:
    """The most recent earlier position, below the current one, whose week was symptom-free;
    failing that, one level down. Never below walking (unless still recovering)."""
    current_rank = protocol.position_rank(snapshot.stage, snapshot.level)
    checkins = {c.week: c for c in snapshot.checkins}
    for position in sorted(snapshot.history, key=lambda p: p.week, reverse=True):
        if position.week > snapshot.checked_week:
            continue
        if protocol.position_rank(position.stage, position.level) >= current_rank:
            continue
        checkin = checkins.get(position.week)
        if checkin is not None and is_symptom_free(checkin, snapshot.athlete):
            return _floor(position.stage, position.level, snapshot.stage)
    return _floor(*_level_below(snapshot.stage, snapshot.level), snapshot.stage)
