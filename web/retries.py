"""How background tasks retry, as a type: the options every app's Celery tasks share."""

from __future__ import annotations

from typing import TypedDict


class RetryOptions(TypedDict):
    """``shared_task`` keywords for retrying transient errors, spelled out so that a task's
    ``@shared_task(**RETRY)`` is checked against the keywords Celery accepts."""

    autoretry_for: tuple[type[BaseException], ...]
    retry_backoff: bool
    retry_jitter: bool
    max_retries: int
