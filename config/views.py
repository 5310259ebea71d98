"""Site-level pages: the public landing page, the role switchboard and the health check."""

from __future__ import annotations

import logging

from django.db import DatabaseError, connections, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from kombu.exceptions import OperationalError as BrokerError

from athletes.access import signed_in_required
from athletes.adapters import home_url_for
from config.celery import app

logger = logging.getLogger(__name__)


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """``handler404``. Under ``/api/`` an address no route matches (a negative id, say, which
    ``<int:…>`` never matches) answers in the API's own terms, JSON ``{"detail": …}`` as its
    schema documents every 404, rather than the site's HTML page."""
    if request.path_info.startswith("/api/"):
        return JsonResponse({"detail": "Not found."}, status=404)
    return defaults.page_not_found(request, exception)


def landing(request: HttpRequest) -> HttpResponse:
    return render(request, "pages/landing.html")


@signed_in_required
def home(request: HttpRequest) -> HttpResponse:
    return redirect(home_url_for(request.user))


def _database_state() -> str:
    try:
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        logger.warning("healthz: database unreachable")
        return "unreachable"
    return "ok"


def _broker_state() -> str:
    if app.conf.task_always_eager:
        return "eager"
    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, timeout=2)
    except (BrokerError, OSError):
        logger.warning("healthz: broker unreachable")
        return "unreachable"
    return "ok"


@transaction.non_atomic_requests
@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """200 while the database answers (the broker may be down: check-ins are still saved and
    the daily scan catches up), 503 when it does not."""
    database = _database_state()
    broker = _broker_state()
    healthy = database == "ok"
    status = "ok" if healthy and broker != "unreachable" else ("degraded" if healthy else "down")
    return JsonResponse(
        {"status": status, "database": database, "broker": broker},
        status=200 if healthy else 503,
    )
