"""Two-factor authentication for coaches (SPEC §3): staff can require it for every coach.

Where it is required (``SecurityPolicy.coach_mfa_required`` in the admin, or the
``COACH_MFA_REQUIRED`` environment variable), a coach without an authenticator app
(allauth.mfa's TOTP) is sent to set one up before any page but her account's, her API tokens
stop working and the token endpoint gives her none; once set up, every sign-in asks for the
code, on the web and through the API alike. She cannot remove it while it is required.
"""

from __future__ import annotations

from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.signals import user_logged_in
from django.core.cache import cache
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse

from .models import Role, SecurityPolicy, User

CACHE_KEY = "athletes:coach_mfa_required"
# The pages a coach may still open before she sets it up: her account's (allauth's, the
# authenticator set-up among them), the health check, static files and the API's description.
OPEN_PREFIXES = ("/accounts/", "/static/", "/healthz", "/api/schema/", "/api/docs/")
SETUP_URL_NAME = "mfa_activate_totp"


def coach_mfa_required() -> bool:
    """Whether coaches must have TOTP. No query once cached (the cache holds it until the
    policy is saved; processes share it through ``CACHE_URL``)."""
    if getattr(settings, "COACH_MFA_REQUIRED", False):
        return True
    required = cache.get(CACHE_KEY)
    if required is None:
        required = SecurityPolicy.current().coach_mfa_required
        cache.set(CACHE_KEY, required, timeout=None)
    return bool(required)


@receiver(post_save, sender=SecurityPolicy)
def _refresh_cached_policy(sender, instance: SecurityPolicy, **kwargs) -> None:
    cache.set(CACHE_KEY, instance.coach_mfa_required, timeout=None)


@receiver(user_logged_in)
def _warm_cached_policy(sender, request, user, **kwargs) -> None:
    # Read once at sign-in, so that the pages after it ask the cache, not the database.
    if getattr(user, "role", None) == Role.COACH:
        coach_mfa_required()


def has_totp(user: User) -> bool:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def must_set_up_totp(user: User) -> bool:
    """A coach who may do nothing until she sets up an authenticator app."""
    return user.role == Role.COACH and coach_mfa_required() and not has_totp(user)


SETUP_MESSAGE = (
    "Two-factor authentication is required for coaches: set up an authenticator app at "
    "/accounts/2fa/totp/activate/ (signed in on the web), then ask for a token with its code."
)


SETUP_PAGE_MESSAGE = (
    "Your organisation requires two-factor authentication for coaches. Set up an "
    "authenticator app to continue: scan the code, then enter the code the app shows."
)


class CoachMfaMiddleware:
    """Sends a signed-in coach without TOTP to set it up, where staff require it."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(OPEN_PREFIXES)
            and must_set_up_totp(user)
        ):
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": SETUP_MESSAGE}, status=403)
            messages.info(request, SETUP_PAGE_MESSAGE)
            return redirect(reverse(SETUP_URL_NAME))
        return self.get_response(request)


class MFAAdapter(DefaultMFAAdapter):
    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        user = authenticator.user
        if (
            authenticator.type == Authenticator.Type.TOTP
            and getattr(user, "role", None) == Role.COACH
            and coach_mfa_required()
        ):
            return False
        return super().can_delete_authenticator(authenticator)
