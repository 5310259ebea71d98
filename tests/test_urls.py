"""URL names: every route of our own apps is named inside its app's namespace.

``athletes:``, ``checkins:``, ``plans:`` and ``api:`` keep two apps from shadowing each other's
names (``reverse`` silently takes the last of two equal names). Only the project-level pages of
config/urls.py keep a root name, next to the third-party routes it mounts (allauth's
``account_*``, the schema and its docs). A route of ours added without a namespace fails here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

import pytest
from django.urls import (
    NoReverseMatch,
    URLPattern,
    URLResolver,
    get_resolver,
    include,
    path,
    resolve,
    reverse,
)

from checkins import views as checkins_views

OUR_URLCONFS = {
    "athletes.urls",
    "activities.urls",
    "checkins.urls",
    "plans.urls",
    "conversations.urls",
    "config.api",
}
OUR_PACKAGES = {"athletes", "activities", "checkins", "plans", "conversations", "config"}
OUR_NAMESPACES = {"athletes", "activities", "checkins", "plans", "conversations", "api"}
# The project-level pages of config/urls.py: the only routes of ours with a root name.
ROOT_NAMES = {"landing", "home", "healthz"}

# Every named route of our apps, with the path it answers on. The paths are what bookmarks,
# e-mails already sent, calendar subscriptions and API clients hold: they never change.
ROUTES = [
    ("plans:athlete_create", [], "/coach/athletes/new/"),
    ("athletes:athlete_edit", [7], "/coach/athletes/7/edit/"),
    ("athletes:athlete_archive", [7], "/coach/athletes/7/archive/"),
    ("athletes:athlete_erase", [7], "/coach/athletes/7/erase/"),
    ("athletes:athlete_access_log", [7], "/coach/athletes/7/access-log/"),
    ("athletes:clearance_create", [7], "/coach/athletes/7/clearances/new/"),
    ("athletes:assessment_create", [7], "/coach/athletes/7/assessments/new/"),
    ("athletes:invitation_send", [7], "/coach/athletes/7/invite/"),
    ("athletes:clearance_document", [3], "/documents/clearances/3/"),
    ("athletes:invitation_accept", ["t0k"], "/invite/t0k/"),
    ("activities:my_upload", [], "/me/activities/upload/"),
    ("activities:coach_upload", [7], "/coach/athletes/7/activities/upload/"),
    ("athletes:notification_preferences", [], "/accounts/notifications/"),
    ("checkins:my_checkin", [], "/me/checkin/"),
    ("checkins:my_history", [], "/me/checkins/"),
    ("checkins:my_checkin_edit", [3], "/me/checkins/3/edit/"),
    ("checkins:my_checkin_done", [3], "/me/checkins/3/done/"),
    ("checkins:my_symptom_report_create", [], "/me/symptoms/new/"),
    ("checkins:my_symptom_report", [3], "/me/symptoms/3/"),
    ("checkins:coach_symptom_report_create", [7], "/coach/athletes/7/symptoms/new/"),
    ("checkins:coach_checkin_create", [7], "/coach/athletes/7/checkins/new/"),
    ("checkins:coach_checkins_csv", [7], "/coach/athletes/7/checkins.csv"),
    ("checkins:coach_checkin_detail", [3], "/coach/checkins/3/"),
    ("checkins:coach_checkin_edit", [3], "/coach/checkins/3/edit/"),
    ("checkins:coach_flags", [], "/coach/flags/"),
    ("checkins:flag_acknowledge", [5], "/coach/flags/5/acknowledge/"),
    ("checkins:flag_resolve", [5], "/coach/flags/5/resolve/"),
    ("plans:coach_dashboard", [], "/coach/"),
    ("plans:athlete_overview", [7], "/coach/athletes/7/"),
    ("plans:plan_week_edit", [7, "2025-03-03"], "/coach/athletes/7/weeks/2025-03-03/edit/"),
    ("plans:decisions_approve", [], "/coach/decisions/approve/"),
    ("plans:decision_approve", [9], "/coach/decisions/9/approve/"),
    ("plans:decision_override", [9], "/coach/decisions/9/override/"),
    ("plans:athlete_export", [7], "/coach/athletes/7/export.json"),
    ("plans:my_week", [], "/me/"),
    ("plans:my_export", [], "/me/export.json"),
    ("plans:my_calendar", [], "/me/calendar/"),
    ("plans:calendar_feed", ["t0k"], "/calendar/t0k.ics"),
    ("plans:my_week_workouts", ["2025-03-03"], "/me/weeks/2025-03-03/workouts.zip"),
    ("conversations:coach_thread", [7], "/coach/athletes/7/messages/"),
    ("conversations:coach_mark_read", [7], "/coach/athletes/7/messages/read/"),
    ("conversations:my_thread", [], "/me/messages/"),
    ("conversations:my_mark_read", [], "/me/messages/read/"),
    ("api:api-root", [], "/api/v1/"),
    ("api:me", [], "/api/v1/me/"),
    ("api:me-notifications", [], "/api/v1/me/notifications/"),
    ("api:token", [], "/api/v1/auth/token/"),
    ("api:athlete-clearances", [7], "/api/v1/athletes/7/clearances/"),
    ("api:athlete-assessments", [7], "/api/v1/athletes/7/assessments/"),
    ("api:athlete-checkins", [7], "/api/v1/athletes/7/checkins/"),
    ("api:checkin", [3], "/api/v1/checkins/3/"),
    ("api:athlete-symptom-reports", [7], "/api/v1/athletes/7/symptom-reports/"),
    ("api:athlete-activities", [7], "/api/v1/athletes/7/activities/"),
    ("api:athlete-plan", [7], "/api/v1/athletes/7/plan/"),
    ("api:plan-session-workout", [5], "/api/v1/plan-sessions/5/workout.fit"),
    ("api:athlete-decisions", [7], "/api/v1/athletes/7/decisions/"),
    ("api:athlete-messages", [7], "/api/v1/athletes/7/messages/"),
    ("api:athlete-list", [], "/api/v1/athletes/"),
    ("api:athlete-detail", [7], "/api/v1/athletes/7/"),
    ("api:decision-detail", [9], "/api/v1/decisions/9/"),
    ("api:decision-approve", [9], "/api/v1/decisions/9/approve/"),
    ("api:decision-override", [9], "/api/v1/decisions/9/override/"),
    ("api:flag-list", [], "/api/v1/flags/"),
    ("api:flag-detail", [5], "/api/v1/flags/5/"),
    ("api:flag-acknowledge", [5], "/api/v1/flags/5/acknowledge/"),
    ("api:flag-resolve", [5], "/api/v1/flags/5/resolve/"),
    ("landing", [], "/"),
    ("home", [], "/home/"),
    ("healthz", [], "/healthz"),
]


def _urlconf_name(resolver: URLResolver) -> str | None:
    # include("x.urls") holds the module, the root resolver its dotted name, include([...]) a list.
    urlconf = resolver.urlconf_name
    return urlconf if isinstance(urlconf, str) else getattr(urlconf, "__name__", None)


def _view_module(pattern: URLPattern) -> str:
    view = pattern.callback
    return getattr(view, "view_class", getattr(view, "cls", view)).__module__


def names_outside_a_namespace(
    patterns: Iterable[URLPattern | URLResolver], urlconf: str | None = None
) -> Iterator[tuple[str, str | None, str]]:
    """(name, URLconf, view module) of every route ``reverse`` finds by a bare name."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace:
                continue  # reachable only as "<namespace>:<name>"
            yield from names_outside_a_namespace(
                pattern.url_patterns, _urlconf_name(pattern) or urlconf
            )
        elif pattern.name:
            yield pattern.name, urlconf, _view_module(pattern)


