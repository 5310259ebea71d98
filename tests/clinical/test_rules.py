"""The ten warning rules of SPEC §7, as pure functions: plain data in, at most one flag out.

No database: every case is built from ``CheckInFacts`` and ``AthleteFacts``. Each expected
flag is spelled out whole (rule, severity, week, summary, evidence), so a changed threshold,
word or piece of evidence shows up here.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

import pytest

from clinical import rules
from clinical.facts import AssessmentFacts, AthleteFacts, CheckInFacts, ClearanceFacts, Flag
from clinical.gates import run_walk_gates
from clinical.protocol import IMPACT_STAGE_KEYS
from clinical.rules import evaluate_checkin, rule_missed_checkins
from clinical.symptoms import red_flags

# The Monday of the week being judged, and the weeks around it.
W = date(2025, 6, 2)
assert W.weekday() == 0


def wk(offset: int) -> date:
    """The Monday ``offset`` weeks from ``W`` (negative: before)."""
    return W + timedelta(weeks=offset)


def she(weeks_postpartum: int = 20, **changes) -> AthleteFacts:
    """Her profile: ``weeks_postpartum`` whole weeks after the birth on ``W``'s Monday."""
    values = {"delivery_date": W - timedelta(weeks=weeks_postpartum), **changes}
    return AthleteFacts(**values)


def week(offset: int, **values) -> CheckInFacts:
    """Her check-in of the week ``offset`` weeks from ``W``: an ordinary week unless told."""
    return CheckInFacts(week=wk(offset), **values)


def history(*rows: tuple[int, dict]) -> list[CheckInFacts]:
    return [week(offset, **values) for offset, values in rows]


def judged(rule, athlete: AthleteFacts, checkins: list[CheckInFacts]) -> Flag | None:
    """What ``rule`` says about the check-in of ``W``, given her check-ins."""
    latest = next(c for c in checkins if c.week == W)
    return rule(athlete, checkins, latest)


# --- pelvic_floor ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("symptoms", "words"),
    [
        (("leakage",), "leakage"),
        (("urgency",), "urgency"),
        (("heaviness",), "heaviness"),
        (("pelvic_pain",), "pelvic pain"),
        (("abdominal_doming",), "abdominal doming"),
        (("leakage", "heaviness"), "leakage, heaviness"),
    ],
)
def test_any_pelvic_floor_symptom_raises_one_high_flag(symptoms, words):
    checkins = [week(0, **dict.fromkeys(symptoms, True))]

    flag = judged(rules.rule_pelvic_floor, she(), checkins)

    assert flag == Flag(
        "pelvic_floor",
        "high",
        W,
        f"Pelvic floor symptoms reported: {words}. Stop running; refer to a pelvic health physio.",
        dict.fromkeys(symptoms, True),
    )


@pytest.mark.parametrize(
    "values",
    [{}, {"bleeding": True}, {"pain": 8}, {"feeling_low": True}],
    ids=["nothing", "bleeding", "pain", "feeling-low"],
)
def test_pelvic_floor_stays_silent_without_a_pelvic_floor_symptom(values):
    assert judged(rules.rule_pelvic_floor, she(), [week(0, **values)]) is None


# --- bleeding --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("days_postpartum", "severity", "summary"),
    [
        (28, "medium", "Bleeding reported at 4 weeks 0 days postpartum; check it is settling."),
        # Exactly 8 weeks on the Monday of her week: still medium, even though she is past
        # 8 weeks by the Sunday of that week.
        (56, "medium", "Bleeding reported at 8 weeks 0 days postpartum; check it is settling."),
        (
            58,
            "high",
            "Bleeding reported at 8 weeks 2 days postpartum; beyond 8 weeks needs a GP review.",
        ),
        (
            140,
            "high",
            "Bleeding reported at 20 weeks 0 days postpartum; beyond 8 weeks needs a GP review.",
        ),
    ],
)
def test_bleeding_is_medium_up_to_8_weeks_and_high_beyond(days_postpartum, severity, summary):
    athlete = AthleteFacts(delivery_date=W - timedelta(days=days_postpartum))

    flag = judged(rules.rule_bleeding, athlete, [week(0, bleeding=True)])

    assert flag == Flag(
        "bleeding",
        severity,
        W,
        summary,
        {"bleeding": True, "days_postpartum": days_postpartum},
    )


