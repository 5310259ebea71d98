"""End-to-end journeys in headless Chromium (SPEC §8; issue: coach and athlete journeys).

Screenshots of failures are kept by pytest-playwright in test-results/.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from athletes.models import Athlete, Role, User
from checkins.models import SymptomReport, WarningFlag, WeeklyCheckIn
from plans.models import Decision
from tests.e2e.conftest import PASSWORD
from web.weeks import monday_of

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def sign_in(page, base: str, email: str, password: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def test_coach_and_athlete_journey(live_server, page, browser, axe_check):
    base = live_server.url
    page.set_viewport_size({"width": 1280, "height": 900})

    # A visiting coach reads the landing page and signs up.
    page.goto(base + "/")
    axe_check(page, "landing")
    page.get_by_role("link", name="Create a coach account").first.click()
    page.get_by_label("Email").fill("nia@example.org")
    page.get_by_label("Your name").fill("Nia Coach")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password (again)").fill(PASSWORD)
    page.get_by_role("button", name="Create my account").click()
    page.wait_for_url(f"{base}/coach/")
    axe_check(page, "empty dashboard")

    # She adds her first athlete, 20 weeks after the birth.
    page.get_by_role("link", name="Add your first athlete").click()
    page.get_by_label("First name").fill("Lena")
    page.get_by_label("Last name").fill("Brook")
    page.get_by_label("E-mail").fill("lena@example.org")
    delivered = timezone.localdate() - timedelta(weeks=20)
    page.get_by_label("Baby's date of birth").fill(delivered.isoformat())
    page.get_by_label("Delivery type").select_option("vaginal")
    page.get_by_role("button", name="Add athlete").click()
    page.wait_for_url(re.compile(r"/coach/athletes/\d+/$"))
    athlete = Athlete.objects.get(email="lena@example.org")
    assert athlete.stage == "walk"

    # Medical clearance for running, and a passed readiness assessment.
    page.get_by_role("link", name="Add a clearance").click()
    page.get_by_label("Clinician name").fill("Jo Reid")
    page.get_by_label("Clinician role").select_option("pelvic_health_physio")
    page.get_by_label("Running", exact=True).check()
    page.get_by_role("button", name="Save clearance").click()
    page.get_by_text("Clearance recorded.").wait_for()

    page.get_by_role("link", name="Record an assessment").click()
    page.get_by_label("Assessed by").fill("Jo Reid, pelvic health physio")
    for box in page.locator("ul.checklist input[type=checkbox]").all():
        box.check()
    page.get_by_role("button", name="Save assessment").click()
    page.get_by_text("Assessment recorded: passed.").wait_for()
    axe_check(page, "athlete page")

    # She invites the athlete; the e-mail carries a single-use link.
    page.get_by_role("button", name="Invite her by e-mail").click()
    page.locator(".messages li", has_text="Invitation sent to lena@example.org").wait_for()
    link = re.search(r"https?://\S+/invite/\S+/", mail.outbox[-1].body).group(0)

    # The athlete accepts on her own device.
    athlete_context = browser.new_context(viewport={"width": 390, "height": 844})
    phone = athlete_context.new_page()
    phone.goto(link)
    # Her address is filled in from the invitation and cannot be changed.
    email = phone.get_by_label("Your e-mail address")
    assert email.input_value() == "lena@example.org"
    assert not email.is_editable()
    phone.get_by_label("Choose a password").fill(PASSWORD)
    phone.get_by_label("Password again").fill(PASSWORD)
    phone.get_by_role("button", name="Create my account").click()
    phone.wait_for_url(f"{base}/me/")
    axe_check(phone, "my week")
    assert User.objects.get(email="lena@example.org").role == Role.ATHLETE

    # Her check-in reports leakage: she sees the advice at once.
    phone.get_by_role("link", name="Check in").first.click()
    axe_check(phone, "check-in form")
    phone.get_by_label("Sessions done").fill("4")
    phone.get_by_label("How hard did the sessions feel?").select_option("4")
    phone.get_by_role("group", name=re.compile("leak any urine")).get_by_label("Yes").check()
    phone.get_by_role("button", name="Send my check-in").click()
    phone.get_by_role("heading", name="Please stop running for now").wait_for()
    assert "pelvic health physiotherapist" in phone.content()
    assert WeeklyCheckIn.objects.filter(athlete=athlete, leakage=True).count() == 1
    athlete_context.close()

    # The coach sees the flag and the pause, already applied (safety takes effect at once).
    flag = WarningFlag.objects.get(athlete=athlete, rule="pelvic_floor")
    assert flag.severity == "high"
    decision = Decision.objects.get(athlete=athlete, status__in=["pending", "auto_applied"])
    assert decision.action == "pause"
    assert athlete.plan.pauses.filter(lifted_at__isnull=True).exists()

    page.goto(f"{base}/coach/flags/")
    axe_check(page, "flag queue")
    row = page.locator(f"#flag-{flag.pk}")
    row.get_by_label("Resolution note").fill("Called her; booked with the pelvic health physio.")
    row.get_by_role("button", name=re.compile("^Resolve")).click()
    page.locator(f"#flag-{flag.pk}.is-resolved").wait_for()
    flag.refresh_from_db()
    assert flag.status == "resolved"

    page.goto(f"{base}/coach/athletes/{athlete.pk}/")
    page.get_by_text("Recommended: pause").wait_for()
    page.get_by_role("button", name=re.compile("^Approve")).click()
    page.get_by_text("Approved: the week of").wait_for()
    decision.refresh_from_db()
    assert decision.status == "approved"

    page.goto(f"{base}/coach/")
    axe_check(page, "dashboard")

    # The coach's pages fit a phone too: tables scroll inside their card, not the page.
    page.set_viewport_size({"width": 375, "height": 812})
    for path in ("/coach/", f"/coach/athletes/{athlete.pk}/", "/coach/flags/"):
        page.goto(base + path)
        assert page.evaluate("document.documentElement.scrollWidth") <= 375, path


def send_an_ordinary_week(page, walk_minutes: str) -> None:
    page.get_by_label("Sessions done").fill("4")
    page.get_by_label("Minutes walking").fill(walk_minutes)
    page.get_by_label("Longest session (minutes)").fill("35")
    page.get_by_label("How hard did the sessions feel?").select_option("4")
    page.get_by_role("button", name="Send my check-in").click()


def test_athlete_week_on_a_phone(on_a_friday, live_server, page, invited_athlete, axe_check):
    base = live_server.url
    page.set_viewport_size({"width": 375, "height": 812})
    page.goto(f"{base}/accounts/login/")
    axe_check(page, "login")
    sign_in(page, base, "ada@example.org", PASSWORD)
    page.wait_for_url(f"{base}/me/")
    page.get_by_role("heading", name="Hello, Ada").wait_for()
    page.get_by_role("heading", name="This week's sessions").wait_for()  # her plan, from day one
    assert page.evaluate("document.documentElement.scrollWidth") <= 375

    # Friday, nothing sent yet: the form offers last week and this week, last week first.
    page.get_by_role("heading", name="How was last week?").wait_for()
    # The call on "my week" (the menu's own "Check in" is folded away on a phone).
    page.get_by_role("main").get_by_role("link", name="Check in").click()
    page.wait_for_url(f"{base}/me/checkin/")
    page.wait_for_load_state()  # measured once the stylesheet applies
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    axe_check(page, "check-in form with two open weeks")
    assert page.get_by_label(re.compile("^Last week, ")).is_checked()
    assert not page.get_by_label(re.compile("^This week, ")).is_checked()
    send_an_ordinary_week(page, "120")
    page.get_by_role("heading", name="Thank you, Ada").wait_for()
    assert "Please stop running" not in page.content()
    last_week = WeeklyCheckIn.objects.get(athlete=invited_athlete)
    assert last_week.walk_minutes == 120
    assert last_week.week == monday_of(invited_athlete.today()) - timedelta(weeks=1)

    # Then this week's, the only one left to send.
    page.get_by_role("link", name="Back to my week").click()
    page.get_by_role("heading", name="How is this week going?").wait_for()
    page.get_by_role("main").get_by_role("link", name="Check in").click()
    page.wait_for_url(f"{base}/me/checkin/")
    assert page.get_by_label(re.compile("^This week, ")).is_checked()
    assert page.get_by_label(re.compile("^Last week, ")).count() == 0
    send_an_ordinary_week(page, "90")
    page.get_by_role("heading", name="Thank you, Ada").wait_for()
    page.get_by_role("link", name="Back to my week").click()
    page.get_by_text("You've checked in for this week.").wait_for()

    # Nothing left to send: the form says so, and when the next one opens.
    page.goto(f"{base}/me/checkin/")
    page.get_by_role("heading", name="You're all caught up").wait_for()
    axe_check(page, "caught up")
    page.goto(f"{base}/me/checkins/")
    page.get_by_role("heading", name="My check-ins").wait_for()
    assert page.locator("canvas[data-chart='load']").count() == 1


def test_athlete_reports_a_symptom_in_one_tap_on_a_phone(
    live_server, page, invited_athlete, axe_check
):
    base = live_server.url
    page.set_viewport_size({"width": 375, "height": 812})
    sign_in(page, base, "ada@example.org", PASSWORD)
    page.wait_for_url(f"{base}/me/")

    # One tap from her week, at any time of the week.
    page.get_by_role("link", name="Report a symptom").click()
    page.wait_for_url(f"{base}/me/symptoms/new/")
    axe_check(page, "symptom report form")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375

    # Sent with nothing ticked, it is refused kindly and nothing is stored.
    page.get_by_role("button", name="Send to my coach").click()
    page.get_by_text("Tick what you noticed, or give a pain score of 3 or more.").wait_for()
    assert SymptomReport.objects.count() == 0
    axe_check(page, "symptom report form with an error")

    page.get_by_label(re.compile("heaviness, dragging or a bulge")).check()
    page.get_by_role("group", name="Pain (not soreness)").get_by_label("6", exact=True).check()
    page.get_by_label("Where is the pain?").fill("lower tummy")
    page.get_by_role("button", name="Send to my coach").click()

    # The advice is on the page she lands on, at once.
    page.get_by_role("heading", name="Please stop running for now").wait_for()
    page.get_by_text("Your plan is paused from today:").wait_for()
    axe_check(page, "symptom report confirmation")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    report = SymptomReport.objects.get(athlete=invited_athlete)
    assert (report.heaviness, report.pain, report.pain_location) == (True, 6, "lower tummy")
    assert sorted(WarningFlag.objects.values_list("rule", "severity")) == [
        ("pain", "high"),
        ("pelvic_floor", "high"),
    ]

    page.get_by_role("link", name="Back to my week").click()
    page.wait_for_url(f"{base}/me/")
