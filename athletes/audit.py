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

Why delete her rows rather than keep them with her name blanked: the rows carry her athlete
id and their times, and a timeline of who opened her record when (the week of a flag, the
day a clearance letter was downloaded) says things about her health on its own. Once she is
erased nothing can join the id back to her, but a timeline is still hers, so it goes too.
The one row kept says only that an erasure happened, who did it and when: the id in it no
longer leads to any row (ids are never reused), and it is what an auditor asks for.
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
    # Only its own columns: auditlog would otherwise read reverse relations on a create,
    # leaving "no such row" cached on the instance (``athlete.calendar``) for its caller.
    auditlog.register(
        model, include_fields=fields, mask_fields=fields, mask_callable="athletes.audit.redact"
    )


def by_attribute(path: str) -> Callable[[Any], int | None]:
    """``by_attribute("checkin.athlete_id")``: her id, read along attributes."""
    names = path.split(".")
    return lambda obj: reduce(lambda o, n: getattr(o, n, None), names, obj)


def record_access(
    request: HttpRequest, *, instance: Model, athlete_id: int | None, what: str
) -> LogEntry | None:
    """One row: the signed-in user opened ``what`` (e.g. "profile", "check-ins (12 listed)")
    of the record ``instance`` belonging to athlete ``athlete_id``. Only reads are logged
    here (GET, HEAD): a write is logged by the change tracking, with its own row."""
    if request.method not in ("GET", "HEAD"):
        return None
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


def athlete_of(obj: Model) -> int | None:
    """Whose record ``obj`` is: her own id for her profile, else its ``athlete_id``."""
    if obj._meta.model_name == "athlete":
        return obj.pk
    return getattr(obj, "athlete_id", None)


class LogsAccessMixin:
    """For API views: one access row per successful GET. A detail view logs the object it
    served; a list under ``/athletes/{id}/`` logs her profile with what was listed and how
    many; a list across athletes logs the viewer's own account with the count (no names,
    no ids). ``access_what`` names the records ("check-ins")."""

    access_what = "records"
    access_one = ""  # a detail's words, when they differ ("profile" for "athletes")

    def get_object(self):
        obj = super().get_object()  # type: ignore[misc]
        self._accessed = obj
        return obj

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)  # type: ignore[misc]
        if request.method == "GET" and response.status_code == 200:
            instance, athlete_id, what = self.accessed(request, response)
            record_access(request, instance=instance, athlete_id=athlete_id, what=what)
        return response

    def accessed(self, request, response) -> tuple[Model, int | None, str]:
        obj = getattr(self, "_accessed", None)
        if obj is not None:
            return obj, athlete_of(obj), self.access_one or self.access_what
        data = response.data
        if isinstance(data, dict) and "count" in data:
            what = f"{self.access_what} ({data['count']} listed)"
        elif isinstance(data, list):
            what = f"{self.access_what} ({len(data)} listed)"
        else:
            what = self.access_what
        get_athlete = getattr(self, "get_athlete", None)
        if get_athlete is not None:
            athlete = get_athlete()
            return athlete, athlete.pk, what
        return request.user, None, what


class AccessLoggedAdmin:
    """For ``ModelAdmin``: opening a record's change page logs an access row (channel
    "admin"). Hooked on the page's rendering, which has the object: no extra query."""

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and not add:
            record_access(request, instance=obj, athlete_id=athlete_of(obj), what="admin page")
        return super().render_change_form(  # type: ignore[misc]
            request, context, add=add, change=change, form_url=form_url, obj=obj
        )
