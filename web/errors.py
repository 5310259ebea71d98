"""Our own "not found" page under ``DEBUG`` too (``make run``), as production shows it.

Django answers a 404 under ``DEBUG`` with its technical page (every URL pattern of the site,
in its own look) and never calls ``handler404``. Someone trying the product with ``make run``
should meet the page a real user meets, so this middleware renders ``404.html`` in its place.
A 403 is ours in every mode already (Django uses ``403.html`` under ``DEBUG`` too). A 500
under ``DEBUG`` stays Django's traceback, which the developer running the server needs;
production shows ``500.html``. ``DJANGO_DEBUG_404=1`` brings Django's 404 page back, for
someone working on the URLs.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import cast

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import Resolver404, get_resolver, resolve
from django.views import defaults

NotFoundHandler = Callable[[HttpRequest, Exception], HttpResponse]


class OwnNotFoundPageMiddleware:
    """Last in ``MIDDLEWARE``: it sees the view's exceptions (``process_exception``) and the
    response for an address no route matches. A no-op unless ``DEBUG`` is on."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def _active(self) -> bool:
        return settings.DEBUG and not getattr(settings, "DEBUG_TECHNICAL_404", False)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code != 404 or not self._active():
            return response
        urlconf = getattr(request, "urlconf", None)
        try:  # an address no route matches: Django drew its technical page
            resolve(request.path_info, urlconf=urlconf)
        except Resolver404 as exc:
            # The site's own handler404 (JSON under /api/), as production answers.
            handler = cast(NotFoundHandler, get_resolver(urlconf).resolve_error_handler(404))
            return handler(request, exc)
        return response  # a view's own 404 (the API's JSON, for one): keep it

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, Http404) and self._active():
            return defaults.page_not_found(request, exception)
        return None
