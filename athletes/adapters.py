"""allauth glue: who may sign up, what a new account is, where each role lands."""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest
from django.urls import reverse

from .models import Role


def home_url_for(user) -> str:
    """The page a signed-in user starts from: coaches their dashboard, athletes their week."""
    if getattr(user, "role", None) == Role.ATHLETE:
        return reverse("plans:my_week")
    return reverse("plans:coach_dashboard")


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return getattr(settings, "SIGNUP_OPEN", True)

    def save_user(self, request, user, form, commit=True):
        # Self sign-up creates coaches only; athletes arrive by invitation (athletes.invitations).
        user.role = Role.COACH
        return super().save_user(request, user, form, commit=commit)

    def get_login_redirect_url(self, request: HttpRequest) -> str:
        return home_url_for(request.user)

    def get_signup_redirect_url(self, request: HttpRequest) -> str:
        return home_url_for(request.user) if request.user.is_authenticated else "/"

    def get_client_ip(self, request: HttpRequest) -> str:
        try:
            return super().get_client_ip(request)
        except ImproperlyConfigured:
            # Fewer X-Forwarded-For entries than TRUSTED_PROXY_COUNT: the request did not come
            # through the operator's proxies, so the connection's own address is the client.
            return request.META.get("REMOTE_ADDR") or "0.0.0.0"  # noqa: S104

    def login_attempts_key(self, request: HttpRequest, *, email: str) -> str:
        """The key of the per-account ``login_failed`` limit, for the e-mail tried."""
        return self._get_login_attempts_cache_key(request, email=email)
