"""allauth glue: who may sign up, what a new account is, where each role lands, and how its
e-mails go out (through our outbox, with links built from ``SITE_URL``)."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import EmailMultiAlternatives
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from web.links import absolute_url

from .mail import RenderedEmail, email_queue
from .models import Role, User

# How long an e-mailed code is worth sending (allauth's codes expire within minutes).
CODE_EMAIL_LIFETIME = timedelta(minutes=15)


class StridewiseSite:
    """What allauth's templates call ``current_site``: our name and public address, whatever
    the Sites table says."""

    def __init__(self) -> None:
        self.name = settings.SITE_NAME
        self.domain = absolute_url("/").split("://", 1)[1].rstrip("/")

    def __str__(self) -> str:
        return self.name


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

    # --- E-mails ---------------------------------------------------------------------------

    def format_email_subject(self, subject: str) -> str:
        # The outbox prefixes every subject (``athletes.mail.subject_line``).
        return str(subject)

    def get_reset_password_from_key_url(self, key: str) -> str:
        return absolute_url(super().get_reset_password_from_key_url(key))

    def get_email_confirmation_url(self, request, emailconfirmation) -> str:
        return absolute_url(super().get_email_confirmation_url(request, emailconfirmation))

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        """Render allauth's e-mail (our templates, text and HTML) and queue it: sent after
        the commit by a task with retries, so a mail server that is down never fails the
        sign-in, reset or sign-up that asked for it."""
        ctx: dict[str, Any] = {
            "email": email,
            "current_site": StridewiseSite(),
            "site_name": settings.SITE_NAME,
            "site_url": absolute_url("/"),
        }
        ctx.update(context)
        for name, value in list(ctx.items()):
            # Any link allauth built from the request takes the site's address instead, and
            # a relative one becomes absolute.
            if (
                name.endswith("_url")
                and isinstance(value, str)
                and ("://" in value or value.startswith("/"))
            ):
                ctx[name] = absolute_url(value)
        message = self.render_mail(template_prefix, email, ctx)
        html = ""
        if isinstance(message, EmailMultiAlternatives):
            html = next((str(c) for c, kind in message.alternatives if kind == "text/html"), "")
        name = template_prefix.rsplit("/", 1)[-1]
        email_queue(
            # Each of these e-mails is one of a kind (a new code, a new reset link).
            key=f"account:{name}:{uuid.uuid4().hex}",
            to=email,
            subject=str(message.subject),
            rendered=RenderedEmail(text=str(message.body), html=html),
            recipient_id=User.objects.filter(email__iexact=email)
            .values_list("pk", flat=True)
            .first(),
            # A code works for minutes: one still waiting after that is not sent.
            expires_at=timezone.now() + CODE_EMAIL_LIFETIME if name.endswith("_code") else None,
        )
