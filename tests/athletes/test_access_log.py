"""The access log of health records (athletes/audit.py, django-auditlog): one row per view,
per channel, with the actor; changes with their fields but never their values; append-only,
even for superusers; shown to her coach on her page at a fixed cost; pruned after its own
retention; in her export."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from athletes import services
from athletes.audit import REDACTED
from athletes.models import Athlete, Clearance, User
from athletes.selectors import ACCESS_LOG_ON_PAGE
from athletes.tasks import prune_access_log
from tests.athletes import samples
from tests.checkins.factories import CheckInFactory
from tests.factories import AssessmentFactory, ClearanceFactory, UserFactory
from web.weeks import monday_of

ACCESS = LogEntry.Action.ACCESS


def views_of(athlete: Athlete) -> list[LogEntry]:
    return list(
        LogEntry.objects.filter(action=ACCESS, additional_data__athlete=athlete.pk).order_by("id")
    )


def only_new_view(athlete: Athlete, before: int) -> LogEntry:
    rows = views_of(athlete)[before:]
    assert len(rows) == 1, [(r.object_repr, r.additional_data) for r in rows]
    return rows[0]


@pytest.fixture
def superuser(db) -> User:
    return UserFactory(staff=True, is_superuser=True, email="root@example.org", name="Root")


@pytest.fixture
def superuser_client(superuser) -> Client:
    client = Client()
    client.force_login(superuser)
    return client


# --- one row per view, with the channel and the actor -------------------------------------------


def test_her_coach_opening_her_page_is_one_row_without_her_name(coach_client, coach, athlete):
    before = len(views_of(athlete))

    response = coach_client.get(reverse("plans:athlete_overview", args=[athlete.pk]))

    assert response.status_code == 200
    row = only_new_view(athlete, before)
    assert row.actor == coach
    assert row.object_repr == f"athlete #{athlete.pk}"
    assert row.additional_data == {"athlete": athlete.pk, "what": "her page", "channel": "web"}
    assert "Anna" not in row.object_repr + str(row.additional_data)


def test_a_document_download_is_logged_against_the_clearance(coach_client, coach, athlete):
    clearance = services.clearance_create(
        athlete=athlete,
        data={
            "cleared_on": athlete.today(),
            "clinician_name": "Dr Reid",
            "clinician_role": "gp",
            "scope": "running",
        },
        document=samples.upload("letter.pdf", samples.PDF),
        by=coach,
    )
    before = len(views_of(athlete))

    response = coach_client.get(reverse("athletes:clearance_document", args=[clearance.pk]))

    assert response.status_code == 200
    row = only_new_view(athlete, before)
    assert row.content_type == ContentType.objects.get_for_model(Clearance)
    assert row.object_pk == str(clearance.pk)
    assert row.additional_data["what"] == "clearance document"


def test_an_api_list_is_one_row_saying_what_and_how_many_with_the_token_s_owner(coach, athlete):
    ClearanceFactory(athlete=athlete)
    ClearanceFactory(athlete=athlete, cleared_on=athlete.today() - timedelta(days=1))
    _, raw = services.api_token_create(user=coach)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {raw}")
    before = len(views_of(athlete))

    response = api.get(f"/api/v1/athletes/{athlete.pk}/clearances/")

    assert response.status_code == 200
    row = only_new_view(athlete, before)
    # The actor is the token's owner, though DRF signs the token in inside the view.
    assert row.actor == coach
    assert row.object_repr == f"athlete #{athlete.pk}"
    assert row.additional_data == {
        "athlete": athlete.pk,
        "what": "clearances (2 listed)",
        "channel": "api",
    }


def test_an_api_detail_is_logged_against_its_record(coach_api, coach, athlete):
    checkin = CheckInFactory(athlete=athlete, week=monday_of(athlete.today()) - timedelta(weeks=1))
    before = len(views_of(athlete))

    assert coach_api.get(f"/api/v1/checkins/{checkin.pk}/").status_code == 200

    row = only_new_view(athlete, before)
    assert row.object_repr == f"weekly check in #{checkin.pk}"
    assert row.additional_data["channel"] == "api"


def test_a_list_across_athletes_is_one_row_on_the_viewer_naming_nobody(coach_api, coach, athlete):
    before = LogEntry.objects.filter(action=ACCESS).count()

    assert coach_api.get("/api/v1/athletes/").status_code == 200

    assert LogEntry.objects.filter(action=ACCESS).count() == before + 1
    row = LogEntry.objects.filter(action=ACCESS).latest("id")
    assert row.content_type == ContentType.objects.get_for_model(User)
    assert row.object_pk == str(coach.pk)
    assert row.additional_data == {"athlete": None, "what": "athletes (1 listed)", "channel": "api"}


def test_refused_and_failed_reads_are_not_logged(other_coach_client, other_coach_api, athlete):
    before = LogEntry.objects.filter(action=ACCESS).count()

    assert (
        other_coach_client.get(reverse("plans:athlete_overview", args=[athlete.pk])).status_code
        == 404
    )
    assert other_coach_api.get(f"/api/v1/athletes/{athlete.pk}/clearances/").status_code == 404

    assert LogEntry.objects.filter(action=ACCESS).count() == before


def test_the_admin_logs_views_and_changes_with_masked_values(superuser_client, superuser, athlete):
    assessment = AssessmentFactory(athlete=athlete, notes="Leaks on the hop test")
    url = reverse("admin:athletes_readinessassessment_change", args=[assessment.pk])
    before = len(views_of(athlete))

    page = superuser_client.get(url)

    assert page.status_code == 200
    row = only_new_view(athlete, before)
    assert (row.actor, row.additional_data["channel"]) == (superuser, "admin")

    form = page.context["adminform"].form
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data = {k: ("on" if v is True else v) for k, v in data.items() if v is not False}
    data["notes"] = "No leaks on retest"
    assert superuser_client.post(url, data).status_code == 302

    change = LogEntry.objects.filter(action=LogEntry.Action.UPDATE).latest("id")
    assert change.actor == superuser
    assert change.additional_data == {"athlete": athlete.pk, "channel": "admin"}
    assert change.changes == {"notes": [REDACTED, REDACTED]}
    assert "leaks" not in str(change.changes).lower()


def test_a_write_in_a_task_is_logged_as_the_system(athlete):
    services.athlete_set_archived(athlete=athlete, archived=True)

    change = LogEntry.objects.filter(action=LogEntry.Action.UPDATE).latest("id")
    assert change.actor is None
    assert change.additional_data == {"athlete": athlete.pk, "channel": "system"}
    assert set(change.changes) >= {"archived"}


# --- append-only --------------------------------------------------------------------------------


def test_nobody_edits_or_deletes_the_log_in_the_admin(superuser_client, coach_client, athlete):
    coach_client.get(reverse("plans:athlete_overview", args=[athlete.pk]))
    row = LogEntry.objects.filter(action=ACCESS).latest("id")
    count = LogEntry.objects.count()

    listing = superuser_client.get(reverse("admin:auditlog_logentry_changelist"))
    delete = superuser_client.post(
        reverse("admin:auditlog_logentry_delete", args=[row.pk]), {"post": "yes"}
    )
    change = superuser_client.post(
        reverse("admin:auditlog_logentry_change", args=[row.pk]), {"object_repr": "x"}
    )
    add = superuser_client.get(reverse("admin:auditlog_logentry_add"))
    bulk = superuser_client.post(
        reverse("admin:auditlog_logentry_changelist"),
        {"action": "delete_selected", "_selected_action": [row.pk], "post": "yes"},
    )

    assert listing.status_code == 200
    assert "her page" in listing.content.decode()
    assert (delete.status_code, change.status_code, add.status_code) == (403, 403, 403)
    assert bulk.status_code in (200, 302)
    assert LogEntry.objects.count() == count
    row.refresh_from_db()
    assert row.object_repr == f"athlete #{athlete.pk}"


def test_the_admin_search_works_on_our_users(superuser_client, coach_client, athlete):
    coach_client.get(reverse("plans:athlete_overview", args=[athlete.pk]))

    response = superuser_client.get(
        reverse("admin:auditlog_logentry_changelist"), {"q": "coach@example.org"}
    )

    assert response.status_code == 200
    assert "her page" in response.content.decode()


# --- her coach's view: the latest 20 on her page, everything on its own page ------------------


def add_views(athlete: Athlete, by: User, count: int) -> None:
    rows = [
        LogEntry(
            content_type=ContentType.objects.get_for_model(Athlete),
            object_pk=str(athlete.pk),
            object_id=athlete.pk,
            object_repr=f"athlete #{athlete.pk}",
            action=ACCESS,
            actor=by,
            additional_data={"athlete": athlete.pk, "what": "her page", "channel": "web"},
        )
        for _ in range(count)
    ]
    LogEntry.objects.bulk_create(rows)


def page_queries(client: Client, url: str) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response.content.decode()


def test_her_page_shows_who_opened_her_record(coach_client, athlete, staff):
    add_views(athlete, staff, 1)

    response = coach_client.get(reverse("plans:athlete_overview", args=[athlete.pk]))

    body = response.content.decode()
    assert "Who opened her record" in body
    assert "Sam (Stridewise staff)" in body
    assert "her page" in body
    assert reverse("athletes:athlete_access_log", args=[athlete.pk]) not in body


def test_her_page_costs_the_same_queries_for_2_rows_as_for_60(coach_client, athlete, coach):
    url = reverse("plans:athlete_overview", args=[athlete.pk])
    coach_client.get(url)  # warm: content types, session
    add_views(athlete, coach, 1)
    at_2, body_2 = page_queries(coach_client, url)
    add_views(athlete, coach, 58)

    at_60, body_60 = page_queries(coach_client, url)

    assert at_2 == at_60
    assert body_60.count("<td>You</td>") == ACCESS_LOG_ON_PAGE
    assert reverse("athletes:athlete_access_log", args=[athlete.pk]) in body_60
    assert reverse("athletes:athlete_access_log", args=[athlete.pk]) not in body_2


def test_the_full_log_pages_through_every_row_at_a_fixed_cost(coach_client, athlete, coach):
    url = reverse("athletes:athlete_access_log", args=[athlete.pk])
    add_views(athlete, coach, 3)
    coach_client.get(url)
    at_3, body = page_queries(coach_client, url)
    assert body.count("<td>You</td>") == 3
    add_views(athlete, coach, 120)

    at_123, body = page_queries(coach_client, url)
    last, last_body = page_queries(coach_client, url + "?page=3")

    assert at_3 == at_123 == last
    assert body.count("<td>You</td>") == 50
    assert last_body.count("<td>You</td>") == 23
    assert "Page 3 of 3" in last_body


def test_the_full_log_is_her_coach_s_and_staff_s_only(
    other_coach_client, athlete_client, staff, athlete
):
    url = reverse("athletes:athlete_access_log", args=[athlete.pk])
    staff_client = Client()
    staff_client.force_login(staff)

    assert other_coach_client.get(url).status_code == 404
    assert athlete_client.get(url).status_code in (302, 403)
    assert staff_client.get(url).status_code == 200
    assert Client().get(url).status_code == 302


def test_her_export_holds_her_access_log(coach_client, athlete_client, athlete, staff):
    coach_client.get(reverse("plans:athlete_overview", args=[athlete.pk]))
    add_views(athlete, staff, 1)

    body = athlete_client.get(reverse("plans:my_export")).json()

    opened = [row for row in body["access_log"] if row["did"] == "opened"]
    assert [(row["by"], row["what"], row["channel"]) for row in opened] == [
        ("Cora", "her page", "web page"),
        ("Sam (Stridewise staff)", "her page", "web page"),
        ("You", "export (JSON)", "web page"),
    ]


# --- retention ----------------------------------------------------------------------------------


def test_pruning_keeps_six_years_by_default_and_is_idempotent(coach, athlete, settings):
    assert settings.AUDIT_LOG_RETENTION_DAYS == 6 * 365
    with time_machine.travel(timezone.now() - timedelta(days=6 * 365 + 1)):
        add_views(athlete, coach, 2)
    with time_machine.travel(timezone.now() - timedelta(days=6 * 365 - 1)):
        add_views(athlete, coach, 3)
    kept = LogEntry.objects.count() - 2

    assert prune_access_log() == 2
    assert prune_access_log() == 0
    assert LogEntry.objects.count() == kept


def test_pruning_follows_its_setting(coach, athlete, settings):
    settings.AUDIT_LOG_RETENTION_DAYS = 30
    with time_machine.travel(timezone.now() - timedelta(days=31)):
        add_views(athlete, coach, 4)

    assert prune_access_log() == 4
    assert not LogEntry.objects.filter(timestamp__lt=timezone.now() - timedelta(days=30)).exists()


def test_the_nightly_beat_runs_the_pruning(settings):
    schedule = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {"athletes.tasks.prune_access_log", "athletes.tasks.sweep_orphan_documents"} <= schedule


def test_a_client_s_correlation_header_is_not_written_into_the_log(coach_client, athlete):
    response = coach_client.get(
        reverse("plans:athlete_overview", args=[athlete.pk]),
        HTTP_X_CORRELATION_ID="Anna Lind " * 40,
    )

    assert response.status_code == 200
    assert LogEntry.objects.filter(action=ACCESS).latest("id").cid is None


def test_the_admin_cannot_delete_her_around_the_erasure(superuser_client, athlete):
    """The admin's delete would skip the erasure's cleaning; it is refused (her decisions'
    audit trail is append-only there), so her coach's erase page and the API are the way."""
    response = superuser_client.post(
        reverse("admin:athletes_athlete_delete", args=[athlete.pk]), {"post": "yes"}
    )

    assert response.status_code == 403
    assert Athlete.objects.filter(pk=athlete.pk).exists()


def test_her_coach_reads_which_fields_changed_but_not_the_values(coach_client, coach, athlete):
    athlete.notes = "Tear healed well"
    athlete.save()

    body = coach_client.get(reverse("plans:athlete_overview", args=[athlete.pk])).content.decode()

    assert 'changed <small class="muted">notes</small>' in body
    assert "Tear healed well" not in body.split('id="access-log"')[1]
    assert "updated at" not in body.split('id="access-log"')[1]
