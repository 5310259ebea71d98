"""Writes of the conversation: posting a message, marking a thread read, the coach's decision
notes, and the e-mails that tell the other side (SPEC §12)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from kombu.exceptions import OperationalError as BrokerError

from athletes.access import can_write_conversation
from athletes.models import Athlete, User
from checkins.models import WarningFlag, WeeklyCheckIn
from clinical import protocol
from plans.models import Decision, PlanWeek

from .models import MAX_ID, REFERENCE_FIELDS, Message, Thread

logger = logging.getLogger(__name__)

# SPEC §12: at most one e-mail an hour per thread, to each side.
MAIL_INTERVAL = timedelta(hours=1)

IMMEDIATELY, HOURLY, NEVER = "immediately", "hourly", "never"
MESSAGE_PREFERENCES = (IMMEDIATELY, HOURLY, NEVER)

_REFERENCE_MODELS: dict[str, type[WeeklyCheckIn | Decision | WarningFlag | PlanWeek]] = {
    "checkin": WeeklyCheckIn,
    "decision": Decision,
    "flag": WarningFlag,
    "plan_week": PlanWeek,
}


def may_write(user: User, athlete: Athlete) -> bool:
    """Her coach and she herself write in her thread; staff only read it (the policy's
    ``can_write_conversation``)."""
    return can_write_conversation(user, athlete)


def _is_coach_of(user: User, athlete: Athlete) -> bool:
    return user.pk == athlete.coach_id


def reference_resolve(*, athlete: Athlete, by: User, kind: str, pk: object) -> dict[str, Any]:
    """The record a message is about, as the keyword of :func:`message_post`: one of hers that
    ``by`` may see (her check-ins and plan weeks for her; also her decisions and flags for her
    coach). Raises ``ValidationError`` keyed by ``kind`` otherwise: unknown, another
    athlete's, or not hers to see are the same answer, so nothing is revealed."""
    model = _REFERENCE_MODELS.get(kind)
    if model is None:
        raise ValidationError({"reference": f"Refer to one of: {', '.join(REFERENCE_FIELDS)}."})
    text = str(pk)
    if not text.isdigit() or not 0 < int(text) <= MAX_ID:
        raise ValidationError({kind: "An id (a whole number)."})
    number = int(text)
    path = "plan__athlete" if kind == "plan_week" else "athlete"
    record = model.objects.visible_to(by).filter(**{path: athlete}, pk=number).first()
    if record is None:
        raise ValidationError({kind: "Not one of her records."})
    return {kind: record}


@transaction.atomic
def message_post(
    *,
    athlete: Athlete,
    by: User,
    body: str,
    checkin: WeeklyCheckIn | None = None,
    decision: Decision | None = None,
    flag: WarningFlag | None = None,
    plan_week: PlanWeek | None = None,
) -> Message:
    """Post ``body`` to her thread, from her coach or from her. Validated once, here
    (``Message.clean``): plain text, 1 to 4,000 characters, about one of her records at
    most. Replying marks what the other side wrote before as read. The e-mail to the other
    side is queued once the message has committed. Raises ``ValidationError`` (nothing
    written) on bad input or when ``by`` may not write here (pages and the API check
    ``may_write`` first, to answer 403)."""
    if not may_write(by, athlete):
        raise ValidationError("Only she and her coach write in her conversation.")
    message = Message(
        athlete=athlete,
        author=by,
        from_coach=_is_coach_of(by, athlete),
        body=body,
        checkin=checkin,
        decision=decision,
        flag=flag,
        plan_week=plan_week,
    )
    message.full_clean()
    message.save()
    Thread.objects.get_or_create(athlete=athlete)
    _mark_read(athlete=athlete, from_coach=not message.from_coach)
    transaction.on_commit(lambda: _queue_notification(message.pk))
    logger.info("message posted message=%s athlete=%s", message.pk, athlete.pk)
    return message


def _mark_read(*, athlete: Athlete, from_coach: bool) -> int:
    return Message.objects.filter(
        athlete=athlete, from_coach=from_coach, read_at__isnull=True
    ).update(read_at=timezone.now())


@transaction.atomic
def thread_mark_read(*, athlete: Athlete, by: User) -> int:
    """She or her coach has read what the other side wrote. Staff reading never marks
    anything read (the messages were not for them). Returns how many were marked."""
    if not may_write(by, athlete):
        return 0
    return _mark_read(athlete=athlete, from_coach=not _is_coach_of(by, athlete))


# --- The coach's decisions --------------------------------------------------------------------


def _position(stage_key: str, level: int) -> str:
    return f"{protocol.stage(stage_key).name}, level {level}"


_DECIDED_WORDS = {
    "advance": "You're moving on a step: {position} from {day}. Your last weeks went well.",
    "hold": "We'll stay at {position} from {day}: steady is good.",
    "step_back": "A gentler week from {day}: {position}, so your body can settle.",
    "pause": "Your plan is paused from {day}: gentle walks and your pelvic floor exercises "
    "only, until we've talked.",
}


def decision_message_body(decision: Decision) -> str:
    """What her coach tells her of a decision: the coach's own note when there is one,
    otherwise what the week will be, in plain words."""
    if decision.note:
        return decision.note
    words = _DECIDED_WORDS.get(decision.outcome_action, "Your plan is set from {day}: {position}.")
    return words.format(
        position=_position(decision.outcome_stage, decision.outcome_level),
        day=date_format(decision.starts_on, "l j M"),
    )


