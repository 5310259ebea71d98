"""The weekly loop (SPEC §11) lived in a real browser, with the server's clock moving.

The live server runs in a thread of this process, so ``time_machine`` moves its clock too:
time-machine patches the C-level clock functions (``time.time``, ``datetime.now``, …) for
the whole process, every thread included, and ``Clock.to`` moves it on with
``traveller.move_to`` between two page loads, never during one. Chromium keeps the real
clock; Django's cookies carry ``Max-Age`` (which browsers prefer to ``Expires``), so a
session started on a server day in the past stays valid, and as each person opens a page
at least every week (the sliding session is renewed daily, web.sessions) her session never
expires on the server's moving calendar either. Monotonic clocks are not moved, so
Playwright's waits and the server's socket loop keep real time.

Set ``E2E_SCREENSHOTS=<folder>`` to keep a screenshot of each state (for looking at, not for
committing).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import TypeVar
from zoneinfo import ZoneInfo

import pytest
import time_machine
from playwright.sync_api import Page, expect

from athletes.models import Athlete, Role, User
from checkins.models import WeeklyCheckIn
from plans import publication, services
from plans.models import Decision, PlanPause, PlanWeek
from tests.factories import AssessmentFactory, ClearanceFactory
from tests.plans.publishing import publish_weeks

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "trail-and-tide-77"
LONDON = ZoneInfo("Europe/London")
AUCKLAND = ZoneInfo("Pacific/Auckland")
LOS_ANGELES = ZoneInfo("America/Los_Angeles")
PHONE = {"width": 375, "height": 812}
DESK = {"width": 1280, "height": 900}
HOUR = timedelta(hours=1)

W1 = date(2026, 3, 2)  # a Monday; London goes onto summer time on the Sunday of W4
MONDAY, TUESDAY, WEDNESDAY, THURSDAY, FRIDAY, SATURDAY, SUNDAY = range(7)
LEVEL_1 = "8 × (1 min run, 2 min walk)"
LEVEL_2 = "6 × (2 min run, 2 min walk)"
LEVEL_3 = "8 × (2 min run, 1 min walk)"


def week(n: int) -> date:
    """The Monday of week ``n`` of the journey (W1 = 2 March 2026)."""
    return W1 + timedelta(weeks=n - 1)


def at(n: int, weekday: int, hour: int, minute: int = 0, tz: ZoneInfo = LONDON) -> datetime:
    """A moment of week ``n`` on her wall clock."""
    return datetime.combine(week(n) + timedelta(days=weekday), time(hour, minute), tzinfo=tz)


# --- The clock ----------------------------------------------------------------------------------


@dataclass
class Clock:
    """The server's clock, moved on hour by hour. ``publish_weeks`` runs (as the hourly beat
    would) at every hour that is a Sunday or Monday 00:xx in one of ``zones``: the hours in
    which a week gets published. Each run's totals are kept in ``runs``."""

    traveller: time_machine.Traveller
    now: datetime
    zones: tuple[ZoneInfo, ...]
    runs: list[tuple[datetime, dict[str, int]]] = field(default_factory=list)

    def matters(self, moment: datetime) -> bool:
        for tz in self.zones:
            local = moment.astimezone(tz)
            if local.weekday() == SUNDAY or (local.weekday() == MONDAY and local.hour == 0):
                return True
        return False

    def to(self, moment: datetime) -> None:
        assert moment >= self.now, f"the clock only moves on ({self.now} → {moment})"
        hour = self.now.astimezone(UTC).replace(minute=0, second=0, microsecond=0) + HOUR
        while hour <= moment:
            if self.matters(hour):
                self.traveller.move_to(hour)
                self.runs.append((hour, publish_weeks()))
            hour += HOUR
        self.traveller.move_to(moment)
        self.now = moment

    def published_since(self, mark: int, tz: ZoneInfo | None = None) -> list[tuple[str, int]]:
        """(the time in ``tz``, by default the first zone's, and how many weeks were
        published) for every run since ``mark`` that published anything."""
        return [
            (moment.astimezone(tz or self.zones[0]).strftime("%a %d %b %H:%M"), totals["published"])
            for moment, totals in self.runs[mark:]
            if totals["published"]
        ]


