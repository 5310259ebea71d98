"""Her check-in form, the page she sees right after (advice at once, SPEC §6), and her
history with its chart."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from checkins.models import WeeklyCheckIn
from checkins.services import EDITABLE_FIELDS
from clinical.symptoms import SYMPTOM_FIELDS
from tests.checkins.factories import ORDINARY_WEEK, CheckInFactory, form_data
from tests.checkins.markup import (
    checked_value,
    input_value,
    json_script,
    radio_values,
    table_rows,
)
from web.weeks import monday_of

# On a Friday, so that this week's check-in is open (SPEC §11); the form's choice of week on
# the other days is tested in test_windows_pages.py.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("friday")]

STOP_RUNNING = "Please stop running for now"
SUPPORT = "You don't have to carry this alone"


def submit(client, athlete, **changes):
    """Post her form for this week and follow on to the page she lands on."""
    return client.post(
        reverse("checkins:my_checkin"),
        form_data(monday_of(athlete.today()), **changes),
        follow=True,
    )


def page_text(response) -> str:
    return response.content.decode().replace("&#x27;", "'")


# --- The form ----------------------------------------------------------------------------------


def test_the_form_opens_on_the_oldest_open_week_with_an_ordinary_week_filled_in(
    athlete_client, athlete
):
    athlete.breastfeeding = True
    athlete.save()
    this_monday = monday_of(athlete.today())

    response = athlete_client.get(reverse("checkins:my_checkin"))

    assert response.status_code == 200
    html = response.content.decode()
    # Friday: last week's and this week's are open; last week's is missing, so it comes first.
    assert radio_values(html, "week") == [
        (this_monday - timedelta(weeks=1)).isoformat(),
        this_monday.isoformat(),
    ]
    assert checked_value(html, "week") == (this_monday - timedelta(weeks=1)).isoformat()
    assert "Last week, 23 February – 1 March" in page_text(response)
    assert "This week, 2–8 March" in page_text(response)
    assert "How was your week?" in page_text(response)
    assert "Last week's stays open until Sunday 8 March." in page_text(response)
    assert {
        name: input_value(html, name)
        for name in ("run_minutes", "walk_minutes", "unavailable_days")
    } == dict.fromkeys(("run_minutes", "walk_minutes", "unavailable_days"), "0")
    # The sessions she did are hers to say: no number is put in her mouth.
    assert input_value(html, "sessions_completed") is None
    assert input_value(html, "sleep_hours") == "6"
    assert {
        name: checked_value(html, name)
        for name in ("energy", "soreness", "pain", "sleep_quality", "mood", "stress")
    } == {
        "energy": "3",
        "soreness": "2",
        "pain": "0",
        "sleep_quality": "3",
        "mood": "3",
        "stress": "3",
    }
    # Every symptom question is answered "No" until she says otherwise.
    assert {name: checked_value(html, name) for name in (*SYMPTOM_FIELDS, "feeling_low")} == (
        dict.fromkeys((*SYMPTOM_FIELDS, "feeling_low"), "False")
    )
    assert checked_value(html, "breastfeeding") == "True"
    assert "Did you leak any urine, stool or wind" in page_text(response)


def test_the_form_carries_last_weeks_sleep_and_feeding_forward(athlete_client, athlete):
    CheckInFactory(
        athlete=athlete,
        week=monday_of(athlete.today()) - timedelta(days=7),
        sleep_hours=Decimal("4.5"),
        breastfeeding=False,
    )

    html = athlete_client.get(reverse("checkins:my_checkin")).content.decode()

    assert input_value(html, "sleep_hours") == "4.5"
    assert checked_value(html, "breastfeeding") == "False"


def test_asking_for_a_week_she_already_sent_goes_to_her_answers(athlete_client, athlete):
    checkin = CheckInFactory(athlete=athlete)

    response = athlete_client.get(
        reverse("checkins:my_checkin"), {"week": checkin.week.isoformat()}
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("checkins:my_checkin_edit", args=[checkin.pk])


def test_with_every_open_week_in_she_is_told_she_is_caught_up(athlete_client, athlete):
    this_monday = monday_of(athlete.today())
    CheckInFactory(athlete=athlete, week=this_monday - timedelta(weeks=1))
    latest = CheckInFactory(athlete=athlete, week=this_monday)

    response = athlete_client.get(reverse("checkins:my_checkin"))

    assert response.status_code == 200
    text = page_text(response)
    assert "You're all caught up" in text
    assert "Your next check-in opens on <strong>Friday 13 March</strong>." in text
    assert "Your check-in for the week of 2 March stays open until Sunday 15 March." in text
    assert reverse("checkins:my_checkin_edit", args=[latest.pk]) in text
    assert ">report a symptom</a> any time." in text
    assert reverse("checkins:my_symptom_report_create") in response.content.decode()
    assert 'name="week"' not in text


def test_asking_for_a_closed_week_she_already_sent_goes_to_her_history(athlete_client, athlete):
    closed = monday_of(athlete.today()) - timedelta(weeks=3)
    CheckInFactory(athlete=athlete, week=closed)

    response = athlete_client.get(
        reverse("checkins:my_checkin"),
        {"week": (closed + timedelta(days=2)).isoformat()},
        follow=True,
    )

    assert response.redirect_chain == [(reverse("checkins:my_history"), 302)]
    assert [str(m) for m in response.context["messages"]] == [
        "You have already checked in for that week."
    ]


def test_an_ordinary_week_is_saved_and_she_lands_on_the_done_page(athlete_client, athlete):
    response = submit(athlete_client, athlete)

    checkin = WeeklyCheckIn.objects.get()
    assert response.redirect_chain == [
        (reverse("checkins:my_checkin_done", args=[checkin.pk]), 302)
    ]
    assert response.status_code == 200
    assert checkin.week == monday_of(athlete.today())
    assert checkin.athlete == athlete
    assert checkin.submitted_by == athlete.user
    assert {name: getattr(checkin, name) for name in EDITABLE_FIELDS} == ORDINARY_WEEK
    text = page_text(response)
    assert "Thank you, Anna" in text
    assert "What happens next" in text
    assert 'Next week\'s plan appears on <a href="/me/">My week</a> by Sunday.' in text
    assert "approved" not in text  # next week is there by Sunday, approved or not
    assert STOP_RUNNING not in text
    assert SUPPORT not in text


def test_after_a_late_checkin_for_last_week_she_reads_that_it_may_adjust_this_week(
    athlete_client, athlete
):
    last_week = monday_of(athlete.today()) - timedelta(weeks=1)
    response = athlete_client.post(
        reverse("checkins:my_checkin"), form_data(last_week), follow=True
    )

    assert WeeklyCheckIn.objects.get().week == last_week
    text = page_text(response)
    assert "Your coach may adjust this week's plan from it" in text
    assert "Next week's plan appears" not in text


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"leakage": True}, "leaking"),
        ({"urgency": True}, "urgency"),
        ({"heaviness": True}, "heaviness, dragging or a bulge"),
        ({"pelvic_pain": True}, "pelvic pain"),
        ({"abdominal_doming": True}, "tummy doming"),
        ({"bleeding": True}, "bleeding"),  # she is 20 weeks postpartum
        ({"pain": 6, "pain_location": "pubic bone"}, "pain of 5/10 or more"),
        ({"leakage": True, "pain": 5}, "leaking, pain of 5/10 or more"),
    ],
    ids=lambda v: "-".join(v) if isinstance(v, dict) else None,
)
def test_a_red_flag_shows_the_stop_running_advice_at_once(athlete_client, athlete, changes, words):
    response = submit(athlete_client, athlete, **changes)

    assert response.status_code == 200
    text = page_text(response)
    assert STOP_RUNNING in text
    assert f"You reported {words}." in text
    assert "pelvic health physiotherapist" in text
    assert "<strong>GP</strong>" in text
    assert SUPPORT not in text


def test_feeling_low_shows_where_to_find_support(athlete_client, athlete):
    response = submit(athlete_client, athlete, feeling_low=True, mood=2)

    text = page_text(response)
    assert SUPPORT in text
    for support in (
        "<strong>GP</strong>",
        "<strong>midwife</strong>",
        "<strong>health visitor</strong>",
        "<strong>perinatal mental health services</strong>",
        "Thoughts of harming yourself or your baby are urgent:</strong> call 999 now",
        "Samaritans on <strong>116 123</strong>",
        "it is not your fault",
    ):
        assert support in text
    assert STOP_RUNNING not in text


def test_an_ordinary_week_with_some_pain_shows_no_advice(athlete_client, athlete):
    response = submit(athlete_client, athlete, pain=4, soreness=6)

    text = page_text(response)
    assert STOP_RUNNING not in text
    assert SUPPORT not in text


def test_bleeding_in_the_first_eight_weeks_gets_reassurance_not_a_stop(athlete_client, athlete):
    athlete.delivery_date = monday_of(athlete.today()) - timedelta(weeks=5)
    athlete.save()

    response = submit(athlete_client, athlete, bleeding=True)

    text = page_text(response)
    assert "About bleeding" in text
    assert STOP_RUNNING not in text


def test_the_done_page_of_someone_elses_checkin_is_404(athlete_client, other_athlete):
    theirs = CheckInFactory(athlete=other_athlete, leakage=True)

    response = athlete_client.get(reverse("checkins:my_checkin_done", args=[theirs.pk]))

    assert response.status_code == 404


def test_a_refused_form_keeps_her_answers(athlete_client, athlete):
    response = athlete_client.post(
        reverse("checkins:my_checkin"),
        form_data(monday_of(athlete.today()), pain=11, notes="Ran with the buggy"),
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "Some answers need another look" in html
    assert "Ran with the buggy" in html
    assert WeeklyCheckIn.objects.count() == 0


def test_a_coach_is_kept_out_of_her_form(coach_client):
    assert coach_client.get(reverse("checkins:my_checkin")).status_code == 403


def test_signing_in_is_needed_for_her_form(client):
    response = client.get(reverse("checkins:my_checkin"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_an_athlete_login_without_a_profile_gets_404(client, athlete_user):
    client.force_login(athlete_user)

    assert client.get(reverse("checkins:my_checkin")).status_code == 404
    assert client.get(reverse("checkins:my_history")).status_code == 404


# --- History -------------------------------------------------------------------------------------


def test_her_history_lists_her_weeks_newest_first_with_a_chart_and_a_summary(
    athlete_client, athlete, other_athlete
):
    this_monday = monday_of(athlete.today())
    weeks = [this_monday - timedelta(weeks=n) for n in (2, 1, 0)]
    CheckInFactory(athlete=athlete, week=weeks[0], run_minutes=10, energy=2)
    CheckInFactory(athlete=athlete, week=weeks[1], run_minutes=20, leakage=True)
    CheckInFactory(athlete=athlete, week=weeks[2], run_minutes=30, energy=4)
    CheckInFactory(athlete=other_athlete, week=weeks[2] - timedelta(weeks=5))

    response = athlete_client.get(reverse("checkins:my_history"))

    assert response.status_code == 200
    html = response.content.decode()
    rows = table_rows(html, 'id="list-title"')
    assert [text.split(" ")[:2] for _, text in rows] == [
        [f"{w.day}", f"{w:%b}"] for w in reversed(weeks)
    ]
    assert [attrs for attrs, _ in rows] == ["", 'class="is-highlight"', ""]
    assert "Leakage" in rows[1][1]
    chart = json_script(html, "my-chart-data")
    assert chart["weeks"] == [w.isoformat() for w in weeks]
    assert chart["run"] == [10, 20, 30]
    assert chart["energy"] == [2, 3, 4]
    assert chart["symptoms"] == [False, True, False]
    summary = response.context["chart_summary"]
    assert summary.startswith(
        f"3 weekly check-ins from {weeks[0].day} {weeks[0]:%b %Y} to "
        f"{weeks[2].day} {weeks[2]:%b %Y}."
    )
    assert "Latest week: 30 min running, 60 min walking, energy 4/5" in summary
    assert "6.5 h sleep, pain 0/10." in summary
    assert (
        f"Symptoms reported in 1 week(s), most recently the week of {weeks[1].day} {weeks[1]:%b}."
        in summary
    )
    assert summary in page_text(response)


def test_her_history_offers_changes_only_while_a_week_is_open(athlete_client, athlete):
    this_monday = monday_of(athlete.today())
    closed = CheckInFactory(athlete=athlete, week=this_monday - timedelta(weeks=2))
    open_ = CheckInFactory(athlete=athlete, week=this_monday - timedelta(weeks=1))

    html = athlete_client.get(reverse("checkins:my_history")).content.decode()

    assert reverse("checkins:my_checkin_edit", args=[open_.pk]) in html
    assert reverse("checkins:my_checkin_edit", args=[closed.pk]) not in html


def test_her_history_is_empty_before_her_first_checkin(athlete_client):
    response = athlete_client.get(reverse("checkins:my_history"))

    assert response.status_code == 200
    assert "No check-ins yet" in response.content.decode()
    assert response.context["checkins"] == []
    assert 'type="application/json"' not in response.content.decode()
