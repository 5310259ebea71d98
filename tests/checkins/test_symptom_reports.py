"""The anytime symptom report (SPEC §11): refused when empty, stored with its time and her
local week, its flags raised at once by the same rules as a check-in's (one per athlete, rule
and week), the coach e-mailed once for a high flag, and ``symptom_reported`` sent on commit."""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError

from checkins import services
from checkins.advice import advice_message, report_advice
from checkins.models import SymptomReport, WarningFlag
from checkins.services import EMPTY_REPORT, symptom_report_submit
from tests.checkins.factories import service_data
from web.weeks import monday_of

pytestmark = pytest.mark.django_db

PELVIC_FLOOR_LEAKAGE = (
    "Pelvic floor symptoms reported: leakage. Stop running; refer to a pelvic health physio."
)


def report(athlete, capture, *, by=None, **data) -> SymptomReport:
    """Her report through the service, with what runs on commit run."""
    with capture(execute=True):
        return symptom_report_submit(athlete=athlete, data=data, by=by or athlete.user)


def flags_of(athlete) -> list[tuple]:
    return sorted(
        WarningFlag.objects.filter(athlete=athlete).values_list(
            "rule", "severity", "week", "status", "symptom_report_id", "checkin_id"
        )
    )


def this_monday(athlete) -> date:
    return monday_of(athlete.today())


def early_postpartum(athlete, weeks: int = 5):
    """Her baby born ``weeks`` ago: bleeding then is early, not a red flag."""
    athlete.delivery_date = athlete.today() - timedelta(weeks=weeks)
    athlete.save()
    return athlete


# --- Refused -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        pytest.param({}, id="nothing"),
        pytest.param({"pain": 2}, id="pain-2"),
        pytest.param({"pain": 0, "pain_location": "knee", "notes": "Tired."}, id="words-only"),
        pytest.param({"leakage": False, "bleeding": False, "pain": 1}, id="every-answer-no"),
    ],
)
def test_an_empty_report_is_refused_and_nothing_is_written(
    athlete, reported, django_capture_on_commit_callbacks, data
):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(ValidationError) as refused,
    ):
        symptom_report_submit(athlete=athlete, data=data, by=athlete.user)

    assert refused.value.messages == [EMPTY_REPORT]
    assert EMPTY_REPORT == (
        "Tick what you noticed, or give a pain score of 3 or more. "
        "If all is well, there is nothing to report."
    )
    assert SymptomReport.objects.count() == 0
    assert WarningFlag.objects.count() == 0
    assert callbacks == []
    assert reported == []
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("data", "field"),
    [
        pytest.param({"pain": 11}, "pain", id="pain-11"),
        pytest.param({"pain": -1}, "pain", id="pain-negative"),
        pytest.param({"leakage": True, "notes": "x" * 2001}, "notes", id="notes-too-long"),
        pytest.param({"pain": 4, "pain_location": "x" * 201}, "pain_location", id="where-long"),
    ],
)
def test_values_out_of_range_are_refused_on_their_field(
    athlete, reported, django_capture_on_commit_callbacks, data, field
):
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(ValidationError) as refused,
    ):
        symptom_report_submit(athlete=athlete, data=data, by=athlete.user)

    assert set(refused.value.message_dict) == {field}
    assert SymptomReport.objects.count() == 0
    assert WarningFlag.objects.count() == 0
    assert reported == []


# --- Stored ------------------------------------------------------------------------------------


def test_it_is_stored_with_its_time_her_week_and_who_sent_it(
    athlete, django_capture_on_commit_callbacks
):
    instant = datetime(2025, 6, 11, 14, 5, tzinfo=ZoneInfo("Europe/London"))
    athlete.delivery_date = date(2025, 1, 8)
    athlete.save()

    with time_machine.travel(instant, tick=False):
        stored = report(
            athlete,
            django_capture_on_commit_callbacks,
            heaviness=True,
            pain=4,
            pain_location="pubic bone",
            notes="After carrying the car seat.",
        )

    stored.refresh_from_db()
    assert (stored.reported_at, stored.week, stored.submitted_by, stored.athlete) == (
        instant,
        date(2025, 6, 9),
        athlete.user,
        athlete,
    )
    assert stored.reported_symptoms == ["heaviness"]
    assert (stored.pain, stored.pain_location, stored.notes) == (
        4,
        "pubic bone",
        "After carrying the car seat.",
    )
    assert stored.description == "heaviness, dragging or a bulge and pain of 4/10 (pubic bone)"
    # It is not a check-in.
    assert athlete.checkins.count() == 0


def test_her_coach_may_record_one_on_her_behalf(athlete, coach, django_capture_on_commit_callbacks):
    stored = report(athlete, django_capture_on_commit_callbacks, by=coach, urgency=True)

    assert SymptomReport.objects.get().submitted_by == coach
    assert stored.athlete == athlete


# --- Flags, at once -------------------------------------------------------------------------------