def test_bleeding_at_8_weeks_and_1_day_is_high():
    athlete = AthleteFacts(delivery_date=W - timedelta(days=57))

    flag = judged(rules.rule_bleeding, athlete, [week(0, bleeding=True)])

    assert flag is not None
    assert (flag.rule, flag.severity, flag.week) == ("bleeding", "high", W)
    assert flag.evidence == {"bleeding": True, "days_postpartum": 57}
    assert flag.summary.endswith("; beyond 8 weeks needs a GP review.")


def test_bleeding_summary_says_1_day_not_1_days():
    athlete = AthleteFacts(delivery_date=W - timedelta(days=57))

    flag = judged(rules.rule_bleeding, athlete, [week(0, bleeding=True)])

    assert flag is not None
    assert flag.summary == (
        "Bleeding reported at 8 weeks 1 day postpartum; beyond 8 weeks needs a GP review."
    )


def test_bleeding_is_judged_on_the_monday_of_the_checkin_week():
    # Born on the Monday 8 weeks before W: 56 days on W (medium), 62 days by W's Sunday.
    athlete = AthleteFacts(delivery_date=W - timedelta(weeks=8))
    checkin = week(0, bleeding=True)

    assert judged(rules.rule_bleeding, athlete, [checkin]).severity == "medium"
    assert red_flags(checkin, athlete) == []
    one_day_older = AthleteFacts(delivery_date=W - timedelta(weeks=8, days=1))
    assert red_flags(checkin, one_day_older) == ["bleeding"]


def test_no_bleeding_no_bleeding_flag():
    assert judged(rules.rule_bleeding, she(), [week(0)]) is None


# --- pain ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pain", "severity"),
    [(0, None), (2, None), (3, "medium"), (4, "medium"), (5, "high"), (10, "high")],
)
def test_pain_is_medium_from_3_and_high_from_5(pain, severity):
    flag = judged(rules.rule_pain, she(), [week(0, pain=pain)])

    if severity is None:
        assert flag is None
    else:
        assert flag == Flag("pain", severity, W, f"Pain {pain}/10 reported.", {"pain": pain})


# --- fatigue_streak --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("energies", "fires"),
    [
        ({-2: 2, -1: 2, 0: 2}, True),
        ({-2: 1, -1: 2, 0: 1}, True),
        ({-3: 5, -2: 2, -1: 2, 0: 2}, True),
        ({-1: 2, 0: 2}, False),  # two weeks are not a streak yet
        ({-2: 3, -1: 2, 0: 2}, False),
        ({-2: 2, -1: 3, 0: 2}, False),
        ({-2: 2, -1: 2, 0: 3}, False),  # the streak must reach the week judged
        ({-3: 2, -1: 2, 0: 2}, False),  # a missing week breaks the streak
        ({-3: 2, -2: 2, 0: 2}, False),
    ],
    ids=[
        "3-weeks-at-2",
        "3-weeks-at-1-or-2",
        "longer-history",
        "only-2-weeks",
        "oldest-week-at-3",
        "middle-week-at-3",
        "this-week-at-3",
        "gap-last-week",
        "gap-2-weeks-ago",
    ],
)
def test_fatigue_streak_needs_energy_2_or_less_on_3_consecutive_weeks(energies, fires):
    checkins = history(*((offset, {"energy": e}) for offset, e in energies.items()))

    flag = judged(rules.rule_fatigue_streak, she(), checkins)

    if not fires:
        assert flag is None
    else:
        assert flag == Flag(
            "fatigue_streak",
            "medium",
            W,
            "Energy 2/5 or lower for 3 weeks in a row.",
            {"energy": {wk(o).isoformat(): energies[o] for o in (-2, -1, 0)}},
        )


