"""The pages of the anytime symptom report (SPEC §11): reached in one tap from "my week",
the advice of SPEC §6 at once on the page she lands on, the coach's on-behalf entry, both
histories; all plain HTML forms that work without JavaScript."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from checkins.models import SymptomReport, WarningFlag
from checkins.services import EMPTY_REPORT
from clinical.symptoms import SYMPTOMS
from tests.checkins.markup import checked_value, table_rows
from web.weeks import monday_of

pytestmark = pytest.mark.django_db

NEW = reverse("checkins:my_symptom_report_create")
STOP_RUNNING = "Please stop running for now"
PAUSED = (
    "Your plan is paused from today: gentle walking and pelvic floor work only, until your "
    "coach has talked with you."
)
EARLY_BLEEDING = "About bleeding"


def text(response) -> str:
    """The page's words, without tags."""
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


def form(**answers) -> dict:
    """The form as a browser posts it: ticked boxes are sent as "on", others not at all."""
    data = {"pain": "0", "pain_location": "", "notes": ""}
    for name, value in answers.items():
        if value is True:
            data[name] = "on"
        elif value is not False:
            data[name] = str(value)
    return data


def coach_new(athlete) -> str:
    return reverse("checkins:coach_symptom_report_create", args=[athlete.pk])


# --- One tap from her week -----------------------------------------------------------------------


def test_my_week_links_to_the_report_in_one_tap(athlete_client, athlete):
    response = athlete_client.get(reverse("plans:my_week"))

    assert response.status_code == 200
    assert f'href="{NEW}">Report a symptom</a>' in response.content.decode()


def test_the_form_asks_the_six_questions_in_plain_words_with_no_answer_put_in_her_mouth(
    athlete_client, athlete
):
    response = athlete_client.get(NEW)

    assert response.status_code == 200
    html = response.content.decode()
    assert '<form method="post"' in html  # a plain form: no JavaScript needed
    for name, question in SYMPTOMS:
        assert re.search(rf'<input type="checkbox" name="{name}" id="id_{name}"(?! checked)', html)
        assert f'<label class="symptom-option" for="id_{name}">' in html
        assert question in unescape(html)
    assert checked_value(html, "pain") == "0"
    assert 'name="pain_location"' in html
    assert 'name="notes"' in html
    assert SymptomReport.objects.count() == 0  # a GET never writes


# --- Her report ----------------------------------------------------------------------------------


def test_an_empty_report_is_refused_on_the_form_and_nothing_is_written(
    athlete_client, athlete, reported
):
    response = athlete_client.post(NEW, form(pain=2, notes="Just checking"))

    assert response.status_code == 200
    assert EMPTY_REPORT in text(response)
    assert response.context["form"].non_field_errors() == [EMPTY_REPORT]
    # What she wrote is kept on the form for her to complete.
    assert checked_value(response.content.decode(), "pain") == "2"
    assert "Just checking" in text(response)
    assert SymptomReport.objects.count() == 0
    assert WarningFlag.objects.count() == 0
    assert reported == []


