"""One access policy (athletes/access.py) guards every page and endpoint of ours, and it says
the same thing whichever way it is asked: a queryset's ``visible_to``, the predicates, the page
decorators, the API's permission classes and the nested-route base."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from rest_framework.views import APIView

from activities.models import Activity
from athletes import access
from athletes.access import (
    AthleteNestedMixin,
    athlete_of,
    athlete_required,
    can_change_athlete,
    can_view_athlete,
    coach_required,
    is_coach_side,
)
from athletes.models import (
    Athlete,
    AthleteScopedQuerySet,
    Clearance,
    Invitation,
    ReadinessAssessment,
    Role,
    User,
)
from checkins.models import CheckInRevision, SymptomReport, WarningFlag, WeeklyCheckIn
from conversations import services as conversation_services
from conversations.models import Message, Thread
from plans import services as plan_services
from plans.models import AuditEntry, CalendarFeed, Decision, Plan, PlannedSession, PlanWeek
from tests.checkins.factories import CheckInFactory
from tests.factories import AssessmentFactory, ClearanceFactory, UserFactory
from web.weeks import monday_of

OUR_APPS = ("athletes", "activities", "checkins", "plans", "conversations", "config")
GUARDED_PAGE_MARKS = {"coach", "athlete", "signed_in"}

# Pages anyone may open, signed in or not. Each is safe without a login for its own reason.
PUBLIC_PAGES = {
    "config.views.landing",  # the marketing page: nothing about anyone
    "config.views.healthz",  # the load balancer's probe: database and broker state only
    "athletes.views.invitation_accept",  # the signed, single-use invitation link is the key
    "plans.views.calendar_feed",  # the signed, revocable secret in the URL is the key
}
# Endpoints that choose their permission per request (get_permissions), and why.
PUBLIC_ENDPOINTS = {
    # POST exchanges an e-mail and password for a token (open, throttled); DELETE revokes
    # the token in use and needs the policy's SignedIn.
    "athletes.api.views.TokenView",
}


def qualified(obj) -> str:
    return f"{obj.__module__}.{obj.__qualname__}"


def all_routes(resolver: URLResolver | None = None, prefix: str = ""):
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            yield from all_routes(pattern, prefix + str(pattern.pattern))
        else:
            assert isinstance(pattern, URLPattern)
            yield prefix + str(pattern.pattern), pattern.callback


def our_routes() -> list[tuple[str, object]]:
    """Every route of our apps and of the API, with its view (a DRF class or a function)."""
    found = []
    for route, callback in all_routes():
        view = getattr(callback, "cls", None) or callback
        if view.__module__.split(".")[0] in OUR_APPS or route.startswith("api/v1/"):
            found.append((route, view))
    return found


ROUTES = our_routes()
API_ROUTES = [(route, view) for route, view in ROUTES if isinstance(view, type)]
PAGE_ROUTES = [(route, view) for route, view in ROUTES if not isinstance(view, type)]


def test_the_walk_finds_every_part_of_the_site():
    modules = {view.__module__ for _, view in ROUTES}

    assert {
        "activities.views",
        "activities.api.views",
        "athletes.views",
        "athletes.api.views",
        "checkins.views",
        "checkins.api.views",
        "plans.views",
        "plans.api.views",
        "conversations.views",
        "conversations.api.views",
        "config.views",
    } <= modules
    assert len(PAGE_ROUTES) >= 30
    assert len(API_ROUTES) >= 20


def test_the_allow_lists_name_only_views_that_exist():
    names = {qualified(view) for _, view in ROUTES}

    assert names >= PUBLIC_PAGES | PUBLIC_ENDPOINTS


@pytest.mark.parametrize(("route", "view"), PAGE_ROUTES, ids=[r for r, _ in PAGE_ROUTES])
def test_every_page_is_guarded_by_the_policy_or_public_on_purpose(route, view):
    mark = getattr(view, access.PAGE_MARKER, None)

    if qualified(view) in PUBLIC_PAGES:
        assert mark is None, f"{route} is guarded; take it off the public list"
    else:
        assert mark in GUARDED_PAGE_MARKS, f"{route} is not guarded by athletes.access"


@pytest.mark.parametrize(("route", "view"), API_ROUTES, ids=[r for r, _ in API_ROUTES])
def test_every_endpoint_takes_its_permissions_from_the_policy(route, view):
    classes = list(view.permission_classes)

    assert classes, f"{route} has no permission class"
    assert {cls.__module__ for cls in classes} == {"athletes.access"}, route
    if qualified(view) not in PUBLIC_ENDPOINTS:
        # Nothing swaps the classes for others at request time.
        assert view.get_permissions is APIView.get_permissions, route


@pytest.mark.parametrize(("route", "view"), API_ROUTES, ids=[r for r, _ in API_ROUTES])
def test_every_route_under_an_athlete_is_built_on_the_nested_base(route, view):
    under_an_athlete = "<int:athlete_id>" in route

    assert issubclass(view, AthleteNestedMixin) == under_an_athlete, route


# --- visible_to, over every athlete-scoped model ----------------------------------------------


def records_of(athlete: Athlete, coach: User) -> None:
    """One row of every model that hangs off an athlete."""
    ClearanceFactory(athlete=athlete)
    AssessmentFactory(athlete=athlete)
    Invitation.objects.create(
        athlete=athlete,
        email=athlete.email,
        secret_hash=f"{athlete.pk:064d}",
        created_by=coach,
        expires_at=timezone.now() + timedelta(days=14),
    )
    checkin = CheckInFactory(athlete=athlete)
    CheckInRevision.objects.create(checkin=checkin, values={"mood": 3}, changed_fields=["mood"])
    WarningFlag.objects.create(
        athlete=athlete,
        checkin=checkin,
        rule="pain",
        severity="medium",
        week=checkin.week,
        summary="Pain 3/10",
    )
    SymptomReport.objects.create(
        athlete=athlete, reported_at=timezone.now(), week=checkin.week, leakage=True
    )
    plan_services.plan_start(athlete=athlete, by=coach)  # plan, week, sessions, audit entry
    Decision.objects.create(
        athlete=athlete,
        week=monday_of(athlete.today()) + timedelta(weeks=1),
        action="hold",
        from_stage="walk",
        from_level=1,
        to_stage="walk",
        to_level=1,
        summary="Hold.",
        protocol_version="1",
        computed_at=timezone.now(),
    )
    plan_services.calendar_feed(athlete=athlete)
    Activity.objects.create(
        athlete=athlete,
        started_at=timezone.now() - timedelta(days=1),
        local_date=athlete.today() - timedelta(days=1),
        sport="run",
        elapsed_seconds=1800,
        moving_seconds=1700,
        distance_m=4000,
        elevation_gain_m=20,
        run_seconds=1200,
        walk_seconds=500,
    )
    conversation_services.message_post(athlete=athlete, by=coach, body="How did it feel?")


SHARED_WITH_HER = (
    Athlete,
    Activity,
    Clearance,
    ReadinessAssessment,
    WeeklyCheckIn,
    SymptomReport,
    Plan,
    PlanWeek,
    PlannedSession,
    CalendarFeed,
    Message,
)
KEPT_FOR_THE_COACH = (Invitation, CheckInRevision, WarningFlag, Decision, AuditEntry, Thread)
SCOPED_MODELS = SHARED_WITH_HER + KEPT_FOR_THE_COACH


@pytest.fixture
def staff_athlete(db) -> User:
    """A staff member whose own role is athlete: staff count as the coach side all the same."""
    return UserFactory(role=Role.ATHLETE, is_staff=True, email="staff-athlete@example.org")


@pytest.fixture
def unlinked_athlete_user(db) -> User:
    return UserFactory(role=Role.ATHLETE, email="nobody@example.org")


@pytest.fixture
def world(coach, other_coach, athlete, other_athlete) -> dict[str, Athlete]:
    records_of(athlete, coach)
    records_of(other_athlete, other_coach)
    return {"mine": athlete, "theirs": other_athlete}


# Whose rows each person sees: (of a model she may see, of a model kept for the coach).
EXPECTED = {
    "coach": ({"mine"}, {"mine"}),
    "other_coach": ({"theirs"}, {"theirs"}),
    "athlete_user": ({"mine"}, set()),
    "other_athlete_user": ({"theirs"}, set()),
    "staff": ({"mine", "theirs"}, {"mine", "theirs"}),
    "staff_athlete": ({"mine", "theirs"}, {"mine", "theirs"}),
    "unlinked_athlete_user": (set(), set()),
    "anonymous": (set(), set()),
}


def person(request, who: str):
    return AnonymousUser() if who == "anonymous" else request.getfixturevalue(who)


def test_every_athlete_scoped_model_uses_the_policy_queryset():
    for model in SCOPED_MODELS:
        assert isinstance(model.objects.all(), AthleteScopedQuerySet), model.__name__
    assert {m for m in SCOPED_MODELS if m.objects.all().coach_side_only} == set(KEPT_FOR_THE_COACH)


@pytest.mark.parametrize("model", SCOPED_MODELS, ids=lambda m: m.__name__)
@pytest.mark.parametrize("who", list(EXPECTED))
def test_each_person_sees_exactly_the_rows_the_policy_gives_her(request, world, model, who):
    user = person(request, who)
    shared, coach_only = EXPECTED[who]
    expected = coach_only if model in KEPT_FOR_THE_COACH else shared

    rows = list(model.objects.visible_to(user))

    owners = {name for name, a in world.items() if any(athlete_of(r) == a for r in rows)}
    assert owners == expected
    assert all(athlete_of(r) in world.values() for r in rows)


@pytest.mark.parametrize("model", KEPT_FOR_THE_COACH, ids=lambda m: m.__name__)
def test_what_is_kept_for_the_coach_costs_an_athlete_no_query(
    world, athlete_user, model, django_assert_num_queries
):
    with django_assert_num_queries(0):
        assert list(model.objects.visible_to(athlete_user)) == []


@pytest.mark.parametrize("who", list(EXPECTED))
def test_the_predicates_agree_with_the_querysets(request, world, who):
    user = person(request, who)
    visible = set(Athlete.objects.visible_to(user))

    for athlete in world.values():
        assert can_view_athlete(user, athlete) == (athlete in visible)
        assert can_change_athlete(user, athlete) == (athlete in visible and is_coach_side(user))
        assert can_view_athlete(user, athlete, coach_side_only=True) == (
            athlete in visible and is_coach_side(user)
        )


@pytest.mark.parametrize("who", list(EXPECTED))
def test_only_she_and_her_coach_write_in_her_conversation(request, world, who):
    user = person(request, who)
    writers = {"mine": {"coach", "athlete_user"}, "theirs": {"other_coach", "other_athlete_user"}}

    for name, athlete in world.items():
        assert access.can_write_conversation(user, athlete) == (who in writers[name])


def test_a_planned_session_leads_back_to_her_through_its_week_and_plan(world):
    session = PlannedSession.objects.visible_to(world["mine"].coach).first()

    assert athlete_of(session) == world["mine"]


# --- The page decorators ----------------------------------------------------------------------


def ok(request) -> HttpResponse:
    return HttpResponse("ok")


def page_request(user):
    request = RequestFactory().get("/somewhere/")
    request.user = user
    return request


@pytest.mark.parametrize(
    ("who", "coach_page", "athlete_page"),
    [
        ("coach", 200, 403),
        ("staff", 200, 403),
        ("staff_athlete", 200, 200),
        ("athlete_user", 403, 200),
        ("anonymous", 302, 302),
    ],
)
def test_the_page_walls_follow_the_same_sides_as_the_api(request, who, coach_page, athlete_page):
    user = person(request, who)

    def status(decorator) -> int:
        try:
            return decorator(ok)(page_request(user)).status_code
        except PermissionDenied:
            return 403

    assert (status(coach_required), status(athlete_required)) == (coach_page, athlete_page)


def test_a_signed_out_visitor_is_sent_to_log_in_and_back():
    response = coach_required(ok)(page_request(AnonymousUser()))

    assert response["Location"] == f"{reverse('account_login')}?next=/somewhere/"


def test_staff_are_the_coach_side_on_pages_and_in_the_api_alike(client, staff_athlete, world):
    # Before the policy was one, pages let only the coach role in while the API let staff in.
    client.force_login(staff_athlete)

    page = client.get(reverse("plans:athlete_overview", args=[world["theirs"].pk]))
    api = client.get(reverse("api:athlete-decisions", args=[world["theirs"].pk]))

    assert (page.status_code, api.status_code) == (200, 200)
    assert api.json()["count"] == 1


# --- The nested routes ------------------------------------------------------------------------

NESTED = [
    "clearances",
    "assessments",
    "checkins",
    "symptom-reports",
    "plan",
    "decisions",
    "messages",
]
NESTED_WRITES = ["clearances", "assessments", "checkins", "symptom-reports", "messages"]


def nested_url(name: str, athlete: Athlete) -> str:
    return reverse(f"api:athlete-{name}", args=[athlete.pk])


def row_counts() -> dict[str, int]:
    return {m.__name__: m.objects.count() for m in SCOPED_MODELS}


@pytest.mark.parametrize("name", NESTED)
def test_another_coachs_athlete_is_not_found_under_any_nested_route(other_coach_api, world, name):
    response = other_coach_api.get(nested_url(name, world["mine"]))

    assert response.status_code == 404


@pytest.mark.parametrize("name", NESTED_WRITES)
@pytest.mark.parametrize("body", [{}, {"week": "not a date", "cleared_on": 7}])
def test_writing_under_another_coachs_athlete_is_404_whatever_the_body(
    other_coach_api, world, name, body
):
    before = row_counts()

    response = other_coach_api.post(nested_url(name, world["mine"]), body, format="json")

    assert response.status_code == 404
    assert row_counts() == before


@pytest.mark.parametrize("name", ["clearances", "assessments"])
def test_an_athlete_writing_a_coachs_record_about_herself_gets_403(athlete_api, world, name):
    before = row_counts()

    response = athlete_api.post(nested_url(name, world["mine"]), {}, format="json")

    assert response.status_code == 403
    assert row_counts() == before


@pytest.mark.parametrize("name", ["checkins", "symptom-reports", "messages"])
def test_another_athlete_is_not_found_under_her_reports(other_athlete_api, world, name):
    response = other_athlete_api.get(nested_url(name, world["mine"]))

    assert response.status_code == 404
