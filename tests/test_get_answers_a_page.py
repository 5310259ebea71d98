"""A GET on any page route of ours answers a page, never a blank 405: the routes that only take
a form's POST send a GET to the page where the form lives (``web.http.post_only``).

The routes are walked from the resolver with the world and recipes of
``tests/test_reads_never_write.py``, so a route added tomorrow is covered too; each is asked
by the visitor it is for (her coach for ``coach/``, the athlete for ``me/``, anyone else
anonymously) and by the others, none of whom may get a 405."""

from __future__ import annotations

import pytest

from tests.test_reads_never_write import all_routes, build_world, client_for, variants

pytestmark = pytest.mark.django_db

# Ours: not the API (JSON, its own 405s for methods it does not take), the admin or allauth.
NOT_PAGES = ("api/", "admin/", "accounts/")


def the_right_visitor(path: str) -> str:
    if path.startswith(("/coach/", "/documents/")):
        return "coach"
    if path.startswith("/me/"):
        return "athlete"
    return "anonymous"


def body(response) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).strip()
    return response.content.strip()


def test_every_page_route_answers_a_get_with_a_page():
    world = build_world()
    routes = [r for r in all_routes() if not r.key.startswith(NOT_PAGES)]
    assert len(routes) >= 30

    blank_or_refused: list[str] = []
    for route in routes:
        found = variants(route, world)
        assert found is not None, f"no recipe for {route.key}"
        for variant in found:
            url = route.url({k: v for k, v in variant.items() if k != "?"})
            right = the_right_visitor(url)
            for visitor in ("coach", "other_coach", "athlete", "anonymous"):
                response = client_for(visitor, world).get(url, follow=True)
                if response.status_code == 405:
                    blank_or_refused.append(f"{visitor} GET {url}: 405")
                # Her own page, or a page that says what is wrong (an expired invitation
                # answers 400 with words): never an error of ours, never an empty body.
                if visitor == right and (response.status_code >= 500 or not body(response)):
                    blank_or_refused.append(
                        f"{visitor} GET {url}: {response.status_code}, {len(body(response))} bytes"
                    )
    assert blank_or_refused == []


def test_a_get_on_a_form_route_lands_on_the_forms_page():
    world = build_world()
    athlete_page = f"/coach/athletes/{world.athlete.pk}/"
    expected = {
        f"/coach/athletes/{world.athlete.pk}/archive/": ("coach", athlete_page),
        f"/coach/athletes/{world.invited.pk}/invite/": (
            "coach",
            f"/coach/athletes/{world.invited.pk}/#invite-title",
        ),
        f"/coach/decisions/{world.decision.pk}/approve/": (
            "coach",
            f"/coach/decisions/{world.decision.pk}/override/",
        ),
        f"/coach/flags/{world.flag.pk}/acknowledge/": ("coach", "/coach/flags/"),
        f"/coach/flags/{world.flag.pk}/resolve/": ("coach", "/coach/flags/"),
        "/me/calendar/": ("athlete", "/me/#calendar"),
    }
    for url, (visitor, where) in expected.items():
        response = client_for(visitor, world).get(url)
        assert (url, response.status_code, response["Location"]) == (url, 302, where)


def test_another_coach_is_not_told_anything_by_the_redirect():
    world = build_world()
    client = client_for("other_coach", world)

    response = client.get(f"/coach/athletes/{world.athlete.pk}/archive/", follow=True)

    assert response.status_code == 404
    assert world.athlete.first_name not in response.content.decode()
