"""The iCal (RFC 5545) rendering of her planned sessions."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from clinical.protocol import describe

from .models import PlannedSession, WeekReason
from .workouts import workout_steps_in_words


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _fold(line: str) -> str:
    """Lines longer than 75 octets are folded with CRLF + space (RFC 5545 §3.1)."""
    out, current = [], ""
    for char in line:
        if len((current + char).encode()) > 75:
            out.append(current)
            current = " " + char
        else:
            current += char
    out.append(current)
    return "\r\n".join(out)


PAUSED_NOTE = "Your plan is paused after a symptom: gentle walks and pelvic floor work only."


def _summary(session: PlannedSession) -> str:
    paused = session.plan_week.reason == WeekReason.PAUSED
    return ("Paused: " if paused else "") + describe(session)


def _description(session: PlannedSession) -> str:
    if session.plan_week.reason == WeekReason.PAUSED:
        return f"{PAUSED_NOTE} {session.notes}".strip()
    return f"{workout_steps_in_words(session)} {session.notes}".strip()


def render_ics(sessions: Iterable[PlannedSession], *, name: str, now: datetime) -> str:
    stamp = now.strftime("%Y%m%dT%H%M%SZ")
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Stridewise//Return to running//EN",
        "CALSCALE:GREGORIAN",
        f"X-WR-CALNAME:{_escape(name)}",
    ]
    for session in sessions:
        day = session.plan_week.week + timedelta(days=session.day)
        lines += [
            "BEGIN:VEVENT",
            f"UID:session-{session.pk}@stridewise",
            f"DTSTAMP:{stamp}",
            f"DTSTART;VALUE=DATE:{day:%Y%m%d}",
            f"DTEND;VALUE=DATE:{day + timedelta(days=1):%Y%m%d}",
            f"SUMMARY:{_escape(_summary(session))}",
            f"DESCRIPTION:{_escape(_description(session))}",
            "TRANSP:TRANSPARENT",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"