# --- short_sleep -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("hours", "fires"),
    [
        ({-1: "4.9", 0: "4.9"}, True),
        ({-1: "3.0", 0: "0.0"}, True),
        ({-1: "5.0", 0: "4.0"}, False),  # 5.0 h is not short
        ({-1: "4.0", 0: "5.0"}, False),
        ({0: "3.0"}, False),  # one week is not a streak
        ({-2: "4.0", 0: "4.0"}, False),  # a missing week breaks it
    ],
    ids=["4.9-twice", "very-short", "5.0-then-4", "4-then-5.0", "one-week", "gap"],
)
def test_short_sleep_needs_under_5_hours_on_2_consecutive_weeks(hours, fires):
    checkins = history(*((o, {"sleep_hours": Decimal(h)}) for o, h in hours.items()))

    flag = judged(rules.rule_short_sleep, she(), checkins)

    if not fires:
        assert flag is None
    else:
        assert flag == Flag(
            "short_sleep",
            "medium",
            W,
            "Under 5 hours' sleep a night for 2 weeks in a row.",
            {"sleep_hours": {wk(o).isoformat(): hours[o] for o in (-1, 0)}},
        )


# --- low_mood --------------------------------------------------------------------------------


def test_feeling_low_raises_a_high_low_mood_flag_at_once():
    flag = judged(rules.rule_low_mood, she(), [week(0, feeling_low=True, mood=4)])

    assert flag == Flag(
        "low_mood",
        "high",
        W,
        "She felt low or anxious most days. Check in with her kindly; point her to support.",
        {"feeling_low": True, "mood": 4},
    )


def test_feeling_low_with_a_low_mood_streak_is_still_one_flag():
    checkins = history((-1, {"mood": 1}), (0, {"mood": 1, "feeling_low": True}))

    flags = [f for f in evaluate_checkin(she(), checkins, W) if f.rule == "low_mood"]

    assert flags == [
        Flag(
            "low_mood",
            "high",
            W,
            "She felt low or anxious most days. Check in with her kindly; point her to support.",
            {"feeling_low": True, "mood": 1},
        )
    ]


@pytest.mark.parametrize(
    ("moods", "fires"),
    [
        ({-1: 2, 0: 2}, True),
        ({-1: 1, 0: 2}, True),
        ({-1: 3, 0: 2}, False),
        ({-1: 2, 0: 3}, False),
        ({0: 1}, False),
        ({-2: 1, 0: 1}, False),  # a missing week breaks it
    ],
    ids=["2-and-2", "1-and-2", "3-then-2", "2-then-3", "one-week", "gap"],
)
def test_low_mood_fires_on_mood_2_or_less_on_2_consecutive_weeks(moods, fires):
    checkins = history(*((o, {"mood": m}) for o, m in moods.items()))

    flag = judged(rules.rule_low_mood, she(), checkins)

    if not fires:
        assert flag is None
    else:
        assert flag == Flag(
            "low_mood",
            "high",
            W,
            "Mood 2/5 or lower for 2 weeks in a row.",
            {"mood": {wk(o).isoformat(): moods[o] for o in (-1, 0)}},
        )


# --- load_spike ------------------------------------------------------------------------------


def _load(previous: dict[int, int], this_week: int) -> list[CheckInFacts]:
    return history(
        *((o, {"run_minutes": m}) for o, m in previous.items()), (0, {"run_minutes": this_week})
    )


@pytest.mark.parametrize(
    ("previous", "this_week", "mean"),
    [
        ({-2: 40, -1: 60}, 66, "50"),  # 130 % of 50 is 65
        ({-2: 15, -1: 16}, 41, "15.5"),  # 130 % of 15.5 is 20.15
        ({-2: 0, -1: 0}, 30, "0"),  # from nothing to the 30-minute floor
        ({-2: 10, -1: 10}, 30, "10"),
    ],
)
def test_load_spike_fires_just_above_130_percent_of_the_2_previous_weeks(previous, this_week, mean):
    flag = judged(rules.rule_load_spike, she(), _load(previous, this_week))

    assert flag == Flag(
        "load_spike",
        "medium",
        W,
        f"{this_week} min of running, more than 130 % of the previous two weeks' "
        f"average ({mean} min).",
        {
            "run_minutes": this_week,
            "planned_run_minutes": None,
            "previous_mean": mean,
            "previous": {wk(o).isoformat(): m for o, m in previous.items()},
        },
    )


