"""A factory for weekly check-ins, and the request bodies the forms and the API receive."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from checkins.models import WeeklyCheckIn
from tests.factories import AthleteFactory
from web.weeks import monday_of

# An ordinary week: three sessions, no symptoms, nothing out of the way.
ORDINARY_WEEK: dict = {
    "sessions_completed": 3,
    "run_minutes": 30,
    "walk_minutes": 60,
    "longest_session_minutes": 40,
    "longest_run_minutes": 30,
    "effort": 4,
    "energy": 3,
    "sleep_hours": Decimal("6.5"),
    "sleep_quality": 3,
    "mood": 4,
    "stress": 2,
    "soreness": 2,
    "pain": 0,
    "pain_location": "",
    "leakage": False,
    "urgency": False,
    "heaviness": False,
    "pelvic_pain": False,
    "bleeding": False,
    "abdominal_doming": False,
    "feeling_low": False,
    "periods_returned": False,
    "breastfeeding": True,
    "unavailable_days": 0,
    "notes": "",
}


class CheckInFactory(DjangoModelFactory):
    """Her check-in of this week (in her time zone), an ordinary one, sent by herself."""

    class Meta:
        model = WeeklyCheckIn

    athlete = factory.SubFactory(AthleteFactory)
    week = factory.LazyAttribute(lambda o: monday_of(o.athlete.today()))
    sessions_completed = ORDINARY_WEEK["sessions_completed"]
    run_minutes = ORDINARY_WEEK["run_minutes"]
    walk_minutes = ORDINARY_WEEK["walk_minutes"]
    longest_session_minutes = ORDINARY_WEEK["longest_session_minutes"]
    effort = ORDINARY_WEEK["effort"]
    energy = ORDINARY_WEEK["energy"]
    sleep_hours = ORDINARY_WEEK["sleep_hours"]
    sleep_quality = ORDINARY_WEEK["sleep_quality"]
    mood = ORDINARY_WEEK["mood"]
    stress = ORDINARY_WEEK["stress"]
    soreness = ORDINARY_WEEK["soreness"]
    pain = ORDINARY_WEEK["pain"]
    breastfeeding = ORDINARY_WEEK["breastfeeding"]
    submitted_by = factory.LazyAttribute(lambda o: o.athlete.user)


def service_data(**changes) -> dict:
    """The ``data`` argument of ``checkin_submit``/``checkin_update``."""
    return {**ORDINARY_WEEK, **changes}


def form_data(week: date | str | None, **changes) -> dict:
    """The check-in form as a browser posts it: every answer as text, radios as True/False."""
    values = service_data(**changes)
    data = {} if week is None else {"week": str(week)}
    for name, value in values.items():
        if isinstance(value, bool):
            data[name] = "True" if value else "False"
        elif value is None:
            data[name] = ""
        else:
            data[name] = str(value)
    return data


def api_body(week: date | str | None, **changes) -> dict:
    """A JSON body for ``POST /api/v1/athletes/{id}/checkins/``."""
    values = service_data(**changes)
    body = {
        name: (str(value) if isinstance(value, Decimal) else value)
        for name, value in values.items()
    }
    if week is not None:
        body["week"] = str(week)
    return body
