"""Writes of the athletes layer. Keyword-only, validated with ``full_clean()``, atomic."""

from __future__ import annotations

import hashlib
import logging
import secrets
from collections.abc import Callable
from typing import Any

from allauth.account.models import EmailAddress
from auditlog.context import disable_auditlog
from auditlog.models import LogEntry as AccessLogEntry
from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Model, Q
from django.urls import reverse
from django.utils import timezone

from clinical.help import country_for_timezone
from web.links import absolute_url

from . import erasure
from .documents import attach_document
from .mail import email_queue
from .models import (
    ApiToken,
    Athlete,
    Clearance,
    Invitation,
    NotificationPreferences,
    ReadinessAssessment,
    Role,
    User,
    clearance_folder,
)

logger = logging.getLogger(__name__)

INVITATION_SALT = "athletes.invitation"


def _set_fields(instance: Any, data: dict[str, Any]) -> None:
    for name, value in data.items():
        if name == "country" and isinstance(value, str):
            value = value.strip().upper()
        setattr(instance, name, value)


def athlete_touch(*, athlete_id: int) -> None:
    """Record that something happened for this athlete (shown as "last activity")."""
    Athlete.objects.filter(pk=athlete_id).update(last_activity_at=timezone.now())


@transaction.atomic
def athlete_create(*, coach: User, data: dict[str, Any]) -> Athlete:
    """Her profile alone. The product enrols athletes through ``plans.services.athlete_enrol``,
    which calls this and starts her plan in the same transaction."""
    if coach.role != Role.COACH:
        raise ValidationError({"coach": "Athletes belong to a coach."})
    athlete = Athlete(coach=coach, last_activity_at=timezone.now())
    _set_fields(athlete, data)
    # Her country (the get-help numbers), defaulted from her time zone (SPEC §14).
    athlete.country = athlete.country or country_for_timezone(athlete.timezone)
    athlete.full_clean()
    athlete.save()
    logger.info("athlete created athlete=%s coach=%s", athlete.pk, coach.pk)
    return athlete


@transaction.atomic
def athlete_update(*, athlete: Athlete, data: dict[str, Any]) -> Athlete:
    _set_fields(athlete, data)
    athlete.full_clean()
    athlete.save()
    return athlete


@transaction.atomic
def athlete_set_archived(*, athlete: Athlete, archived: bool) -> Athlete:
    athlete.archived = archived
    athlete.save(update_fields=["archived", "updated_at"])
    logger.info("athlete archived=%s athlete=%s", archived, athlete.pk)
    return athlete


@transaction.atomic
def athlete_erase(*, athlete: Athlete, by: User) -> AccessLogEntry:
    """Delete her profile, everything recorded about her, her documents and her login, and
    every trace of them: the admin's history, the access log, her sessions and her documents'
    folder (``athletes/erasure.py``). One anonymous row remains in the access log: "athlete
    #id erased by <coach> at <time>" (GDPR art. 17; the id no longer leads to anything)."""
    athlete_id = athlete.pk
    user = athlete.user if athlete.user_id is not None else None
    if user is not None and user.role != Role.ATHLETE:
        user = None  # a coach's own login is never erased with an athlete
    roots: list[Model] = [athlete] if user is None else [athlete, user]
    doomed = erasure.doomed_objects(roots)
    _, access_q = erasure.logs_about(doomed)
    access_q |= Q(additional_data__athlete=athlete_id)
    if user is not None:
        access_q |= Q(actor_id=user.pk)
        erasure.sessions_erase(user_id=user.pk)
    erasure.admin_log_erase(objects=doomed, user_id=user.pk if user else None)
    with disable_auditlog():  # the deletions would log her records' names one by one
        athlete.delete()  # cascades to everything recorded about her
        if user is not None:
            user.delete()  # cascades to her tokens, e-mail addresses, MFA authenticators
    AccessLogEntry.objects.filter(access_q).delete()
    entry = AccessLogEntry.objects.log_create(
        athlete,
        force_log=True,
        action=AccessLogEntry.Action.DELETE,
        changes=None,
        object_pk=str(athlete_id),
        object_id=athlete_id,
        actor=by,
        additional_data={"erased": True},
    )

    storage = Clearance._meta.get_field("document").storage
    transaction.on_commit(
        lambda: erasure.folder_erase(storage=storage, folder=clearance_folder(athlete_id))
    )
    logger.info("athlete erased athlete=%s by=%s", athlete_id, by.pk)
    return entry


