"""The default return-to-run protocol (SPEC §5), as data.

Seven stages, each with its levels and the sessions a week at that level holds. The entry
gates are checked by ``clinical.gates`` and ``clinical.progression``; this module says what
each stage *is* and how a week of it is laid out. A plan records ``PROTOCOL_VERSION`` so that a
later change to this table never rewrites history.

Sources: goom2019 (walking and strength first, run-walk from about 12 weeks, red flags);
consensus2024 (rest, then walk-run with strength); nielsen2014 and frandsen2025 (build by at
most 10 %); the source article's advice (distance before speed, smooth ground before technical
trails, one variable at a time).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Protocol, TypeVar

from .thresholds import (
    PAUSE_WALK_MAX_MINUTES,
    PAUSE_WALK_MINUTES,
    PAUSE_WALKS_PER_WEEK,
    PELVIC_FLOOR_SESSIONS_BEFORE_IMPACT,
    PELVIC_FLOOR_SESSIONS_IN_IMPACT,
    SCOPE_RANK,
    WALK_MIN_WEEKS_POSTPARTUM,
)

PROTOCOL_VERSION = "2026.2"

WALK, RUN_WALK, RUN, STRENGTH, PELVIC_FLOOR, MOBILITY, REST = (
    "walk",
    "run_walk",
    "run",
    "strength",
    "pelvic_floor",
    "mobility",
    "rest",
)
SESSION_KINDS = (WALK, RUN_WALK, RUN, STRENGTH, PELVIC_FLOOR, MOBILITY, REST)
# The sessions an athlete counts when she reports "sessions done" (the check-in's wording is
# "walks, runs, strength"): daily pelvic floor work and rest days are not counted.
COUNTED_KINDS = frozenset({WALK, RUN_WALK, RUN, STRENGTH})

ROAD, SMOOTH_TRAIL, TECHNICAL_TRAIL = "road", "smooth_trail", "technical_trail"
TERRAINS = (ROAD, SMOOTH_TRAIL, TECHNICAL_TRAIL)


class SessionLike(Protocol):
    """A planned session, whether a ``SessionSpec`` or a stored row."""

    @property
    def kind(self) -> str: ...
    @property
    def minutes(self) -> int: ...
    @property
    def run_seconds(self) -> int | None: ...
    @property
    def walk_seconds(self) -> int | None: ...
    @property
    def repeats(self) -> int | None: ...
    @property
    def notes(self) -> str: ...


S = TypeVar("S", bound=SessionLike)


@dataclass(frozen=True)
class SessionSpec:
    kind: str
    minutes: int
    run_seconds: int | None = None
    walk_seconds: int | None = None
    repeats: int | None = None
    terrain: str = ROAD
    notes: str = ""


@dataclass(frozen=True)
class Level:
    number: int
    label: str
    sessions: tuple[SessionSpec, ...]


@dataclass(frozen=True)
class Stage:
    order: int
    key: str
    name: str
    impact: bool
    summary: str
    guidance: str
    levels: tuple[Level, ...]
    entry_gates: tuple[str, ...] = field(default=())

    @property
    def top_level(self) -> int:
        return self.levels[-1].number

    def level(self, number: int) -> Level:
        return self.levels[min(max(number, 1), len(self.levels)) - 1]


def _pelvic_floor(days: int = PELVIC_FLOOR_SESSIONS_BEFORE_IMPACT) -> tuple[SessionSpec, ...]:
    return tuple(
        SessionSpec(
            PELVIC_FLOOR,
            10,
            notes="Pelvic floor exercises: slow squeezes held up to 10 s, then quick ones; "
            "breathe out as you squeeze.",
        )
        for _ in range(days)
    )


def _strength(times: int = 2) -> tuple[SessionSpec, ...]:
    return tuple(
        SessionSpec(
            STRENGTH,
            30,
            notes="Glutes, hips, core, calves and hamstrings: bridges, side-lying leg raises, "
            "calf raises, split squats. Stop if anything leaks, drags or hurts.",
        )
        for _ in range(times)
    )


def _walks(
    times: int, minutes: int, note: str = "Easy pace: you can talk in full sentences."
) -> tuple[SessionSpec, ...]:
    return tuple(SessionSpec(WALK, minutes, notes=note) for _ in range(times))


def _run_walk(
    run_min: int, walk_min: int, repeats: int, warm_up: int = 5
) -> tuple[SessionSpec, ...]:
    """Three run-walk sessions; ``warm_up`` minutes of walking either side keep each level's
    session within 110 % of the one before (SPEC §14)."""
    minutes = (run_min + walk_min) * repeats + 2 * warm_up
    spec = SessionSpec(
        RUN_WALK,
        minutes,
        run_seconds=run_min * 60,
        walk_seconds=walk_min * 60,
        repeats=repeats,
        terrain=ROAD,
        notes=f"Walk {warm_up} minutes to warm up and to finish. Flat, even ground. Easy "
        "running: you can talk.",
    )
    return (spec, spec, spec)


def _impact_week(*sessions: SessionSpec) -> tuple[SessionSpec, ...]:
    """An impact week: its runs, strength twice, and pelvic floor work (SPEC §14: it never
    stops; at least 3 short sessions a week once running)."""
    return (*sessions, *_strength(2), *_pelvic_floor(PELVIC_FLOOR_SESSIONS_IN_IMPACT))


def _runs(minutes: tuple[int, ...], terrain: str, note: str) -> tuple[SessionSpec, ...]:
    return tuple(SessionSpec(RUN, m, terrain=terrain, notes=note) for m in minutes)


def _build_level(number: int, weekly: int, long_run: int, cut_back: bool) -> Level:
    easy = (weekly - long_run) // 2
    label = f"{weekly} min a week" + (" (cut-back week)" if cut_back else "")
    return Level(
        number,
        label,
        (
            *_runs(
                (easy, easy),
                SMOOTH_TRAIL,
                "Easy running on smooth trails or gravel.",
            ),
            SessionSpec(
                RUN,
                long_run,
                terrain=SMOOTH_TRAIL,
                notes="Longest run of the week, relaxed. Not more than 10 % longer than your "
                "longest of the last month.",
            ),
            *_strength(2),
            *_pelvic_floor(PELVIC_FLOOR_SESSIONS_IN_IMPACT),
        ),
    )


# Build: +10 % a week at most, every 4th week a cut-back to about 75 %; the long run grows by
# no more than 10 % over the longest of the weeks before (nielsen2014, frandsen2025): the
# first is 33 minutes after weeks of 30-minute runs.
_BUILD_WEEKS = (
    (96, 33, False),
    (105, 36, False),
    (115, 39, False),
    (86, 33, True),
    (115, 39, False),
    (124, 42, False),
    (136, 46, False),
    (104, 39, True),
)

STAGES: tuple[Stage, ...] = (
    Stage(
        1,
        "recover",
        "Rest and recover",
        impact=False,
        summary="Pelvic floor, breathing, short easy walks.",
        guidance="Recovery comes before fitness. Your body has just done something enormous: "
        "rest when you can, do your pelvic floor exercises every day, and take short, easy "
        "walks if they feel good.",
        levels=(
            Level(
                1,
                "Short easy walks",
                (
                    *_pelvic_floor(),
                    *_walks(5, 10, "A short, gentle walk. Stop if anything aches or drags."),
                    SessionSpec(
                        MOBILITY,
                        10,
                        notes="Breathing: lie on your side, breathe into your ribs, let the "
                        "tummy and pelvic floor relax on the in-breath.",
                    ),
                ),
            ),
        ),
    ),
    Stage(
        2,
        "walk",
        "Walk and rebuild",
        impact=False,
        summary="Walks building 15 to 45 minutes; strength once cleared for exercise.",
        guidance="Walking is productive training. Build your walks gradually and, once you "
        "are cleared for exercise, add strength work for your glutes, hips, core, calves and "
        "hamstrings: strong foundations make running safer later.",
        levels=(
            Level(1, "4 × 15 min walks", (*_pelvic_floor(), *_walks(4, 15))),
            Level(2, "4 × 25 min walks", (*_pelvic_floor(), *_walks(4, 25))),
            Level(3, "5 × 35 min walks", (*_pelvic_floor(), *_walks(5, 35))),
            Level(
                4,
                "5 × 45 min walks",
                (*_pelvic_floor(), *_walks(5, 45, "Brisk: slightly out of breath on hills.")),
            ),
        ),
        entry_gates=("weeks_postpartum_walk",),
    ),
    Stage(
        3,
        "run_walk",
        "Run-walk",
        impact=True,
        summary="Three run-walk sessions a week on smooth ground, from 1 min run / 2 min walk.",
        guidance="When running feels comfortable, short running intervals mixed with walking "
        "let your body adapt to impact gradually. Stay on smooth, flat ground and keep it "
        "easy: the walk breaks are part of the training, not a failure.",
        levels=(
            Level(1, "1 min run, 2 min walk × 8", _impact_week(*_run_walk(1, 2, 8))),
            Level(2, "2 min run, 2 min walk × 6", _impact_week(*_run_walk(2, 2, 6))),
            Level(3, "2 min run, 1 min walk × 8", _impact_week(*_run_walk(2, 1, 8, warm_up=6))),
            Level(4, "3 min run, 1 min walk × 7", _impact_week(*_run_walk(3, 1, 7))),
            Level(5, "5 min run, 1 min walk × 5", _impact_week(*_run_walk(5, 1, 5))),
            Level(6, "8 min run, 1 min walk × 3", _impact_week(*_run_walk(8, 1, 3))),
        ),
        entry_gates=(
            "weeks_postpartum",
            "clearance",
            "readiness",
            "no_red_flags",
            "recent_checkins",
        ),
    ),
    Stage(
        4,
        "continuous",
        "Continuous easy running",
        impact=True,
        summary="Three easy runs a week, 20 to 30 minutes, on smooth ground.",
        guidance="Comfortable, consistent running matters more than pace. Don't compare "
        "yourself to your pre-pregnancy self: your current starting point is what counts.",
        # 20 to 30 minutes in steps of at most 10 % (SPEC §14: the plan never trips its
        # own long-session rule).
        levels=tuple(
            Level(
                i + 1,
                f"3 × {minutes} min easy",
                _impact_week(
                    *_runs(
                        (minutes,) * 3,
                        ROAD if minutes < 28 else SMOOTH_TRAIL,
                        "Easy, conversational."
                        if minutes < 28
                        else "Easy; smooth trails are fine.",
                    )
                ),
            )
            for i, minutes in enumerate((20, 22, 24, 26, 28, 30))
        ),
        entry_gates=("top_level_symptom_free",),
    ),
    Stage(
        5,
        "build",
        "Build distance",
        impact=True,
        summary="Weekly time up by at most 10 %, every 4th week easier; smooth trails and gravel.",
        guidance="Distance before speed. Add a little at a time, take the easier weeks when "
        "they come, and keep to smooth trails and gravel for now.",
        levels=tuple(_build_level(i + 1, *week) for i, week in enumerate(_BUILD_WEEKS)),
        entry_gates=("top_level_symptom_free",),
    ),
    Stage(
        6,
        "trail",
        "Technical trails and hills",
        impact=True,
        summary="One new variable at a time: hills first, then technical terrain.",
        guidance="Technical trails ask for balance, coordination and agility, which may take "
        "time to return. Change one thing at a time: hills first, then rougher ground. "
        "Confidence often comes gradually.",
        levels=(
            Level(
                1,
                "Rolling hills on smooth trails",
                (
                    *_runs((35, 35), SMOOTH_TRAIL, "Easy running."),
                    SessionSpec(
                        RUN, 45, terrain=SMOOTH_TRAIL, notes="Rolling hills; walk the steep climbs."
                    ),
                    *_strength(2),
                    *_pelvic_floor(PELVIC_FLOOR_SESSIONS_IN_IMPACT),
                ),
            ),
            Level(
                2,
                "Hill session added",
                (
                    *_runs((35,), SMOOTH_TRAIL, "Easy running."),
                    SessionSpec(
                        RUN,
                        40,
                        terrain=SMOOTH_TRAIL,
                        notes="6 × 1 min uphill at a strong effort, walk down.",
                    ),
                    SessionSpec(RUN, 49, terrain=SMOOTH_TRAIL, notes="Long run with hills."),
                    *_strength(2),
                    *_pelvic_floor(PELVIC_FLOOR_SESSIONS_IN_IMPACT),
                ),
            ),
            Level(
                3,
                "Some technical ground",
                (
                    *_runs((35,), SMOOTH_TRAIL, "Easy running."),
                    SessionSpec(
                        RUN,
                        40,
                        terrain=TECHNICAL_TRAIL,
                        notes="Short stretches of rocky or rooty trail; walk what feels unsure.",
                    ),
                    SessionSpec(RUN, 53, terrain=SMOOTH_TRAIL, notes="Long run with hills."),
                    *_strength(2),
                    *_pelvic_floor(PELVIC_FLOOR_SESSIONS_IN_IMPACT),
                ),
            ),
            Level(
                4,
                "Technical long run",
                (
                    *_runs((40,), SMOOTH_TRAIL, "Easy running."),
                    SessionSpec(RUN, 40, terrain=SMOOTH_TRAIL, notes="Hill repeats."),
                    SessionSpec(
                        RUN,
                        58,
                        terrain=TECHNICAL_TRAIL,
                        notes="Long run on mixed, technical trail.",
                    ),
                    *_strength(2),
                    *_pelvic_floor(PELVIC_FLOOR_SESSIONS_IN_IMPACT),
                ),
            ),
        ),
        entry_gates=("weeks_in_previous_stage", "balance"),
    ),
    Stage(
        7,
        "speed",
        "Speed and full training",
        impact=True,
        summary="Strides, then intervals and tempo runs, led by the coach.",
        guidance="Speed comes last, and smart beats hard. Your coach adds faster running one "
        "piece at a time; everything else stays easy.",
        levels=(
            Level(
                1,
                "Strides",
                (
                    *_runs((40,), SMOOTH_TRAIL, "Easy running."),
                    SessionSpec(
                        RUN,
                        35,
                        terrain=ROAD,
                        notes="Easy run with 6 × 20 s strides, full recovery between.",
                    ),
                    SessionSpec(RUN, 63, terrain=TECHNICAL_TRAIL, notes="Long trail run."),
                    *_strength(2),
                    *_pelvic_floor(PELVIC_FLOOR_SESSIONS_IN_IMPACT),
                ),
            ),
            Level(
                2,
                "Intervals",
                (
                    *_runs((40,), SMOOTH_TRAIL, "Easy running."),
                    SessionSpec(
                        RUN,
                        45,
                        terrain=ROAD,
                        notes="5 × 3 min at a hard but steady effort, 2 min jog between.",
                    ),
                    SessionSpec(RUN, 69, terrain=TECHNICAL_TRAIL, notes="Long trail run."),
                    *_strength(2),
                    *_pelvic_floor(PELVIC_FLOOR_SESSIONS_IN_IMPACT),
                ),
            ),
            Level(
                3,
                "Tempo",
                (
                    *_runs((45,), SMOOTH_TRAIL, "Easy running."),
                    SessionSpec(
                        RUN,
                        50,
                        terrain=ROAD,
                        notes="20 min at a comfortably hard tempo inside an easy run.",
                    ),
                    SessionSpec(RUN, 75, terrain=TECHNICAL_TRAIL, notes="Long trail run."),
                    *_strength(2),
                    *_pelvic_floor(PELVIC_FLOOR_SESSIONS_IN_IMPACT),
                ),
            ),
        ),
        entry_gates=("weeks_in_previous_stage",),
    ),
)

STAGE_BY_KEY = {stage.key: stage for stage in STAGES}
STAGE_KEYS = tuple(stage.key for stage in STAGES)
STAGE_CHOICES = [(stage.key, stage.name) for stage in STAGES]
IMPACT_STAGE_KEYS = frozenset(stage.key for stage in STAGES if stage.impact)


def stage(key: str) -> Stage:
    return STAGE_BY_KEY[key]


def next_stage(key: str) -> Stage | None:
    index = STAGE_KEYS.index(key)
    return STAGES[index + 1] if index + 1 < len(STAGES) else None


def previous_stage(key: str) -> Stage | None:
    index = STAGE_KEYS.index(key)
    return STAGES[index - 1] if index > 0 else None


def start_stage(weeks_postpartum: int) -> str:
    """Where a plan starts (SPEC §5): under 3 weeks postpartum, rest; otherwise walking."""
    return "recover" if weeks_postpartum < WALK_MIN_WEEKS_POSTPARTUM else "walk"


def position_rank(stage_key: str, level: int) -> tuple[int, int]:
    """Order positions: a later stage beats any level of an earlier one."""
    return (STAGE_BY_KEY[stage_key].order, level)


def sessions_for(stage_key: str, level: int, *, clearance_scope: str | None) -> list[SessionSpec]:
    """The sessions of a week at this stage and level.

    In ``walk``, strength work is added only once a clearance of scope ``exercise`` or more
    exists (SPEC §5).
    """
    sessions = list(stage(stage_key).level(level).sessions)
    if stage_key == "walk" and clearance_scope in SCOPE_RANK:
        sessions.extend(_strength(2))
    return sessions


# Shown under the heading "Your plan is paused" on her week.
PAUSE_GUIDANCE = (
    "No running, jumping or heavy lifting until your coach has talked with you and a pelvic "
    "health physiotherapist or GP has seen you. Keep moving gently: easy walks, your pelvic "
    "floor exercises every day, and, if walking is uncomfortable, gentle cycling or swimming "
    "instead (swimming only once any bleeding has stopped). Stop and rest if you feel "
    "heaviness, leaking or pain."
)


def pause_sessions() -> list[SessionSpec]:
    """The gentle week a red flag puts her on at once: no impact, easy walks of at most 30
    minutes, pelvic floor work every day."""
    minutes = min(PAUSE_WALK_MINUTES, PAUSE_WALK_MAX_MINUTES)
    return [
        *_pelvic_floor(),
        *_walks(
            PAUSE_WALKS_PER_WEEK,
            minutes,
            "Easy walk, no longer than feels comfortable. Or gentle cycling or swimming "
            "instead. Stop and rest if you feel heaviness, leaking or pain.",
        ),
    ]


def running_minutes(session: SessionLike) -> int:
    """The minutes of running a session holds (a run-walk's running parts only)."""
    if session.kind == RUN:
        return session.minutes
    if session.kind == RUN_WALK and session.run_seconds and session.repeats:
        return session.run_seconds * session.repeats // 60
    return 0


def longest_run(sessions: Iterable[SessionLike]) -> int:
    """The longest session with running in it (a run-walk's whole length), 0 without any."""
    return max((s.minutes for s in sessions if s.kind in (RUN, RUN_WALK)), default=0)


def counted_sessions(sessions: Iterable[SessionLike]) -> int:
    return sum(1 for s in sessions if s.kind in COUNTED_KINDS)


def describe(session: SessionLike) -> str:
    """ "8 × (1 min run, 2 min walk)", "45 min walk", … for any object with session fields."""
    if session.kind == RUN_WALK and session.repeats and session.run_seconds:
        return (
            f"{session.repeats} × ({_duration(session.run_seconds)} run, "
            f"{_duration(session.walk_seconds or 0)} walk)"
        )
    names = {
        WALK: "walk",
        RUN: "easy run" if not session.notes else "run",
        STRENGTH: "strength",
        PELVIC_FLOOR: "pelvic floor exercises",
        MOBILITY: "breathing and mobility",
        REST: "rest",
    }
    if session.kind == REST:
        return "Rest"
    return f"{session.minutes} min {names.get(session.kind, session.kind)}"


def _duration(seconds: int) -> str:
    if seconds % 60 == 0:
        return f"{seconds // 60} min"
    if seconds < 60:
        return f"{seconds} s"
    return f"{seconds // 60} min {seconds % 60} s"


def ladder(stage_key: str | None) -> list[dict[str, str]]:
    """The seven stages with her position: each ``done``, ``current`` or ``todo``."""
    order = STAGE_BY_KEY[stage_key].order if stage_key in STAGE_BY_KEY else 0
    return [
        {
            "key": s.key,
            "name": s.name,
            "state": "done" if s.order < order else "current" if s.order == order else "todo",
        }
        for s in STAGES
    ]


DAILY_KINDS = frozenset({PELVIC_FLOOR, MOBILITY})


def split_daily(sessions: Iterable[S]) -> tuple[list[S], list[S]]:
    """(the week's main sessions, the daily routine once each) for display: seven identical
    pelvic floor entries read better as one line "every day". Fewer than seven (three a week
    once running) stay on their days."""
    sessions = list(sessions)
    counts: dict[tuple[str, int, str], int] = {}
    for s in sessions:
        if s.kind in DAILY_KINDS:
            key = (s.kind, s.minutes, s.notes)
            counts[key] = counts.get(key, 0) + 1
    every_day = {key for key, n in counts.items() if n >= 7}
    main: list[S] = []
    daily: list[S] = []
    seen: set[tuple[str, int, str]] = set()
    for s in sessions:
        key = (s.kind, s.minutes, s.notes)
        if key not in every_day:
            main.append(s)
        elif key not in seen:
            seen.add(key)
            daily.append(s)
    return main, daily


# Suggested days (Mon=0) for n sessions of a kind: spread, with rest between.
_DAY_PATTERNS = {
    1: (5,),
    2: (1, 5),
    3: (1, 3, 5),
    4: (0, 2, 4, 6),
    5: (0, 1, 3, 5, 6),
    6: (0, 1, 2, 4, 5, 6),
    7: (0, 1, 2, 3, 4, 5, 6),
}
IMPACT_KINDS = frozenset({RUN_WALK, RUN})
# At most this many impact sessions fit a week with a rest day after each (0, 2, 4, 6).
MAX_IMPACT_SESSIONS = 4


@dataclass(frozen=True)
class ScheduledSession:
    order: int
    day: int  # 0 = Monday
    spec: SessionSpec


def _spread(n: int, avoid: frozenset[int] = frozenset()) -> list[int]:
    """n days for sessions of one kind: the free days first (not in ``avoid``), spread."""
    free = [d for d in range(7) if d not in avoid]
    if n <= len(free):
        # Take the spread pattern's positions among the free days.
        pattern = _DAY_PATTERNS.get(n, tuple(range(n)))
        picks = [free[round(p * (len(free) - 1) / 6)] for p in pattern]
        if len(set(picks)) == n:
            return picks
        return free[:n]
    return [i % 7 for i in range(n)]


def lay_out(specs: Sequence[SessionSpec]) -> list[ScheduledSession]:
    """The week's sessions on days (SPEC §14: a rest day between runs). Impact sessions go on
    days with none on the day before or after; the other counted sessions (walks, strength)
    on the remaining days; daily work (pelvic floor, breathing) spread over the week, one a
    day when there are seven."""
    impact = [s for s in specs if s.kind in IMPACT_KINDS]
    if len(impact) > MAX_IMPACT_SESSIONS:
        raise ValueError("A week cannot hold this many runs with a rest day between them.")
    counted = [s for s in specs if s.kind in COUNTED_KINDS and s.kind not in IMPACT_KINDS]
    others = [s for s in specs if s.kind not in COUNTED_KINDS]
    impact_days = list(_DAY_PATTERNS.get(len(impact), ()))
    counted_days = _spread(len(counted), avoid=frozenset(impact_days))
    other_days = _spread(len(others))
    return (
        [ScheduledSession(i, impact_days[i], s) for i, s in enumerate(impact)]
        + [ScheduledSession(10 + i, counted_days[i], s) for i, s in enumerate(counted)]
        + [ScheduledSession(100 + i, other_days[i], s) for i, s in enumerate(others)]
    )
