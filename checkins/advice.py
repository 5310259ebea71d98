"""What an athlete is told right after a check-in or a symptom report: the clinical core
decides, this adapts."""

from __future__ import annotations

from athletes.models import Athlete
from clinical.advice import Advice, advise
from clinical.facts import AthleteFacts, CheckInFacts
from clinical.symptoms import PLAIN_NAMES

from .models import SymptomReport, WeeklyCheckIn


def advice_for(checkin: WeeklyCheckIn, athlete: Athlete) -> Advice:
    return advise(CheckInFacts.of(checkin), AthleteFacts(delivery_date=athlete.delivery_date))


def report_advice(report: SymptomReport, athlete: Athlete) -> Advice:
    """The advice of SPEC §6 for an anytime symptom report, judged on its own week."""
    return advise(report.facts(), AthleteFacts(delivery_date=athlete.delivery_date))


def red_flag_names(advice: Advice) -> list[str]:
    """The red flags she reported, each in the plain words she is shown ("leaking")."""
    return [PLAIN_NAMES[name] for name in advice.red_flags]


def advice_message(advice: Advice) -> str:
    """The advice in a few plain sentences, for an API client to show her as it is.

    The pages say the same at more length (``templates/checkins/_advice.html``).
    """
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
            "a fever, contact your midwife or GP."
        )
    if advice.early_bleeding or "bleeding" in advice.red_flags:
        parts.append(
            "Very heavy bleeding, large clots or feeling faint: call your emergency number now."
        )
    if not advice.red_flags:
        parts.append("Thank you for telling us. Your coach has been told.")
    return " ".join(parts)
