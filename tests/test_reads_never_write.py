"""A read never writes (SPEC §11, STYLE "Time"): every GET of every route of the site — pages,
the API, allauth, the admin — as every kind of visitor, runs no INSERT, UPDATE or DELETE.

The routes are discovered from the URL resolver, so a new route is covered the day it is added.
A route with parameters needs a recipe below that fills them with the ids of real objects of
the world built here; a route without one fails ``test_every_route_with_parameters_has_a_recipe``
loudly, naming it, and so does a recipe whose ids reach nobody (each route must answer below
400 to at least one visitor, unless it is listed in ``NOT_FOR_GET`` with the reason).

Writes a read may do, and why, are in ``tests/sql.py`` (``IGNORED_WRITES``): only ending a
session (allauth's confirmation link signs out someone else); not even saving one, since the
sliding session is renewed at most once a day (web.sessions).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta

import pytest
from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from allauth.account.utils import user_pk_to_url_str
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.apps import apps
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.contrib.sites.models import Site
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.utils import timezone
from django.utils.regex_helper import normalize

from activities import services as activity_services
from activities.sources import UploadedFiles
from athletes import services as athlete_services
from athletes.models import ApiToken, Athlete, Role, SecurityPolicy, User
from checkins import services as checkin_services
from checkins.models import CheckInRevision, EmailLog, SymptomReport, WarningFlag, WeeklyCheckIn
from conversations import services as conversation_services
from plans import services as plan_services
from plans.models import Decision, PlanWeek
from tests.activities.files import RUN_WALK_8, fit_activity
from tests.athletes.samples import PNG
from tests.checkins.factories import CheckInFactory
from tests.factories import AssessmentFactory, AthleteFactory
from tests.sql import written_tables
from web.weeks import monday_of

# --- the routes ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    chain: tuple  # the resolvers and the pattern, from the root down
    key: str  # the route as written, prefixes joined: "coach/athletes/<int:pk>/"

    @property
    def pattern(self) -> URLPattern:
        return self.chain[-1]

    @property
    def params(self) -> frozenset[str]:
        names: set[str] = set()
        for part in self.chain:
            names |= set(part.pattern.regex.groupindex)
        return frozenset(names)

    def url(self, kwargs: dict) -> str:
        """The path this route answers for these parameters (Django's own reverse, pattern by
        pattern, so that unnamed patterns work too)."""
        path = "/"
        for part in self.chain:
            wanted = set(part.pattern.regex.groupindex)
            converters = getattr(part.pattern, "converters", {})
            values = {
                name: converters[name].to_url(kwargs[name]) if name in converters else kwargs[name]
                for name in wanted
            }
            template = next(
                t for t, names in normalize(part.pattern.regex.pattern) if set(names) == wanted
            )
            path += template % {k: str(v) for k, v in values.items()}
        return path


def all_routes() -> list[Route]:
    def walk(resolver: URLResolver, chain: tuple) -> Iterator[Route]:
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                yield from walk(entry, (*chain, entry))
            else:
                parts = (*chain, entry)
                yield Route(parts, "".join(str(p.pattern) for p in parts))

    return list(walk(get_resolver(), ()))


# DRF's format-suffix twin of a route ("athletes/(?P<pk>…)\.(?P<format>…)/?$") shares the
# recipe of the route itself, with format=json.
_FORMAT_SUFFIX = re.compile(r"\\\.\(\?P<format>\[a-z0-9\]\+\)/\?\$$")


def recipe_key(route: Route) -> str:
    return _FORMAT_SUFFIX.sub("/$", route.key)


# --- the world ----------------------------------------------------------------------------------


@dataclass
class World:
    coach: User
    other_coach: User
    athlete_user: User
    staff: User
    superuser: User
    athlete: Athlete
    invited: Athlete
    checkin: WeeklyCheckIn
    report: SymptomReport
    flag: WarningFlag
    decision: Decision
    plan_week: PlanWeek
    clearance_id: int
    calendar_token: str
    invitation_token: str
    email_key: str
    reset_uidb36: str
    reset_key: str
    coach_token: str


def build_world() -> World:
    """Her coach, another coach and his athlete, staff and a superuser; she has a plan, a
    clearance with a document, an assessment, last week's check-in (edited once) with a
    flag, a pending decision and a calendar link; another athlete has a pending invitation."""
    password = "correct-horse-battery"
    # Its migration creates the one row, but a transactional test elsewhere may have flushed it.
    SecurityPolicy.objects.get_or_create(pk=SecurityPolicy.SINGLETON_PK)
    coach = User.objects.create_user("coach@example.org", password, role=Role.COACH, name="Cora")
    other_coach = User.objects.create_user(
        "other@example.org", password, role=Role.COACH, name="Oli"
    )
    athlete_user = User.objects.create_user(
        "athlete@example.org", password, role=Role.ATHLETE, name="Anna"
    )
    staff = User.objects.create_user(
        "staff@example.org", password, role=Role.COACH, name="Sam", is_staff=True
    )
    superuser = User.objects.create_superuser("admin@example.org", password, name="Ada")
    address = EmailAddress.objects.create(
        user=coach, email=coach.email, verified=False, primary=True
    )
    athlete = AthleteFactory(
        coach=coach, user=athlete_user, first_name="Anna", email=athlete_user.email
    )
    other_user = User.objects.create_user("bea@example.org", password, role=Role.ATHLETE)
    other = AthleteFactory(coach=other_coach, user=other_user, email=other_user.email)
    CheckInFactory(athlete=other, week=monday_of(other.today()) - timedelta(weeks=1))

    clearance = athlete_services.clearance_create(
        athlete=athlete,
        data={
            "cleared_on": athlete.today() - timedelta(days=3),
            "clinician_name": "Dr Jo Reid",
            "clinician_role": "gp",
            "scope": "running",
        },
        document=SimpleUploadedFile("letter.png", PNG, content_type="image/png"),
        by=coach,
    )
    AssessmentFactory(athlete=athlete)
    last_monday = monday_of(athlete.today()) - timedelta(weeks=1)
    checkin = CheckInFactory(athlete=athlete, week=last_monday, pain=4)
    CheckInRevision.objects.create(
        checkin=checkin, values={"pain": 3}, changed_fields=["pain"], revised_by=athlete_user
    )
    flag = WarningFlag.objects.create(
        athlete=athlete,
        checkin=checkin,
        rule="pain",
        severity="medium",
        week=last_monday,
        summary="Pain 4/10 reported.",
        evidence={"pain": 4},
    )
    report = checkin_services.symptom_report_submit(
        athlete=athlete, data={"urgency": True, "pain": 3}, by=athlete_user
    )
    decision = plan_services.decision_compute(
        athlete=athlete, for_week=monday_of(athlete.today()) + timedelta(weeks=1)
    )
    calendar_token = plan_services.calendar_token(plan_services.calendar_feed(athlete=athlete))
    activity_services.activities_import(
        athlete=athlete,
        source=UploadedFiles(
            [
                SimpleUploadedFile(
                    "run.fit", fit_activity(timezone.now() - timedelta(days=1), RUN_WALK_8)
                )
            ]
        ),
        by=athlete_user,
    )
    # Her thread, with an unread message each way (a GET must not mark them read).
    conversation_services.message_post(
        athlete=athlete, by=coach, body="How did the long walk feel?", checkin=checkin
    )
    conversation_services.message_post(
        athlete=athlete, by=athlete_user, body="Easier than I thought!"
    )

    invited = AthleteFactory(coach=coach, first_name="Ines", email="ines@example.org")
    tokens: list[str] = []
    athlete_services.invitation_send(
        athlete=invited, by=coach, accept_url=lambda token: tokens.append(token) or token
    )
    _, raw_token = athlete_services.api_token_create(user=coach, name="integration")
    # Used a moment ago: the next use the same day must not write (a GET writes nothing).
    ApiToken.objects.update(last_used_at=timezone.now())

    # A row of every model the admin shows, so that each of its object pages is requested.
    Group.objects.create(name="Clinical reviewers")
    Site.objects.get_or_create(pk=1, defaults={"domain": "testserver", "name": "Stridewise"})
    TOTP.activate(superuser, generate_totp_secret())
    RecoveryCodes.activate(superuser)
    EmailLog.objects.create(kind="digest", user=coach, key=str(timezone.localdate()))

    # Each account has its allauth EmailAddress, as the way it was made gives it one: coaches
    # sign up through allauth, athletes accept an invitation, staff are added in the admin,
    # the superuser comes from createsuperuser (create_superuser above).
    for user in (other_coach, athlete_user, other_user):
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    athlete_services.account_email_ensure(user=staff)
    return World(
        coach=coach,
        other_coach=other_coach,
        athlete_user=athlete_user,
        staff=staff,
        superuser=superuser,
        athlete=athlete,
        invited=invited,
        checkin=checkin,
        report=report,
        flag=flag,
        decision=decision,
        plan_week=athlete.plan.weeks.get(),
        clearance_id=clearance.pk,
        calendar_token=calendar_token,
        invitation_token=tokens[0],
        email_key=EmailConfirmationHMAC(address).key,
        reset_uidb36=user_pk_to_url_str(coach),
        reset_key=default_token_generator.make_token(coach),
        coach_token=raw_token,
    )


# --- recipes: how to fill each route's parameters -----------------------------------------------

# A recipe returns the variants to request: each a dict of URL parameters, with optionally
# "?" for a query string.
Recipe = Callable[[World], list[dict]]

RECIPES: dict[str, Recipe] = {
    # athletes
    "coach/athletes/<int:pk>/edit/": lambda w: [{"pk": w.athlete.pk}],
    "coach/athletes/<int:pk>/archive/": lambda w: [{"pk": w.athlete.pk}],
    "coach/athletes/<int:pk>/erase/": lambda w: [{"pk": w.athlete.pk}],
    "coach/athletes/<int:pk>/access-log/": lambda w: [
        {"pk": w.athlete.pk},
        {"pk": w.athlete.pk, "?": {"page": "2"}},
    ],
    "coach/athletes/<int:pk>/clearances/new/": lambda w: [{"pk": w.athlete.pk}],
    "coach/athletes/<int:pk>/assessments/new/": lambda w: [{"pk": w.athlete.pk}],
    "coach/athletes/<int:pk>/invite/": lambda w: [{"pk": w.invited.pk}],
    "documents/clearances/<int:pk>/": lambda w: [{"pk": w.clearance_id}],
    "invite/<str:token>/": lambda w: [{"token": w.invitation_token}, {"token": "not-a-token"}],
    # checkins
    "me/checkins/<int:pk>/edit/": lambda w: [{"pk": w.checkin.pk}],
    "me/checkins/<int:pk>/done/": lambda w: [{"pk": w.checkin.pk}],
    "coach/athletes/<int:pk>/checkins/new/": lambda w: [{"pk": w.athlete.pk}],
    "coach/athletes/<int:pk>/checkins.csv": lambda w: [{"pk": w.athlete.pk}],
    "coach/checkins/<int:pk>/": lambda w: [{"pk": w.checkin.pk}],
    "coach/checkins/<int:pk>/edit/": lambda w: [{"pk": w.checkin.pk}],
    "coach/flags/<int:pk>/acknowledge/": lambda w: [{"pk": w.flag.pk}],
    "me/symptoms/<int:pk>/": lambda w: [{"pk": w.report.pk}],
    "coach/athletes/<int:pk>/symptoms/new/": lambda w: [{"pk": w.athlete.pk}],
    "coach/flags/<int:pk>/resolve/": lambda w: [{"pk": w.flag.pk}],
    # activities
    "coach/athletes/<int:pk>/activities/upload/": lambda w: [{"pk": w.athlete.pk}],
    # plans
    "coach/athletes/<int:pk>/": lambda w: [{"pk": w.athlete.pk}],
    "coach/athletes/<int:pk>/weeks/<str:week>/edit/": lambda w: [
        {"pk": w.athlete.pk, "week": w.plan_week.week.isoformat()}
    ],
    "coach/decisions/<int:pk>/approve/": lambda w: [{"pk": w.decision.pk}],
    "coach/decisions/<int:pk>/override/": lambda w: [{"pk": w.decision.pk}],
    "coach/athletes/<int:pk>/export.json": lambda w: [{"pk": w.athlete.pk}],
    "calendar/<str:token>.ics": lambda w: [{"token": w.calendar_token}],
    "me/weeks/<str:week>/workouts.zip": lambda w: [{"week": w.plan_week.week.isoformat()}],
    # conversations
    "coach/athletes/<int:pk>/messages/": lambda w: [
        {"pk": w.athlete.pk},
        {"pk": w.athlete.pk, "?": {"checkin": w.checkin.pk}},
        {"pk": w.athlete.pk, "?": {"before": "999999"}},
    ],
    "coach/athletes/<int:pk>/messages/read/": lambda w: [{"pk": w.athlete.pk}],
    # API
    "api/v1/athletes/<int:athlete_id>/clearances/": lambda w: [{"athlete_id": w.athlete.pk}],
    "api/v1/athletes/<int:athlete_id>/assessments/": lambda w: [{"athlete_id": w.athlete.pk}],
    "api/v1/athletes/<int:athlete_id>/checkins/": lambda w: [{"athlete_id": w.athlete.pk}],
    "api/v1/athletes/<int:athlete_id>/symptom-reports/": lambda w: [{"athlete_id": w.athlete.pk}],
    "api/v1/checkins/<int:pk>/": lambda w: [{"pk": w.checkin.pk}],
    "api/v1/athletes/<int:athlete_id>/activities/": lambda w: [{"athlete_id": w.athlete.pk}],
    "api/v1/athletes/<int:athlete_id>/plan/": lambda w: [{"athlete_id": w.athlete.pk}],
    "api/v1/plan-sessions/<int:pk>/workout.fit": lambda w: [
        {"pk": w.plan_week.sessions.filter(kind__in=["walk", "run_walk", "run"]).first().pk}
    ],
    "api/v1/athletes/<int:athlete_id>/decisions/": lambda w: [{"athlete_id": w.athlete.pk}],
    "api/v1/athletes/<int:athlete_id>/messages/": lambda w: [{"athlete_id": w.athlete.pk}],
    "api/v1/^athletes/(?P<pk>[^/.]+)/$": lambda w: [{"pk": w.athlete.pk}],
    "api/v1/^decisions/(?P<pk>[^/.]+)/$": lambda w: [{"pk": w.decision.pk}],
    "api/v1/^decisions/(?P<pk>[^/.]+)/approve/$": lambda w: [{"pk": w.decision.pk}],
    "api/v1/^decisions/(?P<pk>[^/.]+)/override/$": lambda w: [{"pk": w.decision.pk}],
    "api/v1/^flags/(?P<pk>[^/.]+)/$": lambda w: [{"pk": w.flag.pk}],
    "api/v1/^flags/(?P<pk>[^/.]+)/acknowledge/$": lambda w: [{"pk": w.flag.pk}],
    "api/v1/^flags/(?P<pk>[^/.]+)/resolve/$": lambda w: [{"pk": w.flag.pk}],
    "api/v1/<drf_format_suffix:format>": lambda w: [{"format": "json"}],
    # allauth
    "accounts/^confirm-email/(?P<key>[-:\\w]+)/$": lambda w: [{"key": w.email_key}],
    "accounts/^password/reset/key/(?P<uidb36>[0-9A-Za-z]+)-(?P<key>.+)/$": lambda w: [
        {"uidb36": w.reset_uidb36, "key": w.reset_key}
    ],
    # Routes without parameters, with the query strings that change what they read.
    "coach/": lambda w: [
        {},
        {"?": {"q": "anna", "stage": "walk", "flagged": "1", "due": "1", "archived": "1"}},
        {"?": {"page": "2"}},
    ],
    "me/checkin/": lambda w: [{}, {"?": {"week": w.checkin.week.isoformat()}}],
    "api/v1/^flags/$": lambda w: [
        {},
        {"?": {"status": "open", "severity": "medium", "athlete": w.athlete.pk, "rule": "pain"}},
    ],
    "api/v1/^athletes/$": lambda w: [{}, {"?": {"archived": "false"}}],
    "admin/autocomplete/": lambda w: [
        {},
        {
            "?": {
                "app_label": "athletes",
                "model_name": "clearance",
                "field_name": "athlete",
                "term": "An",
            }
        },
    ],
}

# Routes that no GET reaches, by design: each still must answer without writing.
NOT_FOR_GET = {
    "admin/activities/activity/add/": "activities come from her files",
    "admin/conversations/message/add/": "messages are written in the product, never the admin",
    "admin/conversations/message/<path:object_id>/delete/": "staff only read threads",
    "admin/conversations/thread/add/": "threads start with their first message",
    "admin/conversations/thread/<path:object_id>/delete/": "staff only read threads",
    "api/v1/auth/token/": "POST and DELETE only",
    "api/v1/^decisions/(?P<pk>[^/.]+)/approve/$": "POST only",
    "api/v1/^decisions/(?P<pk>[^/.]+)/override/$": "POST only",
    "api/v1/^flags/(?P<pk>[^/.]+)/acknowledge/$": "POST only",
    "api/v1/^flags/(?P<pk>[^/.]+)/resolve/$": "POST only",
    "admin/r/<path:content_type_id>/<path:object_id>/": "no model of ours has get_absolute_url",
    "admin/(?P<url>.*)$": "the admin's catch-all answers 404 for unknown pages",
    "admin/athletes/apitoken/add/": "tokens are issued through the API only",
    "admin/athletes/securitypolicy/add/": "one row, created by its migration",
    "admin/athletes/securitypolicy/<path:object_id>/delete/": "the policy is never deleted",
    "admin/plans/decision/add/": "decisions come from the engine",
    "admin/plans/auditentry/add/": "the audit trail is append-only",
    "admin/auditlog/logentry/add/": "the access log is append-only",
    "admin/auditlog/logentry/<path:object_id>/delete/": "the access log is append-only",
    "admin/checkins/symptomreport/add/": "she (or her coach) reports symptoms in the product",
    "admin/athletes/outgoingemail/add/": "e-mails are written by the product",
    "admin/plans/auditentry/<path:object_id>/delete/": "the audit trail is append-only",
}

_ADMIN_OBJECT = re.compile(r"^admin/(?P<app>\w+)/(?P<model>\w+)/<(?:path:)?(?:object_id|id)>/")


def admin_variants(route: Route, world: World) -> list[dict] | None:
    """The admin's routes, generically: an object route gets the first row of its model (the
    world holds one of each), the app index each app, the catch-all an unknown page."""
    params = route.params
    if not params:
        return [{}]
    if params == {"app_label"}:
        return [{"app_label": label} for label in sorted(_app_labels())]
    if params == {"content_type_id", "object_id"}:
        return [
            {
                "content_type_id": ContentType.objects.get_for_model(Athlete).pk,
                "object_id": world.athlete.pk,
            }
        ]
    if params == {"url"}:
        return [{"url": "no-such-page/"}]
    match = _ADMIN_OBJECT.match(route.key)
    if match is None or len(params) != 1:
        return None
    model = apps.get_model(match["app"], match["model"])
    first = model._default_manager.order_by("pk").first()
    assert first is not None, f"add a {model._meta.label} to build_world() for {route.key}"
    return [{next(iter(params)): first.pk}]


def _app_labels() -> set[str]:
    from django.contrib import admin

    return {model._meta.app_label for model in admin.site._registry}


def variants(route: Route, world: World) -> list[dict] | None:
    """What to request for this route, or None when nobody said how to fill it."""
    key = recipe_key(route)
    if key in RECIPES:
        found = RECIPES[key](world)
    elif route.key.startswith("admin/"):
        found = admin_variants(route, world)
    elif not route.params:
        found = [{}]
    else:
        return None
    if found is not None and "format" in route.params and key != route.key:
        found = [{**v, "format": "json"} for v in found]
    return found


def has_recipe(route: Route) -> bool:
    key = recipe_key(route)
    if key in RECIPES or not route.params:
        return True
    if route.key.startswith("admin/"):
        return route.params in (
            {"app_label"},
            {"content_type_id", "object_id"},
            {"url"},
        ) or bool(_ADMIN_OBJECT.match(route.key) and len(route.params) == 1)
    return False


# --- who asks -----------------------------------------------------------------------------------

VISITORS = ("anonymous", "coach", "other_coach", "athlete", "staff", "superuser", "coach_token")


def client_for(visitor: str, world: World) -> Client:
    client = Client(raise_request_exception=False)
    users = {
        "coach": world.coach,
        "other_coach": world.other_coach,
        "athlete": world.athlete_user,
        "staff": world.staff,
        "superuser": world.superuser,
    }
    if visitor in users:
        client.force_login(users[visitor])
    elif visitor == "coach_token":
        client.defaults["HTTP_AUTHORIZATION"] = f"Token {world.coach_token}"
    return client


LOGIN_PAGES = ("/accounts/login/", "/admin/login/")


def outcome(response) -> str:
    """ "read" when the view did its work (a page, or a redirect of its own); otherwise the
    status, with a redirect to a login page counted as turned away."""
    if 200 <= response.status_code < 300:
        return "read"
    if 300 <= response.status_code < 400:
        if response["Location"].startswith(LOGIN_PAGES):
            return "login"
        return "read"
    return str(response.status_code)


# --- the tests ----------------------------------------------------------------------------------


def test_every_route_with_parameters_has_a_recipe():
    routes = all_routes()
    missing = sorted(r.key for r in routes if not has_recipe(r))
    assert not missing, (
        "These routes take parameters but tests/test_reads_never_write.py does not know how to "
        "fill them: add a recipe to RECIPES (with the ids of real objects) for each:\n  "
        + "\n  ".join(missing)
    )
    keys = {recipe_key(r) for r in routes}
    stale = sorted((set(RECIPES) | set(NOT_FOR_GET)) - keys)
    assert not stale, "Recipes for routes that no longer exist: " + ", ".join(stale)


@pytest.mark.django_db
def test_the_write_detector_sees_every_kind_of_write():
    with CaptureQueriesContext(connection) as queries:
        Group.objects.create(name="Someone")
        Group.objects.filter(name="Someone").update(name="Another")
        Group.objects.filter(name="Another").delete()
    caught = [(table, sql.split()[0].upper()) for table, sql in written_tables(queries)]
    for verb in ("INSERT", "UPDATE", "DELETE"):
        assert ("auth_group", verb) in caught


@pytest.mark.django_db
def test_no_get_request_writes_anything():
    world = build_world()
    routes = all_routes()
    assert len(routes) > 150  # the resolver really was walked

    writes: list[str] = []
    errors: list[str] = []
    outcomes: dict[str, set[str]] = {}
    for route in routes:
        found = variants(route, world)
        assert found is not None, f"no recipe for {route.key}"
        for variant in found:
            query = variant.get("?", {})
            url = route.url({k: v for k, v in variant.items() if k != "?"})
            assert resolve(url).func == route.pattern.callback, f"{url} resolves elsewhere"
            for visitor in VISITORS:
                client = client_for(visitor, world)
                # The log keeps 9,000 queries: past that a capture would see none. Start afresh.
                connection.queries_log.clear()
                with CaptureQueriesContext(connection) as queries:
                    response = client.get(url, query)
                outcomes.setdefault(recipe_key(route), set()).add(outcome(response))
                if response.status_code >= 500:
                    errors.append(f"{visitor} GET {url}: {response.status_code}")
                writes += [
                    f"{visitor} GET {url}: {table}: {sql}" for table, sql in written_tables(queries)
                ]

    unreached = sorted(
        f"{key} answered only {sorted(seen)}"
        for key, seen in outcomes.items()
        if key not in NOT_FOR_GET and "read" not in seen
    )
    answered = sorted(key for key in NOT_FOR_GET if "read" in outcomes[key])
    report = []
    for title, lines in (
        ("GET requests wrote to the database:", writes),
        ("GET requests failed:", errors),
        (
            "No visitor got past these routes, so nothing was read there: fix the recipe's ids, "
            "or list the route in NOT_FOR_GET with the reason:",
            unreached,
        ),
        ("Listed in NOT_FOR_GET, yet they answered a GET:", answered),
    ):
        if lines:
            report += [title, *(f"  {line}" for line in lines)]
    assert not report, "\n".join(report)
