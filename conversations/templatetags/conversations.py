"""The conversation on pages of the layers below (the athlete page, "my week", the roster),
which cannot import this app: ``{% conversation_panel athlete as conversation %}`` builds the
panel's context, ``{{ unread_messages|unread_of:athlete.pk }}`` reads the per-athlete count
the context processor already holds (no query of its own)."""

from __future__ import annotations

from typing import Any

from django import template

from athletes.models import Athlete

from ..selectors import UnreadMessages
from ..views import conversation_context

register = template.Library()


@register.simple_tag(takes_context=True)
def conversation_panel(context: template.Context, athlete: Athlete) -> dict[str, Any]:
    return conversation_context(context["request"], athlete, full=False)


@register.filter
def unread_of(unread: UnreadMessages | None, athlete_id: int) -> int:
    return unread.of(athlete_id) if unread is not None else 0
