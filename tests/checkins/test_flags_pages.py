"""The coach's review queue of warning flags (/coach/flags/): what it lists and in which order,
acknowledge and resolve as plain forms and through htmx, who may do it, the history on her
page and the badge in the navigation."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertInHTML, assertRedirects, assertTemplateUsed

from athletes.models import Athlete
from checkins.models import FlagStatus, WarningFlag
from tests.checkins.factories import CheckInFactory
from tests.factories import AthleteFactory
from web.weeks import monday_of

QUEUE = "/coach/flags/"
NOTE_REQUIRED = "Say what was done or decided, for the record."


@pytest.fixture
def athlete(coach, athlete_user) -> Athlete:
    return AthleteFactory(
        coach=coach,
        user=athlete_user,
        first_name="Anna",
        last_name="Lind",
        email="anna@example.org",
    )


@pytest.fixture
def others_athlete(other_coach) -> Athlete:
    return AthleteFactory(coach=other_coach, first_name="Bea", last_name="Hart")


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def coach_client(coach) -> Client:
    return signed_in(coach)


def raise_flag(
    athlete: Athlete,
    *,
    rule: str = "pain",
    severity: str = "medium",
    weeks_ago: int = 0,
    age: timedelta = timedelta(0),
    with_checkin: bool = True,
    **fields,
) -> WarningFlag:
    """A flag as the rules would raise it, for her check-in ``weeks_ago`` weeks back, created
    ``age`` ago."""
    week = monday_of(athlete.today()) - timedelta(weeks=weeks_ago)
    checkin = None
    if with_checkin:
        checkin = athlete.checkins.filter(week=week).first() or CheckInFactory(
            athlete=athlete, week=week, pain=4
        )
    defaults = {
        "summary": "Pain 4/10 reported.",
        "evidence": {"pain": 4},
    }
    flag = WarningFlag.objects.create(
        athlete=athlete,
        checkin=checkin,
        rule=rule,
        severity=severity,
        week=week,
        **{**defaults, **fields},
    )
    if age:
        WarningFlag.objects.filter(pk=flag.pk).update(created_at=timezone.now() - age)
        flag.refresh_from_db()
    return flag


def positions(html: str, flags: list[WarningFlag]) -> list[int]:
    return [html.index(f'id="flag-{f.pk}"') for f in flags]


def snapshot(flag: WarningFlag) -> tuple:
    flag.refresh_from_db()
    return (
        flag.status,
        flag.acknowledged_by_id,
        flag.acknowledged_at,
        flag.resolved_by_id,
        flag.resolved_at,
        flag.resolution_note,
        flag.updated_at,
    )


# --- The queue -------------------------------------------------------------------------------


def test_the_queue_lists_open_flags_most_severe_first_then_oldest_first(coach_client, athlete):
    second = AthleteFactory(coach=athlete.coach, first_name="Lena", last_name="Berg")
    low = raise_flag(athlete, rule="long_session_spike", severity="low", age=timedelta(days=9))
    high_new = raise_flag(athlete, rule="pelvic_floor", severity="high", age=timedelta(hours=1))
    medium_old = raise_flag(second, rule="pain", severity="medium", age=timedelta(days=5))
    high_old = raise_flag(second, rule="bleeding", severity="high", age=timedelta(days=2))
    medium_new = raise_flag(athlete, rule="short_sleep", severity="medium", age=timedelta(days=1))
    acknowledged = raise_flag(
        athlete, rule="load_spike", severity="medium", age=timedelta(days=3), status="acknowledged"
    )
    resolved = raise_flag(
        athlete,
        rule="fatigue_streak",
        severity="high",
        age=timedelta(days=20),
        status=FlagStatus.RESOLVED,
        resolution_note="Talked it through.",
    )

    response = coach_client.get(QUEUE)

    assert response.status_code == 200
    html = response.content.decode()
    expected = [high_old, high_new, medium_old, acknowledged, medium_new, low]
    found = positions(html, expected)
    assert found == sorted(found)
    assert [f.pk for f in response.context["flags"]] == [f.pk for f in expected]
    assert f'id="flag-{resolved.pk}"' not in html


def test_each_queued_flag_shows_athlete_summary_evidence_and_a_link_to_its_checkin(
    coach_client, athlete
):
    flag = raise_flag(
        athlete,
        rule="load_spike",
        severity="medium",
        summary="66 min of running, more than 130 % of the previous two weeks' average (50 min).",
        evidence={"run_minutes": 66, "previous_mean": "50"},
    )

    response = coach_client.get(QUEUE)

    html = response.content.decode()
    row = html[html.index(f'id="flag-{flag.pk}"') :]
    row = row[: row.index("</article>")]
    assert "Load spike" in row
    assert "Anna Lind" in row
    assert f'href="{reverse("plans:athlete_overview", args=[athlete.pk])}"' in row
    assert "66 min of running, more than 130 % of the previous two weeks&#x27; average" in row
    assertInHTML("<div><dt>Running (min)</dt><dd>66</dd></div>", row)
    assertInHTML("<div><dt>Previous 2-week average (min)</dt><dd>50</dd></div>", row)
    assert f'href="{reverse("checkins:coach_checkin_detail", args=[flag.checkin_id])}"' in row
    assert "Medium" in row


def test_a_flag_without_a_checkin_has_no_checkin_link(coach_client, athlete):
    flag = raise_flag(
        athlete,
        rule="missed_checkins",
        severity="low",
        weeks_ago=1,
        with_checkin=False,
        summary="No check-in for two weeks.",
        evidence={"missing_weeks": ["2025-05-19", "2025-05-26"]},
    )

    html = coach_client.get(QUEUE).content.decode()

    row = html[html.index(f'id="flag-{flag.pk}"') :]
    row = row[: row.index("</article>")]
    assert "Missed check-ins" in row
    assert "See the check-in" not in row
    assertInHTML("<div><dt>Weeks without a check-in</dt><dd>19 May, 26 May</dd></div>", row)


def test_the_queue_shows_only_the_coachs_own_athletes_flags(coach_client, athlete, others_athlete):
    mine = raise_flag(athlete)
    theirs = raise_flag(others_athlete, summary="Bea's pain.")

    html = coach_client.get(QUEUE).content.decode()

    assert f'id="flag-{mine.pk}"' in html
    assert f'id="flag-{theirs.pk}"' not in html
    assert "Bea Hart" not in html


def test_an_archived_athletes_flags_leave_the_queue(coach_client, athlete):
    flag = raise_flag(athlete)
    Athlete.objects.filter(pk=athlete.pk).update(archived=True)

    response = coach_client.get(QUEUE)

    assert f'id="flag-{flag.pk}"' not in response.content.decode()
    counts = response.context["counts"]
    assert counts == {"high": 0, "medium": 0, "low": 0, "total": 0, "athletes": 0}


def test_the_resolved_tab_lists_resolved_flags_with_their_notes(coach_client, athlete):
    flag = raise_flag(athlete, status=FlagStatus.RESOLVED, resolution_note="Referred to physio.")
    open_flag = raise_flag(athlete, rule="bleeding", severity="high")

    html = coach_client.get(QUEUE, {"show": "resolved"}).content.decode()

    assert f'id="flag-{flag.pk}"' in html
    assert "Referred to physio." in html
    assert f'id="flag-{open_flag.pk}"' not in html


def test_an_empty_queue_says_there_is_nothing_to_review(coach_client, athlete):
    response = coach_client.get(QUEUE)

    assert response.status_code == 200
    assert "Nothing to review" in response.content.decode()


# --- Acknowledge -----------------------------------------------------------------------------


def test_acknowledging_with_a_plain_form_redirects_back_and_records_who_and_when(
    coach_client, coach, athlete
):
    flag = raise_flag(athlete)

    response = coach_client.post(
        reverse("checkins:flag_acknowledge", args=[flag.pk]), {"next": QUEUE + "?show=open"}
    )

    assertRedirects(response, QUEUE + "?show=open", fetch_redirect_response=False)
    flag.refresh_from_db()
    assert flag.status == FlagStatus.ACKNOWLEDGED
    assert flag.acknowledged_by == coach
    assert flag.acknowledged_at is not None
    assert flag.resolved_at is None
    follow = coach_client.get(QUEUE)
    assert "Flag acknowledged." in follow.content.decode()
    assert [f.pk for f in follow.context["flags"]] == [flag.pk]  # still to be resolved


def test_acknowledge_ignores_a_next_url_off_the_site(coach_client, athlete):
    flag = raise_flag(athlete)

    response = coach_client.post(
        reverse("checkins:flag_acknowledge", args=[flag.pk]), {"next": "//evil.example/"}
    )

    assertRedirects(response, QUEUE, fetch_redirect_response=False)


def test_acknowledging_through_htmx_returns_the_updated_row(coach_client, athlete):
    flag = raise_flag(athlete)

    response = coach_client.post(
        reverse("checkins:flag_acknowledge", args=[flag.pk]),
        {"next": QUEUE},
        HTTP_HX_REQUEST="true",
    )

    assert response.status_code == 200
    assertTemplateUsed(response, "checkins/_flag_row.html")
    assert "base.html" not in [t.name for t in response.templates]
    html = response.content.decode().strip()
    assert html.startswith(f'<article class="flag flag--medium" id="flag-{flag.pk}"')
    row, *out_of_band = html.split('\n<span hx-swap-oob="')  # the badges (test_flag_badges)
    assert row.rstrip().endswith("</article>")
    assert len(out_of_band) == 5
    assert '<span class="badge badge--neutral">Acknowledged</span>' in html
    assert reverse("checkins:flag_acknowledge", args=[flag.pk]) not in html  # no second acknowledge
    assert reverse("checkins:flag_resolve", args=[flag.pk]) in html  # it can still be resolved
    flag.refresh_from_db()
    assert flag.status == FlagStatus.ACKNOWLEDGED


def test_acknowledging_a_resolved_flag_changes_nothing(coach_client, athlete):
    flag = raise_flag(athlete, status=FlagStatus.RESOLVED, resolution_note="Done.")
    before = snapshot(flag)

    response = coach_client.post(
        reverse("checkins:flag_acknowledge", args=[flag.pk]), {"next": QUEUE}
    )

    assertRedirects(response, QUEUE, fetch_redirect_response=False)
    assert snapshot(flag) == before
    assert "This flag is already resolved." in coach_client.get(QUEUE).content.decode()


# --- Resolve ---------------------------------------------------------------------------------


def test_resolving_with_a_note_by_plain_form_redirects_and_keeps_the_note(
    coach_client, coach, athlete
):
    flag = raise_flag(athlete)

    response = coach_client.post(
        reverse("checkins:flag_resolve", args=[flag.pk]),
        {"note": "  Called her; pain settled with rest.  ", "next": QUEUE},
    )

    assertRedirects(response, QUEUE, fetch_redirect_response=False)
    flag.refresh_from_db()
    assert flag.status == FlagStatus.RESOLVED
    assert flag.resolution_note == "Called her; pain settled with rest."
    assert flag.resolved_by == coach
    assert flag.resolved_at is not None
    # Resolving an unacknowledged flag acknowledges it too.
    assert flag.acknowledged_by == coach
    assert flag.acknowledged_at == flag.resolved_at
    follow = coach_client.get(QUEUE)
    assert "Flag resolved. It stays in her history." in follow.content.decode()
    assert list(follow.context["flags"]) == []


def test_resolving_through_htmx_returns_the_resolved_row(coach_client, athlete):
    flag = raise_flag(athlete)

    response = coach_client.post(
        reverse("checkins:flag_resolve", args=[flag.pk]),
        {"note": "Referred to pelvic health physio.", "next": QUEUE},
        HTTP_HX_REQUEST="true",
    )

    assert response.status_code == 200
    assertTemplateUsed(response, "checkins/_flag_row.html")
    assert "base.html" not in [t.name for t in response.templates]
    html = response.content.decode().strip()
    assert html.startswith(f'<article class="flag flag--medium is-resolved" id="flag-{flag.pk}"')
    assert '<span class="badge badge--ok">Resolved</span>' in html
    assert "Referred to pelvic health physio." in html
    assert "<form" not in html
    flag.refresh_from_db()
    assert flag.status == FlagStatus.RESOLVED


@pytest.mark.parametrize("note", ["", "   \n  "], ids=["empty", "blank"])
def test_resolving_without_a_note_by_plain_form_answers_400_with_the_error_by_the_note(
    coach_client, athlete, note
):
    flag = raise_flag(athlete, rule="pelvic_floor", severity="high")
    before = snapshot(flag)

    response = coach_client.post(
        reverse("checkins:flag_resolve", args=[flag.pk]), {"note": note, "next": QUEUE}
    )

    assert response.status_code == 400
    assertTemplateUsed(response, "checkins/coach_flags.html")
    html = response.content.decode()
    assertInHTML(
        f'<ul class="errorlist" id="resolve-{flag.pk}-error"><li>{NOTE_REQUIRED}</li></ul>', html
    )
    assert re.search(
        rf'<textarea id="resolve-{flag.pk}" name="note"[^>]*aria-invalid="true"'
        rf'[^>]*aria-describedby="resolve-{flag.pk}-error"',
        html,
    )
    assert snapshot(flag) == before
    assert before[0] == FlagStatus.OPEN


def test_resolving_without_a_note_through_htmx_returns_the_row_with_the_error(
    coach_client, athlete
):
    flag = raise_flag(athlete)
    before = snapshot(flag)

    response = coach_client.post(
        reverse("checkins:flag_resolve", args=[flag.pk]), {"note": ""}, HTTP_HX_REQUEST="true"
    )

    assertTemplateUsed(response, "checkins/_flag_row.html")
    assert "base.html" not in [t.name for t in response.templates]
    html = response.content.decode()
    assertInHTML(
        f'<ul class="errorlist" id="resolve-{flag.pk}-error"><li>{NOTE_REQUIRED}</li></ul>', html
    )
    assert snapshot(flag) == before


def test_resolving_an_already_resolved_flag_keeps_the_first_note(coach_client, athlete):
    flag = raise_flag(athlete, status=FlagStatus.RESOLVED, resolution_note="First note.")
    before = snapshot(flag)

    response = coach_client.post(
        reverse("checkins:flag_resolve", args=[flag.pk]), {"note": "Second note.", "next": QUEUE}
    )

    assert response.status_code == 400
    assert "This flag is already resolved." in response.content.decode()
    assert snapshot(flag) == before


def test_resolved_flags_stay_in_her_history_on_the_coachs_athlete_page(coach_client, athlete):
    flag = raise_flag(athlete, rule="bleeding", severity="high", summary="Bleeding reported.")
    coach_client.post(
        reverse("checkins:flag_resolve", args=[flag.pk]),
        {"note": "GP reviewed; all fine.", "next": QUEUE},
    )

    response = coach_client.get(reverse("plans:athlete_overview", args=[athlete.pk]))

    assert response.status_code == 200
    html = response.content.decode()
    row = html[html.index(f'id="flag-{flag.pk}"') :]
    row = row[: row.index("</article>")]
    assert "Bleeding reported." in row
    assert '<span class="badge badge--ok">Resolved</span>' in row
    assert "GP reviewed; all fine." in row
    assert WarningFlag.objects.filter(pk=flag.pk, status=FlagStatus.RESOLVED).exists()


# --- Who may -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("action", "data"),
    [
        ("checkins:flag_acknowledge", {}),
        ("checkins:flag_resolve", {"note": "Not mine to resolve."}),
    ],
)
@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_another_coachs_flag_answers_404_and_nothing_changes(
    coach_client, others_athlete, action, data, htmx
):
    flag = raise_flag(others_athlete)
    before = snapshot(flag)
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}

    response = coach_client.post(reverse(action, args=[flag.pk]), data, **headers)

    assert response.status_code == 404
    assert snapshot(flag) == before


@pytest.mark.parametrize(
    ("method", "name", "data"),
    [
        ("get", "checkins:coach_flags", None),
        ("post", "checkins:flag_acknowledge", {}),
        ("post", "checkins:flag_resolve", {"note": "I'm fine, really."}),
    ],
)
def test_an_athlete_gets_403_and_nothing_changes(athlete, athlete_user, method, name, data):
    flag = raise_flag(athlete)
    before = snapshot(flag)
    client = signed_in(athlete_user)
    url = reverse(name) if name == "checkins:coach_flags" else reverse(name, args=[flag.pk])

    response = getattr(client, method)(url, data or {})

    assert response.status_code == 403
    assert snapshot(flag) == before


def test_a_visitor_is_sent_to_sign_in(athlete):
    flag = raise_flag(athlete)
    before = snapshot(flag)

    page = Client().get(QUEUE)
    action = Client().post(reverse("checkins:flag_acknowledge", args=[flag.pk]))

    assert page.status_code == 302
    assert page.url.startswith(reverse("account_login"))
    assert action.status_code == 302
    assert snapshot(flag) == before


def test_acknowledge_and_resolve_only_accept_post_and_a_get_is_sent_to_the_queue(
    coach_client, athlete
):
    flag = raise_flag(athlete)

    for name in ("checkins:flag_acknowledge", "checkins:flag_resolve"):
        response = coach_client.get(reverse(name, args=[flag.pk]))
        assert response.status_code == 302
        assert response["Location"] == reverse("checkins:coach_flags")
    assert snapshot(flag)[0] == FlagStatus.OPEN


# --- The badge -----------------------------------------------------------------------------


def test_the_navigation_badge_shows_the_open_count_and_how_many_are_high(coach_client, athlete):
    raise_flag(athlete, rule="pelvic_floor", severity="high")
    raise_flag(athlete, rule="pain", severity="medium", status=FlagStatus.ACKNOWLEDGED)
    raise_flag(athlete, rule="low_mood", severity="high", weeks_ago=1)
    raise_flag(
        athlete,
        rule="short_sleep",
        severity="medium",
        status=FlagStatus.RESOLVED,
        resolution_note="Better now.",
    )

    html = coach_client.get(reverse("plans:coach_dashboard")).content.decode()

    assertInHTML(
        '<span class="count-badge">3<span class="visually-hidden"> open, 2 high</span></span>',
        html,
    )


def test_the_navigation_badge_is_calm_without_high_flags(coach_client, athlete):
    raise_flag(athlete, rule="long_session_spike", severity="low")

    html = coach_client.get(QUEUE).content.decode()

    assertInHTML(
        '<span class="count-badge count-badge--calm">1'
        '<span class="visually-hidden"> open</span></span>',
        html,
    )


def test_no_badge_without_open_flags(coach_client, athlete):
    raise_flag(athlete, status=FlagStatus.RESOLVED, resolution_note="Done.")

    html = coach_client.get(QUEUE).content.decode()

    assert "count-badge" not in html


# --- Queries -------------------------------------------------------------------------------


def _queue_queries(client: Client) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(QUEUE)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def _flags_for(coach, n: int) -> None:
    """``n`` open flags, each for its own athlete, with a check-in, some acknowledged."""
    for i in range(n):
        athlete = AthleteFactory(coach=coach)
        raise_flag(
            athlete,
            severity=("high", "medium", "low")[i % 3],
            status=FlagStatus.ACKNOWLEDGED if i % 2 else FlagStatus.OPEN,
            acknowledged_by=coach if i % 2 else None,
            acknowledged_at=timezone.now() if i % 2 else None,
        )


def test_the_queue_makes_the_same_number_of_queries_for_3_and_30_flags(coach, other_coach):
    _flags_for(coach, 3)
    _flags_for(other_coach, 30)

    few = _queue_queries(signed_in(coach))
    many = _queue_queries(signed_in(other_coach))

    assert few == many
