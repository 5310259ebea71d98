"""The conversation's reactions to the layers below."""

from __future__ import annotations

from athletes.models import User
from plans.models import Decision

from . import services


def on_decision_decided(sender: type[Decision], *, decision: Decision, by: User, **kwargs) -> None:
    """plans' ``decision_decided``, inside the decision's transaction: her coach's note (or
    what was decided, in plain words) goes to her thread as the coach's message to her."""
    services.decision_note_post(decision=decision, by=by)