def test_a_red_flag_raises_a_high_pelvic_floor_flag_at_once_and_emails_the_coach_once(
    athlete, coach, reported, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        stored = symptom_report_submit(athlete=athlete, data={"leakage": True}, by=athlete.user)
        # Raised in the report's own transaction: before the commit, before any task.
        assert flags_of(athlete) == [
            ("pelvic_floor", "high", this_monday(athlete), "open", stored.pk, None)
        ]
        assert mail.outbox == []  # the e-mail waits for the commit

    flag = WarningFlag.objects.get()
    assert (flag.summary, flag.evidence) == (PELVIC_FLOOR_LEAKAGE, {"leakage": True})
    # The coach's e-mail written, the announcement, then the e-mail sent.
    assert len(callbacks) == 3
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [coach.email]
    assert WarningFlag.objects.get().notified_at is not None
    assert reported == [
        {
            "report_id": stored.pk,
            "athlete_id": athlete.pk,
            "red_flags": ["leakage"],
            "reported_on": athlete.today(),
        }
    ]


def test_the_announcement_waits_for_the_commit(
    athlete, reported, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        symptom_report_submit(athlete=athlete, data={"heaviness": True}, by=athlete.user)

    assert reported == []
    assert mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True):  # what they queue runs too
        for callback in callbacks:
            callback()
    assert [call["red_flags"] for call in reported] == [["heaviness"]]
    assert len(mail.outbox) == 1


def test_pain_of_3_raises_a_medium_pain_flag_and_no_red_flag(
    athlete, reported, django_capture_on_commit_callbacks
):
    stored = report(athlete, django_capture_on_commit_callbacks, pain=3, pain_location="hip")

    assert flags_of(athlete) == [("pain", "medium", this_monday(athlete), "open", stored.pk, None)]
    assert WarningFlag.objects.get().summary == "Pain 3/10 reported."
    assert mail.outbox == []  # only high flags are e-mailed at once
    assert reported[0]["red_flags"] == []
    advice = report_advice(stored, athlete)
    assert (advice.red_flags, advice.early_bleeding) == ([], False)
    assert advice_message(advice, athlete) == "Thank you for telling us. Your coach has been told."


def test_pain_of_5_is_a_red_flag(athlete, reported, django_capture_on_commit_callbacks):
    stored = report(athlete, django_capture_on_commit_callbacks, pain=5)

    assert flags_of(athlete) == [("pain", "high", this_monday(athlete), "open", stored.pk, None)]
    assert reported[0]["red_flags"] == ["pain"]
    assert len(mail.outbox) == 1


def test_early_bleeding_raises_a_medium_bleeding_flag_and_early_bleeding_advice(
    athlete, reported, django_capture_on_commit_callbacks
):
    early_postpartum(athlete, weeks=5)

    stored = report(athlete, django_capture_on_commit_callbacks, bleeding=True)

    assert flags_of(athlete) == [
        ("bleeding", "medium", this_monday(athlete), "open", stored.pk, None)
    ]
    assert WarningFlag.objects.get().summary.endswith("; check it is settling.")
    assert mail.outbox == []
    assert reported[0]["red_flags"] == []
    advice = report_advice(stored, athlete)
    assert (advice.red_flags, advice.early_bleeding) == ([], True)
    message = advice_message(advice, athlete)
    assert "call your midwife or GP today" in message
    assert "call 999 now" in message


def test_bleeding_long_after_the_birth_is_a_red_flag(
    athlete, reported, django_capture_on_commit_callbacks
):
    stored = report(athlete, django_capture_on_commit_callbacks, bleeding=True)

    assert flags_of(athlete) == [
        ("bleeding", "high", this_monday(athlete), "open", stored.pk, None)
    ]
    assert reported[0]["red_flags"] == ["bleeding"]
    advice = report_advice(stored, athlete)
    assert (advice.red_flags, advice.early_bleeding) == (["bleeding"], False)
    assert advice_message(advice, athlete).startswith(
        "Please stop running for now: you reported bleeding."
    )


def test_several_symptoms_raise_one_flag_per_rule(
    athlete, reported, django_capture_on_commit_callbacks
):
    stored = report(athlete, django_capture_on_commit_callbacks, leakage=True, urgency=True, pain=6)

    monday = this_monday(athlete)
    assert flags_of(athlete) == [
        ("pain", "high", monday, "open", stored.pk, None),
        ("pelvic_floor", "high", monday, "open", stored.pk, None),
    ]
    # One e-mail for the report, listing both.
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert "- Pain: Pain 6/10 reported." in body
    assert "- Pelvic floor symptoms: Pelvic floor symptoms reported" in body
    assert reported[0]["red_flags"] == ["leakage", "urgency", "pain"]


# --- One flag per athlete, rule and week ----------------------------------------------------------


def test_her_check_in_of_that_week_saying_the_same_does_not_raise_it_again(
    friday, athlete, django_capture_on_commit_callbacks
):
    stored = report(athlete, django_capture_on_commit_callbacks, leakage=True)

    with django_capture_on_commit_callbacks(execute=True):
        checkin = services.checkin_submit(
            athlete=athlete,
            week=athlete.today(),
            data=service_data(leakage=True, run_minutes=0, walk_minutes=90),
            by=athlete.user,
        )

    # The week's check-in is linked to the flag the report raised, and nothing is added.
    assert flags_of(athlete) == [
        ("pelvic_floor", "high", this_monday(athlete), "open", stored.pk, checkin.pk)
    ]
    assert len(mail.outbox) == 1


def test_a_report_after_her_check_in_saying_the_same_adds_nothing(
    friday, athlete, reported, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        checkin = services.checkin_submit(
            athlete=athlete,
            week=athlete.today(),
            data=service_data(heaviness=True, run_minutes=0, walk_minutes=90),
            by=athlete.user,
        )

    stored = report(athlete, django_capture_on_commit_callbacks, heaviness=True)

    assert flags_of(athlete) == [
        ("pelvic_floor", "high", this_monday(athlete), "open", None, checkin.pk)
    ]
    assert list(stored.flags.all()) == []
    assert len(mail.outbox) == 1
    # Her plan is still told: the safety rule is the plans layer's, and it is idempotent there.
    assert reported[0]["red_flags"] == ["heaviness"]


def test_a_second_report_of_the_same_week_adds_nothing(
    athlete, reported, django_capture_on_commit_callbacks
):
    first = report(athlete, django_capture_on_commit_callbacks, leakage=True)
    second = report(athlete, django_capture_on_commit_callbacks, leakage=True, notes="Again.")

    assert SymptomReport.objects.count() == 2
    assert flags_of(athlete) == [
        ("pelvic_floor", "high", this_monday(athlete), "open", first.pk, None)
    ]
    assert list(second.flags.all()) == []
    assert len(mail.outbox) == 1
    assert [call["report_id"] for call in reported] == [first.pk, second.pk]


def test_more_pain_later_in_the_week_escalates_the_flag_to_the_later_report(
    athlete, django_capture_on_commit_callbacks
):
    first = report(athlete, django_capture_on_commit_callbacks, pain=3)
    second = report(athlete, django_capture_on_commit_callbacks, pain=7)

    assert flags_of(athlete) == [("pain", "high", this_monday(athlete), "open", second.pk, None)]
    assert WarningFlag.objects.get().summary == "Pain 7/10 reported."
    assert list(first.flags.all()) == []
    assert len(mail.outbox) == 1


def test_a_report_in_a_new_week_raises_a_new_flag(athlete, django_capture_on_commit_callbacks):
    first = report(athlete, django_capture_on_commit_callbacks, urgency=True)
    with time_machine.travel(timedelta(weeks=1), tick=False):
        second = report(athlete, django_capture_on_commit_callbacks, urgency=True)

    monday = first.week
    assert second.week == monday + timedelta(weeks=1)
    assert flags_of(athlete) == [
        ("pelvic_floor", "high", monday, "open", first.pk, None),
        ("pelvic_floor", "high", monday + timedelta(weeks=1), "open", second.pk, None),
    ]
    assert len(mail.outbox) == 2


# --- Her week, in her time zone -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tz", "wall_clock", "week"),
    [
        # Sunday night in Los Angeles is already Monday in UTC: it still belongs to her week.
        pytest.param("America/Los_Angeles", (2025, 6, 15, 23, 30), date(2025, 6, 9), id="LA-sun"),
        # Just after midnight on Monday in Auckland is still Sunday in UTC: her new week.
        pytest.param("Pacific/Auckland", (2025, 6, 16, 0, 30), date(2025, 6, 16), id="AKL-mon"),
        pytest.param("Pacific/Auckland", (2025, 6, 15, 23, 30), date(2025, 6, 9), id="AKL-sun"),
        pytest.param("America/Los_Angeles", (2025, 6, 16, 0, 30), date(2025, 6, 16), id="LA-mon"),
    ],
)
def test_the_report_belongs_to_the_week_of_her_local_day(
    athlete, reported, django_capture_on_commit_callbacks, tz, wall_clock, week
):
    athlete.timezone = tz
    athlete.delivery_date = date(2025, 1, 8)
    athlete.save()
    instant = datetime(*wall_clock, tzinfo=ZoneInfo(tz))

    with time_machine.travel(instant, tick=False):
        stored = report(athlete, django_capture_on_commit_callbacks, pelvic_pain=True)

    stored.refresh_from_db()
    assert stored.reported_at == instant
    assert stored.week == week
    assert list(WarningFlag.objects.values_list("rule", "week")) == [("pelvic_floor", week)]
    assert reported[0]["reported_on"] == instant.date()


# --- What is logged -------------------------------------------------------------------------------


def test_the_log_names_ids_never_symptoms(athlete, caplog, django_capture_on_commit_callbacks):
    with caplog.at_level(logging.INFO, logger="checkins"):
        stored = report(
            athlete,
            django_capture_on_commit_callbacks,
            leakage=True,
            bleeding=True,
            pain=8,
            pain_location="scar",
            notes="Private words",
        )

    text = "\n".join(r.getMessage() for r in caplog.records)
    assert f"symptom report submitted report={stored.pk} athlete={athlete.pk}" in text
    for word in ("leak", "bleed", "pelvic", "scar", "Private", "8/10", "pain"):
        assert word not in text
