"""A sliding session that is written at most once a day, not on every request.

Sessions end after two weeks without activity (SPEC §3). Django's way to slide the expiry,
``SESSION_SAVE_EVERY_REQUEST``, writes the session (a database UPDATE and a cache SET with the
``cached_db`` engine) on every request, so every page view, 404s included, was a write. Here
the session remembers when it was last renewed and is saved again only when that was a day
ago or more: a visitor active every day keeps her session, one away for two weeks is signed
out (after 13 to 14 days of inactivity, the day's slack being the price of not writing).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse

RENEWED_KEY = "_renewed_at"
RENEW_EVERY_SECONDS = 24 * 60 * 60


def _stamp(session) -> None:
    session[RENEWED_KEY] = int(time.time())


@receiver(user_logged_in, dispatch_uid="web.sessions.stamp_on_login")
def stamp_on_login(sender, request, user, **kwargs) -> None:
    # Signing in saves the session anyway; stamping it then spares the next request a write.
    if request is not None and hasattr(request, "session"):
        _stamp(request.session)


class SlidingSessionMiddleware:
    """Mark a signed-in session modified (so ``SessionMiddleware`` saves it and sends a fresh
    cookie) when it was last renewed a day ago or more. Place it after ``SessionMiddleware``."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is None or session.is_empty() or session.modified:
            return response
        renewed_at = session.get(RENEWED_KEY)
        if not isinstance(renewed_at, int) or time.time() - renewed_at >= RENEW_EVERY_SECONDS:
            _stamp(session)
        return response