@transaction.atomic
def clearance_create(
    *, athlete: Athlete, data: dict[str, Any], document: UploadedFile | None, by: User
) -> Clearance:
    clearance = Clearance(athlete=athlete, recorded_by=by)
    _set_fields(clearance, data)
    if document is not None:
        attach_document(clearance, document)
    clearance.full_clean()
    try:
        clearance.save()  # writes the file first, then the row
        athlete_touch(athlete_id=athlete.pk)
    except BaseException:
        # The row is rolled back; its file must not stay behind. (A rollback later in the
        # request leaves it too: ``tasks.sweep_orphan_documents`` removes those.)
        if clearance.document.name:
            clearance.document.storage.delete(clearance.document.name)
        raise
    logger.info("clearance recorded clearance=%s athlete=%s", clearance.pk, athlete.pk)
    return clearance


@transaction.atomic
def assessment_create(*, athlete: Athlete, data: dict[str, Any], by: User) -> ReadinessAssessment:
    assessment = ReadinessAssessment(athlete=athlete, recorded_by=by)
    _set_fields(assessment, data)
    assessment.full_clean()
    assessment.save()
    assessment.refresh_from_db(fields=["passed"])
    athlete_touch(athlete_id=athlete.pk)
    logger.info("assessment recorded assessment=%s athlete=%s", assessment.pk, athlete.pk)
    return assessment


# --- Invitations -----------------------------------------------------------------------------


class InvitationError(Exception):
    """The link cannot be used; the message says why, in words an athlete understands."""


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def invitation_accept_url(token: str) -> str:
    return absolute_url(reverse("athletes:invitation_accept", args=[token]))


def invitation_send(
    *, athlete: Athlete, by: User, accept_url: Callable[[str], str] = invitation_accept_url
) -> Invitation:
    """E-mail her a single-use link; any earlier pending link stops working.

    The invitation is saved whatever the mail server does: the e-mail is queued after the
    commit and retried (``athletes.mail``)."""
    if athlete.user_id is not None:
        raise ValidationError("She already has a login; she can sign in with her e-mail.")
    if not athlete.email:
        raise ValidationError({"email": "Add her e-mail address to the profile first."})
    if User.objects.filter(email__iexact=athlete.email).exists():
        raise ValidationError(
            {"email": "This e-mail address already belongs to an account on Stridewise."}
        )
    now = timezone.now()
    athlete.invitations.filter(accepted_at__isnull=True, revoked_at__isnull=True).update(
        revoked_at=now
    )
    secret = secrets.token_urlsafe(24)
    invitation = Invitation.objects.create(
        athlete=athlete,
        email=athlete.email,
        secret_hash=_hash(secret),
        created_by=by,
        created_at=now,
        expires_at=now + settings.INVITATION_MAX_AGE,
    )
    token = signing.dumps({"i": invitation.pk, "s": secret}, salt=INVITATION_SALT)
    context = {
        "athlete": athlete,
        "coach": by,
        "url": accept_url(token),
        "expires_at": invitation.expires_at,
        "site_name": settings.SITE_NAME,
    }
    email_queue(
        key=f"invitation:{invitation.pk}",
        to=invitation.email,
        subject=f"{by.get_full_name()} invited you to {settings.SITE_NAME}",
        template="athletes/email/invitation",
        context=context,
        athlete_id=athlete.pk,
        # "Cora invited you to Stridewise" names the site already.
        prefixed=False,
    )
    logger.info("invitation sent invitation=%s athlete=%s", invitation.pk, athlete.pk)
    return invitation


