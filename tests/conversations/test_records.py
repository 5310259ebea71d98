"""Her thread is hers: erasing her deletes it; staff read it in the admin and only read it."""

from __future__ import annotations

from django.urls import reverse

from athletes.services import athlete_erase
from conversations import services
from conversations.models import Message, Thread


def test_erasing_her_deletes_her_thread_and_leaves_others(
    athlete, athlete_user, coach, other_athlete, other_coach, checkin, staff
):
    services.message_post(athlete=athlete, by=coach, body="About your week", checkin=checkin)
    services.message_post(athlete=athlete, by=athlete_user, body="Thanks")
    services.message_post(athlete=other_athlete, by=other_coach, body="Someone else's")

    athlete_erase(athlete=athlete, by=coach)

    assert list(Message.objects.values_list("body", flat=True)) == ["Someone else's"]
    assert list(Thread.objects.values_list("athlete_id", flat=True)) == [other_athlete.pk]


def _admin_client(client, db):
    from athletes.models import User

    admin = User.objects.create_superuser("root@example.org", "pw-long-enough-1", name="Root")
    client.force_login(admin)
    return client


def test_staff_list_and_read_messages_in_the_admin(client, db, athlete, coach, checkin):
    message = services.message_post(athlete=athlete, by=coach, body="Easy week", checkin=checkin)
    admin = _admin_client(client, db)

    listing = admin.get(reverse("admin:conversations_message_changelist"))
    detail = admin.get(reverse("admin:conversations_message_change", args=[message.pk]))

    assert listing.status_code == 200
    assert "Easy week" in listing.content.decode()
    assert detail.status_code == 200
    page = detail.content.decode()
    assert "Easy week" in page
    assert 'name="body"' not in page  # read only: no field to change
    assert 'name="_save"' not in page


def test_the_admin_adds_changes_and_deletes_nothing(client, db, athlete, coach):
    message = services.message_post(athlete=athlete, by=coach, body="Keep me")
    admin = _admin_client(client, db)
    before = list(Message.objects.values_list())

    add = admin.post(reverse("admin:conversations_message_add"), {"body": "New"})
    change = admin.post(
        reverse("admin:conversations_message_change", args=[message.pk]), {"body": "Changed"}
    )
    delete = admin.post(
        reverse("admin:conversations_message_delete", args=[message.pk]), {"post": "yes"}
    )
    bulk = admin.post(
        reverse("admin:conversations_message_changelist"),
        {"action": "delete_selected", "_selected_action": [message.pk], "post": "yes"},
    )

    assert (add.status_code, change.status_code, delete.status_code) == (403, 403, 403)
    assert bulk.status_code in (200, 302)
    assert list(Message.objects.values_list()) == before
