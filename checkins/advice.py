"""What an athlete is told right after a check-in (SPEC §6): advice, never a diagnosis."""

from __future__ import annotations

from dataclasses import dataclass

from athletes.models import Athlete

from .models import WeeklyCheckIn
from .rules import BLEEDING_HIGH_AFTER_DAYS, AthleteFacts, CheckInFacts, red_flags

PLAIN_NAMES = {
    "leakage": "leaking",
    "urgency": "urgency",
    "heaviness": "heaviness, dragging or a bulge",
    "pelvic_pain": "pelvic pain",
    "abdominal_doming": "tummy doming",
    "bleeding": "bleeding",
    "pain": "pain of 5/10 or more",
}


@dataclass(frozen=True)
class Advice:
    red_flags: list[str]
    red_flag_words: str
    feeling_low: bool
    early_bleeding: bool

    @property
    def any(self) -> bool:
        return bool(self.red_flags or self.feeling_low or self.early_bleeding)


def advice_for(checkin: WeeklyCheckIn, athlete: Athlete) -> Advice:
    facts = AthleteFacts(delivery_date=athlete.delivery_date)
    flags = red_flags(CheckInFacts.of(checkin), facts)
    early_bleeding = (
        checkin.bleeding and facts.days_postpartum(checkin.week) <= BLEEDING_HIGH_AFTER_DAYS
    )
    return Advice(
        red_flags=flags,
        red_flag_words=", ".join(PLAIN_NAMES[f] for f in flags),
        feeling_low=checkin.feeling_low,
        early_bleeding=early_bleeding,
    )
