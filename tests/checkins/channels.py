"""The ways a check-in reaches the service: her form, her coach's form, and the API.

Each channel posts one check-in (or one change) and answers the status, the field errors
it reported and the page or body it returned, so one test can be run through all of them.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from html import unescape

from django.urls import reverse

from athletes.models import Athlete
from checkins.models import WeeklyCheckIn
from checkins.services import EDITABLE_FIELDS

from .factories import api_body, form_data


@dataclass
class Outcome:
    status: int
    errors: dict[str, list[str]] = field(default_factory=dict)
    text: str = ""
    page: bool = False

    def shows(self, message: str) -> bool:
        return message in self.text

    def marks(self, name: str) -> bool:
        """The error is reported on ``name``, with its words in the page or body; on a page
        it also sits beside the field (the ``id_<name>_error`` list)."""
        messages = self.errors.get(name)
        if not messages or not all(self.shows(m) for m in messages):
            return False
        return not self.page or f'id="id_{name}_error"' in self.text


def _page(response) -> Outcome:
    form = response.context["form"] if response.status_code == 200 else None
    errors = {name: list(messages) for name, messages in (form.errors if form else {}).items()}
    return Outcome(response.status_code, errors, unescape(response.content.decode()), page=True)


def _api(response) -> Outcome:
    body = response.json() if response.content else {}
    errors = body if response.status_code == 400 else {}
    return Outcome(response.status_code, errors, json.dumps(body, ensure_ascii=False))


def athlete_form(request, athlete: Athlete, week: date | str | None, **changes) -> Outcome:
    client = request.getfixturevalue("athlete_client")
    return _page(client.post(reverse("checkins:my_checkin"), form_data(week, **changes)))


def coach_form(request, athlete: Athlete, week: date | str | None, **changes) -> Outcome:
    client = request.getfixturevalue("coach_client")
    url = reverse("checkins:coach_checkin_create", args=[athlete.pk])
    return _page(client.post(url, form_data(week, **changes)))


def api_post(request, athlete: Athlete, week: date | str | None, **changes) -> Outcome:
    client = request.getfixturevalue("athlete_api")
    url = reverse("api:athlete-checkins", args=[athlete.pk])
    return _api(client.post(url, api_body(week, **changes), format="json"))


def api_patch(request, checkin: WeeklyCheckIn, **changes) -> Outcome:
    client = request.getfixturevalue("athlete_api")
    body = {k: (str(v) if not isinstance(v, bool | int | None) else v) for k, v in changes.items()}
    return _api(client.patch(reverse("api:checkin", args=[checkin.pk]), body, format="json"))


def athlete_form_edit(request, checkin: WeeklyCheckIn, **changes) -> Outcome:
    client = request.getfixturevalue("athlete_client")
    url = reverse("checkins:my_checkin_edit", args=[checkin.pk])
    return _page(client.post(url, form_data(None, **_current(checkin, changes))))


def coach_form_edit(request, checkin: WeeklyCheckIn, **changes) -> Outcome:
    client = request.getfixturevalue("coach_client")
    url = reverse("checkins:coach_checkin_edit", args=[checkin.pk])
    return _page(client.post(url, form_data(None, **_current(checkin, changes))))


def _current(checkin: WeeklyCheckIn, changes: dict) -> dict:
    return {**{name: getattr(checkin, name) for name in EDITABLE_FIELDS}, **changes}


Submit = Callable[..., Outcome]
SUBMIT_CHANNELS: list[Submit] = [athlete_form, coach_form, api_post]
EDIT_CHANNELS = [athlete_form_edit, coach_form_edit, api_patch]

# What each channel answers when it refuses input: the form comes back (200) with the
# errors beside the fields; the API answers 400 with field errors.
REFUSED = {
    athlete_form: 200,
    coach_form: 200,
    api_post: 400,
    athlete_form_edit: 200,
    coach_form_edit: 200,
    api_patch: 400,
}