@pytest.mark.parametrize(
    ("previous", "this_week"),
    [
        ({-2: 40, -1: 60}, 65),  # exactly 130 % of 50
        ({-2: 40, -1: 60}, 50),
        ({-2: 50, -1: 50}, 65),  # exactly 130 % of 50, from two equal weeks
        ({-2: 10, -1: 10}, 29),  # 290 %, but under the 30-minute floor
        ({-2: 0, -1: 0}, 29),
        ({-1: 10}, 60),  # the week before last is missing
        ({-2: 10}, 60),  # last week is missing
        ({-3: 10, -1: 10}, 60),
    ],
    ids=[
        "exactly-130-percent",
        "below",
        "exactly-130-percent-of-equal-weeks",
        "under-30-minutes",
        "under-30-minutes-from-nothing",
        "no-week-before-last",
        "no-last-week",
        "gap-in-baseline",
    ],
)
def test_load_spike_stays_silent_at_130_percent_under_30_minutes_or_without_2_weeks(
    previous, this_week
):
    assert judged(rules.rule_load_spike, she(), _load(previous, this_week)) is None


# --- long_session_spike ----------------------------------------------------------------------


def _longest(prior: dict[int, int], this_week: int) -> list[CheckInFacts]:
    def row(minutes: int) -> dict:
        return {
            "longest_run_minutes": minutes,
            "longest_session_minutes": minutes,
            "run_minutes": max(minutes, 1) * 3,
        }

    return history(*((o, row(m)) for o, m in prior.items()), (0, row(this_week)))


@pytest.mark.parametrize(
    ("prior", "this_week", "prior_longest"),
    [
        ({-4: 40, -3: 50, -2: 30, -1: 45}, 56, 50),  # 110 % of 50 is 55
        ({-1: 20}, 23, 20),  # 110 % of 20 is 22
        ({-5: 100, -1: 50}, 56, 50),  # 5 weeks ago is outside the window
    ],
    ids=["over-110-percent", "one-prior-week", "older-weeks-ignored"],
)
def test_long_session_spike_fires_above_110_percent_of_the_longest_of_4_prior_weeks(
    prior, this_week, prior_longest
):
    flag = judged(rules.rule_long_session_spike, she(), _longest(prior, this_week))

    assert flag == Flag(
        "long_session_spike",
        "low",
        W,
        f"Longest run {this_week} min, more than 10 % over the longest of the previous "
        f"4 weeks ({prior_longest} min).",
        {
            "longest_run_minutes": this_week,
            "planned_longest_run_minutes": None,
            "prior_longest": prior_longest,
        },
    )


@pytest.mark.parametrize(
    ("prior", "this_week"),
    [
        ({-4: 40, -3: 50, -2: 30, -1: 45}, 55),  # exactly 110 %
        ({-4: 60, -1: 50}, 56),  # 4 weeks ago is inside the window
        ({}, 90),  # no baseline at all
        ({-2: 0, -1: 0}, 90),  # a baseline of nothing is no baseline
        ({-6: 20, -5: 20}, 90),  # only weeks outside the window
    ],
    ids=["exactly-110-percent", "week-4-counts", "no-checkins", "zero-baseline", "too-old"],
)
def test_long_session_spike_stays_silent_without_a_baseline_or_within_110_percent(prior, this_week):
    assert judged(rules.rule_long_session_spike, she(), _longest(prior, this_week)) is None


# --- missed_checkins -------------------------------------------------------------------------


def test_missed_checkins_fires_after_2_silent_completed_weeks_for_the_last_silent_week():
    athlete = she(created_on=wk(-10))
    checkins = history((-3, {}))

    flag = rule_missed_checkins(athlete, checkins, W)

    assert flag == Flag(
        "missed_checkins",
        "low",
        wk(-1),
        "No check-in for the weeks of 19 May and 26 May.",
        {"missing_weeks": [wk(-2).isoformat(), wk(-1).isoformat()]},
    )


