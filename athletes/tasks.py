"""Housekeeping tasks of the accounts layer."""

from __future__ import annotations

import logging

from celery import shared_task
from django.contrib.sessions.models import Session
from django.utils import timezone

logger = logging.getLogger(__name__)


@shared_task(acks_late=True)
def clear_expired_sessions() -> int:
    """Delete sessions past their expiry (the cached_db engine leaves them in the table).

    Safe to run twice: a second run finds nothing to delete.
    """
    deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    logger.info("clear_expired_sessions deleted=%d", deleted)
    return deleted
