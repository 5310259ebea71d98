"""The demo athlete's conversation, written by ``seed_demo`` through plans' signal."""

from __future__ import annotations

from conversations.demo import demo_conversation
from conversations.models import Message
from conversations.selectors import UnreadMessages
from plans.signals import demo_athlete_seeded


def test_the_seed_gives_her_a_short_exchange_about_her_records(athlete, coach, checkin):
    demo_athlete_seeded.send(sender=type(athlete), athlete=athlete, coach=coach, scripted=True)

    rows = list(Message.objects.order_by("sent_at"))
    assert [m.from_coach for m in rows] == [True, False, True, False]
    assert rows[0].checkin == checkin
    assert rows[2].plan_week is not None
    assert rows[2].plan_week.plan.athlete == athlete
    # Her last message is new to her coach; nothing is waiting for an e-mail.
    assert UnreadMessages(coach).total == 1
    assert UnreadMessages(athlete.user).total == 0
    assert not Message.objects.filter(mailed_at__isnull=True).exists()


def test_seeding_again_gives_the_same_demo(athlete, coach, checkin):
    demo_conversation(athlete=athlete, coach=coach, scripted=True)

    assert demo_conversation(athlete=athlete, coach=coach, scripted=True) == 4
    assert Message.objects.count() == 4


def test_other_demo_athletes_get_no_conversation(athlete, coach):
    assert demo_conversation(athlete=athlete, coach=coach, scripted=False) == 0
    assert not Message.objects.exists()
