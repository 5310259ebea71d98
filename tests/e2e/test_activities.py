"""Activity files in the browser (SPEC §13): she uploads several files on "my week" and sees
them, her coach drops a Strava export on the athlete page and watches it go up; both pages
pass axe-core."""

from __future__ import annotations

import base64
import tempfile
from datetime import timedelta
from pathlib import Path

import pytest

from activities.models import Activity
from tests.activities.files import RUN_WALK_8, fit_activity, gpx_activity, gz, zip_of
from tests.e2e.conftest import PASSWORD
from tests.e2e.test_journeys import sign_in

pytestmark = pytest.mark.e2e

# To look at (never committed): the pages after an upload.
SCREENSHOTS = Path(tempfile.gettempdir())

# Every upload progress event, kept across the page load that follows the upload.
RECORD_PROGRESS = """() => {
    const send = XMLHttpRequest.prototype.send;
    XMLHttpRequest.prototype.send = function (body) {
        this.upload.addEventListener("progress", (e) => {
            const seen = JSON.parse(sessionStorage.getItem("progress") || "[]");
            seen.push([e.loaded, e.total]);
            sessionStorage.setItem("progress", JSON.stringify(seen));
        });
        return send.call(this, body);
    };
}"""


def tuesday_morning(friday):
    return (friday - timedelta(days=3)).replace(hour=7)


def test_she_uploads_files_on_my_week_and_sees_them(
    on_a_friday, live_server, page, invited_athlete, axe_check, tmp_path
):
    base = live_server.url
    page.set_viewport_size({"width": 375, "height": 812})
    run = tmp_path / "tuesday.fit"
    run.write_bytes(fit_activity(tuesday_morning(on_a_friday), RUN_WALK_8))
    walk = tmp_path / "wednesday.gpx"
    walk.write_bytes(
        gpx_activity(tuesday_morning(on_a_friday) + timedelta(days=1), [(2400, 3100.0)], kind=None)
    )
    sign_in(page, base, "ada@example.org", PASSWORD)
    page.wait_for_url(f"{base}/me/")

    panel = page.locator("#activities")
    panel.get_by_text("From your watch").wait_for()
    axe_check(page, "my week, with the activity panel")
    panel.get_by_label("Activity files").set_input_files([run, walk])
    panel.get_by_role("button", name="Upload").click()

    page.get_by_text("2 activities imported.").wait_for()
    assert page.url == f"{base}/me/#activities"
    rows = page.locator("#activities table tbody tr")
    assert rows.count() == 2
    assert "Walk" in rows.nth(0).inner_text()
    assert "8 / 16 min" in rows.nth(1).inner_text()  # the run-walk: 8 running, 16 walking
    assert Activity.objects.filter(athlete=invited_athlete).count() == 2
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    axe_check(page, "my week, after an upload")
    panel.screenshot(path=SCREENSHOTS / "activities-my-week.png")

    # The same files again: stored once, and she is told.
    panel.get_by_label("Activity files").set_input_files([run])
    panel.get_by_role("button", name="Upload").click()
    page.get_by_text("tuesday.fit: Already imported: this activity is stored once.").wait_for()
    assert Activity.objects.filter(athlete=invited_athlete).count() == 2


def test_her_coach_drops_a_strava_export_and_watches_it_go_up(
    on_a_friday, live_server, page, invited_athlete, axe_check
):
    base = live_server.url
    page.set_viewport_size({"width": 1280, "height": 900})
    day = tuesday_morning(on_a_friday)
    archive = zip_of(
        {
            "activities/1.fit.gz": gz(fit_activity(day, RUN_WALK_8)),
            "activities/2.gpx": gpx_activity(day + timedelta(days=1), [(2400, 3100.0)]),
            "activities/3.fit": b"not a fit file",
            "activities.csv": b"id\n1\n",
        }
    )
    sign_in(page, base, "cora@example.org", PASSWORD)
    page.wait_for_url(f"{base}/coach/")
    page.goto(f"{base}/coach/athletes/{invited_athlete.pk}/")
    page.evaluate(RECORD_PROGRESS)
    axe_check(page, "athlete page, with planned vs done")

    page.evaluate(
        """([name, data]) => {
            const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
            const transfer = new DataTransfer();
            transfer.items.add(new File([bytes], name, {type: "application/zip"}));
            const zone = document.querySelector("#activities [data-dropzone]");
            zone.dispatchEvent(new DragEvent("dragenter", {dataTransfer: transfer}));
            zone.dispatchEvent(new DragEvent("drop", {dataTransfer: transfer}));
        }""",
        ["export_1.zip", base64.b64encode(archive).decode()],
    )
    page.get_by_text("export_1.zip chosen. Press Upload to send.").wait_for()
    page.locator("#activities").get_by_role("button", name="Upload").click()

    page.get_by_text("2 activities imported.").wait_for()
    page.get_by_text(
        "export_1.zip › activities/3.fit: Not imported: it is not a FIT file."
    ).wait_for()
    progress = page.evaluate("JSON.parse(sessionStorage.getItem('progress') || '[]')")
    assert progress, "no upload progress was reported"
    assert progress[-1][0] == progress[-1][1] > len(archive)  # all of it went up
    assert Activity.objects.filter(athlete=invited_athlete).count() == 2
    axe_check(page, "athlete page, after an upload")
    page.locator("#activities").screenshot(path=SCREENSHOTS / "activities-athlete.png")
