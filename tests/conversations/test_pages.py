"""The conversation's pages: who may read and write, bad input, htmx and plain posts,
"Reply about this", marking read, the unread counts, and their query counts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conversations import services
from conversations.models import Message
from tests.conversations.conftest import message_rows
from tests.factories import AthleteFactory


def coach_thread(athlete) -> str:
    return reverse("conversations:coach_thread", args=[athlete.pk])


MY_THREAD = "/me/messages/"
HTMX = {"HTTP_HX_REQUEST": "true"}


# --- Who may read ----------------------------------------------------------------------------


def test_her_coach_reads_the_thread_with_its_context(coach_client, athlete, coach, checkin):
    services.message_post(athlete=athlete, by=coach, body="Tired?", checkin=checkin)

    response = coach_client.get(coach_thread(athlete))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Tired?" in page
    week = checkin.week.strftime("%-d %b")
    assert f"Her check-in for the week of {week}: energy 2/5, sleep 6.5 h" in page
    assert 'name="body"' in page


def test_she_reads_her_thread_worded_for_her(athlete_client, athlete, coach, checkin):
    services.message_post(athlete=athlete, by=coach, body="Tired?", checkin=checkin)

    response = athlete_client.get(MY_THREAD)

    page = response.content.decode()
    assert response.status_code == 200
    assert f"Your check-in for the week of {checkin.week.strftime('%-d %b')}: energy 2/5" in page
    assert "Your coach" in page


def test_another_coach_gets_404_and_writes_nothing(other_coach_client, athlete, coach):
    services.message_post(athlete=athlete, by=coach, body="Private")
    before = message_rows()

    read = other_coach_client.get(coach_thread(athlete))
    write = other_coach_client.post(coach_thread(athlete), {"body": "Hi"})
    mark = other_coach_client.post(reverse("conversations:coach_mark_read", args=[athlete.pk]))

    assert (read.status_code, write.status_code, mark.status_code) == (404, 404, 404)
    assert message_rows() == before


def test_another_athlete_sees_only_her_own_thread(other_athlete_client, athlete, coach):
    services.message_post(athlete=athlete, by=coach, body="Only for Anna")

    coach_page = other_athlete_client.get(coach_thread(athlete))
    own = other_athlete_client.get(MY_THREAD)

    assert coach_page.status_code == 403  # a coach's page: the wrong side of the house
    assert own.status_code == 200
    assert "Only for Anna" not in own.content.decode()


def test_staff_read_but_never_write(staff_client, athlete, athlete_user, coach):
    services.message_post(athlete=athlete, by=athlete_user, body="For my coach")
    services.message_post(athlete=athlete, by=coach, body="From her coach")
    before = message_rows()

    read = staff_client.get(coach_thread(athlete))
    write = staff_client.post(coach_thread(athlete), {"body": "From staff"})
    mark = staff_client.post(reverse("conversations:coach_mark_read", args=[athlete.pk]))

    assert read.status_code == 200
    assert "For my coach" in read.content.decode()
    assert 'name="body"' not in read.content.decode()
    assert "<strong>You</strong>" not in read.content.decode()  # staff wrote none of it
    assert write.status_code == 403
    assert mark.status_code == 302
    assert message_rows() == before  # not marked read either


def test_a_signed_out_visitor_is_sent_to_sign_in(client, athlete):
    response = client.get(coach_thread(athlete))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


# --- Posting ------------------------------------------------------------------------------------


def test_without_javascript_a_post_redirects_back(coach_client, athlete, coach, checkin):
    response = coach_client.post(
        coach_thread(athlete),
        {"body": "How was it?", "about": f"checkin:{checkin.pk}", "next": "/coach/#x"},
    )

    assert response.status_code == 302
    assert response["Location"] == "/coach/#x"
    message = Message.objects.get()
    assert (message.body, message.checkin, message.author) == ("How was it?", checkin, coach)


def test_a_post_never_redirects_off_the_site(coach_client, athlete):
    response = coach_client.post(
        coach_thread(athlete), {"body": "Hi", "next": "https://evil.example/"}
    )

    assert response["Location"] == coach_thread(athlete)


def test_with_htmx_a_post_answers_the_new_body(athlete_client, athlete):
    response = athlete_client.post(MY_THREAD, {"body": "Done my walks!", "view": "thread"}, **HTMX)

    assert response.status_code == 200
    page = response.content.decode()
    assert page.lstrip().startswith('<div id="conversation-body"')
    assert "Done my walks!" in page
    assert Message.objects.get().from_coach is False


@pytest.mark.parametrize(
    ("body", "error"),
    [("", "Write a message."), ("x" * 4001, "at most 4,000 characters")],
)
def test_bad_input_answers_400_without_javascript_and_writes_nothing(
    athlete_client, athlete, body, error
):
    response = athlete_client.post(MY_THREAD, {"body": body})

    assert response.status_code == 400
    assert error in response.content.decode()
    assert 'aria-invalid="true"' in response.content.decode()
    assert message_rows() == []


def test_bad_input_with_htmx_answers_422_with_the_form_error(athlete_client, athlete):
    response = athlete_client.post(MY_THREAD, {"body": "  ", "view": "panel"}, **HTMX)

    assert response.status_code == 422
    assert "Write a message." in response.content.decode()
    assert message_rows() == []


@pytest.mark.parametrize("kind", ["checkin", "decision", "flag", "plan_week"])
def test_a_record_of_another_athlete_is_refused_and_nothing_written(
    coach_client, athlete, theirs, kind
):
    response = coach_client.post(
        coach_thread(athlete), {"body": "About this", "about": f"{kind}:{theirs[kind].pk}"}
    )

    assert response.status_code == 400
    assert "Not one of her records." in response.content.decode()
    assert message_rows() == []


@pytest.mark.parametrize(
    "about", ["nonsense", "checkin:abc", "checkin:999999", "flag:-1", f"plan_week:{2**64}"]
)
def test_a_malformed_reference_is_refused(coach_client, athlete, about):
    response = coach_client.post(coach_thread(athlete), {"body": "Hm", "about": about})

    assert response.status_code == 400
    assert message_rows() == []


def test_she_cannot_point_at_a_flag_kept_for_her_coach(athlete_client, athlete, flag):
    response = athlete_client.post(MY_THREAD, {"body": "This", "about": f"flag:{flag.pk}"})

    assert response.status_code == 400
    assert message_rows() == []


# --- "Reply about this" ---------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["checkin", "decision", "flag", "plan_week"])
def test_reply_about_this_prefills_the_record(coach_client, athlete, kind, request):
    record = request.getfixturevalue(kind)

    response = coach_client.get(coach_thread(athlete), {kind: record.pk})

    assert f'<option value="{kind}:{record.pk}" selected>' in response.content.decode()


def test_reply_about_a_record_of_another_athlete_prefills_nothing(coach_client, athlete, theirs):
    response = coach_client.get(coach_thread(athlete), {"checkin": theirs["checkin"].pk})

    page = response.content.decode()
    assert response.status_code == 200
    assert f"checkin:{theirs['checkin'].pk}" not in page
    assert '<option value="" selected>Nothing in particular</option>' in page


# --- Unread, and marking read ---------------------------------------------------------------


def test_the_unread_counts_show_in_her_navigation_and_her_coachs(
    coach_client, athlete_client, athlete, coach, athlete_user
):
    services.message_post(athlete=athlete, by=coach, body="One")
    Message.objects.update(read_at=None)
    services.message_post(athlete=athlete, by=coach, body="Two")
    second = AthleteFactory(coach=coach)
    for _ in range(3):
        Message.objects.create(athlete=second, from_coach=False, body="Hello")

    hers = athlete_client.get(reverse("checkins:my_history")).content.decode()
    coachs = coach_client.get(reverse("plans:coach_dashboard")).content.decode()

    badge = 'Messages<span class="js-unread-total"> <span class="count-badge">{}<span'
    assert badge.format(2) in hers
    assert badge.format(3) in coachs
    assert "3 unread messages" in coachs  # on her row of the roster


def test_viewing_does_not_mark_read_but_offers_to(athlete_client, athlete, coach):
    services.message_post(athlete=athlete, by=coach, body="Unread")

    page = athlete_client.get(MY_THREAD).content.decode()

    assert Message.objects.get().read_at is None  # a GET never writes
    assert 'hx-trigger="load"' in page
    assert "Mark as read" in page


def test_marking_read_with_a_post(athlete_client, athlete, coach):
    services.message_post(athlete=athlete, by=coach, body="Unread")

    plain = athlete_client.post(reverse("conversations:my_mark_read"), {"next": MY_THREAD})

    assert plain.status_code == 302
    assert plain["Location"] == MY_THREAD
    assert Message.objects.get().read_at is not None
    assert "count-badge" not in athlete_client.get(MY_THREAD).content.decode()


def test_marking_read_with_htmx_updates_the_navigations_count(coach_client, athlete, athlete_user):
    services.message_post(athlete=athlete, by=athlete_user, body="Unread")

    response = coach_client.post(
        reverse("conversations:coach_mark_read", args=[athlete.pk]), **HTMX
    )

    # No form left in its place; the navigation's count swapped out of band, now empty.
    assert response.status_code == 200
    assert response.content.decode().strip() == (
        '<span class="js-unread-total" hx-swap-oob="outerHTML:.js-unread-total"></span>'
    )
    assert Message.objects.get().read_at is not None


def test_the_panel_on_her_athlete_page_and_on_my_week(coach_client, athlete_client, athlete, coach):
    services.message_post(athlete=athlete, by=coach, body="See you Thursday")

    coach_page = coach_client.get(reverse("plans:athlete_overview", args=[athlete.pk]))
    her_page = athlete_client.get(reverse("plans:my_week"))

    assert 'id="conversation"' in coach_page.content.decode()
    assert 'name="view" value="panel"' in coach_page.content.decode()
    assert "See you Thursday" in her_page.content.decode()


# --- Query counts ----------------------------------------------------------------------------


def _thread_of(athlete, coach, checkin, plan_week, n: int) -> None:
    user = athlete.user
    for i in range(n):
        ref = {"checkin": checkin} if i % 3 == 0 else {"plan_week": plan_week} if i % 3 else {}
        Message.objects.create(
            athlete=athlete,
            author=coach if i % 2 else user,
            from_coach=bool(i % 2),
            body=f"Message {i}",
            **ref,
        )


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    "page",
    [
        lambda a: reverse("conversations:coach_thread", args=[a.pk]),
        lambda a: reverse("plans:athlete_overview", args=[a.pk]),
    ],
    ids=["thread", "athlete page"],
)
def test_the_coachs_pages_cost_the_same_with_5_or_50_messages(
    coach_client, athlete, coach, checkin, plan_week, page
):
    _thread_of(athlete, coach, checkin, plan_week, 5)
    few = _count(coach_client, page(athlete))
    _thread_of(athlete, coach, checkin, plan_week, 45)
    many = _count(coach_client, page(athlete))

    assert few == many


@pytest.mark.parametrize("url", [MY_THREAD, "/me/"], ids=["thread", "my week"])
def test_her_pages_cost_the_same_with_5_or_50_messages(
    athlete_client, athlete, coach, checkin, plan_week, url
):
    _thread_of(athlete, coach, checkin, plan_week, 5)
    few = _count(athlete_client, url)
    _thread_of(athlete, coach, checkin, plan_week, 45)
    many = _count(athlete_client, url)

    assert few == many


@pytest.mark.parametrize("query", [{"before": str(2**70)}, {"checkin": str(2**70)}, {"flag": "x"}])
def test_odd_query_strings_are_ignored(coach_client, athlete, query):
    assert coach_client.get(coach_thread(athlete), query).status_code == 200


def test_a_null_character_is_refused(athlete_client, athlete):
    response = athlete_client.post(MY_THREAD, {"body": "Hi\x00there"})

    assert response.status_code == 400
    assert message_rows() == []


def test_a_long_thread_shows_its_latest_page_and_links_to_earlier(coach_client, athlete):
    for i in range(55):
        Message.objects.create(athlete=athlete, from_coach=True, body=f"Note {i:02d}")

    page = coach_client.get(coach_thread(athlete)).content.decode()
    earlier = Message.objects.get(body="Note 05").pk

    assert "Note 54" in page
    assert "Note 05" in page
    assert "Note 04" not in page
    assert f'href="?before={earlier}"' in page
    older = coach_client.get(coach_thread(athlete), {"before": earlier}).content.decode()
    assert "Note 04" in older
    assert "Note 00" in older
    assert "Note 05" not in older


# --- The links that start a reply -----------------------------------------------------------


def test_reply_about_this_links_lead_to_the_thread_with_the_record(
    coach_client, athlete_client, athlete, checkin, flag, decision
):
    detail = coach_client.get(reverse("checkins:coach_checkin_detail", args=[checkin.pk]))
    queue = coach_client.get(reverse("checkins:coach_flags"))
    overview = coach_client.get(reverse("plans:athlete_overview", args=[athlete.pk]))
    my_week = athlete_client.get(reverse("plans:my_week"))
    done = athlete_client.get(reverse("checkins:my_checkin_done", args=[checkin.pk]))

    thread = coach_thread(athlete)
    assert f'href="{thread}?checkin={checkin.pk}"' in detail.content.decode()
    assert f'href="{thread}?flag={flag.pk}"' in queue.content.decode()
    assert f'href="{thread}?decision={decision.pk}"' in overview.content.decode()
    plan_week = athlete.plan.weeks.get(week=decision.week - timedelta(weeks=1))
    assert f'href="{MY_THREAD}?plan_week={plan_week.pk}"' in my_week.content.decode()
    assert f'href="{MY_THREAD}?checkin={checkin.pk}"' in done.content.decode()


def test_times_are_shown_in_her_time_zone(coach_client, athlete, coach):
    import time_machine

    athlete.timezone = "Pacific/Auckland"  # UTC+13 in March
    athlete.save()
    with time_machine.travel("2026-03-06 11:30:00+00:00", tick=False):
        services.message_post(athlete=athlete, by=coach, body="Late for you?")

    page = coach_client.get(coach_thread(athlete)).content.decode()

    assert "7 Mar, 00:30" in page
    assert 'datetime="2026-03-07T00:30:00+13:00"' in page


def test_a_form_shown_again_after_an_error_still_returns_to_its_page(coach_client, athlete):
    overview = reverse("plans:athlete_overview", args=[athlete.pk])

    again = coach_client.post(
        coach_thread(athlete), {"body": "", "next": f"{overview}#conversation"}
    )
    sent = coach_client.post(
        coach_thread(athlete), {"body": "Hi", "next": f"{overview}#conversation"}
    )

    assert f'name="next" value="{overview}"' in again.content.decode()
    assert sent["Location"] == f"{overview}#conversation"


def test_approving_on_her_page_with_a_word_for_her_posts_it_to_her_thread(
    coach_client, athlete_client, athlete, decision
):
    response = coach_client.post(
        reverse("plans:decision_approve", args=[decision.pk]), {"note": "Proud of you!"}
    )

    assert response.status_code == 302
    message = Message.objects.get()
    assert (message.body, message.decision_id) == ("Proud of you!", decision.pk)
    page = athlete_client.get(MY_THREAD).content.decode()
    assert "Proud of you!" in page
    assert f"Your coach&#x27;s decision for the week of {decision.week.strftime('%-d %b')}" in page


def test_her_coach_is_told_she_reads_once_she_has_joined(coach_client, coach):
    invited = AthleteFactory(coach=coach, first_name="Ines")

    page = coach_client.get(coach_thread(invited)).content.decode()

    assert "Ines hasn't signed in yet" in page