@pytest.mark.parametrize("offset", [-1, -2], ids=["last-week", "week-before-last"])
def test_missed_checkins_stays_silent_if_either_completed_week_has_a_checkin(offset):
    athlete = she(created_on=wk(-10))

    assert rule_missed_checkins(athlete, history((offset, {})), W) is None


@pytest.mark.parametrize(
    ("created_on", "fires"),
    [
        (wk(-2), True),  # her profile existed from the Monday of the first silent week
        (wk(-2) + timedelta(days=6), True),  # ... or from within it
        (wk(-1), False),  # created last Monday: the week before last is not held against her
        (wk(-1) + timedelta(days=3), False),
        (W, False),
    ],
    ids=["monday-of-first-week", "sunday-of-first-week", "last-monday", "last-week", "today"],
)
def test_missed_checkins_does_not_count_weeks_before_her_profile_existed(created_on, fires):
    athlete = she(created_on=created_on)

    flag = rule_missed_checkins(athlete, [], W)

    assert (flag is not None) == fires
    if fires:
        assert (flag.rule, flag.severity, flag.week) == ("missed_checkins", "low", wk(-1))


def test_missed_checkins_does_not_count_weeks_before_the_birth():
    # A profile made in pregnancy; the baby came last Wednesday.
    athlete = AthleteFacts(delivery_date=wk(-1) + timedelta(days=2), created_on=wk(-12))

    assert rule_missed_checkins(athlete, [], W) is None


# --- running_without_clearance ---------------------------------------------------------------


def cleared(weeks_postpartum: int = 20, **changes) -> AthleteFacts:
    """Every run-walk gate holds for ``W``: 20 weeks postpartum, cleared for running, a
    readiness pass 2 weeks ago (check-ins of the 2 weeks before are added by the tests)."""
    delivery = W - timedelta(weeks=weeks_postpartum)
    values = {
        "delivery_date": delivery,
        "clearances": (
            ClearanceFacts(delivery + timedelta(weeks=6), "running", pelvic_health_assessed=True),
        ),
        "assessments": (AssessmentFacts(W - timedelta(weeks=2), passed=True),),
        **changes,
    }
    return AthleteFacts(**values)


def _running(*, before: list[tuple[int, dict]] | None = None, run_minutes: int = 20):
    """Her check-ins: ``before`` (by default two ordinary weeks), then ``W`` with running."""
    rows = [*(before if before is not None else [(-2, {}), (-1, {})])]
    return history(*rows, (0, {"run_minutes": run_minutes}))


def test_running_is_fine_when_every_run_walk_gate_holds():
    assert all(g.passed for g in run_walk_gates(cleared(), _running(), W))
    assert judged(rules.rule_running_without_clearance, cleared(), _running()) is None


def test_no_running_no_running_without_clearance_flag():
    athlete = AthleteFacts(delivery_date=W - timedelta(weeks=4))

    assert judged(rules.rule_running_without_clearance, athlete, _running(run_minutes=0)) is None


def test_running_without_a_clearance_raises_a_high_flag_naming_the_failed_gate():
    athlete = cleared(clearances=())

    flag = judged(rules.rule_running_without_clearance, athlete, _running())

    assert flag == Flag(
        "running_without_clearance",
        "high",
        W,
        "20 min of running while the run-walk gates did not hold: "
        "No medical clearance that is valid on that day.",
        {"run_minutes": 20, "failed_gates": ["clearance"]},
    )


