"""The readiness assessment before running (goom2019): load-and-impact and strength tests,
each passed on both sides with no pain, leakage, heaviness or dragging."""

from __future__ import annotations

from collections.abc import Mapping

# (field, label, target, how it is done), in the order the guideline lists them.
ASSESSMENT_ITEMS: tuple[tuple[str, str, str, str], ...] = (
    ("walk_30_min", "Walking", "30 minutes", "A brisk walk at her usual pace."),
    (
        "single_leg_balance",
        "Single-leg balance",
        "10 seconds each leg",
        "Standing on one leg, hands on hips, without wobbling onto the other foot.",
    ),
    (
        "single_leg_squat",
        "Single-leg squat",
        "10 repetitions each leg",
        "A controlled partial squat on one leg, the knee tracking over the toes.",
    ),
    ("jog_on_spot", "Jog on the spot", "1 minute", "Light, steady jogging without travelling."),
    (
        "forward_bounds",
        "Forward bounds",
        "10 repetitions",
        "Springing forward from one foot to the other, landing softly.",
    ),
    (
        "hop_in_place",
        "Hop in place",
        "10 repetitions each leg",
        "Small, rhythmic hops on one leg, staying on the spot.",
    ),
    (
        "running_man",
        "Single-leg “running man”",
        "10 repetitions each leg",
        "On one leg, drive the opposite knee up while swinging the arms, as in running.",
    ),
    (
        "calf_raise",
        "Single-leg calf raise",
        "20 repetitions each leg",
        "Rising fully onto the toes of one foot and lowering under control.",
    ),
    (
        "single_leg_bridge",
        "Single-leg bridge",
        "20 repetitions each leg",
        "Lying on her back, lifting the hips on one leg with the other leg straight.",
    ),
    (
        "single_leg_sit_to_stand",
        "Single-leg sit to stand",
        "20 repetitions each leg",
        "Standing up from a chair on one leg and sitting down slowly.",
    ),
    (
        "side_lying_abduction",
        "Side-lying leg abduction",
        "20 repetitions each leg",
        "Lying on her side, lifting the top leg, straight, slightly behind the body.",
    ),
)
ASSESSMENT_ITEM_FIELDS = tuple(item[0] for item in ASSESSMENT_ITEMS)
# The balance items the technical-trail stage asks for (SPEC §5, stage 6).
BALANCE_ITEMS = ("single_leg_balance", "single_leg_squat")


def assessment_passed(items: Mapping[str, bool], *, symptoms: bool) -> bool:
    """Every item passed and no symptom during the tests."""
    return all(items.get(name, False) for name in ASSESSMENT_ITEM_FIELDS) and not symptoms


def balance_passed(items: Mapping[str, bool]) -> bool:
    return all(items.get(name, False) for name in BALANCE_ITEMS)
