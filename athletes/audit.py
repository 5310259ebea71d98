"""The access log of health records (HIPAA §164.312(b) audit controls): who viewed or changed
her profile, clearances and documents, assessments, check-ins, symptom reports, flags and
decisions, when, and through which channel (web page, API, admin, or the system itself).

It is django-auditlog's ``LogEntry``, append-only:

- changes are recorded by auditlog's signals for every model passed to :func:`track` (each
  app tracks its own models in its ``AppConfig.ready``); the values are masked
  (:func:`redact`), so the log says *which* fields changed, never what they say: the record
  itself keeps the values, the log keeps no second copy of her health data;
- views are recorded by :func:`record_access`, one row per page or API response (a list is
  one row saying what was listed), called by the views themselves;
- every row names its object as "<kind> #<id>", never by her name, and carries her athlete
  id in ``additional_data["athlete"]`` so that her coach's page and her erasure find them.

Erasure deletes every row about her and leaves one anonymous row ("athlete #id erased by
… at …"); rows older than ``AUDIT_LOG_RETENTION_DAYS`` are pruned by a nightly task.
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from functools import reduce
from typing import Any

from auditlog.middleware import AuditlogMiddleware
from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.db.models import Model
from django.db.models.signals import pre_save
from django.http import HttpRequest

Action = LogEntry.Action

_request: ContextVar[HttpRequest | None] = ContextVar("audit_request", default=None)

REDACTED = "•"


def redact(value: str) -> str:
    """auditlog's mask: the value never enters the log."""
    return REDACTED


def channel_of(request: HttpRequest | None) -> str:
    if request is None:
        return "system"
    if request.path.startswith("/api/"):
        return "api"
    if request.path.startswith("/admin/"):
        return "admin"
    return "web"


def object_label(model: type[Model] | Model, pk: Any) -> str:
    return f"{model._meta.verbose_name} #{pk}"


class AccessLogMiddleware(AuditlogMiddleware):
    """auditlog's middleware (correlation id, address), plus the request kept for the
    receiver below. The address is the socket's: ``X-Forwarded-For`` is whatever the client
    says unless a trusted proxy rewrote ``REMOTE_ADDR`` before us."""

    @staticmethod
    def _get_remote_addr(request: HttpRequest) -> str | None:
        return request.META.get("REMOTE_ADDR")

    def __call__(self, request: HttpRequest):
        token = _request.set(request)
        try:
            return super().__call__(request)
        finally:
            _request.reset(token)


def _fill_entry(sender: type[LogEntry], instance: LogEntry, **kwargs: Any) -> None:
    """Before any row is written: the actor (read now, so that an API token signed in by
    DRF inside the view counts), the channel, and a label without her name."""
    if instance.pk is not None:
        return
    request = _request.get()
    user = getattr(request, "user", None)
    if instance.actor_id is None and user is not None and user.is_authenticated:
        instance.actor = user
    data = dict(instance.additional_data or {})
    data.setdefault("channel", channel_of(request))
    instance.additional_data = data
    model = instance.content_type.model_class() or Model
    instance.object_repr = object_label(model, instance.object_pk)


pre_save.connect(_fill_entry, sender=LogEntry, dispatch_uid="athletes.audit.fill_entry")


def track(model: type[Model], *, athlete: Callable[[Any], int | None]) -> None:
    """Record every create, change and delete of ``model``'s rows, values masked.
    ``athlete`` tells whose record a row is."""

    def get_additional_data(self: Model) -> dict[str, Any]:
        return {"athlete": athlete(self)}

    model.get_additional_data = get_additional_data  # type: ignore[attr-defined]
    fields = [f.name for f in model._meta.concrete_fields]
    auditlog.register(model, mask_fields=fields, mask_callable="athletes.audit.redact")


def by_attribute(path: str) -> Callable[[Any], int | None]:
    """``by_attribute("checkin.athlete_id")``: her id, read along attributes."""
    names = path.split(".")
    return lambda obj: reduce(lambda o, n: getattr(o, n, None), names, obj)


def record_access(
    request: HttpRequest, *, instance: Model, athlete_id: int | None, what: str
) -> LogEntry:
    """One row: the signed-in user opened ``what`` (e.g. "profile", "check-ins (12 listed)")
    of the record ``instance`` belonging to athlete ``athlete_id``."""
    user = getattr(request, "user", None)
    return LogEntry.objects.log_create(
        instance,
        force_log=True,
        action=Action.ACCESS,
        changes=None,
        actor=user if user is not None and user.is_authenticated else None,
        additional_data={"athlete": athlete_id, "what": what[:200], "channel": channel_of(request)},
        object_repr=object_label(instance, instance.pk),
    )


def about_athlete(athlete_id: int):
    """Rows about her record (views and changes), newest first."""
    return LogEntry.objects.filter(additional_data__athlete=athlete_id)
