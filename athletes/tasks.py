"""Housekeeping tasks of the accounts layer, and the sending of every e-mail."""

from __future__ import annotations

import logging
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.contrib.sessions.models import Session
from django.utils import timezone

from . import mail

logger = logging.getLogger(__name__)


@shared_task(acks_late=True)
def clear_expired_sessions() -> int:
    """Delete sessions past their expiry (the cached_db engine leaves them in the table).

    Safe to run twice: a second run finds nothing to delete.
    """
    deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    logger.info("clear_expired_sessions deleted=%d", deleted)
    return deleted


@shared_task(acks_late=True)
def sweep_orphan_documents() -> int:
    """Delete clearance documents no row refers to (an upload whose transaction rolled back
    after its file was written), once they are an hour old, and the folders left empty.

    Safe to run twice: a second run finds nothing to delete."""
    from .erasure import orphan_documents_sweep
    from .models import Clearance

    storage = Clearance._meta.get_field("document").storage
    referenced = set(Clearance.objects.exclude(document="").values_list("document", flat=True))
    removed = orphan_documents_sweep(
        storage=storage, root="clearances", referenced=referenced, older_than=timedelta(hours=1)
    )
    logger.info("sweep_orphan_documents removed=%d", removed)
    return removed


@shared_task(acks_late=True)
def prune_access_log() -> int:
    """Delete access-log rows older than ``AUDIT_LOG_RETENTION_DAYS`` (the anonymous erasure
    rows too: they have served their six years as the record that the erasure was done).

    Safe to run twice: a second run finds nothing to delete."""
    from auditlog.models import LogEntry

    cutoff = timezone.now() - timedelta(days=settings.AUDIT_LOG_RETENTION_DAYS)
    deleted, _ = LogEntry.objects.filter(timestamp__lt=cutoff).delete()
    logger.info("prune_access_log deleted=%d", deleted)
    return deleted


@shared_task(
    acks_late=True,
    autoretry_for=mail.TRANSIENT,
    retry_backoff=30,
    retry_backoff_max=60 * 60,
    retry_jitter=True,
    max_retries=8,
)
def deliver_email(email_id: int) -> bool:
    """Send one e-mail of the outbox. Safe to run twice: the claim lets one run send it.
    A mail server that fails is retried with exponential backoff (30 s, 1 min, 2 min, …,
    at most an hour apart); after the last retry the sweep below takes it up again."""
    return mail.email_deliver(email_id)


@shared_task(acks_late=True)
def send_pending_emails() -> int:
    """Every few minutes: queue again the e-mails still waiting (their retries ran out, the
    broker refused them, or they failed while tasks ran eagerly)."""
    pending = mail.emails_pending(older_than=timedelta(minutes=5))
    for email_id in pending:
        mail.email_dispatch(email_id)
    logger.info("send_pending_emails queued=%d", len(pending))
    return len(pending)
