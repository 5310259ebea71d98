"""Every clinical number Stridewise uses, defined once, each with its source (SPEC §10).

Tune a number here and every rule, gate, page and validator that depends on it follows.
Source keys refer to ``clinical.SOURCES``. A test fails if a module outside ``clinical``
defines a number of its own.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

# --- Time since birth --------------------------------------------------------------------------

# consensus2024: about 3 weeks of rest and recovery before walking is built up.
WALK_MIN_WEEKS_POSTPARTUM = 3
# goom2019, moore2021: no running before about 3 months (median first run at 12 weeks).
RUN_MIN_WEEKS_POSTPARTUM = 12
# goom2019: lochia usually settles by 6-8 weeks; bleeding beyond 8 weeks needs a review.
BLEEDING_HIGH_AFTER_WEEKS = 8
BLEEDING_HIGH_AFTER_DAYS = BLEEDING_HIGH_AFTER_WEEKS * 7

# --- Clearance and readiness -------------------------------------------------------------------

# SPEC §4: scopes are ordered, each includes the ones before it. Running needs ``running``.
SCOPE_RANK = {"exercise": 1, "running": 2, "unrestricted": 3}
RUNNING_SCOPE = "running"
# goom2019 (SPEC §4): a passed readiness assessment counts for 8 weeks.
ASSESSMENT_VALID_WEEKS = 8
ASSESSMENT_VALID_DAYS = ASSESSMENT_VALID_WEEKS * 7

# SPEC §12 (expiry warnings): a clearance or a passed readiness assessment is shown as
# expiring when it lapses within 14 days. Why 14: two weekly cycles of the loop (SPEC §11: a
# check-in opens on Friday and decides the following week), so the coach sees it at least one
# decision ahead; and a routine GP, midwife or pelvic health physiotherapy appointment (NICE
# NG194 postnatal care is arranged in weeks, not days) or a retest usually fits in two weeks.
EXPIRY_WARNING_DAYS = 14

# --- Symptoms and how she feels (scales of SPEC §6) --------------------------------------------

# goom2019: pain stops running; 5/10 or more is a red flag (pause), 3-4/10 a step back.
PAIN_HIGH = 5
PAIN_MEDIUM = 3
# consensus2024 (energy availability, fatigue): energy 2/5 or lower ...
FATIGUE_ENERGY_MAX = 2
# ... on 2 consecutive check-ins steps her back (SPEC §5), on 3 raises a flag (SPEC §7).
FATIGUE_STEP_BACK_WEEKS = 2
FATIGUE_STREAK_WEEKS = 3
# consensus2024 (sleep): under 5 hours a night holds progress and, 2 weeks running, is flagged.
SLEEP_MIN_HOURS = Decimal("5")
SHORT_SLEEP_WEEKS = 2
# consensus2024 (mental health); cox1987 for why no score is computed: mood 2/5 or lower on
# 2 consecutive check-ins is treated like feeling low.
LOW_MOOD_MAX = 2
LOW_MOOD_WEEKS = 2
# SPEC §5 (session RPE): effort 8/10 or more with soreness 7/10 or more is too hard for now.
HIGH_EFFORT = 8
HIGH_SORENESS = 7

# --- Pelvic floor work ------------------------------------------------------------------------

# goom2019, consensus2024: pelvic floor muscle training is the best-evidenced element and
# never stops: daily before impact, at least 3 short sessions a week in every impact stage.
PELVIC_FLOOR_SESSIONS_BEFORE_IMPACT = 7
PELVIC_FLOOR_SESSIONS_IN_IMPACT = 3

# --- Load ----------------------------------------------------------------------------------------

# nielsen2014: a weekly increase over 30 % raises injury risk; below 30 minutes of running a
# week the percentage is noise.
LOAD_SPIKE_RATIO = Decimal("1.3")
LOAD_SPIKE_MIN_MINUTES = 30
LOAD_SPIKE_BASELINE_WEEKS = 2
# frandsen2025: a session more than 10 % longer than the longest of the prior 30 days.
LONG_SESSION_RATIO = Decimal("1.1")
LONG_SESSION_BASELINE_WEEKS = 4
# nielsen2014 (SPEC §5 build): weekly minutes up by at most 10 %, every 4th week about 75 %.
BUILD_WEEKLY_INCREASE_MAX = Decimal("1.1")
BUILD_CUT_BACK_RATIO = Decimal("0.75")

# goom2019: running with a buggy not before about 6 months after the birth (the baby's neck and
# the buggy's design, besides her own return).
BUGGY_RUNNING_FROM_WEEKS = 26

# --- Progression (SPEC §5) -----------------------------------------------------------------------

# Sessions done below two thirds of those planned hold progress.
COMPLIANCE_MIN = Fraction(2, 3)
COMPLIANCE_MIN_WORDS = "two thirds"
# A week with this many days lost to illness, the baby or travel is not judged on compliance.
UNAVAILABLE_WEEK_DAYS = 4
# Checked-in weeks at a level before the next one.
MIN_WEEKS_AT_LEVEL = 1
# Checked-in weeks in build (or trail) with no flag before the next stage.
MIN_WEEKS_IN_STAGE_BEFORE_NEXT = 4
# Consecutive symptom-free weeks at the top level before continuous running / building.
SYMPTOM_FREE_WEEKS_AT_TOP = 2
# goom2019: run-walk needs no red flag in the last 2 check-ins and 2 check-ins in 3 weeks.
RED_FLAG_LOOKBACK_CHECKINS = 2
RECENT_CHECKINS_NEEDED = 2
RECENT_CHECKINS_WINDOW_WEEKS = 3

# --- A pause after a red flag ------------------------------------------------------------------

# goom2019 (stop impact with symptoms), consensus2024 (modify for symptoms): a pause week holds
# easy walks of at most 30 minutes and daily pelvic floor work, and no impact at all.
PAUSE_WALK_MINUTES = 20
PAUSE_WALK_MAX_MINUTES = 30
PAUSE_WALKS_PER_WEEK = 4

# --- Check-ins the rules expect ----------------------------------------------------------------

# A low flag when the last 2 completed weeks have no check-in.
MISSED_CHECKIN_WEEKS = 2

# --- How much history the core needs (derived, so a longer rule widens them) -------------------

# The warning rules look back at most 4 weeks (the long-session baseline) before the week
# judged; twice that leaves room for the run-walk gates' "last 2 check-ins".
RULE_HISTORY_WEEKS = 2 * LONG_SESSION_BASELINE_WEEKS
# The engine looks back over a stage's weeks and the rules of each: half a year is plenty.
ENGINE_HISTORY_WEEKS = 26

# --- The scales of a check-in (SPEC §6): forms, the API and database constraints use them ------

CHECKIN_RANGES: dict[str, tuple[int, int] | tuple[Decimal, Decimal]] = {
    "sessions_completed": (0, 14),
    "run_minutes": (0, 2000),
    "walk_minutes": (0, 3000),
    "longest_session_minutes": (0, 600),
    "longest_run_minutes": (0, 600),
    "effort": (1, 10),
    "energy": (1, 5),
    "sleep_hours": (Decimal("0"), Decimal("14")),
    "sleep_quality": (1, 5),
    "mood": (1, 5),
    "stress": (1, 5),
    "soreness": (0, 10),
    "pain": (0, 10),
    "unavailable_days": (0, 7),
    "sessions_planned": (0, 14),
}