def offenders(patterns: Iterable[URLPattern | URLResolver]) -> list[tuple[str, str | None, str]]:
    return [
        (name, urlconf, module)
        for name, urlconf, module in names_outside_a_namespace(patterns)
        if (urlconf in OUR_URLCONFS or module.split(".")[0] in OUR_PACKAGES)
        and name not in ROOT_NAMES
    ]


def namespaced_names(patterns, namespace: str = "") -> Iterator[str]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = ":".join(filter(None, [namespace, pattern.namespace]))
            yield from namespaced_names(pattern.url_patterns, inner)
        elif pattern.name and namespace in OUR_NAMESPACES:
            yield f"{namespace}:{pattern.name}"


def test_no_route_of_ours_is_named_outside_a_namespace():
    assert offenders(get_resolver().url_patterns) == []


def test_the_walk_finds_a_route_added_without_a_namespace():
    # The guard itself: a stray name in the root URLconf, and an app included without its
    # app_name (the list include keeps the view modules but drops the namespace).
    from checkins import urls as checkins_urls

    patterns = [
        path("stray/", checkins_views.coach_flags, name="stray"),
        path("", include(checkins_urls.urlpatterns)),
        path("", include("plans.urls")),
    ]

    found = {name for name, _, _ in offenders(patterns)}

    assert "stray" in found
    assert "coach_flags" in found
    assert "my_week" not in found  # plans keeps its namespace


def test_every_route_of_ours_is_in_the_table():
    table = {name for name, _, _ in ROUTES if ":" in name}

    assert set(namespaced_names(get_resolver().url_patterns)) == table


@pytest.mark.parametrize(("name", "args", "url"), ROUTES, ids=[r[0] for r in ROUTES])
def test_each_name_reverses_to_its_unchanged_path_and_back(name, args, url):
    assert reverse(name, args=args) == url
    assert resolve(url).view_name == name


@pytest.mark.parametrize(
    "old",
    ["my_week", "coach_dashboard", "athlete_overview", "my_checkin", "api-me", "athlete-list"],
)
def test_the_old_bare_names_are_gone(old):
    with pytest.raises(NoReverseMatch):
        reverse(old)


def test_the_api_root_links_its_collections_through_the_namespace(coach_api):
    response = coach_api.get("/api/v1/")

    assert response.status_code == 200
    assert response.json() == {
        "athletes": "http://testserver/api/v1/athletes/",
        "flags": "http://testserver/api/v1/flags/",
    }


CURRENT = re.compile(r'<a href="[^"]*" aria-current="page">([^<]+)')


@pytest.mark.parametrize(
    ("who", "url", "marked"),
    [
        ("coach_client", "/coach/", "Dashboard"),
        ("coach_client", "/coach/flags/", "Flags"),
        ("coach_client", "/accounts/email/", "Account"),
        ("athlete_client", "/me/", "My week"),
        ("athlete_client", "/me/checkin/", "Check in"),
        ("athlete_client", "/me/checkins/", "History"),
        ("client", "/accounts/login/", "Sign in"),
    ],
)
def test_the_nav_marks_the_current_page_by_its_namespaced_name(db, request, who, url, marked):
    response = request.getfixturevalue(who).get(url)

    assert response.status_code == 200
    assert {label.strip() for label in CURRENT.findall(response.content.decode())} == {marked}
