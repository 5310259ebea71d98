"""Every e-mail Stridewise sends goes through here: rendered, stored in the outbox, sent by a
task after the commit, retried while the mail server fails (SPEC §12).

A mail server that is down never fails the request or the task that wrote the e-mail: what
was saved stays saved, and the e-mail waits in the outbox (``OutgoingEmail``) for the retry
or for the periodic sweep (``athletes.tasks.send_pending_emails``).

Each e-mail is two templates, ``<name>.txt`` and ``<name>.html`` (the HTML one extends
``email/base.html``); every link in them is absolute, built from ``SITE_URL`` by
``web.links.absolute_url``. Log lines carry ids only: an e-mail may name her and what she
reported.
"""

from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from celery import current_app
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, OperationalError, transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError

from web.links import absolute_url

from .models import OutgoingEmail

logger = logging.getLogger(__name__)

# What a retry may cure: the mail server refusing, dropping or timing out (SMTP errors and
# socket errors, OSError covering refused connections, resets and timeouts), or the
# database briefly away.
TRANSIENT: tuple[type[BaseException], ...] = (smtplib.SMTPException, OSError, OperationalError)
# A sender that died mid-send leaves its claim; after this long another may take it.
CLAIM_TIMEOUT = timedelta(minutes=10)
# The sweep gives up on an e-mail after this many attempts (the log says which).
MAX_ATTEMPTS = 12


@dataclass(frozen=True)
class RenderedEmail:
    text: str
    html: str


def email_context(context: dict[str, Any] | None = None) -> dict[str, Any]:
    """What every e-mail template may use: the product's name and address."""
    return {
        "site_name": settings.SITE_NAME,
        "site_url": absolute_url("/"),
        **(context or {}),
    }


def email_render(template: str, context: dict[str, Any] | None = None) -> RenderedEmail:
    """Render ``<template>.txt`` and ``<template>.html`` with the common context."""
    full = email_context(context)
    return RenderedEmail(
        text=render_to_string(f"{template}.txt", full).strip() + "\n",
        html=render_to_string(f"{template}.html", full),
    )


def subject_line(subject: str, *, prefixed: bool = True) -> str:
    """One line, "[Stridewise] "-prefixed unless told not to: a name with a line break in it
    never breaks the header (Django refuses such a header with ``BadHeaderError``)."""
    words = " ".join(str(subject).split())
    prefix = settings.ACCOUNT_EMAIL_SUBJECT_PREFIX
    if prefixed and not words.startswith(prefix.strip()):
        words = prefix + words
    return words[:250]


def email_queue(
    *,
    key: str,
    to: str,
    subject: str,
    template: str | None = None,
    context: dict[str, Any] | None = None,
    rendered: RenderedEmail | None = None,
    athlete_id: int | None = None,
    recipient_id: int | None = None,
    prefixed: bool = True,
    expires_at: datetime | None = None,
) -> OutgoingEmail | None:
    """Store one e-mail under ``key`` and send it after the commit. Give ``template`` (and
    ``context``) or an already ``rendered`` e-mail. Returns None, storing nothing, if an
    e-mail with this key exists already (queued twice, or sent). ``athlete_id`` (whom it is
    about) and ``recipient_id`` (the account it goes to) tie it to them: deleting either
    removes it if not yet sent. An e-mail that still waits
    at ``expires_at`` (a sign-in code that no longer works) is dropped, not sent late."""
    if rendered is None:
        if template is None:
            raise ValueError("email_queue needs a template or a rendered e-mail")
        rendered = email_render(template, context)
    try:
        with transaction.atomic():
            email = OutgoingEmail.objects.create(
                key=key[:120],
                to=to,
                recipient_id=recipient_id,
                subject=subject_line(subject, prefixed=prefixed),
                text=rendered.text,
                html=rendered.html,
                athlete_id=athlete_id,
                expires_at=expires_at,
            )
    except IntegrityError:
        return None
    email_id = email.pk
    transaction.on_commit(lambda: email_dispatch(email_id), robust=True)
    return email


def email_dispatch(email_id: int) -> None:
    """Hand a stored e-mail to the sending task. Nothing here raises into the caller.

    With a broker, the task is queued (and retried with backoff by the worker); a broker
    that refuses leaves the e-mail for the sweep. Without one (tasks eager, a fresh
    machine), it is sent here once; a failure is logged and left for the sweep, rather than
    retried at once inside the request."""
    from .tasks import deliver_email

    if current_app.conf.task_always_eager:
        try:
            email_deliver(email_id)
        except TRANSIENT as exc:
            logger.warning(
                "email not sent email=%s error=%s; it stays queued", email_id, type(exc).__name__
            )
        return
    try:
        deliver_email.delay(email_id)
    except BrokerError:
        logger.warning("could not queue email=%s: broker unreachable; it stays queued", email_id)


def email_deliver(email_id: int) -> bool:
    """Send one stored e-mail, once. The conditional update claims it (of two senders only
    one sends); a transient failure releases the claim and raises for the retry. Returns
    whether this call sent it."""
    now = timezone.now()
    claimed = (
        OutgoingEmail.objects.filter(pk=email_id, sent_at__isnull=True)
        .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - CLAIM_TIMEOUT))
        .update(claimed_at=now, attempts=F("attempts") + 1)
    )
    if not claimed:
        return False
    email = OutgoingEmail.objects.get(pk=email_id)
    if email.expires_at is not None and email.expires_at <= now:
        # Too late to be of use: drop its words, keep the key so it is never sent.
        OutgoingEmail.objects.filter(pk=email_id).update(
            claimed_at=None, to="", subject="", text="", html="", attempts=MAX_ATTEMPTS
        )
        logger.info("email expired unsent email=%s", email_id)
        return False
    message = EmailMultiAlternatives(
        subject=email.subject, body=email.text, from_email=None, to=[email.to]
    )
    message.attach_alternative(email.html, "text/html")
    try:
        message.send()
    except TRANSIENT:
        OutgoingEmail.objects.filter(pk=email_id).update(claimed_at=None)
        raise
    # Sent: keep the key and the time, drop the address and the words.
    OutgoingEmail.objects.filter(pk=email_id).update(
        sent_at=timezone.now(), claimed_at=None, to="", subject="", text="", html=""
    )
    logger.info("email sent email=%s", email_id)
    return True


def emails_pending(*, older_than: timedelta, limit: int = 500) -> list[int]:
    """Ids of e-mails still waiting (not sent, not being sent, not given up on)."""
    now = timezone.now()
    return list(
        OutgoingEmail.objects.filter(
            sent_at__isnull=True,
            created_at__lt=now - older_than,
            attempts__lt=MAX_ATTEMPTS,
        )
        .exclude(expires_at__lte=now)
        .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - CLAIM_TIMEOUT))
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )
