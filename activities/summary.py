"""What an activity file comes down to: a handful of numbers, never the track (SPEC §13).

Pure: no Django. Each parser (``activities.parsers``) reads its format into the plain samples
below, and :func:`summarise` turns them into an :class:`ActivitySummary`. The GPS positions a
parser reads live only as long as the distances they give; nothing here keeps them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import pairwise

RUN = "run"
WALK = "walk"
HIKE = "hike"
OTHER = "other"
SPORTS = (RUN, WALK, HIKE, OTHER)

# Running or walking, by speed, when the file's laps don't say. People change gait from a walk
# to a run at about 2.0 m/s (7.2 km/h; Hreljac 1993, J Biomech 26:63), but a new mother's
# easy jog in a run-walk is often slower than that, and a brisk walk behind a pram is rarely
# faster than 1.6 m/s (5.8 km/h). 1.75 m/s (6.3 km/h, 9:31 min/km) sits between the two: a
# stretch at or above it counts as running. Not a clinical number (it judges no risk), so it
# lives here rather than in clinical/thresholds.py.
RUN_SPEED_MS = 1.75
# Below this she is standing still (a feed, a gate, a red light): not moving time.
MOVING_SPEED_MS = 0.5
# Samples further apart than this are a pause of the recording (auto-pause, signal lost).
PAUSE_GAP_S = 30.0
# Speed is judged over stretches of about this long, so that GPS jitter at one-second
# samples doesn't flip a walk into a run; short enough to see a 30 s run interval.
SPEED_WINDOW_S = 10.0
# An altitude change smaller than this is noise (GPS altitude wanders by a few metres).
CLIMB_NOISE_M = 3.0
# A walk climbing at least this much per kilometre is a hike (a steep footpath, not a park).
HIKE_CLIMB_M_PER_KM = 50.0

# The sport names files use, folded to ours. FIT (``sport``/``sub_sport``), GPX ``<type>``
# (Strava writes "running", "walking", "hiking", or its numeric codes), TCX ``Sport``.
SPORT_NAMES = {
    "running": RUN,
    "run": RUN,
    "trail_running": RUN,
    "trail run": RUN,
    "9": RUN,  # Strava's code for a run
    "walking": WALK,
    "walk": WALK,
    "10": WALK,  # Strava's code for a walk
    "hiking": HIKE,
    "hike": HIKE,
    "mountaineering": HIKE,
    "4": HIKE,  # Strava's code for a hike
}


# Names that say nothing: judge by speed (TCX files call a walk "Other").
_UNKNOWN_SPORTS = ("", "generic", "other", "0")


@dataclass(frozen=True, slots=True)
class Sample:
    """One point of a recording: when, how far from the start (metres), how high."""

    at: datetime
    distance_m: float | None = None
    altitude_m: float | None = None
    heart_rate: int | None = None


@dataclass(frozen=True)
class Lap:
    """A lap as the watch recorded it (a run-walk watch workout makes one per interval)."""

    seconds: float
    distance_m: float


@dataclass(frozen=True)
class ActivitySummary:
    """The numbers kept of one activity. ``started_at`` is aware (UTC or the file's offset)."""

    started_at: datetime
    sport: str
    elapsed_seconds: int
    moving_seconds: int
    distance_m: int
    elevation_gain_m: int
    run_seconds: int
    walk_seconds: int
    avg_heart_rate: int | None


class ActivityFileError(ValueError):
    """The file can't be read as an activity; the message is safe to show her."""


def sport_from_name(*names: str | None) -> str | None:
    """Our sport for the first name a file gives that we know, else None (judge by speed)."""
    for name in names:
        if name is None:
            continue
        key = str(name).strip().lower().replace("-", "_")
        if key in SPORT_NAMES:
            return SPORT_NAMES[key]
    if any(n for n in names if n is not None and str(n).strip().lower() not in _UNKNOWN_SPORTS):
        return OTHER
    return None


def climb(altitudes: Iterable[float | None]) -> float:
    """Metres climbed. A rise counts once it clears the noise from the last reference height,
    and a fall moves the reference down only once it does too, so wandering GPS altitude
    climbs nothing while a slow steady climb counts in full."""
    total = 0.0
    ref: float | None = None
    for alt in altitudes:
        if alt is None:
            continue
        if ref is None:
            ref = alt
        elif alt >= ref + CLIMB_NOISE_M:
            total += alt - ref
            ref = alt
        elif alt <= ref - CLIMB_NOISE_M:
            ref = alt
    return total


def split_by_speed(samples: Sequence[Sample]) -> tuple[float, float, float]:
    """(moving, running, walking) seconds from samples with distances, judged over windows of
    about ``SPEED_WINDOW_S``. Gaps longer than ``PAUSE_GAP_S`` count as neither."""
    moving = running = walking = 0.0
    window_s = window_m = 0.0
    points = [s for s in samples if s.distance_m is not None]

    def close(seconds: float, metres: float) -> None:
        nonlocal moving, running, walking
        if seconds <= 0:
            return
        speed = metres / seconds
        if speed < MOVING_SPEED_MS:
            return
        moving += seconds
        if speed >= RUN_SPEED_MS:
            running += seconds
        else:
            walking += seconds

    for before, after in pairwise(points):
        dt = (after.at - before.at).total_seconds()
        dm = max(0.0, (after.distance_m or 0.0) - (before.distance_m or 0.0))
        if dt <= 0:
            continue
        if dt > PAUSE_GAP_S:
            close(window_s, window_m)
            window_s = window_m = 0.0
            continue
        window_s += dt
        window_m += dm
        if window_s >= SPEED_WINDOW_S:
            close(window_s, window_m)
            window_s = window_m = 0.0
    close(window_s, window_m)
    return moving, running, walking


def split_by_laps(laps: Sequence[Lap]) -> tuple[float, float]:
    """(running, walking) seconds from the laps: each lap is all one or the other."""
    running = walking = 0.0
    for lap in laps:
        if lap.seconds <= 0:
            continue
        if lap.distance_m / lap.seconds >= RUN_SPEED_MS:
            running += lap.seconds
        elif lap.distance_m / lap.seconds >= MOVING_SPEED_MS:
            walking += lap.seconds
    return running, walking


def summarise(
    *,
    samples: Sequence[Sample],
    laps: Sequence[Lap] = (),
    file_sport: str | None = None,
    started_at: datetime | None = None,
    elapsed_seconds: float | None = None,
    distance_m: float | None = None,
    elevation_gain_m: float | None = None,
    avg_heart_rate: float | None = None,
) -> ActivitySummary:
    """The summary from what a file gives: the totals it states win over what the samples
    add up to; running and walking come from the laps when there are two or more of them
    (a run-walk workout on the watch laps each interval), else from the speed."""
    timed = [s for s in samples if s.at is not None]
    start = started_at or (timed[0].at if timed else None)
    if start is None or start.tzinfo is None:
        raise ActivityFileError("it has no start time")
    if elapsed_seconds is None:
        if len(timed) < 2:
            raise ActivityFileError("it has no recorded time")
        elapsed_seconds = (timed[-1].at - timed[0].at).total_seconds()
    if elapsed_seconds <= 0:
        raise ActivityFileError("it lasts no time")
    if distance_m is None:
        distances = [s.distance_m for s in timed if s.distance_m is not None]
        distance_m = (max(distances) - min(distances)) if distances else 0.0
    moving, running, walking = split_by_speed(timed)
    if len(laps) >= 2:
        running, walking = split_by_laps(laps)
        moving = max(moving, running + walking)
    if not any(s.distance_m is not None for s in timed) and not laps:
        moving = elapsed_seconds  # no distances at all (a treadmill without a footpod)
    moving = min(moving, elapsed_seconds)
    if elevation_gain_m is None:
        elevation_gain_m = climb(s.altitude_m for s in timed)
    if avg_heart_rate is None:
        rates = [s.heart_rate for s in timed if s.heart_rate]
        avg_heart_rate = sum(rates) / len(rates) if rates else None
    sport = sport_from_name(file_sport)
    if sport is None:
        if running > walking:
            sport = RUN
        elif distance_m > 0 and elevation_gain_m / (distance_m / 1000) >= HIKE_CLIMB_M_PER_KM:
            sport = HIKE
        else:
            sport = WALK
    return ActivitySummary(
        started_at=start.astimezone(UTC),
        sport=sport,
        elapsed_seconds=round(elapsed_seconds),
        moving_seconds=round(moving),
        distance_m=round(distance_m),
        elevation_gain_m=round(elevation_gain_m),
        run_seconds=round(min(running, elapsed_seconds)),
        walk_seconds=round(min(walking, elapsed_seconds)),
        avg_heart_rate=round(avg_heart_rate) if avg_heart_rate else None,
    )
