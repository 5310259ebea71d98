"""Our own 404, 403 and 500 pages in every settings module, under DEBUG (``make run``) too."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client, override_settings
from django.urls import reverse

ROOT = Path(__file__).resolve().parent.parent
NOT_FOUND = "We couldn't find that page"
FORBIDDEN = "This page isn't available to you"
BROKEN = "Something went wrong on our side"
TECHNICAL = "DEBUG = True"

# Run in a fresh interpreter with one settings module: a missing page through the whole
# middleware stack, then Django's own handlers for a 403 and a 500.
SCRIPT = """
import sys, django
django.setup()
from django.conf import settings
from django.core.management import call_command
if sys.argv[1]:  # production's hashed static files need their manifest
    settings.STATIC_ROOT = sys.argv[1]
    call_command("collectstatic", "--noinput", verbosity=0)
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.test import Client, RequestFactory
from django.urls import get_resolver
host = {"HTTP_HOST": "coach.example.com", "secure": True}
missing = Client(raise_request_exception=False).get("/no-such-page/", **host)
request = RequestFactory().get("/somewhere/", **host)
request.user = AnonymousUser()
resolver = get_resolver()
forbidden = resolver.resolve_error_handler(403)(request, PermissionDenied("For coaches."))
broken = resolver.resolve_error_handler(500)(request)
for response in (missing, forbidden, broken):
    print(response.status_code, response.content.decode().replace("\\n", " "))
"""


@pytest.mark.parametrize(
    ("module", "static"),
    [
        ("config.settings.local", False),
        ("config.settings.test", False),
        ("config.settings.production", True),
    ],
)
def test_each_settings_module_shows_our_error_pages(module, static, tmp_path):
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "DATABASE_URL", "CELERY_", "EMAIL_", "SITE_URL"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE=module,
        DJANGO_SECRET_KEY="error-pages-only-" + "k" * 50,
        DJANGO_ALLOWED_HOSTS="coach.example.com",
        SITE_URL="https://coach.example.com",
        # An empty database: an error page must not need one.
        DATABASE_URL=f"sqlite:///{tmp_path / 'empty.sqlite3'}",
    )
    result = subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", SCRIPT, str(tmp_path / "static") if static else ""],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    missing, forbidden, broken = result.stdout.splitlines()
    assert missing.startswith("404 ")
    assert NOT_FOUND in missing
    assert TECHNICAL not in missing
    assert forbidden.startswith("403 ")
    assert FORBIDDEN in forbidden
    assert "For coaches." in forbidden
    assert broken.startswith("500 ")
    assert BROKEN in broken
    for page in (missing, forbidden, broken):
        assert "css/site" in page  # styled like the rest of the site


@override_settings(DEBUG=True)
@pytest.mark.django_db
def test_under_debug_a_missing_page_is_ours(coach_client, other_athlete):
    unknown = Client(raise_request_exception=False).get("/no-such-page/")
    someone_elses = coach_client.get(reverse("plans:athlete_overview", args=[other_athlete.pk]))

    for response in (unknown, someone_elses):
        assert response.status_code == 404
        assert NOT_FOUND in response.content.decode()
        assert TECHNICAL not in response.content.decode()
    assert other_athlete.first_name not in someone_elses.content.decode()


@override_settings(DEBUG=True)
@pytest.mark.django_db
def test_under_debug_the_apis_404_stays_json_and_a_missing_slash_still_redirects(coach_api):
    api = coach_api.get("/api/v1/athletes/999999/")
    slash = Client().get("/coach")

    assert api.status_code == 404
    assert api["Content-Type"].startswith("application/json")
    assert (slash.status_code, slash["Location"]) == (301, "/coach/")


@override_settings(DEBUG=True, DEBUG_TECHNICAL_404=True)
@pytest.mark.django_db
def test_djangos_technical_404_can_be_asked_for():
    response = Client(raise_request_exception=False).get("/no-such-page/")

    assert response.status_code == 404
    assert TECHNICAL in response.content.decode()


@pytest.mark.parametrize("debug", [False, True])
@pytest.mark.django_db
def test_an_api_address_no_route_matches_answers_the_apis_json_404(coach_api, debug):
    # Found by the schema fuzzer (tests/test_api_fuzz.py): a negative id never matches
    # <int:athlete_id>, and the answer was the site's HTML page, not the documented JSON.
    with override_settings(DEBUG=debug):
        response = coach_api.get("/api/v1/athletes/-5/assessments/")
        page = Client().get("/no-such-page/")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Not found."}
    assert (page.status_code, page["Content-Type"]) == (404, "text/html; charset=utf-8")
