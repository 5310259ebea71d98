"""Demo accounts and athletes for ``seed_demo``. Published passwords: development only."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal

from allauth.account.models import EmailAddress
from django.utils import timezone

from clinical.readiness import ASSESSMENT_ITEM_FIELDS

from .models import (
    Athlete,
    Clearance,
    ClearanceScope,
    ClinicianRole,
    DeliveryType,
    ReadinessAssessment,
    Role,
    User,
    YesNoUnknown,
)

DEMO_COACH_EMAIL = "coach@example.com"
DEMO_COACH_PASSWORD = "demo-coach-pass"  # noqa: S105 - a published demo password
DEMO_ATHLETE_EMAIL = "athlete@example.com"
DEMO_ATHLETE_PASSWORD = "demo-athlete-pass"  # noqa: S105 - a published demo password

FIRST_NAMES = [
    "Maya",
    "Amara",
    "Chloe",
    "Priya",
    "Sofia",
    "Hannah",
    "Lucia",
    "Freya",
    "Zara",
    "Eilidh",
    "Nadia",
    "Ines",
    "Grace",
    "Leah",
    "Aoife",
    "Rosa",
    "Mei",
    "Tamsin",
    "Yara",
    "Ingrid",
    "Keira",
    "Noor",
    "Beatriz",
    "Isla",
    "Kemi",
    "Astrid",
    "Elena",
    "Siobhan",
    "Hana",
    "Ruth",
]
LAST_NAMES = [
    "Okafor",
    "Lindqvist",
    "Patel",
    "Moreno",
    "Fraser",
    "Kowalski",
    "Byrne",
    "Haddad",
    "Nakamura",
    "Evans",
    "Silva",
    "Mensah",
    "Duarte",
    "Campbell",
    "Novak",
    "Ahmed",
    "Jansen",
    "Brennan",
    "Rossi",
    "Osei",
    "Murray",
    "Lopez",
    "Kaur",
    "Walsh",
    "Berg",
]
TIMEZONES = (
    "Europe/London",
    "Europe/Dublin",
    "Europe/Berlin",
    "America/New_York",
    "America/Los_Angeles",
    "Australia/Sydney",
    "Pacific/Auckland",
)
GOALS = (
    "Run 5 km without walk breaks by the baby's first birthday",
    "Return to a 50 km trail race",
    "Get back to parkrun and enjoy it",
    "Hike-run the local fell race next summer",
    "Half marathon on trails, no time goal",
    "Feel strong on hills again",
)
CLINICIANS = (
    ("Dr Ellen Shaw", ClinicianRole.GP),
    ("Jo Reid", ClinicianRole.PELVIC_HEALTH_PHYSIO),
    ("Amira Nasser", ClinicianRole.MIDWIFE),
    ("Dr Tom Fielding", ClinicianRole.OBSTETRICIAN),
)

# The demo athlete who has a login: 20 weeks postpartum, cleared and assessed, in run-walk.
DEMO_ATHLETE_PROFILE = {
    "first_name": "Maya",
    "last_name": "Okafor",
    "weeks": 20,
    "delivery_type": DeliveryType.VAGINAL,
    "tear": 2,
    "scope": ClearanceScope.RUNNING,
    "assessed_at_week": 12,
    "assessment_passed": True,
}


def ensure_user(*, email: str, password: str | None, role: str, name: str) -> User:
    """Create the account or bring an existing one back to its demo state (idempotent)."""
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = User.objects.create_user(email, password, role=role, name=name)
    else:
        user.name, user.role, user.is_active = name, role, True
        if password is not None:
            user.set_password(password)
        user.save()
    EmailAddress.objects.update_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user


def ensure_demo_coach(index: int) -> User:
    email = DEMO_COACH_EMAIL if index == 0 else f"coach{index + 1}@example.com"
    name = "Demo Coach" if index == 0 else f"Demo Coach {index + 1}"
    return ensure_user(email=email, password=DEMO_COACH_PASSWORD, role=Role.COACH, name=name)


# The demo coach's first athletes span the protocol (weeks postpartum by roster position).
DEMO_SPREAD = {1: 2, 2: 9, 3: 16, 4: 30, 5: 42}


def _profile(rng: random.Random, index: int, *, weeks: int | None, history_weeks: int) -> dict:
    """A plausible athlete: a spread of weeks postpartum, deliveries and clinical records.

    Her readiness test falls when her plan could use it: from 12 weeks, and not before the
    simulated history starts (a pass only counts for 8 weeks).
    """
    weeks = weeks or rng.choice((1, 2, 4, 6, 8, 10, 13, 15, 18, 22, 26, 30, 36, 44))
    delivery = rng.choices(list(DeliveryType), weights=(55, 15, 12, 18))[0]
    cleared = weeks >= 6 and rng.random() < 0.85
    scope = None
    if cleared:
        scope = (
            ClearanceScope.EXERCISE
            if weeks < 12
            else rng.choice(
                (
                    ClearanceScope.RUNNING,
                    ClearanceScope.RUNNING,
                    ClearanceScope.UNRESTRICTED,
                    ClearanceScope.EXERCISE,
                )
            )
        )
    assessed = weeks >= 12 and cleared and rng.random() < 0.85
    return {
        "first_name": FIRST_NAMES[index % len(FIRST_NAMES)],
        "last_name": LAST_NAMES[(index * 7 + index // len(FIRST_NAMES)) % len(LAST_NAMES)],
        "weeks": weeks,
        "delivery_type": delivery,
        "tear": rng.choice((None, 0, 1, 2, 2, 3)) if not delivery.startswith("caesarean") else None,
        "scope": scope,
        "assessed_at_week": max(rng.choice((12, 12, 13, 14)), weeks - history_weeks + 2)
        if assessed
        else None,
        "assessment_passed": rng.random() < 0.75,
    }


def _assessment(athlete, coach, rng, assessed_on, *, passed: bool) -> None:
    items = dict.fromkeys(ASSESSMENT_ITEM_FIELDS, True)
    if not passed:
        for name in rng.sample(ASSESSMENT_ITEM_FIELDS, 2):
            items[name] = False
    ReadinessAssessment.objects.create(
        athlete=athlete,
        assessed_on=assessed_on,
        assessed_by="Jo Reid, pelvic health physio",
        symptoms=False,
        recorded_by=coach,
        notes="" if passed else "Hops and bounds still effortful; retest in 3 weeks.",
        **items,
    )


def ensure_demo_athlete(
    *,
    coach: User,
    index: int,
    rng: random.Random,
    user: User | None = None,
    profile: dict | None = None,
    weeks: int | None = None,
    history_weeks: int = 16,
    enrol: Callable[..., Athlete],
) -> Athlete:
    """Create or reset one demo athlete with her clearance and assessment (idempotent).

    ``enrol(coach=…, data=…)`` creates her when she does not exist yet: the caller passes the
    plans layer's ``athlete_enrol``, so a demo athlete starts with a plan like any other."""
    p = profile or _profile(rng, index, weeks=weeks, history_weeks=history_weeks)
    today = timezone.localdate()
    delivery_date = today - timedelta(weeks=p["weeks"], days=rng.randint(0, 6))
    email = user.email if user else f"demo-athlete-{coach.pk}-{index + 1}@example.com"
    defaults = {
        "first_name": p["first_name"],
        "last_name": p["last_name"],
        "timezone": rng.choice(TIMEZONES),
        "delivery_date": delivery_date,
        "delivery_type": p["delivery_type"],
        "perineal_tear_degree": p["tear"],
        "diastasis_recti": rng.choice(list(YesNoUnknown)),
        "prior_incontinence": rng.random() < 0.2,
        "breastfeeding": rng.random() < 0.7,
        "previous_births": rng.choice((0, 0, 0, 1, 1, 2)),
        "years_running": rng.randint(2, 15),
        "prior_weekly_km": Decimal(rng.randrange(150, 700)) / 10,
        "prior_longest_run_km": Decimal(rng.randrange(100, 500)) / 10,
        "goal": rng.choice(GOALS),
        "archived": False,
        "user": user,
        "date_of_birth": date(today.year - rng.randint(26, 41), rng.randint(1, 12), 14),
    }
    athlete = Athlete.objects.filter(coach=coach, email=email).first()
    if athlete is None:
        athlete = enrol(coach=coach, data={**defaults, "email": email})
    else:
        for name, value in defaults.items():
            setattr(athlete, name, value)
        athlete.full_clean()
        athlete.save()
    athlete.clearances.all().delete()
    athlete.assessments.all().delete()
    if p["scope"]:
        # The 6-week postnatal check clears exercise; a running clearance follows at 11-12
        # weeks (Goom et al. 2019: no running before about 3 months).
        name, role = rng.choice(CLINICIANS)
        Clearance.objects.create(
            athlete=athlete,
            cleared_on=min(delivery_date + timedelta(weeks=6, days=rng.randint(0, 4)), today),
            clinician_name=name,
            clinician_role=role,
            scope=ClearanceScope.EXERCISE,
            recorded_by=coach,
            notes="Six-week postnatal check: healing well.",
        )
        if p["scope"] != ClearanceScope.EXERCISE and p["weeks"] >= 11:
            name, role = CLINICIANS[1]
            Clearance.objects.create(
                athlete=athlete,
                cleared_on=min(delivery_date + timedelta(weeks=11, days=rng.randint(0, 6)), today),
                clinician_name=name,
                clinician_role=role,
                scope=p["scope"],
                pelvic_health_assessed=True,
                recorded_by=coach,
                notes="Pelvic health review: cleared to start a graded return to running.",
            )
    if p["assessed_at_week"] is not None and p["assessed_at_week"] <= p["weeks"]:
        first_passed = p["assessment_passed"]
        assessed_on = delivery_date + timedelta(weeks=p["assessed_at_week"])
        _assessment(athlete, coach, rng, min(assessed_on, today), passed=first_passed)
        retest_on = assessed_on + timedelta(weeks=3)
        if not first_passed and retest_on <= today and rng.random() < 0.7:
            _assessment(athlete, coach, rng, retest_on, passed=True)
    Athlete.objects.filter(pk=athlete.pk).update(
        last_activity_at=timezone.now() - timedelta(hours=rng.randint(2, 24 * 9))
    )
    return athlete
