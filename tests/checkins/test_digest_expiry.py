"""The daily digest's expiry section (SPEC §12): a coach hears of a clearance or readiness
assessment lapsing within 14 days (on her athlete's calendar) or before the next stage needs
it, with a link to the athlete's page, even on a day without open flags."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.template.loader import render_to_string

from checkins import tasks
from checkins.models import EmailLog, WarningFlag
from tests.factories import AssessmentFactory, AthleteFactory, ClearanceFactory
from web.weeks import monday_of

pytestmark = pytest.mark.django_db

# 07:00 UTC on Friday 6 March 2026.
MORNING = datetime(2026, 3, 6, 7, 0, tzinfo=UTC)


@pytest.fixture
def clock():
    with time_machine.travel(MORNING, tick=False) as traveller:
        yield traveller


def at_speed(coach, name: str, *, zone: str = "Europe/London", clearance_until: date | None):
    """An athlete at the last stage (nothing ahead needs a record), with a readiness pass
    from today and a clearance lasting until ``clearance_until``."""
    athlete = AthleteFactory(
        coach=coach,
        first_name=name,
        last_name="Hill",
        stage="speed",
        level=3,
        timezone=zone,
        plan=False,
    )
    ClearanceFactory(athlete=athlete, expires_on=clearance_until)
    AssessmentFactory(athlete=athlete)
    return athlete


def digests() -> dict[str, mail.EmailMessage]:
    return {m.to[0]: m for m in mail.outbox}


@pytest.fixture
def send_digests(django_capture_on_commit_callbacks):
    """The daily digest task, with what it queues on commit (the outbox's sending) run."""

    def run() -> int:
        with django_capture_on_commit_callbacks(execute=True):
            return tasks.send_daily_digests()

    return run


def test_a_coach_without_open_flags_still_hears_what_is_expiring(
    clock, coach, other_coach, send_digests
):
    ada = at_speed(coach, "Ada", clearance_until=date(2026, 3, 16))
    at_speed(other_coach, "Olga", clearance_until=None)

    assert send_digests() == 1

    (message,) = mail.outbox
    assert message.to == [coach.email]
    assert message.subject == "[Stridewise] Clearance or readiness expiring: 1"
    site = settings.SITE_URL.rstrip("/")
    assert (
        "Clearance or readiness expiring:\n\n"
        "- Ada Hill:\n"
        "  Medical clearance expires on 16 Mar (in 10 days): record a new clearance before "
        "then.\n"
        f"  {site}/coach/athletes/{ada.pk}/\n"
    ) in message.body
    assert "open warning sign" not in message.body
    assert EmailLog.objects.filter(kind="digest", user=coach).count() == 1
    assert send_digests() == 0  # once a day


def test_flags_and_expiry_share_one_digest(clock, coach, send_digests):
    ada = at_speed(coach, "Ada", clearance_until=date(2026, 3, 10))
    WarningFlag.objects.create(
        athlete=ada,
        rule="pain",
        severity="high",
        week=monday_of(ada.today()),
        summary="Pain 6/10.",
    )

    assert send_digests() == 1

    body = digests()[coach.email].body
    assert digests()[coach.email].subject == "[Stridewise] Warning signs to review: 1"
    assert body.index("1 open warning sign") < body.index("Clearance or readiness expiring:")
    assert "Medical clearance expires on 10 Mar (in 4 days)" in body


def test_nothing_open_and_nothing_expiring_sends_nothing(clock, coach, send_digests):
    at_speed(coach, "Ada", clearance_until=date(2026, 3, 21))  # 15 days away
    archived = at_speed(coach, "Bea", clearance_until=date(2026, 3, 9))
    archived.archived = True
    archived.save(update_fields=["archived"])

    assert send_digests() == 0
    assert mail.outbox == []


def test_a_readiness_pass_lapsing_before_run_walk_is_in_the_digest(clock, coach, send_digests):
    rhea = AthleteFactory(
        coach=coach, first_name="Rhea", last_name="Hill", stage="walk", level=1, plan=False
    )
    ClearanceFactory(athlete=rhea)
    AssessmentFactory(athlete=rhea, assessed_on=rhea.today() - timedelta(days=30))

    send_digests()

    assert (
        "Readiness assessment expires on 1 Apr (in 26 days), before run-walk can start"
        in digests()[coach.email].body
    )


@pytest.mark.parametrize(
    ("zone", "in_digest"),
    [("Pacific/Auckland", True), ("America/Los_Angeles", False)],
    ids=["already-saturday-there", "still-friday-there"],
)
def test_fourteen_days_count_on_her_calendar(coach, zone, in_digest, send_digests):
    # 11:30 UTC on Friday 6 March: Saturday 00:30 in Auckland (14 days before the 21st),
    # Friday 03:30 in Los Angeles (15 days).
    with time_machine.travel(datetime(2026, 3, 6, 11, 30, tzinfo=UTC), tick=False):
        at_speed(coach, "Tia", zone=zone, clearance_until=date(2026, 3, 21))
        sent = send_digests()

    assert sent == int(in_digest)
    if in_digest:
        assert "(in 14 days)" in mail.outbox[0].body


def test_the_html_twin_of_the_section_says_the_same(clock, coach):
    ada = at_speed(coach, "Ada", clearance_until=date(2026, 3, 16))

    html = render_to_string(
        "checkins/email/_expiry_section.html",
        {"expiring": tasks.digest_expiring([coach.pk])[coach.pk]},
    )

    site = settings.SITE_URL.rstrip("/")
    assert f'<a href="{site}/coach/athletes/{ada.pk}/"><strong>Ada Hill</strong></a>' in html
    assert "<br>Medical clearance expires on 16 Mar (in 10 days)" in html
    assert not render_to_string("checkins/email/_expiry_section.html", {"expiring": []}).strip()