@pytest.mark.parametrize(
    ("athlete", "before", "failed"),
    [
        (cleared(weeks_postpartum=11), None, ["weeks_postpartum"]),
        (
            cleared(clearances=(ClearanceFacts(W - timedelta(weeks=10), "exercise"),)),
            None,
            ["clearance"],
        ),
        (
            cleared(
                clearances=(
                    ClearanceFacts(
                        W - timedelta(weeks=10),
                        "running",
                        W - timedelta(days=1),
                        pelvic_health_assessed=True,
                    ),
                )
            ),
            None,
            ["clearance"],
        ),
        (cleared(assessments=()), None, ["readiness"]),
        (
            cleared(assessments=(AssessmentFacts(W - timedelta(days=57), passed=True),)),
            None,
            ["readiness"],
        ),
        (
            cleared(assessments=(AssessmentFacts(W - timedelta(weeks=1), passed=False),)),
            None,
            ["readiness"],
        ),
        (cleared(), [(-2, {}), (-1, {"leakage": True})], ["no_red_flags"]),
        (cleared(), [(-1, {})], ["recent_checkins"]),
        (
            AthleteFacts(delivery_date=W - timedelta(weeks=8)),
            [],
            ["weeks_postpartum", "clearance", "readiness", "recent_checkins"],
        ),
    ],
    ids=[
        "11-weeks-postpartum",
        "cleared-for-exercise-only",
        "clearance-expired",
        "no-assessment",
        "assessment-57-days-old",
        "assessment-failed",
        "red-flag-last-week",
        "one-checkin-in-3-weeks",
        "nothing-holds",
    ],
)
def test_running_while_any_run_walk_gate_fails_raises_a_high_flag(athlete, before, failed):
    flag = judged(rules.rule_running_without_clearance, athlete, _running(before=before))

    assert flag is not None
    assert (flag.rule, flag.severity, flag.week) == ("running_without_clearance", "high", W)
    assert flag.evidence == {"run_minutes": 20, "failed_gates": failed}
    gates = {g.key: g for g in run_walk_gates(athlete, _running(before=before), W)}
    assert flag.summary == (
        "20 min of running while the run-walk gates did not hold: "
        + "; ".join(gates[key].detail for key in failed)
    )


@pytest.mark.parametrize(
    "athlete",
    [
        cleared(weeks_postpartum=12),
        cleared(assessments=(AssessmentFacts(W - timedelta(days=56), passed=True),)),
        cleared(
            clearances=(
                ClearanceFacts(
                    W - timedelta(weeks=10), "unrestricted", pelvic_health_assessed=True
                ),
            )
        ),
    ],
    ids=["exactly-12-weeks", "assessment-exactly-8-weeks-old", "unrestricted-clearance"],
)
def test_running_at_the_edge_of_each_gate_is_fine(athlete):
    assert judged(rules.rule_running_without_clearance, athlete, _running()) is None


@pytest.mark.parametrize("stage", sorted(IMPACT_STAGE_KEYS))
def test_in_an_impact_stage_only_the_12_week_and_clearance_gates_matter(stage):
    # No assessment, no check-ins before, a red flag two weeks ago: none of that counts now.
    athlete = cleared(stage=stage, assessments=())
    before = [(-2, {"leakage": True})]

    assert judged(rules.rule_running_without_clearance, athlete, _running(before=before)) is None

    uncleared = cleared(stage=stage, assessments=(), clearances=())
    flag = judged(rules.rule_running_without_clearance, uncleared, _running(before=before))
    assert flag is not None
    assert flag.evidence == {"run_minutes": 20, "failed_gates": ["clearance"]}

    too_early = cleared(weeks_postpartum=10, stage=stage, assessments=())
    flag = judged(rules.rule_running_without_clearance, too_early, _running(before=before))
    assert flag is not None
    assert flag.evidence == {"run_minutes": 20, "failed_gates": ["weeks_postpartum"]}


@pytest.mark.parametrize("stage", ["", "recover", "walk"])
def test_before_an_impact_stage_every_run_walk_gate_matters(stage):
    athlete = cleared(stage=stage, assessments=())

    flag = judged(rules.rule_running_without_clearance, athlete, _running())

    assert flag is not None
    assert flag.evidence == {"run_minutes": 20, "failed_gates": ["readiness"]}


