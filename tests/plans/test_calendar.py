"""The calendar feed cannot be talked into carrying properties or events of someone's making.

Session notes (written by her coach) and her first name (in the calendar's name) go into TEXT
values; whatever they hold — CR, LF, CRLF, commas, semicolons, backslashes, ``BEGIN:VEVENT``
— the feed parses back (with ``icalendar``) to exactly one event per planned session, each with
exactly its own properties, and the text reads back as written.
"""

from __future__ import annotations

import re

import pytest
from icalendar import Calendar

from plans import services
from plans.models import PlannedSession, WeekReason
from plans.workouts import workout_steps_in_words

PAYLOADS = [
    "Easy\rBEGIN:VEVENT\rSUMMARY:Injected\rEND:VEVENT",
    "Easy\nATTACH:https://evil.example/x\nEND:VEVENT\nBEGIN:VEVENT\nUID:evil",
    "Easy\r\nX-INJECTED;VALUE=TEXT:yes\r\nORGANIZER:mailto:evil@example.org",
    "hills, then flat; keep it chatty\\, slow \\n not a newline",
    "BEGIN:VEVENT",
    "A long note that goes well past the seventy-five octet line limit of RFC 5545, "
    "with accents (é, ñ, ü) and an emoji 🏃 so that folding has to mind multi-byte characters",
    "bell\x07 and escape\x1b dropped\x0bvertical tab\x0cform feed",
]

CALENDAR_PROPERTIES = {"PRODID", "VERSION", "CALSCALE", "X-WR-CALNAME"}
EVENT_PROPERTIES = {"UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY", "DESCRIPTION", "TRANSP"}
KNOWN_LINES = re.compile(
    r"^(BEGIN|END|PRODID|VERSION|CALSCALE|X-WR-CALNAME|UID|DTSTAMP|DTSTART|DTEND|SUMMARY|"
    r"DESCRIPTION|TRANSP)[;:]"
)


def readable(text: str) -> str:
    """What a note should read as once parsed back: line ends as LF, no other controls."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\x0b", "\n").replace("\x0c", "\n")
    return "".join(c for c in text if c == "\n" or ord(c) >= 32)


def rfc_text(value: str) -> str:
    """RFC 5545 §3.3.11 TEXT unescaping, strictly left to right (icalendar's own parser
    unescapes in several passes, which misreads a backslash followed by ``n``)."""
    return re.sub(r"\\([\\;,nN])", lambda m: "\n" if m[1] in "nN" else m[1], value)


def feed(client, athlete) -> str:
    token = services.calendar_token(services.calendar_feed(athlete=athlete))
    response = client.get(f"/calendar/{token}.ics")
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def hostile_notes(athlete) -> list[PlannedSession]:
    services.plan_start(athlete=athlete)
    sessions = list(PlannedSession.objects.filter(plan_week__plan__athlete=athlete).order_by("pk"))
    assert len(sessions) >= len(PAYLOADS)
    for session, note in zip(sessions, PAYLOADS, strict=False):
        session.notes = note
        session.save(update_fields=["notes"])
    return sessions


def test_notes_and_names_inject_no_property_and_no_event(client, athlete, hostile_notes):
    athlete.first_name = "Anna\r\nX-EVIL:1\rBEGIN:VEVENT;, \\"
    athlete.save(update_fields=["first_name"])

    body = feed(client, athlete)

    # No line end other than CRLF anywhere in the output.
    assert "\r" not in body.replace("\r\n", "")
    assert "\n" not in body.replace("\r\n", "")
    # Unfolded, every content line is one of ours.
    unfolded = body.replace("\r\n ", "").replace("\r\n\t", "")
    lines = [line for line in unfolded.split("\r\n") if line]
    assert [line for line in lines if not KNOWN_LINES.match(line)] == []
    assert lines.count("BEGIN:VEVENT") == lines.count("END:VEVENT") == len(hostile_notes)
    # Every physical line is at most 75 octets (RFC 5545 §3.1).
    assert max(len(line.encode()) for line in body.split("\r\n")) <= 75

    calendar = Calendar.from_ical(body)
    assert set(calendar.keys()) == CALENDAR_PROPERTIES
    assert str(calendar["X-WR-CALNAME"]) == readable(athlete.first_name) + "'s running plan"
    events = calendar.walk("VEVENT")
    assert len(events) == len(hostile_notes)
    assert [c.name for c in calendar.subcomponents] == ["VEVENT"] * len(hostile_notes)
    for event in events:
        assert set(event.keys()) == EVENT_PROPERTIES
        assert event.subcomponents == []
    # Each description reads back exactly as written (line ends normalised), after the
    # session's steps in words (the same as its FIT workout).
    uids = [line.removeprefix("UID:") for line in lines if line.startswith("UID:")]
    descriptions = [
        rfc_text(line.removeprefix("DESCRIPTION:"))
        for line in lines
        if line.startswith("DESCRIPTION:")
    ]
    written = {
        f"session-{s.pk}@stridewise": readable(f"{workout_steps_in_words(s)} {s.notes}".strip())
        for s in hostile_notes
    }
    assert dict(zip(uids, descriptions, strict=True)) == written
    assert any(workout_steps_in_words(s) for s in hostile_notes)


def test_a_paused_week_keeps_its_note_first_in_the_description(client, athlete, hostile_notes):
    first = hostile_notes[0]
    week = first.plan_week
    week.reason = WeekReason.PAUSED
    week.save(update_fields=["reason"])

    calendar = Calendar.from_ical(feed(client, athlete))

    event = next(
        e for e in calendar.walk("VEVENT") if str(e["UID"]) == f"session-{first.pk}@stridewise"
    )
    assert str(event["SUMMARY"]).startswith("Paused: ")
    description = str(event["DESCRIPTION"])
    assert description.startswith("Your plan is paused after a symptom")
    assert description.endswith(readable(first.notes))
    assert len(calendar.walk("VEVENT")) == len(hostile_notes)
