"""The sliding session (web.sessions): two weeks without activity sign her out (SPEC §3), and a
page view writes nothing — the session is renewed at most once a day."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.sql import written_tables

START = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)  # a Monday morning
PAGES = ("/coach/", "/coach/flags/", "/coach/athletes/999999/")  # a 404 too


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _session_row(client: Client) -> Session:
    return Session.objects.get(session_key=client.session.session_key)


def _cache_sets(monkeypatch) -> list[str]:
    from django.core.cache import cache

    calls: list[str] = []
    original = cache.set

    def spy(key, *args, **kwargs):
        calls.append(key)
        return original(key, *args, **kwargs)

    monkeypatch.setattr(cache, "set", spy)
    return calls


@pytest.mark.django_db
def test_a_page_view_writes_no_session_row_and_no_cache_entry(coach, monkeypatch):
    with time_machine.travel(START, tick=False):
        client = _signed_in(coach)
        cache_sets = _cache_sets(monkeypatch)
        for url in PAGES:
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url)
            assert response.status_code in (200, 404), url
            assert written_tables(queries.captured_queries) == [], url
            assert not any(
                "django_session" in q["sql"] and "UPDATE" in q["sql"].upper()
                for q in queries.captured_queries
            ), url
            assert settings.SESSION_COOKIE_NAME not in response.cookies, url
        assert not [key for key in cache_sets if "session" in key]


@pytest.mark.django_db
def test_the_session_is_renewed_once_a_day_at_most(coach):
    with time_machine.travel(START, tick=False) as clock:
        client = _signed_in(coach)
        first_expiry = _session_row(client).expire_date

        clock.shift(timedelta(hours=23))
        assert settings.SESSION_COOKIE_NAME not in client.get("/coach/").cookies
        assert _session_row(client).expire_date == first_expiry

        clock.shift(timedelta(hours=2))  # 25 hours after signing in
        response = client.get("/coach/")
        assert response.status_code == 200
        assert settings.SESSION_COOKIE_NAME in response.cookies  # a fresh cookie
        renewed = _session_row(client).expire_date
        assert renewed - first_expiry == timedelta(hours=25)

        clock.shift(timedelta(minutes=5))
        with CaptureQueriesContext(connection) as queries:
            client.get("/coach/")
        assert written_tables(queries.captured_queries) == []
        assert _session_row(client).expire_date == renewed


@pytest.mark.django_db
def test_active_every_day_she_stays_signed_in_and_two_idle_weeks_sign_her_out(coach):
    with time_machine.travel(START, tick=False) as clock:
        client = _signed_in(coach)
        for _ in range(30):  # a month of daily visits, longer than the two-week cookie age
            clock.shift(timedelta(days=1))
            assert client.get("/coach/").status_code == 200

        clock.shift(timedelta(days=14, minutes=1))
        response = client.get("/coach/")
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


@pytest.mark.django_db
def test_a_session_from_before_the_stamp_is_renewed_on_its_next_visit(coach):
    """Sessions saved before the sliding middleware existed carry no stamp: the next request
    stamps and saves them once."""
    with time_machine.travel(START, tick=False):
        client = _signed_in(coach)
        session = client.session
        del session["_renewed_at"]
        session.save()
        with CaptureQueriesContext(connection) as queries:
            client.get("/coach/")
        assert any(
            table == "django_session" for table, _ in written_tables(queries.captured_queries)
        )
        with CaptureQueriesContext(connection) as queries:
            client.get("/coach/")
        assert written_tables(queries.captured_queries) == []