@pytest.fixture
def clock_from():
    """``clock_from(start, zones)``: the server's clock, from ``start``, moving by itself
    (tick) and moved on by ``Clock.to``."""
    travellers = []

    def start(moment: datetime, *zones: ZoneInfo) -> Clock:
        travel = time_machine.travel(moment, tick=True)
        travellers.append(travel)
        return Clock(travel.start(), moment, zones)

    yield start
    for travel in travellers:
        travel.stop()


# --- People at their screens --------------------------------------------------------------------


S = TypeVar("S", bound="Screen")


@dataclass
class Screen:
    """One person's browser: the athlete's phone, or the coach's desk."""

    page: Page
    base: str
    name: str

    def sign_in(self, email: str) -> None:
        self.page.goto(f"{self.base}/accounts/login/")
        self.page.get_by_label("Email").fill(email)
        self.page.get_by_label("Password").fill(PASSWORD)
        self.page.get_by_role("button", name="Sign in").click()
        expect(self.page).not_to_have_url(re.compile(r"/accounts/login/"))

    def open(self, path: str) -> Page:
        self.page.goto(self.base + path)
        # Still signed in, whatever the server's calendar says.
        assert "/accounts/login/" not in self.page.url, f"{self.name} was signed out"
        return self.page

    def snap(self, label: str) -> None:
        folder = os.environ.get("E2E_SCREENSHOTS")
        if folder:
            Path(folder).mkdir(parents=True, exist_ok=True)
            # A screen at a time, scrolling down: a whole page is too tall to look at in one.
            self.page.wait_for_load_state()
            step = self.page.viewport_size["height"]
            height = self.page.evaluate("document.documentElement.scrollHeight")
            for i, top in enumerate(range(0, height, step)):
                self.page.evaluate(f"window.scrollTo(0, {top})")
                self.page.screenshot(path=f"{folder}/{self.name}-{label}-{i}.png")
            self.page.evaluate("window.scrollTo(0, 0)")

    def fits(self) -> None:
        """Nothing scrolls sideways (measured once the stylesheet applies)."""
        self.page.wait_for_load_state()
        width = self.page.viewport_size["width"]
        scroll = self.page.evaluate("document.documentElement.scrollWidth")
        assert scroll <= width, f"{self.page.url} scrolls sideways: {scroll} > {width}"


class Her(Screen):
    """Her phone: "my week", the check-in, the symptom report."""

    def my_week(self) -> Page:
        page = self.open("/me/")
        expect(page.get_by_role("heading", name="This week's sessions")).to_be_visible()
        self.fits()
        return page

    def week_of(self, monday: date) -> None:
        title = self.page.locator("[aria-labelledby=sessions-title] .section-title")
        expect(title).to_contain_text(f"week of {monday.day} {monday:%b}")

    def sessions_on(self, weekday_name: str) -> list[str]:
        """What "my week" shows for that day: "Run-walk: 6 × (2 min run, 2 min walk)", …"""
        day = self.page.locator(
            "li.week-day", has=self.page.get_by_role("heading", name=re.compile(f"^{weekday_name}"))
        )
        return [
            f"{s.locator('.session-kind').text_content()}: {s.locator('strong').text_content()}"
            for s in day.locator(".session").all()
        ]

    def next_week(self):
        return self.page.locator(
            "section", has=self.page.get_by_role("heading", name="Next week", exact=True)
        )

    def running_days(self) -> list[str]:
        """The days of "my week" that hold a run or a run-walk."""
        return (
            self.page.locator(
                "li.week-day", has=self.page.locator(".session--run_walk, .session--run")
            )
            .locator("h3")
            .evaluate_all("hs => hs.map(h => h.firstChild.textContent.trim())")
        )

    def check_in(self, *, week_label: str, pain: int = 0) -> None:
        page = self.page
        page.get_by_role("main").get_by_role("link", name="Check in").click()
        page.wait_for_url(f"{self.base}/me/checkin/")
        self.fits()
        expect(page.get_by_label(re.compile(f"^{week_label}"))).to_be_checked()
        page.get_by_label("Sessions done").fill("4")
        page.get_by_label("Minutes running").fill("30")
        page.get_by_label("Minutes walking").fill("60")
        page.get_by_label("Longest session (minutes)").fill("30")
        page.get_by_label("How hard did the sessions feel?").select_option("4")
        if pain:
            page.get_by_role("group", name="Pain (not soreness)").get_by_label(
                str(pain), exact=True
            ).check()
        page.get_by_role("button", name="Send my check-in").click()
        expect(page.get_by_role("heading", name=re.compile("^Thank you, "))).to_be_visible()
        if week_label.startswith("This week"):
            expect(
                page.get_by_text("Next week's plan appears on My week by Sunday.")
            ).to_be_visible()
        else:
            expect(
                page.get_by_text("Your coach may adjust this week's plan from it")
            ).to_be_visible()


