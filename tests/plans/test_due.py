"""What is due of her check-ins, for her coach and for her, each athlete on her own calendar
(SPEC §11); and history a coach enters for a closed week decides nothing for the future."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from itertools import cycle
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from checkins.models import WeeklyCheckIn
from checkins.services import checkin_submit
from conversations.models import Message
from plans import receivers, services
from plans.models import Decision
from plans.tasks import decide_after_checkin
from tests.checkins.factories import CheckInFactory, service_data
from tests.factories import AthleteFactory

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("plans:coach_dashboard")
LONDON, AUCKLAND, LOS_ANGELES = "Europe/London", "Pacific/Auckland", "America/Los_Angeles"
MISSING = "Last week's check-in is missing (open until Sunday)"


def local(zone: str, *args: int) -> datetime:
    return datetime(*args, tzinfo=ZoneInfo(zone))


@pytest.fixture
def clock():
    travellers = []

    def stop(instant: datetime, *, tick: bool = False):
        traveller = time_machine.travel(instant, tick=tick)
        travellers.append(traveller)
        return traveller.start()

    yield stop
    for traveller in reversed(travellers):
        traveller.stop()


def athlete_in(coach, zone: str, name: str, **fields):
    fields.setdefault("delivery_date", date(2025, 10, 1))
    return AthleteFactory(coach=coach, timezone=zone, first_name=name, **fields)


def roster_words(response) -> dict[str, str]:
    return {r["athlete"].first_name: r["due"].text for r in response.context["rows"]}


# --- The dashboard: each athlete on her own Monday ---------------------------------------------

# Monday 2 March 2026, 02:00 in UTC (the server's zone):
#   Auckland: Monday 15:00. Her week of 2 March has begun; only last week's (23 Feb) is open.
#   London: Monday 02:00. The same weeks.
#   Los Angeles: Sunday 1 March, 18:00. Still the week of 23 Feb, open since Friday; last
#   week's (16 Feb) closes at midnight.
MONDAY_2AM_UTC = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)
FEB_16, FEB_23 = date(2026, 2, 16), date(2026, 2, 23)


@pytest.fixture
def three_zones(coach, clock):
    clock(MONDAY_2AM_UTC)
    return {
        zone: athlete_in(coach, zone, name)
        for zone, name in ((AUCKLAND, "Aroha"), (LONDON, "Lucy"), (LOS_ANGELES, "Lupe"))
    }


@pytest.mark.parametrize(
    ("sent", "due", "words"),
    [
        pytest.param(
            [FEB_23],
            ["Lupe"],
            {
                "Aroha": "Done — this week's opens Friday",
                "Lucy": "Done — this week's opens Friday",
                "Lupe": MISSING,
            },
            id="week-of-23-feb-in",
        ),
        pytest.param(
            [FEB_16, FEB_23],
            [],
            {
                "Aroha": "Done — this week's opens Friday",
                "Lucy": "Done — this week's opens Friday",
                "Lupe": "This week's is in",
            },
            id="both-in",
        ),
        pytest.param(
            [FEB_16],
            ["Aroha", "Lucy", "Lupe"],
            {"Aroha": MISSING, "Lucy": MISSING, "Lupe": "This week's check-in is open"},
            id="week-of-16-feb-in",
        ),
    ],
)
def test_checkins_due_count_each_athlete_on_her_own_monday(
    coach_client, three_zones, sent, due, words
):
    for athlete in three_zones.values():
        for week in sent:
            CheckInFactory(athlete=athlete, week=week)

    everyone = coach_client.get(DASHBOARD)
    only_due = coach_client.get(DASHBOARD, {"due": "1"})

    assert everyone.context["counts"]["checkins_due"] == len(due)
    assert [r["athlete"].first_name for r in only_due.context["rows"]] == due
    assert roster_words(everyone) == words


def test_the_roster_says_what_is_due_in_words_with_its_tone(coach_client, three_zones):
    CheckInFactory(athlete=three_zones[LOS_ANGELES], week=FEB_23)

    html = coach_client.get(DASHBOARD).content.decode().replace("&#x27;", "'")

    assert f'<span class="due due--missing">{MISSING}</span>' in html
    assert '<span class="due due--missing">' in html
    assert "Latest: week of 23 Feb" in html
    assert "None yet" in html
    assert '">Check-in<span class="visually-hidden">, sort ascending</span></a></th>' in html
    assert "athletes with a check-in due" in html


def test_an_archived_athlete_is_never_due(coach, coach_client, clock):
    clock(MONDAY_2AM_UTC)
    athlete_in(coach, LONDON, "Ada", archived=True)

    response = coach_client.get(DASHBOARD, {"archived": "1"})
    only_due = coach_client.get(DASHBOARD, {"archived": "1", "due": "1"})

    assert response.context["counts"]["checkins_due"] == 0
    assert [r["due"] for r in response.context["rows"]] == [None]
    assert only_due.context["rows"] == []


def test_no_week_before_the_birth_is_due(coach, coach_client, clock):
    clock(local(LONDON, 2026, 3, 4, 12, 0))  # Wednesday
    athlete_in(coach, LONDON, "Nell", delivery_date=date(2026, 3, 2))  # born this Monday

    response = coach_client.get(DASHBOARD)

    assert response.context["counts"]["checkins_due"] == 0
    assert roster_words(response) == {"Nell": "Nothing due — this week's opens Friday"}


ZONES = [LONDON, AUCKLAND, LOS_ANGELES, "Asia/Tokyo", "America/New_York", "Asia/Kolkata"]


def populate(coach, count: int, start: int = 0) -> None:
    """``count`` athletes spread over six time zones, some with last week in, some not, each
    with her conversation (a message from her coach, and one from her not read yet)."""
    zones = cycle(ZONES)
    rows = []
    messages = []
    for i in range(start, start + count):
        athlete = athlete_in(coach, next(zones), f"Runner{i:03d}")
        messages += [
            Message(athlete=athlete, author=coach, from_coach=True, body="How was it?"),
            Message(athlete=athlete, from_coach=False, body="Good!"),
        ]
        for back in range(1 + i % 2, 9):
            rows.append(
                WeeklyCheckIn(
                    athlete=athlete,
                    week=FEB_23 - timedelta(weeks=back - 1),
                    sessions_completed=3,
                    effort=4,
                    energy=3,
                    sleep_hours=6,
                    sleep_quality=3,
                    mood=3,
                    stress=2,
                    soreness=2,
                    pain=0,
                )
            )
    WeeklyCheckIn.objects.bulk_create(rows)
    Message.objects.bulk_create(messages)


# The dashboard's queries, whatever the roster: her user (1), the time zones of her athletes
# (1), the expiry pass over the active roster (1: the athletes whose records could lapse
# soon enough to warn, none here; their clearances and assessments would be two more), the
# roster's count, its page of ids and that page's rows (3), the page's prefetches (5), the
# counts (3: open flags by severity and the athletes with any, counted once for the cards,
# "Needs your review" and the navigation's badge; decisions; check-ins due), "Needs your
# review" (1: the first five athletes by their flags; no flags here, so no more for them),
# the decisions to approve (1), unread messages (1, also the roster's per-athlete counts),
# and the savepoint of the request's atomic block (2). No session save: renewed once a day.
DASHBOARD_QUERIES = 19


@pytest.mark.parametrize("query", [{}, {"due": "1"}], ids=["all", "due-only"])
def test_the_dashboard_costs_the_same_queries_at_5_and_100_athletes_in_six_zones(
    coach, coach_client, clock, django_assert_num_queries, query
):
    clock(MONDAY_2AM_UTC)
    populate(coach, 5)
    with django_assert_num_queries(DASHBOARD_QUERIES):
        few = coach_client.get(DASHBOARD, query)

    populate(coach, 95, start=5)
    with django_assert_num_queries(DASHBOARD_QUERIES):
        many = coach_client.get(DASHBOARD, query)

    assert few.status_code == many.status_code == 200
    assert len(many.context["rows"]) == 25
    assert len({r["athlete"].timezone for r in many.context["rows"]}) >= 3
    assert many.context["counts"]["checkins_due"] > few.context["counts"]["checkins_due"] > 0
    assert many.content.decode().count("1 unread message") == 25


# --- Her athlete page, for the coach -------------------------------------------------------------


@pytest.mark.parametrize(
    ("moment", "sent", "words"),
    [
        pytest.param((2026, 3, 2, 9, 0), [], MISSING, id="monday-last-week-missing"),
        pytest.param(
            (2026, 3, 4, 9, 0), [FEB_23], "Done — this week's opens Friday", id="wednesday-done"
        ),
        pytest.param(
            (2026, 3, 6, 9, 0), [FEB_23], "This week's check-in is open", id="friday-open"
        ),
        pytest.param(
            (2026, 3, 8, 21, 0), [FEB_23, date(2026, 3, 2)], "This week's is in", id="sunday-in"
        ),
    ],
)
def test_her_page_header_says_what_is_due(coach, coach_client, clock, moment, sent, words):
    clock(local(AUCKLAND, *moment))
    athlete = athlete_in(coach, AUCKLAND, "Aroha")
    for week in sent:
        CheckInFactory(athlete=athlete, week=week)

    response = coach_client.get(reverse("plans:athlete_overview", args=[athlete.pk]))

    html = response.content.decode().replace("&#x27;", "'")
    header = html[html.index('<header class="page-header">') :].split("</header>")[0]
    assert response.context["due"].text == words
    assert words in header


# --- "my week", for her --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("moment", "sent", "shown", "not_shown"),
    [
        pytest.param(
            (2026, 3, 2, 9, 0),
            [],
            ["How was last week?", "Last week's check-in is open until Sunday."],
            ["How is this week going?"],
            id="monday-last-week-missing",
        ),
        pytest.param(
            (2026, 3, 2, 9, 0),
            [FEB_23],
            ["You're all caught up.", "Your next check-in opens on Friday 6 March."],
            ['class="btn btn--large" href="/me/checkin/"'],
            id="monday-caught-up",
        ),
        pytest.param(
            (2026, 3, 6, 9, 0),
            [],
            ["How was last week?", "Start with last week's: it closes on Sunday."],
            [],
            id="friday-both-open",
        ),
        pytest.param(
            (2026, 3, 8, 20, 0),
            [],
            ["How was last week?", "Start with last week's: it closes tonight."],
            ["on Sunday"],
            id="sunday-both-open-last-closes-tonight",
        ),
        pytest.param(
            (2026, 3, 8, 20, 0),
            [date(2026, 3, 2)],
            ["How was last week?", "Last week's check-in is open until tonight."],
            ["until Sunday"],
            id="sunday-only-last-week-missing",
        ),
        pytest.param(
            (2026, 3, 6, 9, 0),
            [FEB_23],
            ["How is this week going?"],
            ["How was last week?"],
            id="friday-this-week",
        ),
        pytest.param(
            (2026, 3, 8, 22, 0),
            [FEB_23, date(2026, 3, 2)],
            ["You've checked in for this week."],
            ['class="btn btn--large" href="/me/checkin/"'],
            id="sunday-both-in",
        ),
    ],
)
def test_my_week_asks_for_the_week_she_most_likely_means(
    athlete, athlete_client, clock, moment, sent, shown, not_shown
):
    clock(local(LONDON, *moment))
    athlete.delivery_date = date(2025, 10, 1)
    athlete.save()
    for week in sent:
        CheckInFactory(athlete=athlete, week=week)

    html = athlete_client.get(reverse("plans:my_week")).content.decode()
    html = html.replace("&#x27;", "'")

    for words in shown:
        assert words in html
    for words in not_shown:
        assert words not in html


# --- History decides nothing for the future ------------------------------------------------------


@pytest.fixture
def queued(monkeypatch):
    """The check-ins whose decision the plans receiver queued."""
    calls: list[int] = []
    monkeypatch.setattr(receivers.decide_after_checkin, "delay", calls.append)
    return calls


def test_a_live_checkin_queues_the_decision(
    athlete, coach, clock, queued, django_capture_on_commit_callbacks
):
    clock(local(LONDON, 2026, 3, 9, 9, 0))  # Monday: last week (2 March) is open
    athlete.delivery_date = date(2025, 10, 1)
    athlete.save()

    with django_capture_on_commit_callbacks(execute=True):
        checkin = checkin_submit(
            athlete=athlete, week=date(2026, 3, 2), data=service_data(), by=coach
        )

    assert queued == [checkin.pk]


def test_history_of_a_closed_week_queues_no_decision(
    athlete, coach, clock, queued, django_capture_on_commit_callbacks
):
    clock(local(LONDON, 2026, 3, 16, 9, 0))  # the week of 2 March closed last night
    athlete.delivery_date = date(2025, 10, 1)
    athlete.save()

    with django_capture_on_commit_callbacks(execute=True):
        checkin = checkin_submit(
            athlete=athlete, week=date(2026, 3, 2), data=service_data(), by=coach
        )

    assert queued == []
    assert WeeklyCheckIn.objects.filter(pk=checkin.pk).exists()


def test_only_a_live_checkin_leads_to_a_decision(
    athlete, coach, clock, django_capture_on_commit_callbacks
):
    clock(local(LONDON, 2026, 3, 16, 9, 0), tick=True)
    athlete.delivery_date = date(2025, 10, 1)
    athlete.save()
    services.plan_start(athlete=athlete)

    with django_capture_on_commit_callbacks(execute=True):
        history = checkin_submit(
            athlete=athlete, week=date(2026, 3, 2), data=service_data(), by=coach
        )
    assert not Decision.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        live = checkin_submit(
            athlete=athlete, week=date(2026, 3, 9), data=service_data(), by=athlete.user
        )

    assert list(Decision.objects.values_list("week", flat=True)) == [date(2026, 3, 16)]
    # The task's own guard is the same rule, judged when it runs.
    assert decide_after_checkin(history.pk) is None
    assert decide_after_checkin(live.pk) == Decision.objects.get().pk
