"""Response headers Django does not set by itself.

``Permissions-Policy``: the browser features this app never uses (camera, microphone,
location, payment...) are switched off for every page, so a script that got in anyway (or an
embedded page) cannot ask for them. The list lives in ``settings.PERMISSIONS_POLICY``.

The Content-Security-Policy comes from ``django-csp`` (``CONTENT_SECURITY_POLICY`` in the
settings) and Cross-Origin-Opener-Policy from Django's ``SecurityMiddleware``.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase


def permissions_policy(policy: dict[str, list[str]]) -> str:
    """``{"camera": [], "fullscreen": ["self"]}`` -> ``camera=(), fullscreen=(self)``."""
    return ", ".join(f"{feature}=({' '.join(allow)})" for feature, allow in policy.items())


class PermissionsPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response
        self.header = permissions_policy(settings.PERMISSIONS_POLICY)

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if self.header:
            response.headers.setdefault("Permissions-Policy", self.header)
        return response