def invitation_from_token(token: str) -> Invitation:
    """The pending invitation behind a link, or ``InvitationError`` saying why not."""
    try:
        payload = signing.loads(
            token,
            salt=INVITATION_SALT,
            max_age=settings.INVITATION_MAX_AGE,
        )
    except signing.SignatureExpired:
        raise InvitationError(
            "This invitation has expired. Ask your coach for a new one."
        ) from None
    except signing.BadSignature:
        raise InvitationError(
            "This invitation link is not valid. Check that it is complete."
        ) from None
    invitation = (
        Invitation.objects.select_related("athlete", "athlete__coach")
        .filter(pk=payload.get("i"), secret_hash=_hash(str(payload.get("s", ""))))
        .first()
    )
    if invitation is None:
        raise InvitationError("This invitation link is not valid. Check that it is complete.")
    if invitation.accepted_at is not None or invitation.athlete.user_id is not None:
        raise InvitationError("This invitation has already been used. Sign in instead.")
    if invitation.revoked_at is not None:
        raise InvitationError("Your coach sent a newer invitation; use the latest e-mail.")
    if invitation.expires_at <= timezone.now():
        raise InvitationError("This invitation has expired. Ask your coach for a new one.")
    return invitation


@transaction.atomic
def invitation_accept(*, token: str, email: str, password: str) -> User:
    """Create her login and link it to her profile. Single use, even under a double submit."""
    invitation = invitation_from_token(token)
    # Lock the row: of two concurrent submits, the second sees accepted_at and stops.
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at is not None:
        raise InvitationError("This invitation has already been used. Sign in instead.")
    if email.strip().lower() != invitation.email.lower():
        raise ValidationError({"email": "This invitation was sent to a different e-mail address."})
    athlete = invitation.athlete
    try:
        with transaction.atomic():
            user = User.objects.create_user(
                invitation.email, password, role=Role.ATHLETE, name=athlete.full_name
            )
    except (IntegrityError, ValidationError):
        raise ValidationError(
            {"email": "An account with this e-mail already exists. Sign in instead."}
        ) from None
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    athlete.user = user
    athlete.save(update_fields=["user", "updated_at"])
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    athlete_touch(athlete_id=athlete.pk)
    logger.info("invitation accepted invitation=%s athlete=%s", invitation.pk, athlete.pk)
    return user


# --- Accounts --------------------------------------------------------------------------------


def account_email_ensure(*, user: User) -> None:
    """Give an account created outside allauth's own flows (the admin's add form,
    ``createsuperuser``) the EmailAddress row allauth keeps for each login address, at once.
    Without it allauth's e-mail page creates the row itself, on a GET: a read that writes."""
    EmailAddress.objects.get_or_create(
        user=user, email=user.email, defaults={"primary": True, "verified": False}
    )


# --- API tokens ------------------------------------------------------------------------------


def api_token_hash(raw: str) -> str:
    return _hash(raw)


@transaction.atomic
def api_token_create(*, user: User, name: str = "") -> tuple[ApiToken, str]:
    """A new token; the raw value is returned once and only its hash is stored."""
    raw = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, key_hash=api_token_hash(raw), prefix=raw[:8], name=name[:100]
    )
    logger.info("api token created token=%s user=%s", token.pk, user.pk)
    return token, raw


@transaction.atomic
def api_token_revoke(*, token: ApiToken) -> None:
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
    logger.info("api token revoked token=%s user=%s", token.pk, token.user_id)


NOTIFICATION_FIELDS = ("high_flags", "messages")


@transaction.atomic
def notification_preferences_update(*, user: User, data: dict[str, Any]) -> NotificationPreferences:
    """Save what she wants e-mailed and when (only the fields given change). A bad choice
    raises ``ValidationError`` and writes nothing."""
    unknown = set(data) - set(NOTIFICATION_FIELDS)
    if unknown:
        raise ValidationError(dict.fromkeys(unknown, "Not a notification preference."))
    prefs = NotificationPreferences.objects.select_for_update().filter(
        user=user
    ).first() or NotificationPreferences(user=user)
    for name, value in data.items():
        setattr(prefs, name, value)
    prefs.full_clean(exclude=["user"])
    prefs.save()
    logger.info("notification preferences saved user=%s", user.pk)
    return prefs
