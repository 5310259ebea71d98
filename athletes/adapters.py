"""allauth glue: who may sign up, what a new account is, where each role lands."""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
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
