"""The iCal (RFC 5545) rendering of her planned sessions, through the ``icalendar`` library.

The library escapes commas, semicolons, backslashes and line feeds and folds long lines; one
thing it leaves alone is a lone carriage return, which a calendar client reads as a line end
(so a note could smuggle in a property or a whole event). Every text value therefore goes
through ``_text`` first: line ends become line feeds (escaped as ``\\n``) and other control
characters, which RFC 5545 forbids in TEXT values, are dropped.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime, timedelta

from icalendar import Calendar, Event

from clinical.protocol import describe

from .models import PlannedSession, WeekReason
from .workouts import workout_steps_in_words

PAUSED_NOTE = "Your plan is paused after a symptom: gentle walks and pelvic floor work only."

_LINE_ENDS = re.compile(r"\r\n?|[\x0b\x0c\x85\u2028\u2029]")
_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")


def _text(value: str) -> str:
    """A TEXT value safe to hand to the library: line feeds only, no other control character."""
    return _CONTROLS.sub("", _LINE_ENDS.sub("\n", value))


def _summary(session: PlannedSession) -> str:
    paused = session.plan_week.reason == WeekReason.PAUSED
    return ("Paused: " if paused else "") + describe(session)


def _description(session: PlannedSession) -> str:
    """The event's description: the one place it is built (notes, and the pause note)."""
    if session.plan_week.reason == WeekReason.PAUSED:
        return f"{PAUSED_NOTE} {session.notes}".strip()
    return f"{workout_steps_in_words(session)} {session.notes}".strip()


def render_ics(sessions: Iterable[PlannedSession], *, name: str, now: datetime) -> str:
    calendar = Calendar()
    calendar.add("prodid", "-//Stridewise//Return to running//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", _text(name))
    for session in sessions:
        day = session.plan_week.week + timedelta(days=session.day)
        event = Event()
        event.add("uid", f"session-{session.pk}@stridewise")
        event.add("dtstamp", now)
        event.add("dtstart", day)
        event.add("dtend", day + timedelta(days=1))
        event.add("summary", _text(_summary(session)))
        event.add("description", _text(_description(session)))
        event.add("transp", "TRANSPARENT")
        calendar.add_component(event)
    return calendar.to_ical().decode()
