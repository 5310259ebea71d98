"""The symptoms she is asked about and which of them are red flags (SPEC §5, §6, §7).

goom2019 lists the symptoms of pelvic floor dysfunction that stop running: urinary or faecal
leakage or urgency, heaviness, dragging or a bulge, pelvic or scar pain, abdominal doming, and
bleeding that is not settling. The engine and the warning rules judge them with the same
functions below, so the two can never disagree.
"""

from __future__ import annotations

from .facts import AthleteFacts, CheckInFacts
from .thresholds import BLEEDING_HIGH_AFTER_DAYS, PAIN_HIGH, PAIN_MEDIUM

# Field, plain-language question. The first six are pelvic floor and bleeding symptoms.
SYMPTOMS: tuple[tuple[str, str], ...] = (
    ("leakage", "Did you leak any urine, stool or wind — running, coughing, lifting or jumping?"),
    ("urgency", "Did you have to rush to the toilet, or find it hard to hold on?"),
    ("heaviness", "Did you feel heaviness, dragging or a bulge in your vagina or pelvis?"),
    ("pelvic_pain", "Did you have pain in your pelvis, pubic bone, lower tummy or scar?"),
    # A normal period is not a warning sign (SPEC §14): it is asked about on its own.
    ("bleeding", "Did you have any vaginal bleeding that was not a normal period?"),
    (
        "abdominal_doming",
        "Did your tummy dome or cone along the middle when you sat up or lifted?",
    ),
)
SYMPTOM_FIELDS = tuple(name for name, _ in SYMPTOMS)

PERIODS_RETURNED_QUESTION = "Have your periods come back? (This is normal and changes nothing.)"

PELVIC_FLOOR_SYMPTOMS = ("leakage", "urgency", "heaviness", "pelvic_pain", "abdominal_doming")

# How each red flag is named to her.
PLAIN_NAMES = {
    "leakage": "leaking",
    "urgency": "urgency",
    "heaviness": "heaviness, dragging or a bulge",
    "pelvic_pain": "pelvic pain",
    "abdominal_doming": "tummy doming",
    "bleeding": "bleeding",
    "pain": f"pain of {PAIN_HIGH}/10 or more",
}


def late_bleeding(checkin: CheckInFacts, athlete: AthleteFacts) -> bool:
    """Bleeding beyond 8 weeks postpartum, judged on the Monday of the check-in's week."""
    return checkin.bleeding and athlete.days_postpartum(checkin.week) > BLEEDING_HIGH_AFTER_DAYS


def red_flags(checkin: CheckInFacts, athlete: AthleteFacts) -> list[str]:
    """The red-flag symptoms in one check-in, by name; empty when there are none.

    Any pelvic floor symptom; bleeding beyond 8 weeks postpartum; pain from 5/10.
    """
    found = [name for name in PELVIC_FLOOR_SYMPTOMS if getattr(checkin, name)]
    if late_bleeding(checkin, athlete):
        found.append("bleeding")
    if checkin.pain >= PAIN_HIGH:
        found.append("pain")
    return found


def is_symptom_free(checkin: CheckInFacts, athlete: AthleteFacts) -> bool:
    """No red flag, no pelvic floor symptom or bleeding of any kind, and pain below 3/10."""
    return not red_flags(checkin, athlete) and not checkin.bleeding and checkin.pain < PAIN_MEDIUM
