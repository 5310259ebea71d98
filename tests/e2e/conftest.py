"""Browser tests: Debian's Chromium driven by pytest-playwright against ``live_server``.

Playwright cannot download its own browser here, so the launch is pointed at the system
Chromium. Without Chromium the tests are skipped with a reason (a failure under CI=true).
"""

from __future__ import annotations

import os
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import time_machine
from django.utils import timezone

from athletes.models import Athlete, Role, User
from tests.conftest import missing_service

# The password of the people the journeys sign in as.
PASSWORD = "trail-and-tide-77"

# live_server runs the app in a thread next to Playwright's event loop.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE = Path(__file__).resolve().parents[2] / "static" / "vendor" / "axe.min.js"


def chromium_path() -> str | None:
    for candidate in (
        os.environ.get("CHROMIUM_PATH"),
        "/usr/bin/chromium",
        shutil.which("chromium"),
    ):
        if candidate and os.path.exists(candidate):
            return candidate
    return None


@pytest.fixture(autouse=True)
def _site_url_is_the_live_server(request, settings):
    """E-mails link to SITE_URL: in a browser test, the live server the browser talks to."""
    if "live_server" in request.fixturenames:
        settings.SITE_URL = request.getfixturevalue("live_server").url


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    path = chromium_path()
    if path is None:
        missing_service(
            "Chromium is not installed: install it (Debian: apt-get install -y chromium) "
            "or set CHROMIUM_PATH to run the browser tests"
        )
    return {**browser_type_launch_args, "executable_path": path, "args": CHROMIUM_ARGS}


@pytest.fixture
def axe_check():
    """Run axe-core on the current page; fail on any serious or critical violation."""
    if not AXE.exists():
        missing_service("static/vendor/axe.min.js is missing: run `make vendor` (npm ci)")

    def check(page, name: str) -> None:
        # Loaded from the app's own static files, so the page's Content-Security-Policy
        # (script-src 'self') allows it as it is: no test-only exception to the policy.
        page.add_script_tag(url="/static/vendor/axe.min.js")
        result = page.evaluate(
            """async () => {
                const r = await axe.run(document, {
                    runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']},
                    resultTypes: ['violations'],
                });
                return r.violations.map(v => ({
                    id: v.id, impact: v.impact, help: v.help,
                    nodes: v.nodes.slice(0, 3).map(n => n.target.join(' ')),
                }));
            }"""
        )
        bad = [v for v in result if v["impact"] in ("serious", "critical")]
        assert not bad, f"axe-core found serious/critical violations on {name}: {bad}"

    return check


@pytest.fixture
def invited_athlete(db):
    from plans.services import athlete_enrol

    coach = User.objects.create_user("cora@example.org", PASSWORD, role=Role.COACH, name="Cora")
    athlete = athlete_enrol(
        coach=coach,
        by=coach,
        data={
            "first_name": "Ada",
            "last_name": "Stone",
            "email": "ada@example.org",
            "delivery_date": timezone.localdate() - timedelta(weeks=10),
            "delivery_type": "caesarean_planned",
        },
    )
    user = User.objects.create_user("ada@example.org", PASSWORD, role=Role.ATHLETE, name="Ada")
    Athlete.objects.filter(pk=athlete.pk).update(user=user)
    return athlete


@pytest.fixture
def on_a_friday():
    """The clock moving on from the latest Friday noon (UTC), when both last week's and this
    week's check-ins are open; less than a week back, so cookies stay fresh for the browser."""
    now = datetime.now(UTC)
    friday = (now - timedelta(days=(now.weekday() - 4) % 7)).replace(
        hour=12, minute=0, second=0, microsecond=0
    )
    with time_machine.travel(friday, tick=True):
        yield friday
