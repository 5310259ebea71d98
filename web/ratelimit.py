"""Limits on everything a visitor who is not signed in can send (SPEC §3).

One mechanism for every channel: allauth's rate limiter (``allauth.core.ratelimit``), with
every rate in ``ACCOUNT_RATE_LIMITS`` (config/settings/base.py). allauth's own pages (login,
sign-up, password reset, login codes) consume their actions themselves, and the few that
do not are limited by :class:`RateLimitMiddleware`; our unauthenticated views wear
:func:`rate_limited`, and the API's token endpoint consumes ``login`` and, through
allauth's adapter, ``login_failed`` keyed by the e-mail tried — the very counter the web login
keeps, so a failure on either channel counts for both.

The client address is allauth's (``ALLAUTH_TRUSTED_PROXY_COUNT``, from ``TRUSTED_PROXY_COUNT``):
``X-Forwarded-For`` is ignored unless the operator says how many proxies of theirs append to it.
Nothing here looks at a token or session sent with the request.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from functools import wraps

# The internal module: the public one consumes POSTs only and cannot say how long to wait.
from allauth.core.internal import ratelimit as _allauth
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse

APP = "allauth.account"
# The attribute that names a view's action (tests/test_rate_limits.py reads it).
RATE_LIMIT_MARKER = "rate_limit_action"


def consume(
    request: HttpRequest, *, action: str, key: str | None = None, dry_run: bool = False
) -> bool:
    """Count one hit of ``action`` by this client (and ``key``); False when over a limit.
    ``dry_run`` only asks. GETs count too: a secret in a URL must not be guessable by reading."""
    usage = _allauth.consume(
        request, app=APP, action=action, key=key, limit_get=True, dry_run=dry_run
    )
    return usage is not None


def retry_after(request: HttpRequest, *, action: str, key: str | None = None) -> int:
    """Seconds until ``action`` is allowed again for this client (and ``key``), at least 1."""
    now = time.time()
    wait = 0.0
    for rate in _allauth.get_rates(app=APP, action=action):
        if rate.per == "user" or (rate.per == "key" and key is None):
            continue
        cache_key = _allauth.get_cache_key(request, app=APP, action=action, rate=rate, key=key)
        live = [ts for ts in cache.get(cache_key, []) if ts > now - rate.duration]
        if len(live) >= rate.amount:
            # The window frees a place when the oldest hit in it leaves.
            wait = max(wait, min(live) + rate.duration - now)
    return max(1, math.ceil(wait))


def too_many_requests(request: HttpRequest, *, action: str, key: str | None = None) -> HttpResponse:
    """allauth's 429 page (templates/429.html), with ``Retry-After``."""
    response = _allauth.respond_429(request)
    response["Retry-After"] = str(retry_after(request, action=action, key=key))
    return response


def rate_limited(action: str, *, failures_only: bool = False) -> Callable:
    """Limit a page view by client address under ``action`` (every method).

    ``failures_only`` counts only the answers that found nothing (404 or another 4xx): for a
    secret link fetched often by one trusted client (a calendar app polling from a shared
    address), where only guessing needs stopping."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not consume(request, action=action, dry_run=failures_only):
                return too_many_requests(request, action=action)
            if not failures_only:
                return view(request, *args, **kwargs)
            try:
                response = view(request, *args, **kwargs)
            except Http404:
                consume(request, action=action)
                raise
            if 400 <= response.status_code < 500:
                consume(request, action=action)
            return response

        setattr(wrapper, RATE_LIMIT_MARKER, action)
        return wrapper

    return decorator


# allauth's pages that take a code or a key from a visitor not yet signed in and keep no
# limit per address of their own: URL name -> action.
THIRD_PARTY_PAGES = {
    "account_confirm_login_code": "confirm_login_code",
    "mfa_authenticate": "mfa_authenticate",
    "account_confirm_email": "confirm_email_key",
}


class RateLimitMiddleware:
    """Limits the pages of :data:`THIRD_PARTY_PAGES` (every method) by client address."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view, args, kwargs) -> HttpResponse | None:
        match = request.resolver_match
        action = THIRD_PARTY_PAGES.get(match.url_name or "") if match else None
        if action is not None and not consume(request, action=action):
            return too_many_requests(request, action=action)
        return None
