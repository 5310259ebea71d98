"""SPEC §5's invariants of the progression engine, as properties over generated snapshots.

The generator draws any stage and level of the protocol, any delivery date, clearances and
assessments, a random history of check-ins (values anywhere in their ranges) and of plan
weeks. Most snapshots are drawn near a stage's door with mostly "clean" check-ins, so that
the advancing branches, and the doors of the impact stages, are reached often, not by luck.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from clinical import protocol
from clinical.facts import AssessmentFacts, AthleteFacts, CheckInFacts, ClearanceFacts
from clinical.gates import run_walk_gates
from clinical.progression import (
    ACTIONS,
    ADVANCE,
    HOLD,
    PAUSE,
    STEP_BACK,
    Snapshot,
    WeekPosition,
    recommend,
)
from clinical.symptoms import SYMPTOM_FIELDS, red_flags
from clinical.thresholds import SCOPE_RANK

FIRST_MONDAY = date(2025, 1, 6)
HISTORY_WEEKS = 10
SYMPTOMS = SYMPTOM_FIELDS

mondays = st.integers(0, 150).map(lambda n: FIRST_MONDAY + timedelta(weeks=n))


@st.composite
def positions(draw, *, near_a_door: bool = False, at_a_door: bool = False) -> tuple[str, int]:
    stage = draw(st.sampled_from(protocol.STAGE_KEYS))
    top = protocol.stage(stage).top_level
    if at_a_door or (near_a_door and draw(st.booleans())):
        return stage, top
    return stage, draw(st.integers(1, top))


@st.composite
def clearances(draw, for_week: date, *, good: bool) -> ClearanceFacts:
    if good:
        cleared_on = for_week - timedelta(days=draw(st.integers(-1, 200)))
        scope = draw(st.sampled_from(("running", "running", "unrestricted", "exercise")))
    else:
        cleared_on = for_week + timedelta(days=draw(st.integers(-300, 10)))
        scope = draw(st.sampled_from(sorted(SCOPE_RANK)))
    expires = draw(st.one_of(st.none(), st.integers(0, 300)))
    return ClearanceFacts(
        cleared_on=cleared_on,
        scope=scope,
        expires_on=None if expires is None else cleared_on + timedelta(days=expires),
        # A good clearance for running records the pelvic health assessment; a bad one may not.
        pelvic_health_assessed=True if good else draw(st.booleans()),
    )


@st.composite
def assessments(draw, for_week: date, *, good: bool) -> AssessmentFacts:
    days_before = draw(st.integers(-2, 60) if good else st.integers(-7, 120))
    return AssessmentFacts(
        assessed_on=for_week - timedelta(days=days_before),
        passed=draw(st.sampled_from((True, True, True, False))) if good else draw(st.booleans()),
        balance_passed=draw(st.sampled_from((True, True, True, False))),
    )


def between(low: int, high: int) -> st.SearchStrategy[int]:
    return st.integers(low, high)


# Strategies built once: building them inside every draw would dominate the run time.
ANY = {
    "sessions_completed": between(0, 14),
    "sessions_planned": st.none() | between(0, 14),
    "run_minutes": between(0, 2000),
    "walk_minutes": between(0, 3000),
    "effort": st.none() | between(1, 10),
    "energy": between(1, 5),
    "sleep_tenths": between(0, 140),
    "sleep_quality": between(1, 5),
    "mood": between(1, 5),
    "stress": between(1, 5),
    "soreness": between(0, 10),
    "pain": between(0, 10),
    "feeling_low": st.booleans(),
    "unavailable_days": between(0, 7),
    "symptoms": st.frozensets(st.sampled_from(SYMPTOMS)),
}
CLEAN = {
    "planned": between(0, 7),
    "walk_minutes": between(0, 300),
    "effort": between(1, 8),
    "energy": st.sampled_from((2, 3, 3, 4, 4, 5, 5)),
    "sleep_tenths": between(48, 90),
    "mood": between(2, 5),
    "soreness": st.sampled_from((0, 1, 2, 3, 4, 5, 7)),
    "pain": st.sampled_from((0,) * 12 + (1, 2, 3, 4, 5)),
    "feeling_low": st.sampled_from((False,) * 15 + (True,)),
    "unavailable_days": between(0, 5),
    # Now and then one symptom, so that the red-flag edges are still crossed.
    "symptom": st.sampled_from((None,) * 40 + SYMPTOMS),
}


@st.composite
def any_checkin(draw, week: date) -> CheckInFacts:
    """Every value anywhere in its range (SPEC §6)."""
    run, walk = draw(ANY["run_minutes"]), draw(ANY["walk_minutes"])
    symptoms = draw(ANY["symptoms"])
    return CheckInFacts(
        week=week,
        sessions_completed=draw(ANY["sessions_completed"]),
        sessions_planned=draw(ANY["sessions_planned"]),
        run_minutes=run,
        walk_minutes=walk,
        longest_session_minutes=draw(between(0, min(600, run + walk))),
        effort=draw(ANY["effort"]),
        energy=draw(ANY["energy"]),
        sleep_hours=Decimal(draw(ANY["sleep_tenths"])) / 10,
        sleep_quality=draw(ANY["sleep_quality"]),
        mood=draw(ANY["mood"]),
        stress=draw(ANY["stress"]),
        soreness=draw(ANY["soreness"]),
        pain=draw(ANY["pain"]),
        feeling_low=draw(ANY["feeling_low"]),
        unavailable_days=draw(ANY["unavailable_days"]),
        **{name: name in symptoms for name in SYMPTOMS},
    )


@st.composite
def clean_checkin(draw, week: date) -> CheckInFacts:
    """A good week, with the odd symptom or pain so that the edges are still crossed."""
    planned = draw(CLEAN["planned"])
    symptom = draw(CLEAN["symptom"])
    return CheckInFacts(
        week=week,
        sessions_completed=planned + draw(between(-1, 2)) if planned else 0,
        sessions_planned=planned,
        run_minutes=0,
        walk_minutes=draw(CLEAN["walk_minutes"]),
        effort=draw(CLEAN["effort"]),
        energy=draw(CLEAN["energy"]),
        sleep_hours=Decimal(draw(CLEAN["sleep_tenths"])) / 10,
        mood=draw(CLEAN["mood"]),
        soreness=draw(CLEAN["soreness"]),
        pain=draw(CLEAN["pain"]),
        feeling_low=draw(CLEAN["feeling_low"]),
        unavailable_days=draw(CLEAN["unavailable_days"]),
        **{name: name == symptom for name in SYMPTOMS},
    )


@st.composite
def snapshots(draw, *, at_a_door: bool = False) -> Snapshot:
    """A quarter of them anything at all; the rest near a stage's door with mostly good facts.
    ``at_a_door``: always at the top level of a stage, with mostly good facts."""
    good = at_a_door or draw(st.sampled_from((True, True, True, False)))
    for_week = draw(mondays)
    stage, level = draw(positions(near_a_door=good, at_a_door=at_a_door))
    days_postpartum = draw(st.integers(60, 400) if good else st.integers(0, 500))
    athlete = AthleteFacts(
        delivery_date=for_week - timedelta(days=days_postpartum),
        stage=stage,
        clearances=tuple(
            draw(st.lists(clearances(for_week, good=good), min_size=int(good), max_size=3))
        ),
        assessments=tuple(
            draw(st.lists(assessments(for_week, good=good), min_size=int(good), max_size=3))
        ),
    )
    weeks_back = draw(st.sets(st.integers(1, HISTORY_WEEKS), max_size=HISTORY_WEEKS))
    if good:
        weeks_back |= set(range(1, draw(st.integers(2, HISTORY_WEEKS)) + 1))
    makers = (clean_checkin, any_checkin)
    if good:
        makers = draw(st.sampled_from(((clean_checkin,), (clean_checkin,) * 3 + (any_checkin,))))
    checkins = tuple(
        draw(draw(st.sampled_from(makers))(for_week - timedelta(weeks=b)))
        for b in sorted(weeks_back)
    )
    # Mostly where she is now (so that time at a level builds up), sometimes anywhere.
    history_backs = draw(st.sets(st.integers(1, HISTORY_WEEKS), max_size=HISTORY_WEEKS))
    if good:
        history_backs |= set(range(1, draw(st.integers(1, HISTORY_WEEKS)) + 1))
    here = st.just((stage, level))
    history = tuple(
        WeekPosition(
            for_week - timedelta(weeks=b),
            *draw(
                st.one_of(here, here, here, positions()) if good else st.one_of(here, positions())
            ),
        )
        for b in sorted(history_backs)
    )
    return Snapshot(
        for_week=for_week,
        athlete=athlete,
        stage=stage,
        level=level,
        history=history,
        checkins=checkins,
    )


def latest_checkin(snapshot: Snapshot) -> CheckInFacts | None:
    checked = snapshot.for_week - timedelta(days=7)
    return next((c for c in snapshot.checkins if c.week == checked), None)


def enters_impact(rec) -> bool:
    return rec.to_stage in protocol.IMPACT_STAGE_KEYS and (
        rec.to_stage != rec.from_stage or rec.from_stage not in protocol.IMPACT_STAGE_KEYS
    )


@settings(max_examples=300, deadline=None)
@given(st.one_of(snapshots(), snapshots(at_a_door=True)))
def test_it_never_advances_into_an_impact_stage_without_every_entry_gate(snapshot):
    rec = recommend(snapshot)
    if rec.action != ADVANCE or not enters_impact(rec):
        return
    entry = protocol.stage(rec.to_stage).entry_gates
    returned = {g.key: g for g in rec.gates}
    assert set(entry) <= set(returned), f"entry gates {entry} not all checked: {rec.gates}"
    assert all(returned[key].passed for key in entry)
    assert all(g.passed for g in rec.gates)
    clearance = snapshot.athlete.clearance_on(snapshot.for_week)
    assert clearance is not None
    assert SCOPE_RANK[clearance.scope] >= SCOPE_RANK["running"]
    if rec.to_stage == "run_walk":
        gates = run_walk_gates(snapshot.athlete, snapshot.checkins, snapshot.for_week)
        assert all(g.passed for g in gates), gates


@settings(max_examples=300, deadline=None)
@given(snapshots())
def test_any_advance_to_an_impact_level_needs_a_valid_running_clearance(snapshot):
    rec = recommend(snapshot)
    if rec.action == ADVANCE and rec.to_stage in protocol.IMPACT_STAGE_KEYS:
        clearance = snapshot.athlete.clearance_on(snapshot.for_week)
        assert clearance is not None
        assert SCOPE_RANK[clearance.scope] >= SCOPE_RANK["running"]


@settings(max_examples=300, deadline=None)
@given(snapshots())
def test_it_never_advances_when_the_latest_checkin_has_a_red_flag(snapshot):
    rec = recommend(snapshot)
    latest = latest_checkin(snapshot)
    if latest is not None and red_flags(latest, snapshot.athlete):
        assert rec.action != ADVANCE
        assert rec.action == PAUSE
        assert rec.refer is True


@settings(max_examples=300, deadline=None)
@given(snapshots())
def test_a_pause_always_lands_in_a_non_impact_stage(snapshot):
    rec = recommend(snapshot)
    if rec.action == PAUSE:
        assert rec.to_stage not in protocol.IMPACT_STAGE_KEYS
        assert protocol.position_rank(rec.to_stage, rec.to_level) <= protocol.position_rank(
            rec.from_stage, rec.from_level
        )


@settings(max_examples=300, deadline=None)
@given(snapshots(), st.randoms(use_true_random=False))
def test_it_is_deterministic_whatever_the_order_of_its_inputs(snapshot, random):
    first = recommend(snapshot)
    assert recommend(snapshot) == first
    checkins, history = list(snapshot.checkins), list(snapshot.history)
    random.shuffle(checkins)
    random.shuffle(history)
    assert recommend(replace(snapshot, checkins=tuple(checkins), history=tuple(history))) == first


@settings(max_examples=300, deadline=None)
@given(snapshots())
def test_the_target_is_always_a_valid_level_of_a_valid_stage(snapshot):
    rec = recommend(snapshot)
    assert rec.action in ACTIONS
    assert rec.to_stage in protocol.STAGE_BY_KEY
    assert 1 <= rec.to_level <= protocol.stage(rec.to_stage).top_level
    assert (rec.from_stage, rec.from_level) == (snapshot.stage, snapshot.level)
    for g in rec.gates:
        assert g.detail.strip()


@settings(max_examples=300, deadline=None)
@given(snapshots())
def test_step_back_never_moves_forward_and_hold_never_moves(snapshot):
    rec = recommend(snapshot)
    here = protocol.position_rank(rec.from_stage, rec.from_level)
    there = protocol.position_rank(rec.to_stage, rec.to_level)
    if rec.action == STEP_BACK:
        assert there <= here
    if rec.action == HOLD:
        assert there == here
    if rec.action == ADVANCE:
        assert there > here
