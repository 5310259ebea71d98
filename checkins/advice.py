"""What an athlete is told right after a check-in: the clinical core decides, this adapts."""

from __future__ import annotations

from athletes.models import Athlete
from clinical.advice import Advice, advise
from clinical.facts import AthleteFacts, CheckInFacts

from .models import WeeklyCheckIn


def advice_for(checkin: WeeklyCheckIn, athlete: Athlete) -> Advice:
    return advise(CheckInFacts.of(checkin), AthleteFacts(delivery_date=athlete.delivery_date))