# --- red flags and the whole evaluation ------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ({}, []),
        ({"pain": 4}, []),
        ({"pain": 5}, ["pain"]),
        ({"leakage": True, "abdominal_doming": True}, ["leakage", "abdominal_doming"]),
        ({"bleeding": True}, ["bleeding"]),  # 20 weeks postpartum
        ({"feeling_low": True}, []),  # low mood is cared for, but not a red flag for impact
    ],
)
def test_red_flags_name_the_symptoms_that_pause_running(values, expected):
    assert red_flags(week(0, **values), she()) == expected


def test_an_ordinary_week_raises_nothing():
    checkins = history((-3, {}), (-2, {}), (-1, {}), (0, {}))

    assert evaluate_checkin(she(), checkins, W) == []


def test_evaluating_a_week_without_a_checkin_raises_nothing():
    assert evaluate_checkin(she(), history((-1, {"pain": 9})), W) == []


def test_evaluation_gives_at_most_one_flag_per_rule_for_the_week_judged():
    checkins = history(
        (-2, {"energy": 1, "mood": 1, "sleep_hours": Decimal("3"), "run_minutes": 10}),
        (-1, {"energy": 1, "mood": 1, "sleep_hours": Decimal("3"), "run_minutes": 10}),
        (
            0,
            {
                "energy": 1,
                "mood": 1,
                "sleep_hours": Decimal("3"),
                "run_minutes": 60,
                "longest_session_minutes": 40,
                "leakage": True,
                "urgency": True,
                "bleeding": True,
                "pain": 7,
                "feeling_low": True,
            },
        ),
    )

    flags = evaluate_checkin(she(), checkins, W)

    assert sorted(f.rule for f in flags) == sorted(
        [
            "pelvic_floor",
            "bleeding",
            "pain",
            "fatigue_streak",
            "short_sleep",
            "low_mood",
            "load_spike",
            "running_without_clearance",
        ]
    )
    assert {f.week for f in flags} == {W}
    assert all(f.summary and f.evidence for f in flags)


def test_evaluation_ignores_checkins_after_the_week_judged():
    checkins = history((-2, {"energy": 2}), (-1, {"energy": 2}), (0, {"energy": 3}), (1, {}))

    flags = evaluate_checkin(she(), checkins, wk(-1))

    assert flags == []
    # and the later week cannot complete a streak backwards
    streak = history((-2, {"energy": 2}), (-1, {"energy": 2}), (0, {"energy": 2}))
    assert [f.rule for f in evaluate_checkin(she(), streak, wk(-1))] == []
    assert [f.rule for f in evaluate_checkin(she(), streak, W)] == ["fatigue_streak"]


# --- the plan never trips its own flags (SPEC §14) ---------------------------------------------


def test_load_spike_stays_silent_when_she_ran_no_more_than_planned():
    checkins = _load({-2: 24, -1: 24}, 36)
    planned = [replace(c, planned_run_minutes=36) if c.week == W else c for c in checkins]

    assert judged(rules.rule_load_spike, she(), planned) is None
    over = [replace(c, planned_run_minutes=35) if c.week == W else c for c in checkins]
    assert judged(rules.rule_load_spike, she(), over).rule == "load_spike"


def test_long_session_spike_judges_running_against_running_and_the_plan():
    # A long walk is not a long run: only her longest run counts.
    walks = history(
        (-1, {"longest_session_minutes": 20, "walk_minutes": 60}),
        (0, {"longest_session_minutes": 90, "walk_minutes": 200, "longest_run_minutes": 0}),
    )
    assert judged(rules.rule_long_session_spike, she(), walks) is None

    runs = _longest({-1: 30}, 34)
    planned = [replace(c, planned_longest_run_minutes=34) if c.week == W else c for c in runs]
    assert judged(rules.rule_long_session_spike, she(), planned) is None
    beyond = [replace(c, planned_longest_run_minutes=33) if c.week == W else c for c in runs]
    flag = judged(rules.rule_long_session_spike, she(), beyond)
    assert flag.summary.endswith("and longer than the 33 min planned.")


def test_a_normal_period_raises_nothing():
    checkins = history((0, {"periods_returned": True}))

    assert rules.evaluate_checkin(she(weeks_postpartum=14), checkins, W) == []
