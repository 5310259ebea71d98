"""What an athlete is told right after a check-in or a symptom report: the clinical core
decides, this adapts."""

from __future__ import annotations

from datetime import timedelta

from athletes.models import Athlete
from clinical.advice import Advice, advise
from clinical.facts import AthleteFacts, CheckInFacts
from clinical.help import help_for
from clinical.symptoms import PLAIN_NAMES
from clinical.thresholds import LOW_MOOD_WEEKS

from .models import SymptomReport, WeeklyCheckIn


def advice_for(checkin: WeeklyCheckIn, athlete: Athlete) -> Advice:
    """The advice for her check-in, judged with the weeks before it (the mood streak)."""
    previous = athlete.checkins.filter(
        week__gte=checkin.week - timedelta(weeks=LOW_MOOD_WEEKS), week__lt=checkin.week
    )
    return advise(
        CheckInFacts.of(checkin),
        AthleteFacts(delivery_date=athlete.delivery_date),
        [CheckInFacts.of(c) for c in previous],
    )


def report_advice(report: SymptomReport, athlete: Athlete) -> Advice:
    """The advice of SPEC §6 for an anytime symptom report, judged on its own week."""
    return advise(report.facts(), AthleteFacts(delivery_date=athlete.delivery_date))


def red_flag_names(advice: Advice) -> list[str]:
    """The red flags she reported, each in the plain words she is shown ("leaking")."""
    return [PLAIN_NAMES[name] for name in advice.red_flags]


def advice_message(advice: Advice, athlete: Athlete) -> str:
    """The advice in a few plain sentences, for an API client to show her as it is.

    The pages say the same at more length (``templates/checkins/_advice.html``).
    """
    numbers = help_for(athlete.help_country)
    emergency = numbers.emergency
    parts = []
    if advice.red_flags:
        parts.append(
            f"Please stop running for now: you reported {advice.red_flag_words}. "
            "Contact a pelvic health physiotherapist or your GP and tell them what you noticed. "
            "Your plan is paused from today: gentle walking and pelvic floor work only, "
            "until your coach has talked with you."
        )
    if advice.early_bleeding:
        parts.append(
            "Some bleeding in the first weeks after birth is normal and usually settles. "
            "If it is getting heavier, comes back bright red, smells unpleasant or comes with "
            "a fever or tummy pain, call your midwife or GP today."
        )
    if advice.early_bleeding or advice.red_flags:
        parts.append(
            "Soaking a pad within an hour, large clots, feeling faint or severe pain: "
            f"call {emergency} now."
        )
    if advice.support:
        crisis = numbers.crisis
        line = f", or {crisis.name} on {crisis.number}" if crisis else ""
        parts.append(
            "Feeling low after having a baby is common, it is not your fault, and support "
            "helps: talk to your GP, midwife or health visitor. Thoughts of harming yourself or "
            f"your baby are urgent: call {emergency} now{line}."
        )
    if not advice.red_flags:
        parts.append("Thank you for telling us. Your coach has been told.")
    return " ".join(parts)
