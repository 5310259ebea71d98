"""The Content-Security-Policy in a real browser: the main pages load with no violation, the
charts still draw, htmx still works, axe still runs, and the admin still works.

Violations are caught twice: the ``securitypolicyviolation`` event (recorded by a script
Playwright adds before any of the page's own) and Chromium's console messages.
"""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from athletes.models import Athlete, Role, User
from tests.e2e.conftest import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(
    `${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
});
"""


@pytest.fixture
def demo(db):
    call_command("seed_demo", force=True, stdout=StringIO())
    User.objects.create_user(
        "root@example.org",
        PASSWORD,
        role=Role.COACH,
        name="Root",
        is_staff=True,
        is_superuser=True,
    )
    return Athlete.objects.get(user__email="athlete@example.com")


@pytest.fixture
def watched(page):
    """The page, with every CSP complaint of the browser collected in ``page.csp_console``."""
    complaints: list[str] = []
    page.on(
        "console",
        lambda m: (
            complaints.append(m.text)
            if "Content Security Policy" in m.text or "Refused to" in m.text
            else None
        ),
    )
    page.add_init_script(RECORD_VIOLATIONS)
    page.csp_console = complaints
    return page


def sign_in(page, base: str, email: str, password: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def visit(page, url: str, name: str) -> None:
    response = page.goto(url)
    assert response is not None
    assert response.status < 400, (name, response.status)
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.wait_for_load_state("load")
    violations = page.evaluate("window.__cspViolations")
    assert violations == [], (name, violations)
    assert page.csp_console == [], (name, page.csp_console)


def charts_drawn(page) -> int:
    """How many canvases Chart.js has drawn (each has a chart attached and a painted size)."""
    page.wait_for_function("document.querySelectorAll('canvas[data-chart]').length > 0")
    return page.evaluate(
        """() => [...document.querySelectorAll('canvas[data-chart]')]
              .filter(c => window.Chart && Chart.getChart(c) && c.width > 0).length"""
    )


def test_the_main_pages_break_no_rule_of_the_policy(live_server, watched, demo, axe_check):
    page, base = watched, live_server.url
    page.set_viewport_size({"width": 1280, "height": 900})

    visit(page, base + "/", "landing")
    axe_check(page, "landing")
    visit(page, base + "/api/docs/", "API docs")
    page.wait_for_selector(".swagger-ui .info", timeout=15000)
    assert page.csp_console == []

    sign_in(page, base, "coach@example.com", "demo-coach-pass")
    visit(page, base + "/coach/", "dashboard")
    axe_check(page, "dashboard")
    visit(page, base + "/coach/flags/", "flags")
    visit(page, f"{base}/coach/athletes/{demo.pk}/", "athlete page")
    assert charts_drawn(page) == 3  # minutes, how she felt, pain and sleep
    axe_check(page, "athlete page")
    # htmx still swaps (the search filters the roster in place).
    visit(page, base + "/coach/", "dashboard again")
    page.evaluate("window.__cspViolations = []")
    page.locator("form.roster-filters input[name=q]").fill("zzz-nobody")
    page.locator("form.roster-filters").evaluate("f => f.requestSubmit()")
    page.wait_for_load_state("networkidle")
    assert page.evaluate("window.__cspViolations") == []
    assert page.csp_console == []

    page.context.clear_cookies()
    sign_in(page, base, "athlete@example.com", "demo-athlete-pass")
    visit(page, base + "/me/", "her week")
    visit(page, base + "/me/checkins/", "her history")
    assert charts_drawn(page) == 3  # minutes, how she felt, pain and sleep
    axe_check(page, "her history")
    visit(page, base + "/me/checkin/", "her check-in form")
    visit(page, base + "/me/symptoms/new/", "her symptom report")


def test_the_admin_works_under_the_same_policy(live_server, watched, demo):
    page, base = watched, live_server.url
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, base, "root@example.org", PASSWORD)

    visit(page, base + "/admin/", "admin index")
    visit(page, base + "/admin/athletes/athlete/", "admin athletes")
    visit(page, f"{base}/admin/athletes/athlete/{demo.pk}/change/", "admin athlete")
    visit(page, base + "/admin/athletes/clearance/add/", "admin clearance form")
    # The admin's own scripts run: the date shortcuts and the autocomplete widget appear.
    page.get_by_role("link", name="Today").first.click()
    assert page.locator("#id_cleared_on").input_value() != ""
    assert page.locator(".select2-container").count() >= 1
    visit(page, base + "/admin/checkins/weeklycheckin/", "admin check-ins")
    page.locator("#changelist-search input[name=q]").fill("x")
    assert page.csp_console == []
