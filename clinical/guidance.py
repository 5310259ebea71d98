"""Short guidance notes (SPEC §14), each with its source, shown where they apply: by stage
and by what her profile says. Advice, never a diagnosis."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from . import SOURCES
from .protocol import IMPACT_STAGE_KEYS
from .thresholds import BUGGY_RUNNING_FROM_WEEKS


@dataclass(frozen=True)
class Profile:
    """What the notes look at, as plain values."""

    stage: str
    weeks_postpartum: int
    breastfeeding: bool = False
    caesarean: bool = False
    oasi: bool = False  # a third- or fourth-degree tear
    diastasis: bool = False
    previous_births: int = 0


@dataclass(frozen=True)
class Note:
    key: str
    title: str
    text: str
    sources: tuple[str, ...]  # keys of clinical.SOURCES
    applies: Callable[[Profile], bool]

    @property
    def source_text(self) -> str:
        return "; ".join(SOURCES[key] for key in self.sources)


def _in(*stages: str) -> Callable[[Profile], bool]:
    return lambda p: p.stage in stages


NOTES: tuple[Note, ...] = (
    Note(
        "breastfeeding",
        "Breastfeeding and running",
        "Feed or express before you run, and wear a well-fitted, supportive sports bra. "
        "Drink to thirst and eat a little more. Signs of mastitis (a hot, painful, red area "
        "of the breast, or a fever): stop running and see a doctor.",
        ("consensus2024", "goom2019"),
        lambda p: p.breastfeeding and p.stage in IMPACT_STAGE_KEYS | {"walk"},
    ),
    Note(
        "buggy",
        "Running with a buggy",
        "Wait until your baby is about 6 months old and you are running comfortably on your "
        "own, and use a buggy made for running. Pushing changes how you run: start short.",
        ("goom2019",),
        lambda p: p.stage in IMPACT_STAGE_KEYS and p.weeks_postpartum >= BUGGY_RUNNING_FROM_WEEKS,
    ),
    Note(
        "fuelling",
        "Fuelling and energy",
        "Eat enough for recovery, feeding your baby and training: regular meals with protein "
        "and carbohydrate. Constant tiredness, frequent niggles or no periods long after "
        "stopping breastfeeding can mean too little energy: tell your coach and your GP.",
        ("consensus2024",),
        lambda p: p.stage in IMPACT_STAGE_KEYS,
    ),
    Note(
        "iron",
        "Iron after heavy blood loss",
        "If you lost a lot of blood at the birth, ask your GP to check your iron before "
        "building up: low iron makes everything feel harder.",
        ("consensus2024",),
        _in("walk", "run_walk"),
    ),
    Note(
        "caesarean",
        "After a caesarean",
        "Your scar heals on the outside long before the layers beneath. Watch for redness, "
        "heat, swelling, oozing or a fever (signs of infection: see your GP the same day), and "
        "build core and lifting work gradually.",
        ("goom2019", "nice_ng194"),
        lambda p: p.caesarean,
    ),
    Note(
        "diastasis",
        "Loading your core with a tummy gap",
        "With a gap between your tummy muscles, build core work step by step and stop any "
        "exercise that makes your tummy dome or cone along the middle. A pelvic health "
        "physiotherapist can guide you.",
        ("goom2019",),
        lambda p: p.diastasis,
    ),
    Note(
        "oasi",
        "After a third- or fourth-degree tear",
        "After a tear that involved the anal sphincter, a pelvic health physiotherapist should "
        "assess you before you run. Tell your coach at once about any leaking of wind or "
        "stool, or urgency.",
        ("rcog_gtg29", "goom2019"),
        lambda p: p.oasi,
    ),
    Note(
        "second_birth",
        "After a second (or later) birth",
        "Recovery can take longer than the first time, with less time to rest. That is "
        "normal: the plan waits for you.",
        ("moore2021",),
        lambda p: p.previous_births >= 1,
    ),
    Note(
        "strength_hops",
        "Strength and hopping before technical ground",
        "Keep your strength work going twice a week, and add hopping and bounding drills as "
        "your coach suggests: they prepare your ankles, knees and pelvic floor for uneven "
        "ground.",
        ("goom2019",),
        _in("build", "trail"),
    ),
    Note(
        "trails",
        "Descents, poles and safety on trails",
        "Take descents slowly with short steps; walking them is fine. Poles can help on steep "
        "ground. Tell someone your route, carry a phone and something warm, and start on "
        "paths you know.",
        ("article", "consensus2024"),
        _in("trail", "speed"),
    ),
)


def notes_for(profile: Profile) -> list[Note]:
    return [note for note in NOTES if note.applies(profile)]
