"""Planned sessions as workouts her watch follows (SPEC §13): a FIT workout file, and the same
steps in words for the calendar.

A run-walk session becomes: warm-up walk, N × (run, walk) as one repeat step, cool-down walk,
with the seconds of the plan; her Garmin or Coros then beeps at each change. Walks and runs
are one timed step. Written with Garmin's FIT SDK encoder (``garmin_fit_sdk.Encoder``).
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from django.http import HttpResponse
from django.utils import timezone
from garmin_fit_sdk import Encoder, Profile

from clinical.protocol import RUN, RUN_WALK, WALK, SessionLike, describe

if TYPE_CHECKING:
    from .models import PlannedSession as PlannedSessionRow

# The kinds a watch can follow as a timed workout.
WORKOUT_KINDS = (WALK, RUN_WALK, RUN)
FIT_CONTENT_TYPE = "application/vnd.ant.fit"

WARM_UP = "warm_up"
RUN_STEP = "run"
WALK_STEP = "walk"
COOL_DOWN = "cool_down"

_MESG = {name: num for num, name in Profile["types"]["mesg_num"].items()}
# How the watch shows each step (FIT ``intensity``): the walk of a run-walk is its recovery.
_INTENSITY = {WARM_UP: "warmup", RUN_STEP: "active", WALK_STEP: "recovery", COOL_DOWN: "cooldown"}
_STEP_NAMES = {
    WARM_UP: "Warm-up walk",
    RUN_STEP: "Run",
    WALK_STEP: "Walk",
    COOL_DOWN: "Cool-down walk",
}


@dataclass(frozen=True)
class Step:
    kind: str  # warm_up, run, walk, cool_down
    seconds: int


@dataclass(frozen=True)
class Repeat:
    times: int
    steps: tuple[Step, ...]


def workout_plan(session: SessionLike) -> list[Step | Repeat]:
    """The steps of a planned session, or [] for a kind a watch doesn't time (strength…)."""
    if session.kind == RUN_WALK and session.repeats and session.run_seconds:
        walk = session.walk_seconds or 0
        intervals = session.repeats * (session.run_seconds + walk)
        # The session's minutes hold the intervals and equal walks either side (the protocol's
        # warm-up and cool-down); whatever is left over is split between the two.
        warm_up = max(0, session.minutes * 60 - intervals) // 2
        steps: list[Step | Repeat] = []
        if warm_up:
            steps.append(Step(WARM_UP, warm_up))
        inner = [Step(RUN_STEP, session.run_seconds)]
        if walk:
            inner.append(Step(WALK_STEP, walk))
        steps.append(Repeat(session.repeats, tuple(inner)))
        if warm_up:
            steps.append(Step(COOL_DOWN, warm_up))
        return steps
    if session.kind == RUN and session.minutes:
        return [Step(RUN_STEP, session.minutes * 60)]
    if session.kind == WALK and session.minutes:
        return [Step(WALK_STEP, session.minutes * 60)]
    return []


def _duration(seconds: int) -> str:
    minutes, rest = divmod(seconds, 60)
    if not minutes:
        return f"{rest} s"
    return f"{minutes} min" + (f" {rest} s" if rest else "")


def workout_steps_in_words(session: SessionLike) -> str:
    """The same steps as the FIT workout, as a sentence for her calendar ("" if none)."""
    words = {
        WARM_UP: "Warm up: walk {}.",
        COOL_DOWN: "Cool down: walk {}.",
        RUN_STEP: "Run {}.",
        WALK_STEP: "Walk {}.",
    }
    parts = []
    for step in workout_plan(session):
        if isinstance(step, Repeat):
            inner = ", ".join(
                f"{'run' if s.kind == RUN_STEP else 'walk'} {_duration(s.seconds)}"
                for s in step.steps
            )
            parts.append(f"Then {step.times} times: {inner}.")
        else:
            parts.append(words[step.kind].format(_duration(step.seconds)))
    return " ".join(parts)


def _flat_steps(plan: list[Step | Repeat]) -> list[dict]:
    """FIT workout steps: a repeat is a step that sends the watch back to the first of its
    steps (``duration_value``) until done ``target_value`` times."""
    out: list[dict] = []
    for item in plan:
        if isinstance(item, Step):
            out.append(_time_step(item, len(out)))
            continue
        first = len(out)
        for step in item.steps:
            out.append(_time_step(step, len(out)))
        out.append(
            {
                "mesg_num": _MESG["workout_step"],
                "message_index": len(out),
                "duration_type": "repeat_until_steps_cmplt",
                "duration_value": first,
                "target_type": "open",
                "target_value": item.times,
            }
        )
    return out


def _time_step(step: Step, index: int) -> dict:
    return {
        "mesg_num": _MESG["workout_step"],
        "message_index": index,
        "wkt_step_name": _STEP_NAMES[step.kind],
        "duration_type": "time",
        "duration_value": step.seconds * 1000,  # milliseconds
        "target_type": "open",
        "target_value": 0,
        "intensity": _INTENSITY[step.kind],
    }


def workout_name(session: SessionLike) -> str:
    # Watches show plain ASCII best: "8 x (1 min run, 2 min walk)".
    return describe(session).replace("×", "x")[:40]


def workout_fit(session: SessionLike, *, created: datetime, serial: int = 1) -> bytes:
    """A FIT workout file of one planned session. Raises ValueError for a kind a watch
    doesn't time (see ``WORKOUT_KINDS``)."""
    plan = workout_plan(session)
    if not plan:
        raise ValueError(f"A {session.kind} session is not a timed workout.")
    steps = _flat_steps(plan)
    encoder = Encoder()
    encoder.write_mesg(
        {
            "mesg_num": _MESG["file_id"],
            "type": "workout",
            "manufacturer": "development",
            "product": 0,
            "serial_number": serial,
            "time_created": created,
        }
    )
    encoder.write_mesg(
        {
            "mesg_num": _MESG["workout"],
            "sport": "walking" if session.kind == WALK else "running",
            "num_valid_steps": len(steps),
            "wkt_name": workout_name(session),
        }
    )
    for step in steps:
        encoder.write_mesg(step)
    return bytes(encoder.close())


def workout_filename(session: PlannedSessionRow, monday: date | None = None) -> str:
    """Named by the day it is for: in ``monday``'s week (a plan carried over into a later
    week), else in its own plan week."""
    day = (monday or session.plan_week.week) + timedelta(days=session.day)
    return f"{day:%Y-%m-%d}-{session.kind.replace('_', '-')}-{session.pk}.fit"


def workout_download(session: PlannedSessionRow) -> HttpResponse:
    """The FIT workout of one stored session, as a download."""
    data = workout_fit(session, created=timezone.now(), serial=session.pk)
    response = HttpResponse(data, content_type=FIT_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{workout_filename(session)}"'
    response["Cache-Control"] = "private, no-store"
    return response


def week_workouts_download(
    sessions: Iterable[PlannedSessionRow], *, monday: date, name: str
) -> HttpResponse:
    """Every timed session of a week, one FIT workout each, in a zip."""
    now = timezone.now()
    data = workouts_zip(
        (workout_filename(s, monday), workout_fit(s, created=now, serial=s.pk))
        for s in sessions
        if workout_plan(s)
    )
    response = HttpResponse(data, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response


def workouts_zip(named: Iterable[tuple[str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in named:
            archive.writestr(name, data)
    return buffer.getvalue()
