"""What she is told right after reporting (SPEC §6): advice, never a diagnosis."""

from __future__ import annotations

from dataclasses import dataclass

from .facts import AthleteFacts, CheckInFacts
from .symptoms import PLAIN_NAMES, late_bleeding, red_flags


@dataclass(frozen=True)
class Advice:
    red_flags: list[str]
    red_flag_words: str
    feeling_low: bool
    early_bleeding: bool

    @property
    def any(self) -> bool:
        return bool(self.red_flags or self.feeling_low or self.early_bleeding)


def advise(checkin: CheckInFacts, athlete: AthleteFacts) -> Advice:
    flags = red_flags(checkin, athlete)
    return Advice(
        red_flags=flags,
        red_flag_words=", ".join(PLAIN_NAMES[f] for f in flags),
        feeling_low=checkin.feeling_low,
        early_bleeding=checkin.bleeding and not late_bleeding(checkin, athlete),
    )
