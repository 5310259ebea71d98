"""Every week the protocol can generate holds what SPEC §14 asks of it."""

from __future__ import annotations

import itertools
from decimal import Decimal

import pytest

from clinical import protocol
from clinical.thresholds import (
    LONG_SESSION_RATIO,
    PAUSE_WALK_MAX_MINUTES,
    PELVIC_FLOOR_SESSIONS_BEFORE_IMPACT,
    PELVIC_FLOOR_SESSIONS_IN_IMPACT,
)

SCOPES = (None, "exercise", "running")
WEEKS = [
    pytest.param(stage, level, scope, id=f"{stage.key}-{level.number}-{scope}")
    for stage in protocol.STAGES
    for level in stage.levels
    for scope in SCOPES
]


def _days(stage, level, scope, kinds) -> list[int]:
    laid = protocol.lay_out(protocol.sessions_for(stage.key, level.number, clearance_scope=scope))
    return sorted(item.day for item in laid if item.spec.kind in kinds)


@pytest.mark.parametrize(("stage", "level", "scope"), WEEKS)
def test_every_week_holds_pelvic_floor_work(stage, level, scope):
    needed = (
        PELVIC_FLOOR_SESSIONS_IN_IMPACT if stage.impact else PELVIC_FLOOR_SESSIONS_BEFORE_IMPACT
    )

    assert len(_days(stage, level, scope, {protocol.PELVIC_FLOOR})) >= needed


@pytest.mark.parametrize(("stage", "level", "scope"), WEEKS)
def test_no_two_impact_sessions_fall_on_consecutive_days(stage, level, scope):
    days = _days(stage, level, scope, protocol.IMPACT_KINDS)

    assert len(days) == len(set(days))
    assert all(later - earlier >= 2 for earlier, later in itertools.pairwise(days))
    if stage.impact:
        assert days, "an impact stage runs"


def test_the_pause_week_is_gentle():
    sessions = protocol.pause_sessions()
    laid = protocol.lay_out(sessions)

    assert not [s for s in sessions if s.kind in protocol.IMPACT_KINDS | {protocol.STRENGTH}]
    walks = [s for s in sessions if s.kind == protocol.WALK]
    assert walks
    assert all(s.minutes <= PAUSE_WALK_MAX_MINUTES for s in walks)
    assert sorted(i.day for i in laid if i.spec.kind == protocol.PELVIC_FLOOR) == list(range(7))
    assert all("heaviness, leaking or pain" in s.notes for s in walks)


def _longest_run(stage, level) -> int:
    return max((s.minutes for s in level.sessions if s.kind in protocol.IMPACT_KINDS), default=0)


def test_each_step_keeps_the_longest_run_within_110_percent_of_the_weeks_before():
    # The order a perfect athlete lives the levels in, one week each at least.
    sequence = [
        (stage, level) for stage in protocol.STAGES if stage.impact for level in stage.levels
    ]
    longest = [_longest_run(stage, level) for stage, level in sequence]
    for i in range(1, len(longest)):
        before = max(longest[max(0, i - 4) : i])
        assert Decimal(longest[i]) <= before * LONG_SESSION_RATIO, sequence[i]