class Coach(Screen):
    """The coach's desk: the athlete page."""

    def athlete_page(self, athlete: Athlete) -> Page:
        page = self.open(f"/coach/athletes/{athlete.pk}/")
        expect(page.get_by_role("heading", name="Her plan")).to_be_visible()
        return page

    def plan_week(self, label: str):
        """ "This week" or "Next week" of "Her plan"."""
        heading = self.page.get_by_role("heading", name=re.compile(f"^{label}"))
        return self.page.locator("#plan article.week-card", has=heading)

    def decision(self):
        return self.page.locator("#decision")


@pytest.fixture
def screen(live_server, new_context):
    """``screen(Her, "name", PHONE)``: one person's browser, in a context of its own
    (pytest-playwright's ``new_context``: closed after the test, screenshot on failure)."""

    def open_screen(kind: type[S], name: str, viewport: dict) -> S:
        return kind(new_context(viewport=viewport).new_page(), live_server.url, name)

    return open_screen


# --- The people ---------------------------------------------------------------------------------


def enrol(coach: User, first_name: str, email: str, tz: str) -> Athlete:
    """A runner about 22 weeks after the birth, cleared for running, her readiness tested last
    week, with her own login."""
    athlete = services.athlete_enrol(
        coach=coach,
        by=coach,
        data={
            "first_name": first_name,
            "last_name": "Runner",
            "email": email,
            "timezone": tz,
            "delivery_date": date(2025, 10, 1),
            "delivery_type": "vaginal",
        },
    )
    user = User.objects.create_user(email, PASSWORD, role=Role.ATHLETE, name=first_name)
    Athlete.objects.filter(pk=athlete.pk).update(user=user)
    athlete.refresh_from_db()
    ClearanceFactory(athlete=athlete, scope="running", cleared_on=date(2026, 1, 20))
    AssessmentFactory(athlete=athlete, assessed_on=date(2026, 2, 27))
    return athlete


def new_coach() -> User:
    return User.objects.create_user("cora@example.org", PASSWORD, role=Role.COACH, name="Cora Lane")


# --- The journey --------------------------------------------------------------------------------