def test_a_red_flag_shows_the_advice_and_the_pause_at_once(
    athlete_client, athlete, coach, reported, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = athlete_client.post(
            NEW, form(leakage=True, heaviness=True, pain=4, pain_location="pubic bone")
        )

    report = SymptomReport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("checkins:my_symptom_report", args=[report.pk])
    assert (report.leakage, report.heaviness, report.urgency, report.pain) == (
        True,
        True,
        False,
        4,
    )
    assert (report.pain_location, report.submitted_by) == ("pubic bone", athlete.user)
    assert sorted(WarningFlag.objects.values_list("rule", "severity")) == [
        ("pain", "medium"),
        ("pelvic_floor", "high"),
    ]
    assert len(mail.outbox) == 1
    assert [call["red_flags"] for call in reported] == [["leakage", "heaviness"]]

    page = athlete_client.get(response["Location"])

    assert page.status_code == 200
    words = text(page)
    assert STOP_RUNNING in words
    assert "You reported leaking, heaviness, dragging or a bulge." in words
    assert "pelvic health physiotherapist or your GP" in words
    assert PAUSED in words
    assert (
        "You told your coach about leaking, heaviness, dragging or a bulge and pain of 4/10 "
        "(pubic bone)." in words
    )
    assert f'href="{reverse("plans:my_week")}">Back to my week</a>' in page.content.decode()


def test_pain_of_3_is_reported_without_a_red_flag(athlete_client, athlete):
    response = athlete_client.post(NEW, form(pain=3), follow=True)

    assert response.status_code == 200
    words = text(response)
    assert STOP_RUNNING not in words
    assert PAUSED not in words
    assert "Your coach has been told." in words
    assert "You told your coach about pain of 3/10." in words
    assert list(WarningFlag.objects.values_list("rule", "severity")) == [("pain", "medium")]


def test_early_bleeding_shows_the_early_bleeding_advice(athlete_client, athlete):
    athlete.delivery_date = athlete.today() - timedelta(weeks=3)
    athlete.save()

    response = athlete_client.post(NEW, form(bleeding=True), follow=True)

    words = text(response)
    assert EARLY_BLEEDING in words
    assert "Call your midwife or GP today" in words
    assert STOP_RUNNING not in words
    assert list(WarningFlag.objects.values_list("rule", "severity")) == [("bleeding", "medium")]


def test_she_cannot_open_another_athletes_report(athlete_client, other_athlete):
    theirs = SymptomReport.objects.create(
        athlete=other_athlete,
        reported_at=timezone.now(),
        week=monday_of(other_athlete.today()),
        leakage=True,
    )

    response = athlete_client.get(reverse("checkins:my_symptom_report", args=[theirs.pk]))

    assert response.status_code == 404


def test_the_pages_are_hers_and_the_coach_page_is_the_coachs(
    athlete_client, coach_client, athlete, client
):
    assert coach_client.get(NEW).status_code == 403
    assert athlete_client.get(coach_new(athlete)).status_code == 403
    assert athlete_client.post(coach_new(athlete), form(leakage=True)).status_code == 403
    signed_out = client.post(NEW, form(leakage=True))
    assert signed_out.status_code == 302
    assert signed_out["Location"].startswith(reverse("account_login"))
    assert SymptomReport.objects.count() == 0


# --- Her coach, on her behalf ---------------------------------------------------------------------


def test_the_athlete_page_links_to_the_coachs_entry(coach_client, athlete):
    response = coach_client.get(reverse("plans:athlete_overview", args=[athlete.pk]))

    assert f'href="{coach_new(athlete)}">Record a symptom</a>' in response.content.decode()


def test_her_coach_records_one_on_her_behalf(
    coach_client, coach, athlete, reported, django_capture_on_commit_callbacks
):
    page = coach_client.get(coach_new(athlete))
    with django_capture_on_commit_callbacks(execute=True):
        response = coach_client.post(coach_new(athlete), form(urgency=True, notes="Told me today"))

    assert page.status_code == 200
    assert "Record a symptom for Anna" in text(page)
    overview = reverse("plans:athlete_overview", args=[athlete.pk])
    assert response.status_code == 302
    assert response["Location"] == overview
    report = SymptomReport.objects.get()
    assert (report.athlete, report.submitted_by, report.urgency, report.notes) == (
        athlete,
        coach,
        True,
        "Told me today",
    )
    assert WarningFlag.objects.get().symptom_report == report
    assert [call["red_flags"] for call in reported] == [["urgency"]]

    followed = coach_client.get(overview)

    html = followed.content.decode()
    shown = html[html.index('<ul class="messages">') : html.index("</ul>", html.index("messages"))]
    # The message may ride in a cookie: it says what follows, never what she reported.
    assert " ".join(unescape(re.sub(r"<[^>]+>", " ", shown)).split()) == (
        "Symptom report saved on her behalf. It is a red flag: her plan is paused from today "
        "(gentle walking and pelvic floor work only) until you have talked with her, and she "
        "should see a pelvic health physio or her GP."
    )
    rows = table_rows(followed.content.decode(), after="Symptoms reported between check-ins")
    assert len(rows) == 1
    assert "Urgency" in rows[0][1]
    assert "Told me today" in rows[0][1]


def test_an_empty_report_from_the_coach_is_refused_too(coach_client, athlete):
    response = coach_client.post(coach_new(athlete), form())

    assert response.status_code == 200
    assert EMPTY_REPORT in text(response)
    assert SymptomReport.objects.count() == 0


def test_another_coachs_athlete_answers_404_and_nothing_is_written(other_coach_client, athlete):
    responses = [
        other_coach_client.get(coach_new(athlete)),
        other_coach_client.post(coach_new(athlete), form(leakage=True)),
        other_coach_client.post(coach_new(athlete), form()),
    ]

    assert [r.status_code for r in responses] == [404, 404, 404]
    assert SymptomReport.objects.count() == 0
    assert WarningFlag.objects.count() == 0


# --- Her history ---------------------------------------------------------------------------------


def test_her_history_lists_her_reports_briefly_in_her_time_zone(
    friday, athlete_client, athlete, other_athlete
):
    athlete.timezone = "Pacific/Auckland"
    athlete.save()
    at = timezone.now().replace(microsecond=0) - timedelta(hours=3)
    SymptomReport.objects.create(
        athlete=athlete,
        reported_at=at,
        week=monday_of(at.astimezone(athlete.tz).date()),
        heaviness=True,
        pain=4,
        pain_location="lower back",
    )
    SymptomReport.objects.create(
        athlete=other_athlete, reported_at=at, week=monday_of(at.date()), leakage=True
    )

    response = athlete_client.get(reverse("checkins:my_history"))

    assert response.status_code == 200
    rows = table_rows(response.content.decode(), after="Symptoms you reported")
    local = at.astimezone(athlete.tz)
    assert rows == [
        (
            'class="is-highlight"',
            f"{local.day} {local:%b %Y, %H:%M} Heaviness, dragging or a bulge 4/10 (lower back) —",
        )
    ]
