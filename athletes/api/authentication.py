"""``Authorization: Token <token>``, checked against the stored SHA-256 of each token."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Q
from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions
from rest_framework.request import Request

from athletes.mfa import SETUP_MESSAGE, must_set_up_totp
from athletes.models import ApiToken
from athletes.services import api_token_hash

# When a token was last used, to the day: enough for an admin to spot a token nobody uses
# any more, and a GET writes at most once a day per token instead of on every request.
LAST_USED_RESOLUTION = timedelta(days=1)


class HashedTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Token"

    def authenticate(self, request: Request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(
                "Send the header as: Authorization: Token <token>."
            )
        try:
            raw = header[1].decode()
        except UnicodeError:
            raise exceptions.AuthenticationFailed("Invalid token.") from None
        token = (
            ApiToken.objects.select_related("user")
            .filter(key_hash=api_token_hash(raw), revoked_at__isnull=True)
            .first()
        )
        if token is None or not token.user.is_active:
            raise exceptions.AuthenticationFailed("Invalid or revoked token.")
        if must_set_up_totp(token.user):
            raise exceptions.AuthenticationFailed(SETUP_MESSAGE)
        now = timezone.now()
        stale_before = now - LAST_USED_RESOLUTION
        if token.last_used_at is None or token.last_used_at < stale_before:
            # Conditional, so that of concurrent first requests of the day only one writes.
            ApiToken.objects.filter(
                Q(last_used_at__isnull=True) | Q(last_used_at__lt=stale_before), pk=token.pk
            ).update(last_used_at=now)
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        return self.keyword


class HashedTokenScheme(OpenApiAuthenticationExtension):
    """Describes the token scheme in the OpenAPI schema."""

    target_class = HashedTokenAuthentication
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "Get a token from POST /api/v1/auth/token/ and send "
            "`Authorization: Token <token>`.",
        }