def test_nine_weeks_of_the_weekly_loop_on_her_phone_and_the_coachs_desk(
    screen, clock_from, axe_check
):
    clock = clock_from(at(1, MONDAY, 9), LONDON)
    cora = new_coach()
    maya = enrol(cora, "Maya", "maya@example.org", "Europe/London")
    # Given: her coach moved her on to run-walk level 2 for this week, and last week's
    # check-in is in.
    publication.week_publish(
        athlete=maya, plan=maya.plan, week=week(1), stage="run_walk", level=2, reason="advanced"
    )
    WeeklyCheckIn.objects.create(
        athlete=maya,
        week=week(0),
        submitted_by=maya.user,
        sessions_completed=4,
        walk_minutes=90,
        longest_session_minutes=30,
        effort=4,
        energy=4,
        sleep_hours=6,
        sleep_quality=3,
        mood=4,
        stress=2,
        soreness=1,
        pain=0,
    )

    her = screen(Her, "her", PHONE)
    coach = screen(Coach, "coach", DESK)
    her.sign_in("maya@example.org")
    coach.sign_in("cora@example.org")

    # ---- W1, Monday: her week is published; nothing to send until Friday. ------------------
    page = her.my_week()
    her.week_of(week(1))
    expect(page.get_by_text("You've moved on a step")).to_be_visible()
    expect(page.get_by_text("Your next check-in opens on Friday 6 March")).to_be_visible()
    expect(page.get_by_role("heading", name="Next week")).to_have_count(0)
    # A rest day between runs (SPEC §14): strength on Monday, runs on Tuesday, Thursday, Saturday.
    assert her.sessions_on("Monday") == ["Strength: 30 min strength"]
    assert her.sessions_on("Tuesday")[0] == f"Run-walk: {LEVEL_2}"
    assert her.running_days() == ["Tuesday", "Thursday", "Saturday"]
    her.snap("w1-monday")

    coach.athlete_page(maya)
    expect(coach.plan_week("This week")).to_contain_text("Run-walk, level 2. Advanced.")
    expect(coach.plan_week("Next week")).to_contain_text(
        "Not published yet: it will be on her Sunday. Unless a decision for it comes first, "
        "this week carries over."
    )
    expect(coach.decision()).to_contain_text("Nothing to decide right now.")
    coach.snap("w1-monday")

    # ---- W1, Thursday night: still caught up; the form says when this week's opens. --------
    clock.to(at(1, THURSDAY, 21))
    page = her.my_week()
    expect(page.get_by_text("Your next check-in opens on Friday 6 March")).to_be_visible()
    her.open("/me/checkin/")
    expect(page.get_by_role("heading", name="You're all caught up")).to_be_visible()
    expect(page.get_by_text("Your next check-in opens on Friday 6 March")).to_be_visible()

    # ---- W1, Friday: her check-in opens; she sends it. -------------------------------------
    clock.to(at(1, FRIDAY, 7))
    page = her.my_week()
    expect(page.get_by_role("heading", name="How is this week going?")).to_be_visible()
    her.snap("w1-friday")
    her.check_in(week_label="This week, 2–8 March")
    her.snap("w1-friday-sent")

    coach.athlete_page(maya)
    decision = coach.decision()
    expect(decision.locator("h2")).to_have_text("Decision for the week of 9 Mar")
    expect(decision).to_contain_text("Recommended: advance")
    expect(decision).to_contain_text(
        "Applies from Monday 9 Mar once you decide. If nobody decides by her Sunday, next week "
        "repeats this one."
    )
    expect(decision).to_contain_text("level 3")
    expect(coach.plan_week("Next week")).to_contain_text(
        "Approve or override the decision above to publish it now; otherwise this week "
        "carries over."
    )
    coach.snap("w1-friday-decision")

    # ---- W1, Sunday: the coach never approved: next week is published, carried over. -------
    mark = len(clock.runs)
    clock.to(at(1, SUNDAY, 12))
    assert clock.published_since(mark) == [("Sun 08 Mar 00:00", 1)]  # once, at her midnight
    page = her.my_week()
    expect(her.next_week()).to_contain_text("from 9 Mar")
    expect(her.next_week()).to_contain_text(
        "The same as this week for now: your coach may still change it."
    )
    expect(her.next_week()).to_contain_text(f"Tue Run-walk {LEVEL_2}")
    her.snap("w1-sunday")
    coach.athlete_page(maya)
    expect(coach.plan_week("Next week")).to_contain_text(
        "Run-walk, level 2. Carried over: nobody decided this week, so it repeats the last."
    )
    expect(coach.decision()).to_contain_text("Recommended: advance")
    expect(coach.decision()).to_contain_text(
        "Until you do, next week repeats this one (already published)."
    )
    coach.snap("w1-sunday")

    # ---- W2, Monday: the same as last week, and why. ---------------------------------------
    clock.to(at(2, MONDAY, 8))
    page = her.my_week()
    her.week_of(week(2))
    expect(
        page.get_by_text("The same as last week while your coach looks at how it went.")
    ).to_be_visible()
    assert her.sessions_on("Tuesday")[0] == f"Run-walk: {LEVEL_2}"
    her.snap("w2-monday")

    # ---- W2, Wednesday: the coach approves the advance; the days gone by stay. ------------
    clock.to(at(2, WEDNESDAY, 10))
    coach.athlete_page(maya)
    expect(coach.decision()).to_contain_text(
        "Applies from today, Wednesday 11 Mar, once you decide: her week has begun"
    )
    coach.snap("w2-wednesday-before")
    coach.decision().get_by_role("button", name=re.compile("^Approve")).click()
    expect(
        coach.page.get_by_text(
            "Approved: the week of 9 Mar is published to her plan, from Wednesday on."
        )
    ).to_be_visible()
    expect(coach.plan_week("This week")).to_contain_text(
        "Run-walk, level 3. Advanced. You approved it. Changed from Wednesday."
    )
    coach.snap("w2-wednesday-approved")
    page = her.my_week()
    expect(
        page.get_by_text("You've moved on a step: your last weeks went well. From Wednesday on.")
    ).to_be_visible()
    assert her.sessions_on("Tuesday")[0] == f"Run-walk: {LEVEL_2}"  # the days gone by stay
    assert her.sessions_on("Thursday")[0] == f"Run-walk: {LEVEL_3}"
    assert her.sessions_on("Saturday")[0] == f"Run-walk: {LEVEL_3}"
    her.snap("w2-wednesday")

    # ---- W3: she missed Friday to Sunday; on Monday last week's check-in is proposed. ------
    mark = len(clock.runs)
    clock.to(at(3, MONDAY, 7))
    # Sunday published next week (carried over); her Monday's first hour decided it (a hold).
    assert clock.published_since(mark) == [("Sun 15 Mar 00:00", 1)]
    assert [totals["decisions"] for _, totals in clock.runs[mark:]][-1] == 1
    page = her.my_week()
    her.week_of(week(3))
    expect(page.get_by_role("heading", name="How was last week?")).to_be_visible()
    expect(page.get_by_text("Last week's check-in is open until Sunday.")).to_be_visible()
    her.snap("w3-monday")
    her.open("/me/checkin/")
    her.fits()
    expect(page.get_by_role("heading", name="How was last week?")).to_be_visible()
    expect(page.get_by_label(re.compile("^Last week, 9–15 March"))).to_be_checked()
    expect(page.get_by_label(re.compile("^This week"))).to_have_count(0)
    expect(page.get_by_text("This week's opens on Friday 20 March.")).to_be_visible()
    her.snap("w3-monday-checkin")

    coach.athlete_page(maya)
    expect(coach.page.locator(".header-due")).to_have_text(
        "Check-in: Last week's check-in is missing (open until Sunday)"
    )
    expect(coach.decision()).to_contain_text("Recommended: hold")
    expect(coach.decision()).to_contain_text("No check-in came for the week before.")
    expect(coach.plan_week("This week")).to_contain_text("Run-walk, level 3. Carried over")
    coach.snap("w3-monday")

    # ---- W3, Tuesday: the late check-in for last week. -------------------------------------
    clock.to(at(3, TUESDAY, 20))
    page = her.my_week()
    her.check_in(week_label="Last week, 9–15 March")
    page = her.my_week()
    expect(page.get_by_text("Your next check-in opens on Friday 20 March")).to_be_visible()
    assert WeeklyCheckIn.objects.filter(athlete=maya, week=week(2)).exists()
    coach.athlete_page(maya)
    expect(coach.decision()).to_contain_text("Recommended: advance")
    expect(coach.decision()).to_contain_text(
        "Applies from today, Tuesday 17 Mar, once you decide: her week has begun, and the days "
        "gone by stay as they were. Until you do, her week stays as it is."
    )
    expect(coach.page.locator(".header-due")).to_have_text(
        "Check-in: Done — this week's opens Friday"
    )

    # ---- W3, Friday: pain 3 in her check-in; Sunday, the gentler week applies on its own. ---
    clock.to(at(3, FRIDAY, 18))
    her.my_week()
    her.check_in(week_label="This week, 16–22 March", pain=3)
    coach.athlete_page(maya)
    expect(coach.decision().locator("h2")).to_have_text("Decision for the week of 23 Mar")
    expect(coach.decision()).to_contain_text("Awaiting you")
    expect(coach.decision()).to_contain_text("Recommended: step back")
    expect(coach.plan_week("Next week")).to_contain_text(
        "Not published yet: it will be on her Sunday. Unless you decide first, the "
        "recommended step back then applies on its own."
    )

    mark = len(clock.runs)
    clock.to(at(3, SUNDAY, 10))
    assert clock.published_since(mark) == [("Sun 22 Mar 00:00", 1)]
    coach.athlete_page(maya)
    expect(coach.plan_week("Next week")).to_contain_text(
        "Run-walk, level 2. Stepped back. Applied without you: approve or override it."
    )
    expect(coach.decision()).to_contain_text("Applied, awaiting you")
    expect(coach.decision()).to_contain_text("Already applied from Monday 23 Mar, without you")
    axe_check(coach.page, "athlete page with a decision applied without the coach")
    coach.snap("w3-sunday-auto-applied")
    page = her.my_week()
    expect(her.next_week()).to_contain_text("A gentler week, so your body can settle.")
    expect(her.next_week()).to_contain_text(f"Tue Run-walk {LEVEL_2}")

    # ---- W4, Monday: a gentler week, and why. -----------------------------------------------
    clock.to(at(4, MONDAY, 8))
    page = her.my_week()
    her.week_of(week(4))
    expect(page.get_by_text("A gentler week: your plan has stepped back a little")).to_be_visible()
    assert her.running_days() == ["Tuesday", "Thursday", "Saturday"]
    her.snap("w4-monday")

    # ---- W4, Wednesday: a symptom, reported from "my week" in one tap; paused at once. -----
    clock.to(at(4, WEDNESDAY, 7, 30))
    page = her.my_week()
    page.get_by_role("link", name="Report a symptom").click()
    page.wait_for_url(f"{her.base}/me/symptoms/new/")
    her.fits()
    page.get_by_label(re.compile("heaviness, dragging or a bulge")).check()
    page.get_by_role("button", name="Send to my coach").click()
    expect(page.get_by_role("heading", name="Please stop running for now")).to_be_visible()
    expect(page.get_by_text("Your plan is paused from today:")).to_be_visible()
    her.snap("w4-tuesday-reported")
    page.get_by_role("link", name="Back to my week").click()
    page.wait_for_url(f"{her.base}/me/")
    her.fits()
    # Safety first: the pause comes before anything else on her week.
    expect(page.locator("main .stack-lg > section").first).to_contain_text(
        "Your plan is paused Please contact your pelvic health physiotherapist or GP about "
        "what you noticed on Wednesday 25 March."
    )
    assert her.running_days() == ["Tuesday"]  # from today on, no running
    assert her.sessions_on("Tuesday")[0] == f"Run-walk: {LEVEL_2}"  # the day gone by stays
    axe_check(page, "my week, paused")
    her.snap("w4-tuesday-paused")

    coach.athlete_page(maya)
    plan = coach.page.locator("#plan")
    expect(plan).to_contain_text("Paused since Wednesday 25 Mar after a red flag (heaviness)")
    expect(coach.plan_week("This week")).to_contain_text("Walk and rebuild, level 4. Paused")
    expect(coach.decision()).to_contain_text("Recommended: pause")
    expect(coach.decision()).to_contain_text("Already applied from Wednesday 25 Mar, without you")
    expect(coach.plan_week("Next week")).to_contain_text(
        "Not published yet: it will be on her Sunday, still paused unless you lift the pause first."
    )
    axe_check(coach.page, "athlete page, paused")
    coach.snap("w4-tuesday-paused")
    # Her coach on her phone: the page fits too.
    coach.page.set_viewport_size(PHONE)
    coach.athlete_page(maya)
    coach.fits()
    coach.snap("w4-tuesday-paused-phone")
    coach.page.set_viewport_size(DESK)
    assert PlanPause.objects.filter(plan__athlete=maya, lifted_at=None).count() == 1

    # ---- W4, Friday: a symptom-free check-in; the pause holds into W5. ---------------------
    clock.to(at(4, FRIDAY, 19))
    her.my_week()
    her.check_in(week_label="This week, 23–29 March")
    mark = len(clock.runs)
    clock.to(at(5, MONDAY, 8))  # across her Sunday, the night the clocks go forward
    assert clock.published_since(mark) == [("Sun 29 Mar 00:00", 1)]
    page = her.my_week()
    her.week_of(week(5))
    expect(page.get_by_role("heading", name="Your plan is paused")).to_be_visible()
    assert her.running_days() == []
    her.snap("w5-monday-paused")

    # ---- W5, Wednesday: her coach lifts the pause with an override, a note and the
    # clinician's word; her week shows the note. --------------------------------------------
    clock.to(at(5, WEDNESDAY, 10))
    coach.athlete_page(maya)
    decision = coach.decision()
    decision.get_by_text("Override…").click()
    decision.get_by_label("Your decision").select_option("advance")
    decision.get_by_label("Stage").select_option("run_walk")
    decision.get_by_label("Level").fill("1")
    decision.get_by_label("Why (required)").fill(
        "Jo saw you yesterday: all clear. We ease back in with the shortest run-walks."
    )
    decision.get_by_label("Clinician's approval").fill(
        "Jo Reid, pelvic health physio, 31 March 2026: cleared to return to running."
    )
    decision.get_by_role("button", name="Record my decision").click()
    expect(
        coach.page.get_by_text("Your decision was recorded and her week updated.")
    ).to_be_visible()
    expect(coach.page.locator("#plan")).not_to_contain_text("Paused since")
    expect(coach.plan_week("This week")).to_contain_text("Run-walk, level 1.")
    coach.snap("w5-wednesday-lifted")

    page = her.my_week()
    expect(page.get_by_role("heading", name="Your plan is paused")).to_have_count(0)
    expect(
        page.get_by_text("Your coach has set this week for you. From Wednesday on.")
    ).to_be_visible()
    expect(page.locator("blockquote.coach-note")).to_contain_text(
        "Jo saw you yesterday: all clear. We ease back in with the shortest run-walks."
    )
    expect(page.locator("blockquote.coach-note")).to_contain_text("Cora Lane, your coach")
    assert her.running_days() == ["Thursday", "Saturday"]
    assert her.sessions_on("Thursday")[0] == f"Run-walk: {LEVEL_1}"
    today = page.locator("li.week-day.is-today")
    expect(today).to_contain_text("Wednesday Today A rest day.")
    her.snap("w5-wednesday-lifted")

    # ---- W5, Friday: she checks in; Saturday her coach approves: next week at once. --------
    clock.to(at(5, FRIDAY, 18))
    her.my_week()
    her.check_in(week_label="This week, 30 March – 5 April")
    clock.to(at(5, SATURDAY, 9))
    coach.athlete_page(maya)
    expect(coach.decision()).to_contain_text("Applies from Monday 6 Apr")
    coach.decision().get_by_role("button", name=re.compile("^Approve")).click()
    expect(coach.page.get_by_text("Approved: the week of")).to_be_visible()
    expect(coach.plan_week("Next week")).to_contain_text(
        "Run-walk, level 2. Advanced. You approved it."
    )
    page = her.my_week()
    expect(her.next_week()).to_contain_text("A step on: your last weeks went well.")
    expect(her.next_week()).to_contain_text(f"Tue Run-walk {LEVEL_2}")

    mark = len(clock.runs)
    clock.to(at(6, MONDAY, 8))
    assert clock.published_since(mark) == []  # already published, by her coach
    page = her.my_week()
    her.week_of(week(6))
    expect(page.get_by_text("You've moved on a step")).to_be_visible()

    # ---- W6 to W9: she checks in each Friday; her coach is busy; weeks carry over. ---------
    for n, label in ((6, "6–12 April"), (7, "13–19 April"), (8, "20–26 April")):
        clock.to(at(n, FRIDAY, 18))
        her.my_week()
        her.check_in(week_label=f"This week, {label}")
        mark = len(clock.runs)
        clock.to(at(n + 1, MONDAY, 8))
        assert len(clock.published_since(mark)) == 1
        page = her.my_week()
        her.week_of(week(n + 1))
        expect(
            page.get_by_text("The same as last week while your coach looks at how it went.")
        ).to_be_visible()
        coach.athlete_page(maya)
        expect(coach.plan_week("This week")).to_contain_text("Run-walk, level 2. Carried over")

    # Her history, as her coach reads it: every week published once, a decision for each.
    assert list(
        PlanWeek.objects.filter(plan__athlete=maya).order_by("week").values_list("week", "reason")
    ) == [
        (week(1), "advanced"),
        (week(2), "advanced"),
        (week(3), "carried_over"),
        (week(4), "paused"),
        (week(5), "advanced"),
        (week(6), "advanced"),
        (week(7), "carried_over"),
        (week(8), "carried_over"),
        (week(9), "carried_over"),
    ]
    assert list(
        Decision.objects.filter(athlete=maya)
        .order_by("week", "pk")
        .values_list("week", "action", "status", "trigger")
    ) == [
        (week(2), "advance", "approved", "checkin"),
        (week(3), "advance", "superseded", "checkin"),  # the hold, recomputed on her late one
        (week(4), "step_back", "superseded", "checkin"),
        (week(4), "pause", "superseded", "red_flag"),
        (week(5), "pause", "overridden", "checkin"),
        (week(6), "advance", "approved", "checkin"),
        (week(7), "advance", "superseded", "checkin"),
        (week(8), "advance", "superseded", "checkin"),
        (week(9), "advance", "pending", "checkin"),
    ]
    coach.snap("w9-monday")


