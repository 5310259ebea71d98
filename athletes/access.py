"""The access policy: the one place that answers "may this user see, or change, this athlete
and what hangs off her?", for pages and the API alike.

- A **coach** sees and changes her own athletes and everything about them.
- An **athlete** sees herself and her own records, read only here (her check-ins have their
  own write rules), and never what is kept for the coach: a queryset class says so with
  ``coach_side_only`` (flags, decisions, audit entries, check-in revisions, invitations).
- **Staff** see and change everyone. They count as the coach side everywhere: pages and API.
- Anyone else (signed out, no role) sees nothing.
- Her **conversation** with her coach (``conversations.Message``, shared with her) is read by
  whoever may see her, as above, but written only by the two people in it, her coach and
  herself (:func:`can_write_conversation`): staff read threads and never write in them.

Everything is built on :func:`athlete_scope`, the filter for a model that reaches the athlete
through a path of foreign keys. Every athlete-scoped model has ``objects.visible_to(user)``
(``athletes.models.AthleteScopedQuerySet``), the predicates (``can_view_athlete``,
``can_change_athlete``) apply the same rule to one athlete in memory, and the page decorators,
the DRF permission classes and the nested-route base below are made from those. Another
coach's athlete is simply not found (404); the wrong side of the house gets a 403.

For the type checker: a page behind a decorator takes an :class:`AuthedHttpRequest`, whose
``user`` is a :class:`User`; an API view gets its requester from :func:`signed_in_user`.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Concatenate, ParamSpec, Protocol, TypeGuard, TypeVar

from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Count, IntegerField, Model, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404
from rest_framework import exceptions, permissions

from .models import Athlete, AthleteScopedQuerySet, Role, User

if TYPE_CHECKING:
    from django_htmx.middleware import HtmxDetails
    from rest_framework.request import Request
    from rest_framework.views import APIView
    from typing_extensions import TypeIs

    # The nested-route base below is mixed into API views. Only for the type checker: importing
    # DRF's views here would load the DRF settings, which name this module's permission classes.
    _NestedViewBase = APIView
else:
    _NestedViewBase = object

_P = ParamSpec("_P")
_R = TypeVar("_R", bound=HttpResponseBase)

# The attribute a page view carries once a decorator of this module guards it; its value says
# who may open the page ("coach", "athlete" or "signed_in").
PAGE_MARKER = "access_policy"

# Matches no row, without a query: what an unknown or signed-out user may see.
NOTHING = Q(pk__in=[])

_EVERYONE = "*"


def is_signed_in(user: User | AnonymousUser | None) -> TypeIs[User]:
    return bool(user is not None and user.is_authenticated)


def is_coach_side(user: User | AnonymousUser | None) -> TypeGuard[User]:
    """Coaches and staff: they manage athletes (staff anyone's, a coach her own)."""
    return is_signed_in(user) and (user.is_staff or user.role == Role.COACH)


def is_athlete(user: User | AnonymousUser | None) -> TypeGuard[User]:
    return is_signed_in(user) and user.role == Role.ATHLETE


def _link(user: User | AnonymousUser, *, coach_side_only: bool) -> str | None:
    """The athlete field that ties ``user`` to the athletes she may see (``_EVERYONE`` for
    all of them), or None for none. The single statement of the policy."""
    if not is_signed_in(user):
        return None
    if user.is_staff:
        return _EVERYONE
    if user.role == Role.COACH:
        return "coach"
    if user.role == Role.ATHLETE and not coach_side_only:
        return "user"
    return None


def athlete_scope(
    user: User | AnonymousUser, path: str = "", *, coach_side_only: bool = False
) -> Q:
    """The filter that keeps the rows ``user`` may see of a model whose rows belong to an
    athlete through ``path``: ``""`` for Athlete itself, ``"athlete__"`` for a model with an
    ``athlete`` foreign key, ``"plan_week__plan__athlete__"`` for a planned session, and so on.
    ``coach_side_only`` rows are never shown to athletes."""
    link = _link(user, coach_side_only=coach_side_only)
    if link is None:
        return NOTHING
    if link == _EVERYONE:
        return Q()
    return Q(**{f"{path}{link}": user})


def can_view_athlete(
    user: User | AnonymousUser, athlete: Athlete, *, coach_side_only: bool = False
) -> bool:
    """The rule of :func:`athlete_scope`, for one athlete already in memory."""
    link = _link(user, coach_side_only=coach_side_only)
    if link is None:
        return False
    return link == _EVERYONE or getattr(athlete, f"{link}_id") == user.pk


def can_change_athlete(user: User | AnonymousUser, athlete: Athlete) -> bool:
    """Only the coach side changes an athlete or her records: her coach, or staff."""
    return is_coach_side(user) and can_view_athlete(user, athlete)


def can_write_conversation(user: User | AnonymousUser, athlete: Athlete) -> bool:
    """Her conversation is hers and her coach's (SPEC §12): only they write in it. Staff (who
    may read it) and everyone else do not."""
    return is_signed_in(user) and user.pk in (athlete.coach_id, athlete.user_id)


def athlete_of(obj: Model) -> Athlete:
    """The athlete a row belongs to, following its queryset's ``athlete_path``."""
    if isinstance(obj, Athlete):
        return obj
    queryset = type(obj)._default_manager.get_queryset()
    if not isinstance(queryset, AthleteScopedQuerySet):
        raise TypeError(f"{type(obj).__name__} does not belong to an athlete.")
    row: object = obj
    for name in queryset.athlete_path.removesuffix("__").split("__"):
        row = getattr(row, name)
    if not isinstance(row, Athlete):
        raise TypeError(f"{type(obj).__name__}: {queryset.athlete_path!r} leads to no athlete.")
    return row


def _is_coach_side_only(obj: Model) -> bool:
    return bool(getattr(type(obj)._default_manager.get_queryset(), "coach_side_only", False))


# --- Pages ------------------------------------------------------------------------------------

_WALL_MESSAGES = {
    "coach": "This page is for coaches.",
    "athlete": "This page is for athletes.",
}


class AuthedHttpRequest(HttpRequest):
    """What a page guarded by a decorator below receives: someone is signed in, so
    ``request.user`` is a :class:`User`. Only a type: the decorators make it true. It also
    names ``htmx``, which django-htmx's middleware sets on every request."""

    user: User
    htmx: HtmxDetails


def _is_signed_in_request(request: HttpRequest) -> TypeIs[AuthedHttpRequest]:
    return is_signed_in(request.user)


class _PageGuard(Protocol):
    def __call__(
        self, view: Callable[Concatenate[AuthedHttpRequest, _P], _R], /
    ) -> Callable[Concatenate[HttpRequest, _P], _R | HttpResponseRedirect]: ...


def _page_guard(who: str, allowed: Callable[[User], bool]) -> _PageGuard:
    def decorator(
        view: Callable[Concatenate[AuthedHttpRequest, _P], _R],
    ) -> Callable[Concatenate[HttpRequest, _P], _R | HttpResponseRedirect]:
        @wraps(view)
        def wrapper(
            request: HttpRequest, *args: _P.args, **kwargs: _P.kwargs
        ) -> _R | HttpResponseRedirect:
            if not _is_signed_in_request(request):
                return redirect_to_login(request.get_full_path())
            if not allowed(request.user):
                raise PermissionDenied(_WALL_MESSAGES[who])
            return view(request, *args, **kwargs)

        setattr(wrapper, PAGE_MARKER, who)
        return wrapper

    return decorator


# Coach pages: coaches and staff. The athlete a page is about is then looked up among those the
# user may see (athletes.selectors.athlete_for_coach), so another coach's answers 404.
coach_required = _page_guard("coach", is_coach_side)
# The athlete's own pages: her week, her check-ins, her data.
athlete_required = _page_guard("athlete", is_athlete)
# Any signed-in user; what the page shows is scoped with ``visible_to`` (e.g. a document).
signed_in_required = _page_guard("signed_in", is_signed_in)


# --- API: permission classes --------------------------------------------------------------------


class SignedIn(permissions.BasePermission):
    """Anyone signed in; the queryset shows only what the policy lets her see. On an object:
    only one she may see (her coach, herself, staff)."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        return is_signed_in(request.user)

    def has_object_permission(self, request: Request, view: APIView, obj: Model) -> bool:
        return can_view_athlete(
            request.user, athlete_of(obj), coach_side_only=_is_coach_side_only(obj)
        )


class CoachWritesAthleteReads(SignedIn):
    """Anyone signed in may read what her queryset shows; only the coach side writes."""

    message = "Only coaches can change this."

    def has_permission(self, request: Request, view: APIView) -> bool:
        if not is_signed_in(request.user):
            return False
        return request.method in permissions.SAFE_METHODS or is_coach_side(request.user)

    def has_object_permission(self, request: Request, view: APIView, obj: Model) -> bool:
        if request.method in permissions.SAFE_METHODS:
            return super().has_object_permission(request, view, obj)
        return can_change_athlete(request.user, athlete_of(obj))


class CoachOrStaffOnly(permissions.BasePermission):
    """The coach side only (coaches and staff), for reading as well as writing."""

    message = "Only coaches can see this."

    def has_permission(self, request: Request, view: APIView) -> bool:
        return is_coach_side(request.user)

    def has_object_permission(self, request: Request, view: APIView, obj: Model) -> bool:
        return can_change_athlete(request.user, athlete_of(obj))


def signed_in_user(request: Request) -> User:
    """The user of an API request. Every permission class above lets only someone signed in
    through, so behind them this is her :class:`User`; without one the request is refused."""
    user = request.user
    if not is_signed_in(user):
        raise exceptions.NotAuthenticated()
    return user


# --- API: routes under /athletes/{athlete_id}/ ------------------------------------------------


class AthleteNestedMixin(_NestedViewBase):
    """The base of every API view under ``/athletes/{athlete_id}/…``.

    The athlete is looked up among those the requester may see as soon as the request is
    authenticated and its permissions checked, before any body is read: anyone else's athlete
    answers 404 whatever the body, never a 400 that would reveal she exists. The object
    permission of the view's classes is then checked on her, and she is kept for the view
    (``get_athlete()``).
    """

    athlete_url_kwarg = "athlete_id"
    permission_classes = [CoachWritesAthleteReads]
    # A list of all her rows of one relation (e.g. "checkins") names it here: a read then
    # counts them in the query that looks her up, and the pagination takes that count
    # (``paged_count``, ``web.api.pagination``): one query fewer per page.
    paged_relation: str | None = None

    def initial(self, request, *args, **kwargs) -> None:
        super().initial(request, *args, **kwargs)
        self.check_object_permissions(request, self.get_athlete())

    def get_athlete(self) -> Athlete:
        if not hasattr(self, "_athlete"):
            athletes = Athlete.objects.visible_to(self.request.user)
            if self.request.method not in permissions.SAFE_METHODS:
                # Writes may address her or her coach (a message's e-mail): one query.
                athletes = athletes.select_related("coach", "user")
            if self._counts_rows():
                athletes = athletes.annotate(paged_count=_count_of(self.paged_relation or ""))
            self._athlete = get_object_or_404(athletes, pk=self.kwargs[self.athlete_url_kwarg])
        return self._athlete

    def paged_count(self) -> int | None:
        """How many rows her list pages, counted with her lookup (None: not counted)."""
        return self.get_athlete().paged_count if self._counts_rows() else None  # type: ignore[attr-defined]

    def _counts_rows(self) -> bool:
        return bool(self.paged_relation) and self.request.method in permissions.SAFE_METHODS


def _count_of(relation: str) -> Coalesce:
    """How many rows of her ``relation`` (a reverse foreign key of Athlete), as SQL."""
    field = Athlete._meta.get_field(relation)
    fk = field.field.name  # type: ignore[union-attr]
    rows = (
        field.related_model._default_manager.filter(**{fk: OuterRef("pk")})  # type: ignore[union-attr]
        .order_by()
        .values(fk)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), 0)
