"""The isolation matrix (SPEC §11, issue #13): every page and API route of ours, discovered from
the resolver, × anonymous, athlete A, athlete B, coach A, coach B and staff, each with the
status the access policy (athletes/access.py) gives them, for a read and for every write the
route takes. A refused write changes nothing in the database.

Every object in the URLs belongs to athlete A, coach A's athlete, and comes from the world of
``tests/test_reads_never_write.py`` (its recipes fill the parameters with real ids). Athlete B
is coach B's athlete. A new route fails ``test_every_route_has_an_entry`` until it is given
a row in ``EXPECTED`` below, naming the policy it follows.

Routes of other apps are left out, each for its reason: allauth's pages (signing in, up and
out, passwords, second factors: they are for anyone, and their own tests and the read-only walk
cover them) and the Django admin (staff only, by its own ``is_staff`` check, walked by the
read-only test as every visitor).

Each request runs in a savepoint rolled back after it, so an allowed write (coach A erasing
her, say) never changes the world the next request sees.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from athletes.models import User
from tests.sql import written_tables
from tests.test_reads_never_write import (
    LOGIN_PAGES,
    Route,
    World,
    all_routes,
    build_world,
    recipe_key,
    variants,
)

VISITORS = ("anonymous", "athlete_a", "athlete_b", "coach_a", "coach_b", "staff")
WRITES = ("post", "put", "patch", "delete")
# Every app of this repository (found, so a new app's routes are covered the day it is added),
# the project package, and drf-spectacular's schema and docs views.
OUR_PACKAGES = (
    *(
        app.name.split(".")[0]
        for app in apps.get_app_configs()
        if Path(app.path).resolve().is_relative_to(Path(settings.BASE_DIR).resolve())
        and "site-packages" not in Path(app.path).parts
    ),
    "config",
    "drf_spectacular",
)


def our_routes() -> list[Route]:
    """Pages and API routes of ours (and the API's schema and docs), without DRF's format
    suffix twins (the same view, the same policy)."""
    found = []
    for route in all_routes():
        callback = route.pattern.callback
        view = getattr(callback, "cls", None) or callback
        if view.__module__.split(".")[0] not in OUR_PACKAGES and not route.key.startswith("api/"):
            continue
        if recipe_key(route) != route.key:
            continue
        found.append(route)
    return found


def methods_of(route: Route) -> list[str]:
    """The methods a route answers: a DRF view says; a page is tried with GET and POST."""
    callback = route.pattern.callback
    cls = getattr(callback, "cls", None)
    if cls is None:
        return ["get", "post"]
    actions = getattr(callback, "actions", None)
    found = sorted(actions) if actions else [m for m in ("get", *WRITES) if hasattr(cls, m)]
    # HEAD is GET without the body (the same view, the same policy).
    return [m for m in found if m in cls.http_method_names and m != "head"]


def outcome(response) -> str:
    """ "ok" (2xx), "moved" (a redirect of the view's own), "login" (sent to sign in), or the
    status code of a refusal."""
    code = response.status_code
    if 300 <= code < 400:
        return "login" if response["Location"].startswith(LOGIN_PAGES) else "moved"
    if 200 <= code < 300:
        return "ok"
    return str(code)


@dataclass
class Visit:
    route: str
    method: str
    visitor: str
    got: str
    wrote: list[str]


def users_of(world: World) -> dict[str, User | None]:
    return {
        "anonymous": None,
        "athlete_a": world.athlete_user,
        "athlete_b": User.objects.get(email="bea@example.org"),
        "coach_a": world.coach,
        "coach_b": world.other_coach,
        "staff": world.staff,
    }


def visit_all(world: World) -> list[Visit]:
    clients = {}
    for visitor, user in users_of(world).items():
        client = Client(raise_request_exception=False)
        if user is not None:
            client.force_login(user)
        clients[visitor] = client
    visits = []
    for route in our_routes():
        found = variants(route, world)
        assert found, f"no recipe for {route.key}"
        variant = found[0]
        url = route.url({k: v for k, v in variant.items() if k != "?"})
        for method in methods_of(route):
            for visitor, client in clients.items():
                cache.clear()  # rate limits: each request stands alone
                connection.queries_log.clear()
                with transaction.atomic():
                    with CaptureQueriesContext(connection) as queries:
                        response = getattr(client, method)(
                            url, BODIES.get((recipe_key(route), method), {}), **_json(route)
                        )
                    transaction.set_rollback(True)
                visits.append(
                    Visit(
                        route.key,
                        method,
                        visitor,
                        outcome(response),
                        [f"{table}: {sql}" for table, sql in written_tables(queries)],
                    )
                )
    return visits


# API routes that take files: sent as a form (multipart), like the pages.
MULTIPART = {"api/v1/athletes/<int:athlete_id>/activities/"}


def _json(route: Route) -> dict:
    if route.key in MULTIPART or not route.key.startswith("api/"):
        return {}
    return {"content_type": "application/json"}


# Bodies that would be accepted from someone allowed, so a refusal is the policy's, not the
# form's. Other writes send an empty body: the policy answers before any validation there
# (test_access_policy checks the order on the nested API routes with bad bodies too).
MESSAGE = {"body": "Are you free on Thursday?"}
SYMPTOMS = {"urgency": True, "pain": 3}
BODIES: dict[tuple[str, str], dict] = {
    ("api/v1/athletes/<int:athlete_id>/messages/", "post"): MESSAGE,
    ("coach/athletes/<int:pk>/messages/", "post"): MESSAGE,
    ("me/messages/", "post"): MESSAGE,
    ("api/v1/athletes/<int:athlete_id>/symptom-reports/", "post"): SYMPTOMS,
    ("coach/athletes/<int:pk>/symptoms/new/", "post"): SYMPTOMS,
    ("me/symptoms/new/", "post"): SYMPTOMS,
    ("api/v1/^athletes/(?P<pk>[^/.]+)/$", "patch"): {"first_name": "Ann"},
    ("api/v1/checkins/<int:pk>/", "patch"): {"pain": 2},
}

# --- the expected outcomes ---------------------------------------------------------------------
# One per visitor, in the order of VISITORS: anonymous, athlete A, athlete B, coach A, coach B,
# staff. "ok" is a 2xx; for a write it also stands for the body refused on its merits (400,
# 409), the request having got past the policy. "moved" is a redirect of the view's own.
Row = tuple[str, str, str, str, str, str]

PUBLIC: Row = ("ok", "ok", "ok", "ok", "ok", "ok")
SIGNED_IN: Row = ("login", "ok", "ok", "ok", "ok", "ok")
# Pages of the coach side: about coach A's athlete, or no one in particular.
COACH_HERS: Row = ("login", "403", "403", "ok", "404", "ok")
COACH_ANY: Row = ("login", "403", "403", "ok", "ok", "ok")
# A form that only takes POST and sends a GET back to the page it belongs to (which then
# applies the policy itself).
COACH_POST_ONLY: Row = ("login", "403", "403", "moved", "moved", "moved")
# Her own pages: athlete A's objects, or "me".
HER_OWN: Row = ("login", "ok", "404", "403", "403", "403")
ATHLETE_ANY: Row = ("login", "ok", "ok", "403", "403", "403")
ATHLETE_POST_ONLY: Row = ("login", "moved", "moved", "403", "403", "403")
# A conversation is hers and her coach's only: staff read it, never write in it.
THREAD_WRITE: Row = ("login", "403", "403", "ok", "404", "403")
# The API: 401 where a page sends to sign in.
API_SIGNED_IN: Row = ("401", "ok", "ok", "ok", "ok", "ok")
API_COACH_HERS: Row = ("401", "403", "403", "ok", "404", "ok")
API_COACH_ANY: Row = ("401", "403", "403", "ok", "ok", "ok")
API_SHARED: Row = ("401", "ok", "404", "ok", "404", "ok")  # hers, she reads (and writes) it
API_THREAD_WRITE: Row = ("401", "ok", "404", "ok", "404", "403")


def both(row: Row) -> dict[str, Row]:
    return {"get": row, "post": row}


def post_only(row: Row) -> dict[str, Row]:
    """A coach's form that only takes POST."""
    return {"get": COACH_POST_ONLY, "post": row}


EXPECTED: dict[str, dict[str, Row]] = {
    # config
    "": both(PUBLIC),
    # the switchboard: each is sent to her side's home
    "home/": both(("login", "moved", "moved", "moved", "moved", "moved")),
    "healthz": {"get": PUBLIC, "post": ("405", "405", "405", "405", "405", "405")},
    "api/schema/": {"get": PUBLIC},
    "api/docs/": {"get": PUBLIC},
    # athletes
    "coach/athletes/<int:pk>/edit/": both(COACH_HERS),
    "coach/athletes/<int:pk>/archive/": post_only(COACH_HERS),
    "coach/athletes/<int:pk>/erase/": both(COACH_HERS),
    "coach/athletes/<int:pk>/access-log/": both(COACH_HERS),
    "coach/athletes/<int:pk>/clearances/new/": both(COACH_HERS),
    "coach/athletes/<int:pk>/assessments/new/": both(COACH_HERS),
    "coach/athletes/<int:pk>/invite/": post_only(COACH_HERS),
    "documents/clearances/<int:pk>/": both(("login", "ok", "404", "ok", "404", "ok")),
    # the signed invitation link is the key; signed in, accepting it answers 409
    "invite/<str:token>/": both(PUBLIC),
    "accounts/notifications/": both(SIGNED_IN),
    # checkins
    "me/checkin/": both(ATHLETE_ANY),
    "me/checkins/": both(ATHLETE_ANY),
    "me/checkins/<int:pk>/edit/": both(HER_OWN),
    "me/checkins/<int:pk>/done/": both(HER_OWN),
    "me/symptoms/new/": both(ATHLETE_ANY),
    "me/symptoms/<int:pk>/": both(HER_OWN),
    "coach/athletes/<int:pk>/symptoms/new/": both(COACH_HERS),
    "coach/athletes/<int:pk>/checkins/new/": both(COACH_HERS),
    "coach/athletes/<int:pk>/checkins.csv": both(COACH_HERS),
    "coach/checkins/<int:pk>/": both(COACH_HERS),
    "coach/checkins/<int:pk>/edit/": both(COACH_HERS),
    "coach/flags/": both(COACH_ANY),
    "coach/flags/<int:pk>/acknowledge/": post_only(COACH_HERS),
    "coach/flags/<int:pk>/resolve/": post_only(COACH_HERS),
    # plans
    "coach/": both(COACH_ANY),
    "coach/athletes/new/": both(COACH_ANY),
    "coach/athletes/<int:pk>/": both(COACH_HERS),
    "coach/athletes/<int:pk>/weeks/<str:week>/edit/": both(COACH_HERS),
    "coach/decisions/approve/": post_only(COACH_ANY),
    "coach/decisions/<int:pk>/approve/": post_only(COACH_HERS),
    "coach/decisions/<int:pk>/override/": both(COACH_HERS),
    "coach/athletes/<int:pk>/export.json": both(COACH_HERS),
    "me/": both(ATHLETE_ANY),
    "me/export.json": both(ATHLETE_ANY),
    "me/calendar/": {"get": ATHLETE_POST_ONLY, "post": ATHLETE_ANY},
    "calendar/<str:token>.ics": both(PUBLIC),  # the signed, revocable secret is the key
    # conversations
    "coach/athletes/<int:pk>/messages/": {"get": COACH_HERS, "post": THREAD_WRITE},
    "coach/athletes/<int:pk>/messages/read/": post_only(COACH_HERS),
    "me/messages/": both(ATHLETE_ANY),
    # activities
    "me/activities/upload/": {"get": ATHLETE_POST_ONLY, "post": ATHLETE_ANY},
    "coach/athletes/<int:pk>/activities/upload/": post_only(COACH_HERS),
    "me/weeks/<str:week>/workouts.zip": both(ATHLETE_ANY),
    "me/messages/read/": {"get": ATHLETE_POST_ONLY, "post": ATHLETE_ANY},
    # API
    "api/v1/": {"get": API_SIGNED_IN},
    "api/v1/<drf_format_suffix:format>": {"get": API_SIGNED_IN},  # the root, as .json
    "api/v1/me/": {"get": API_SIGNED_IN},
    "api/v1/me/notifications/": {"get": API_SIGNED_IN, "patch": API_SIGNED_IN},
    # POST trades an e-mail and password for a token (open to all); DELETE revokes the token
    # in use (a session has none: 400).
    "api/v1/auth/token/": {"post": PUBLIC, "delete": API_SIGNED_IN},
    "api/v1/^athletes/$": {"get": API_SIGNED_IN, "post": API_COACH_ANY},
    "api/v1/^athletes/(?P<pk>[^/.]+)/$": {
        "get": API_SHARED,
        "patch": API_COACH_HERS,
        "delete": API_COACH_HERS,
    },
    "api/v1/athletes/<int:athlete_id>/clearances/": {"get": API_SHARED, "post": API_COACH_HERS},
    "api/v1/athletes/<int:athlete_id>/assessments/": {"get": API_SHARED, "post": API_COACH_HERS},
    "api/v1/athletes/<int:athlete_id>/checkins/": {"get": API_SHARED, "post": API_SHARED},
    "api/v1/athletes/<int:athlete_id>/symptom-reports/": {"get": API_SHARED, "post": API_SHARED},
    "api/v1/checkins/<int:pk>/": {"get": API_SHARED, "patch": API_SHARED},
    "api/v1/athletes/<int:athlete_id>/plan/": {"get": API_SHARED},
    "api/v1/athletes/<int:athlete_id>/decisions/": {"get": API_COACH_HERS},
    "api/v1/athletes/<int:athlete_id>/messages/": {"get": API_SHARED, "post": API_THREAD_WRITE},
    "api/v1/athletes/<int:athlete_id>/activities/": {"get": API_SHARED, "post": API_SHARED},
    "api/v1/plan-sessions/<int:pk>/workout.fit": {"get": API_SHARED},
    "api/v1/^decisions/(?P<pk>[^/.]+)/$": {"get": API_COACH_HERS},
    "api/v1/^decisions/(?P<pk>[^/.]+)/approve/$": {"post": API_COACH_HERS},
    "api/v1/^decisions/(?P<pk>[^/.]+)/override/$": {"post": API_COACH_HERS},
    "api/v1/^flags/$": {"get": API_COACH_ANY},
    "api/v1/^flags/(?P<pk>[^/.]+)/$": {"get": API_COACH_HERS},
    "api/v1/^flags/(?P<pk>[^/.]+)/acknowledge/$": {"post": API_COACH_HERS},
    "api/v1/^flags/(?P<pk>[^/.]+)/resolve/$": {"post": API_COACH_HERS},
}

REFUSED = {"login", "401", "403", "404", "405"}
PAST_THE_POLICY = {"ok", "moved", "400", "409"}  # what "ok" allows for a write


def matches(expected: str, got: str, method: str) -> bool:
    if expected == "ok" and method != "get":
        return got in PAST_THE_POLICY
    return got == expected


# --- the tests ----------------------------------------------------------------------------------


def test_every_route_has_an_entry():
    routes = our_routes()
    assert len(routes) > 60  # the resolver really was walked
    missing = [
        f"{route.key} {method.upper()}"
        for route in routes
        for method in methods_of(route)
        if method not in EXPECTED.get(route.key, {})
    ]
    assert not missing, (
        "tests/test_isolation_matrix.py has no expected outcome for these routes and methods; "
        "add each to EXPECTED with the row of the policy it follows:\n  " + "\n  ".join(missing)
    )
    stale = sorted(set(EXPECTED) - {route.key for route in routes})
    assert not stale, "EXPECTED names routes that no longer exist: " + ", ".join(stale)


@pytest.mark.django_db
def test_each_visitor_gets_what_the_policy_gives_and_a_refused_write_changes_nothing():
    world = build_world()

    wrong: list[str] = []
    for visit in visit_all(world):
        row = EXPECTED[visit.route][visit.method]
        expected = row[VISITORS.index(visit.visitor)]
        label = f"{visit.visitor:9} {visit.method.upper():6} {visit.route}"
        if not matches(expected, visit.got, visit.method):
            wrong.append(f"{label}: expected {expected}, got {visit.got}")
        if visit.got in REFUSED and visit.wrote:
            wrong.append(f"{label}: refused ({visit.got}) yet wrote {visit.wrote}")
    assert not wrong, "\n".join(wrong)
