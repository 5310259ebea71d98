"""Every route that answers a visitor who is not signed in is rate limited (web/ratelimit.py).

The walk below asks every route of the site, anonymously, by GET and by POST. A route that
neither sends the visitor to sign in nor refuses her (401, 403, 405) must be listed here: with
the limit that holds it (and a test that reaches the limit), or as open on purpose (nothing to
guess, nothing written). A new unauthenticated route added without either fails the walk.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from itertools import count
from urllib.parse import urlsplit

import pytest
from django.http import HttpResponse
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, path

from athletes.models import ApiToken
from athletes.services import api_token_create

pytestmark = pytest.mark.django_db

TOKEN = "/api/v1/auth/token/"
LOGIN = "/accounts/login/"
# Where a visitor is sent to prove who she is.
SIGN_IN_PATHS = {LOGIN, "/admin/login/", "/accounts/login/code/"}

_unique = count()


def fresh_email() -> str:
    return f"visitor{next(_unique)}@example.org"


def guess(client: Client, email: str, password: str = "wrong-guess-1", **extra):  # noqa: S107
    return client.post(TOKEN, {"email": email, "password": password}, **extra)


# route pattern -> (sample path, method, body, how many pass before the 429)
LIMITED: dict[str, tuple[str, str, Callable[[], dict], int]] = {
    # Failed sign-ins per address (10 a minute) come before all sign-ins (30 a minute).
    "accounts/login/": (LOGIN, "post", lambda: {"login": fresh_email(), "password": "x"}, 10),
    "accounts/signup/": ("/accounts/signup/", "post", lambda: {"email": fresh_email()}, 20),
    "accounts/password/reset/": (
        "/accounts/password/reset/",
        "post",
        lambda: {"email": fresh_email()},
        20,
    ),
    "accounts/^password/reset/key/(?P<uidb36>[0-9A-Za-z]+)-(?P<key>.+)/$": (
        "/accounts/password/reset/key/1-abc/",
        "post",
        lambda: {"password1": "x", "password2": "x"},
        20,
    ),
    "accounts/login/code/": ("/accounts/login/code/", "post", lambda: {"email": fresh_email()}, 20),
    "accounts/login/code/confirm/": ("/accounts/login/code/confirm/", "post", dict, 20),
    "accounts/2fa/authenticate/": ("/accounts/2fa/authenticate/", "post", dict, 20),
    "accounts/^confirm-email/(?P<key>[-:\\w]+)/$": (
        "/accounts/confirm-email/abc/",
        "get",
        dict,
        20,
    ),
    "invite/<str:token>/": ("/invite/abc/", "get", dict, 20),
    "calendar/<str:token>.ics": ("/calendar/abc.ics", "get", dict, 30),
    # Failed sign-ins per address (10 a minute) come before all sign-ins (30 a minute).
    "api/v1/auth/token/": (TOKEN, "post", lambda: {"email": fresh_email(), "password": "x"}, 10),
}
# Open to anyone on purpose: nothing secret to guess, nothing written.
OPEN = {
    "": "the landing page",
    "home/": "sends a signed-in visitor home, others to the landing page",
    "healthz": "the load balancer's probe",
    "api/schema/": "the API's description",
    "api/docs/": "the API's documentation page",
    "api/v1/": "the API's root (lists links only for a signed-in client)",
    "api/v1/<drf_format_suffix:format>": "the API's root, as a format",
    "accounts/logout/": "signing out",
    "admin/logout/": "signing out",
    "accounts/inactive/": "allauth's 'this account is inactive' page",
    "accounts/confirm-email/": "allauth's 'we sent you an e-mail' page",
    "accounts/password/reset/done/": "allauth's 'we sent you an e-mail' page",
    "accounts/password/reset/key/done/": "allauth's 'your password is changed' page",
}


def all_routes(resolver: URLResolver | None = None, prefix: str = ""):
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            yield from all_routes(pattern, prefix + str(pattern.pattern))
        else:
            assert isinstance(pattern, URLPattern)
            yield prefix + str(pattern.pattern)


def sample_path(route: str) -> str:
    """A path the route matches, with made-up values for its parameters."""
    path = re.sub(r"\(\?P<format>[^)]*\)", "json", route)
    path = re.sub(r"\(\?P<\w+>[^)]*\)", "1", path)
    path = re.sub(r"<drf_format_suffix:\w+>", ".json", path)
    path = re.sub(r"<str:\w+>", "abc", path)
    path = re.sub(r"<(?:int:)?\w+>", "1", path)
    path = path.replace("^", "").replace("$", "").replace("\\.", ".").replace("/?", "/")
    return "/" + path


ROUTES = sorted(set(all_routes()))


def test_the_walk_finds_every_kind_of_route():
    assert {"accounts/login/", "api/v1/auth/token/", "invite/<str:token>/"} <= set(ROUTES)
    assert sum(route.startswith("admin/") for route in ROUTES) > 20
    assert set(LIMITED) | set(OPEN) <= set(ROUTES)


def refuses_a_visitor(response) -> bool:
    if response.status_code in (401, 403, 405):
        return True
    return response.status_code == 302 and urlsplit(response["Location"]).path in SIGN_IN_PATHS


def answers_a_visitor(route: str) -> list[int] | None:
    """The statuses an anonymous GET and POST get, when either is not a refusal."""
    client = Client()
    path = sample_path(route)
    answers = [client.get(path), client.post(path, {})]
    if all(refuses_a_visitor(r) for r in answers):
        return None
    return [r.status_code for r in answers]


@pytest.mark.parametrize("route", ROUTES)
def test_every_route_refuses_a_visitor_or_is_listed(route):
    if route in LIMITED or route in OPEN:
        return

    answered = answers_a_visitor(route)

    assert answered is None, (
        f"{route} answers a visitor who is not signed in ({answered}): "
        "limit it (web.ratelimit) and add it to LIMITED, or to OPEN with the reason"
    )


def stray_page(request, token: str):
    return HttpResponse("Anyone may post here.")


# A URLconf with one unlimited public page, for the guard below.
urlpatterns = [path("stray/<str:token>/", stray_page)]


@pytest.mark.urls("tests.test_rate_limits")
def test_the_walk_catches_a_new_unlimited_public_page():
    routes = list(all_routes())

    assert routes == ["stray/<str:token>/"]
    assert answers_a_visitor(routes[0]) == [200, 200]


@pytest.mark.parametrize("route", sorted(LIMITED))
def test_each_unauthenticated_route_answers_429_past_its_limit(route):
    path, method, body, allowed = LIMITED[route]

    def send(path: str, data: dict):
        # A new visitor each time (no session), from the same address.
        return getattr(Client(), method)(path, data)

    before = [send(path, body()) for _ in range(allowed)]
    over = send(path, body())

    assert not any(refused(r) for r in before)
    assert refused(over)


def refused(response) -> bool:
    # A 429, or (where allauth's form checks the limit itself) the form with its message.
    return response.status_code == 429 or (
        response.status_code == 200 and b"Too many failed login attempts" in response.content
    )


# --- The token endpoint: brute force -----------------------------------------------------------


def test_guessing_one_accounts_password_is_refused_after_five_tries(coach, password):
    client = Client()

    statuses = [guess(client, coach.email).status_code for _ in range(5)]
    locked = guess(client, coach.email, password=password)  # even the right password

    assert statuses == [400] * 5
    assert locked.status_code == 429
    assert 1 <= int(locked["Retry-After"]) <= 300
    assert "Try again in" in locked.json()["detail"]
    assert not ApiToken.objects.exists()


def test_a_valid_token_sent_along_lifts_no_limit(coach, other_coach):
    # Any coach can sign up and get a token; it must not make her a trusted guesser.
    _, raw = api_token_create(user=other_coach)
    client = Client(HTTP_AUTHORIZATION=f"Token {raw}")

    statuses = [guess(client, coach.email).status_code for _ in range(6)]

    assert statuses == [400] * 5 + [429]
    assert ApiToken.objects.count() == 1


def test_a_signed_in_session_lifts_no_limit(coach, other_coach):
    client = Client()
    client.force_login(other_coach)

    statuses = [guess(client, fresh_email()).status_code for _ in range(11)]

    assert statuses == [400] * 10 + [429]


def test_a_rotating_forwarded_for_is_ignored_without_trusted_proxies(coach):
    client = Client()

    statuses = [
        guess(client, fresh_email(), HTTP_X_FORWARDED_FOR=f"10.0.0.{i}").status_code
        for i in range(11)
    ]

    assert statuses == [400] * 10 + [429]


def test_behind_a_trusted_proxy_each_address_counts_but_the_account_still_locks(coach, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    client = Client()

    # Twelve addresses (one proxy appends the real one): the address limit does not bite...
    many = [
        guess(client, fresh_email(), HTTP_X_FORWARDED_FOR=f"10.0.0.{i}").status_code
        for i in range(12)
    ]
    # ...but one account's limit does, whatever address the guesses come from.
    one_account = [
        guess(client, coach.email, HTTP_X_FORWARDED_FOR=f"10.0.1.{i}").status_code for i in range(6)
    ]
    # The header's last entry is the client: what comes before it is the client's own word.
    spoofed = [
        guess(client, fresh_email(), HTTP_X_FORWARDED_FOR=f"10.9.9.{i}, 10.0.2.1").status_code
        for i in range(11)
    ]

    assert many == [400] * 12
    assert one_account == [400] * 5 + [429]
    assert spoofed == [400] * 10 + [429]


def test_a_short_forwarded_for_behind_trusted_proxies_is_no_error(coach, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 2

    response = guess(Client(), coach.email, HTTP_X_FORWARDED_FOR="10.0.0.1")

    assert response.status_code == 400


def test_a_success_takes_its_attempt_back(coach, password):
    client = Client()

    for _ in range(4):
        assert guess(client, coach.email).status_code == 400
    for _ in range(3):
        assert guess(client, coach.email, password=password).status_code == 200

    assert guess(client, coach.email).status_code == 400  # the fifth failure
    assert guess(client, coach.email).status_code == 429


# --- One count for both channels ---------------------------------------------------------------


def test_failures_through_the_api_lock_the_web_login(coach, password):
    api = Client()
    for _ in range(5):
        assert guess(api, coach.email).status_code == 400

    web = Client()
    response = web.post(LOGIN, {"login": coach.email, "password": password})

    assert response.status_code == 200  # the form again, not a redirect home
    assert "Too many failed login attempts" in response.content.decode()
    assert "_auth_user_id" not in web.session


def test_failures_on_the_web_lock_the_api(coach, password):
    web = Client()
    for _ in range(5):
        response = web.post(LOGIN, {"login": coach.email, "password": "wrong-guess-1"})
        assert response.status_code == 200

    response = guess(Client(), coach.email, password=password)

    assert response.status_code == 429
    assert not ApiToken.objects.exists()


def test_mixed_failures_count_together(coach, password):
    web, api = Client(), Client()
    for _ in range(2):
        web.post(LOGIN, {"login": coach.email, "password": "wrong-guess-1"})
    for _ in range(3):
        assert guess(api, coach.email).status_code == 400

    assert guess(api, coach.email, password=password).status_code == 429


def test_the_token_endpoint_still_revokes_with_its_token(coach):
    _, raw = api_token_create(user=coach)
    client = Client(HTTP_AUTHORIZATION=f"Token {raw}")

    assert client.delete(TOKEN).status_code == 204
    assert ApiToken.objects.get().revoked_at is not None


def test_a_limited_page_says_when_to_come_back():
    for _ in range(20):
        assert Client().get("/invite/abc/").status_code == 400

    response = Client().get("/invite/abc/")

    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60
    assert "Too many attempts" in response.content.decode()


def test_a_good_calendar_link_is_never_limited_but_guesses_are(athlete):
    from plans import services as plan_services

    plan_services.plan_start(athlete=athlete)
    token = plan_services.calendar_token(plan_services.calendar_feed(athlete=athlete))

    polls = {Client().get(f"/calendar/{token}.ics").status_code for _ in range(40)}
    guesses = [Client().get(f"/calendar/guess{i}.ics").status_code for i in range(31)]
    after = Client().get(f"/calendar/{token}.ics")

    assert polls == {200}
    assert guesses == [404] * 30 + [429]
    assert after.status_code == 429  # once locked, this address waits
    assert int(after["Retry-After"]) >= 1


def test_the_admin_has_no_login_form_of_its_own(staff, password):
    client = Client()

    to_admin_login = client.get("/admin/")
    to_our_login = client.get(to_admin_login["Location"])
    signed_in = client.post(to_our_login["Location"], {"login": staff.email, "password": password})
    posted_to_the_admin_form = Client().post(
        "/admin/login/", {"username": staff.email, "password": password}
    )

    assert to_admin_login["Location"] == "/admin/login/?next=/admin/"
    assert to_our_login["Location"] == "/accounts/login/?next=%2Fadmin%2F"
    assert signed_in["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    assert posted_to_the_admin_form.status_code == 302  # sent to sign in, not signed in
    assert posted_to_the_admin_form["Location"].startswith("/accounts/login/")
