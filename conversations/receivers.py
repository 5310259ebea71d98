"""The conversation's reactions to the layers below."""

from __future__ import annotations

from athletes.models import Athlete, User
from plans.models import Decision

from . import services
from .demo import demo_conversation


def on_decision_decided(sender: type[Decision], *, decision: Decision, by: User, **kwargs) -> None:
    """plans' ``decision_decided``, inside the decision's transaction: her coach's note (or
    what was decided, in plain words) goes to her thread as the coach's message to her."""
    services.decision_note_post(decision=decision, by=by)


def on_demo_athlete_seeded(
    sender: type, *, athlete: Athlete, coach: User, scripted: bool, **kwargs
) -> None:
    """plans' ``demo_athlete_seeded``: the demo athlete's conversation."""
    demo_conversation(athlete=athlete, coach=coach, scripted=scripted)