@transaction.atomic
def decision_note_post(*, decision: Decision, by: User) -> Message:
    """The coach's approval or override, in her thread as the coach's message to her (SPEC
    §12), about the decision. Called within the decision's own transaction (plans'
    ``decision_decided``), so it is posted exactly once per decision. Staff deciding in a
    coach's place write as her coach: the message is still the coach side's."""
    athlete = decision.athlete
    message = Message(
        athlete=athlete,
        author=by,
        from_coach=True,
        body=decision_message_body(decision)[: Message._meta.get_field("body").max_length],
        decision=decision,
    )
    message.full_clean()
    message.save()
    Thread.objects.get_or_create(athlete=athlete)
    transaction.on_commit(lambda: _queue_notification(message.pk))
    return message


# --- E-mail -------------------------------------------------------------------------------------


def message_preference(user: User) -> str:
    """How ``user`` wants to hear of new messages: her notification preferences' ``messages``
    when she has set them (the account's preferences model), else at once."""
    preferences = getattr(user, "notification_preferences", None)
    value = getattr(preferences, "messages", IMMEDIATELY) if preferences is not None else None
    return value if value in MESSAGE_PREFERENCES else IMMEDIATELY


def _queue_notification(message_id: int) -> None:
    from .tasks import notify_message  # the tasks module imports this one

    try:
        notify_message.delay(message_id)
    except BrokerError:
        # The message is saved; the hourly summary tells the other side instead.
        logger.warning("could not queue notify_message message=%s: broker unreachable", message_id)


@dataclass(frozen=True)
class _Side:
    to_coach: bool

    @property
    def mailed_field(self) -> str:
        return "coach_mailed_at" if self.to_coach else "athlete_mailed_at"


def _recipient(athlete: Athlete, side: _Side) -> User | None:
    return athlete.coach if side.to_coach else athlete.user


def _site_url(path: str) -> str:
    return getattr(settings, "SITE_URL", "http://127.0.0.1:8000").rstrip("/") + path


def thread_notify(*, athlete_id: int, to_coach: bool, summary: bool = False) -> bool:
    """E-mail one side of her thread about the messages she has not read and not yet been
    told of, if her preference allows it and she was not told within the last hour.

    Idempotent and safe to run concurrently: the conditional UPDATE of the thread's
    ``*_mailed_at`` claims the hour (healthchecks' pattern), so of two runs only one sends.
    ``summary`` is the hourly run (beat), which also serves the "hourly" preference; the
    immediate run (after a message) serves "immediately" only. If sending fails the claim is
    released and the error raised, for the task to retry."""
    side = _Side(to_coach=to_coach)
    athlete = Athlete.objects.select_related("coach", "user").filter(pk=athlete_id).first()
    if athlete is None:
        return False
    recipient = _recipient(athlete, side)
    if recipient is None or not recipient.is_active or not recipient.email:
        return False
    preference = message_preference(recipient)
    if preference == NEVER or (preference == HOURLY and not summary):
        return False
    pending = Message.objects.filter(
        athlete=athlete, from_coach=not to_coach, read_at__isnull=True, mailed_at__isnull=True
    ).order_by("sent_at", "id")
    if not pending.exists():
        return False
    now = timezone.now()
    thread, _ = Thread.objects.get_or_create(athlete=athlete)
    previous = getattr(thread, side.mailed_field)
    mailed = side.mailed_field
    claimed = (
        Thread.objects.filter(pk=thread.pk)
        .filter(Q(**{f"{mailed}__isnull": True}) | Q(**{f"{mailed}__lte": now - MAIL_INTERVAL}))
        .update(**{mailed: now})
    )
    if not claimed:
        return False
    messages = list(pending)
    sent = False
    try:
        _send(athlete=athlete, recipient=recipient, count=len(messages), to_coach=to_coach)
        sent = True
    finally:
        if not sent:  # release the hour, so that the retry (or the next summary) sends it
            Thread.objects.filter(pk=thread.pk, **{mailed: now}).update(**{mailed: previous})
    Message.objects.filter(pk__in=[m.pk for m in messages]).update(mailed_at=now)
    logger.info(
        "messages mailed athlete=%s to_coach=%s messages=%s", athlete.pk, to_coach, len(messages)
    )
    return True


def threads_to_summarise() -> list[tuple[int, bool]]:
    """(athlete id, to the coach?) of each side of a thread with unread messages nobody has
    been told of: the hourly summary's work list (SPEC §12)."""
    rows = (
        Message.objects.filter(read_at__isnull=True, mailed_at__isnull=True)
        .order_by()  # no Meta.ordering columns in the DISTINCT
        .values_list("athlete_id", "from_coach")
        .distinct()
    )
    return sorted({(athlete_id, not from_coach) for athlete_id, from_coach in rows})


def _send(*, athlete: Athlete, recipient: User, count: int, to_coach: bool) -> None:
    """One plain-text and HTML e-mail with a link to the thread. It never quotes the
    messages: what she and her coach write is health data, read behind a sign-in."""
    if to_coach:
        url = _site_url(reverse("conversations:coach_thread", args=[athlete.pk]))
        sender = athlete.first_name or "Your athlete"
    else:
        url = _site_url(reverse("conversations:my_thread"))
        sender = (athlete.coach.name.split() or ["Your coach"])[0]
    context = {
        "recipient": recipient,
        "sender": sender,
        "count": count,
        "url": url,
        "site_name": settings.SITE_NAME,
        "account_url": _site_url(reverse("account_email")),
    }
    subject = (
        f"[{settings.SITE_NAME}] {sender} sent you a message"
        if count == 1
        else f"[{settings.SITE_NAME}] {count} new messages from {sender}"
    )
    mail = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string("conversations/email/new_messages.txt", context),
        to=[recipient.email],
    )
    mail.attach_alternative(
        render_to_string("conversations/email/new_messages.html", context), "text/html"
    )
    mail.send()
