"""What she is told right after reporting (SPEC §6, §14): advice, never a diagnosis."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from .facts import AthleteFacts, CheckInFacts
from .symptoms import PLAIN_NAMES, late_bleeding, red_flags
from .thresholds import LOW_MOOD_MAX, LOW_MOOD_WEEKS


@dataclass(frozen=True)
class Advice:
    red_flags: list[str]
    red_flag_words: str
    feeling_low: bool  # she ticked "felt low or anxious most days"
    low_mood_streak: bool  # mood 2/5 or lower on 2 consecutive check-ins
    early_bleeding: bool

    @property
    def support(self) -> bool:
        """The mood path shows (SPEC §14): feeling low, or low mood two weeks running."""
        return self.feeling_low or self.low_mood_streak

    @property
    def any(self) -> bool:
        return bool(self.red_flags or self.support or self.early_bleeding)


def low_mood_streak(checkin: CheckInFacts, previous: Sequence[CheckInFacts]) -> bool:
    """Mood 2/5 or lower this week and each of the weeks just before (a missing week breaks
    the streak), as the low-mood rule counts it (cox1987 for why no score is computed)."""
    by_week = {c.week: c for c in (*previous, checkin)}
    weeks = [checkin.week - timedelta(weeks=i) for i in range(LOW_MOOD_WEEKS)]
    found = [by_week.get(w) for w in weeks]
    return all(c is not None and c.mood <= LOW_MOOD_MAX for c in found)


def advise(
    checkin: CheckInFacts, athlete: AthleteFacts, previous: Sequence[CheckInFacts] = ()
) -> Advice:
    """``previous``: her check-ins of the weeks before (for the mood streak)."""
    flags = red_flags(checkin, athlete)
    return Advice(
        red_flags=flags,
        red_flag_words=", ".join(PLAIN_NAMES[f] for f in flags),
        feeling_low=checkin.feeling_low,
        low_mood_streak=low_mood_streak(checkin, previous),
        early_bleeding=checkin.bleeding and not late_bleeding(checkin, athlete),
    )
