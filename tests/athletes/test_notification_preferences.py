"""Each user chooses in her account what is e-mailed and when (SPEC §12): a page linked from
the account menu, and ``GET/PATCH /api/v1/me/notifications/``."""

from __future__ import annotations

import pytest
from django.urls import reverse

from athletes.models import NotificationPreferences
from athletes.selectors import notification_preferences_for

pytestmark = pytest.mark.django_db

PAGE = reverse("athletes:notification_preferences")
API = reverse("api:me-notifications")


def test_without_a_row_she_has_the_defaults_and_reading_writes_nothing(coach):
    prefs = notification_preferences_for(coach)

    assert (prefs.high_flags, prefs.messages) == ("immediately", "immediately")
    assert prefs.pk is None
    assert not NotificationPreferences.objects.exists()


def test_the_page_is_linked_from_the_account_menu_and_shows_the_defaults(coach_client):
    account = coach_client.get(reverse("account_email")).content.decode()
    assert f'href="{PAGE}"' in account

    response = coach_client.get(PAGE)

    assert response.status_code == 200
    page = response.content.decode()
    assert "High-priority warning signs" in page
    assert "In the daily digest only" in page
    assert 'name="high_flags" value="immediately" id="id_high_flags_0" required checked' in page
    assert 'name="messages" value="immediately" id="id_messages_0" required checked' in page
    assert not NotificationPreferences.objects.exists()


def test_a_coach_chooses_the_digest_and_hourly_messages(coach_client, coach):
    response = coach_client.post(PAGE, {"high_flags": "digest", "messages": "hourly"})

    assert response.status_code == 302
    assert response["Location"] == PAGE
    prefs = NotificationPreferences.objects.get(user=coach)
    assert (prefs.high_flags, prefs.messages) == ("digest", "hourly")
    page = coach_client.get(PAGE).content.decode()
    assert "Your notification preferences are saved." in page

    coach_client.post(PAGE, {"high_flags": "immediately", "messages": "never"})
    prefs.refresh_from_db()
    assert (prefs.high_flags, prefs.messages) == ("immediately", "never")
    assert NotificationPreferences.objects.count() == 1


def test_a_bad_choice_on_the_page_is_refused_beside_the_field_and_writes_nothing(coach_client):
    response = coach_client.post(PAGE, {"high_flags": "weekly", "messages": "hourly"})

    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not NotificationPreferences.objects.exists()


def test_an_athlete_is_asked_only_about_messages(athlete_client, athlete):
    page = athlete_client.get(PAGE).content.decode()
    assert "New messages" in page
    assert "warning signs" not in page.lower().split("</h1>", 1)[1].split("</form>")[0]

    response = athlete_client.post(PAGE, {"messages": "never", "high_flags": "digest"})

    assert response.status_code == 302
    prefs = NotificationPreferences.objects.get(user=athlete.user)
    assert (prefs.high_flags, prefs.messages) == ("immediately", "never")


def test_an_anonymous_visitor_is_sent_to_sign_in(client):
    response = client.get(PAGE)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert client.post(PAGE, {"messages": "never"}).status_code == 302
    assert not NotificationPreferences.objects.exists()


# --- API ----------------------------------------------------------------------------------------


def test_get_answers_the_defaults_without_writing(coach_api):
    response = coach_api.get(API)

    assert response.status_code == 200
    assert response.json() == {"high_flags": "immediately", "messages": "immediately"}
    assert not NotificationPreferences.objects.exists()


def test_patch_changes_only_the_fields_given(coach_api, coach):
    response = coach_api.patch(API, {"high_flags": "digest"}, format="json")

    assert response.status_code == 200
    assert response.json() == {"high_flags": "digest", "messages": "immediately"}
    response = coach_api.patch(API, {"messages": "hourly"}, format="json")
    assert response.json() == {"high_flags": "digest", "messages": "hourly"}
    assert coach_api.get(API).json() == {"high_flags": "digest", "messages": "hourly"}
    assert NotificationPreferences.objects.get().user == coach


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"high_flags": "weekly"}, "high_flags"),
        ({"messages": "sometimes"}, "messages"),
        ({"messages": None}, "messages"),
        ({"sms": "immediately"}, "sms"),
    ],
)
def test_patch_with_a_bad_value_answers_400_and_writes_nothing(coach_api, body, field):
    response = coach_api.patch(API, body, format="json")

    assert response.status_code == 400
    assert field in str(response.json())
    assert not NotificationPreferences.objects.exists()


def test_each_user_reads_and_changes_only_her_own(coach_api, other_coach_api, other_coach):
    other_coach_api.patch(API, {"messages": "never"}, format="json")

    assert coach_api.get(API).json()["messages"] == "immediately"
    assert NotificationPreferences.objects.get().user == other_coach


def test_anonymous_requests_answer_401_and_write_nothing(client):
    assert client.get(API).status_code == 401
    assert (
        client.patch(API, {"messages": "never"}, content_type="application/json").status_code == 401
    )
    assert not NotificationPreferences.objects.exists()