# --- Far from London -----------------------------------------------------------------------------


def test_auckland_and_los_angeles_each_see_their_own_week_around_their_monday_midnight(
    screen, clock_from
):
    """Auckland is 13 hours ahead of London in March, Los Angeles 7 or 8 behind (its summer
    time starts on Sunday 8 March 2026, the Sunday that matters here)."""
    # Monday 2 March at noon in London: already Tuesday in Auckland, early Monday in LA.
    clock = clock_from(datetime(2026, 3, 2, 12, tzinfo=UTC), AUCKLAND, LOS_ANGELES)
    cora = new_coach()
    aroha = enrol(cora, "Aroha", "aroha@example.org", "Pacific/Auckland")
    lucia = enrol(cora, "Lucia", "lucia@example.org", "America/Los_Angeles")
    in_auckland = screen(Her, "auckland", PHONE)
    in_la = screen(Her, "los-angeles", PHONE)
    coach = screen(Coach, "coach-tz", DESK)
    in_auckland.sign_in("aroha@example.org")
    in_la.sign_in("lucia@example.org")
    coach.sign_in("cora@example.org")

    # Sunday 23:30 in Auckland (Sunday 03:30 in LA): both still in the week of 2 March,
    # each with next week already published, at her own Sunday's first hour.
    clock.to(datetime(2026, 3, 8, 23, 30, tzinfo=AUCKLAND))
    assert clock.published_since(0, UTC) == [("Sat 07 Mar 11:00", 1), ("Sun 08 Mar 08:00", 1)]
    for her in (in_auckland, in_la):
        her.my_week()
        her.week_of(date(2026, 3, 2))
        expect(her.next_week()).to_contain_text("from 9 Mar")

    # Monday 00:30 in Auckland, still Sunday 04:30 in LA: a week apart.
    clock.to(datetime(2026, 3, 9, 0, 30, tzinfo=AUCKLAND))
    page = in_auckland.my_week()
    in_auckland.week_of(date(2026, 3, 9))
    expect(page.get_by_role("heading", name="How was last week?")).to_be_visible()
    expect(page.get_by_text("Last week's check-in is open until Sunday.")).to_be_visible()
    in_auckland.snap("monday-0030")
    page = in_la.my_week()
    in_la.week_of(date(2026, 3, 2))
    expect(in_la.next_week()).to_contain_text("from 9 Mar")
    # Her Sunday: this week's check-in is open too.
    expect(
        page.get_by_text(
            "Last week's and this week's check-ins are both open. Start with last week's: it "
            "closes tonight."
        )
    ).to_be_visible()
    in_la.snap("sunday-0430")
    coach.athlete_page(aroha)
    expect(coach.plan_week("This week")).to_contain_text("(9 Mar)")
    coach.athlete_page(lucia)
    expect(coach.plan_week("This week")).to_contain_text("(2 Mar)")
    expect(coach.plan_week("Next week")).to_contain_text("(9 Mar)")

    # Sunday 23:30 in LA (Monday evening in Auckland): LA is still in the week of 2 March.
    clock.to(datetime(2026, 3, 8, 23, 30, tzinfo=LOS_ANGELES))
    in_la.my_week()
    in_la.week_of(date(2026, 3, 2))
    in_auckland.my_week()
    in_auckland.week_of(date(2026, 3, 9))

    # Monday 00:30 in LA: her own week of 9 March, published since her Sunday.
    mark = len(clock.runs)
    clock.to(datetime(2026, 3, 9, 0, 30, tzinfo=LOS_ANGELES))
    assert clock.published_since(mark) == []  # nothing left to publish at her midnight
    page = in_la.my_week()
    in_la.week_of(date(2026, 3, 9))
    expect(page.get_by_role("heading", name="Next week")).to_have_count(0)
    in_la.snap("monday-0030")
    assert list(
        PlanWeek.objects.filter(plan__athlete__in=[aroha, lucia])
        .order_by("plan__athlete", "week")
        .values_list("plan__athlete__first_name", "week")
    ) == [
        ("Aroha", date(2026, 3, 2)),
        ("Aroha", date(2026, 3, 9)),
        ("Lucia", date(2026, 3, 2)),
        ("Lucia", date(2026, 3, 9)),
    ]
