"""factory_boy factories for the athletes app (an athlete comes with her plan, as in the
product). Other apps keep theirs in their own modules."""

from __future__ import annotations

from datetime import date, timedelta
from zoneinfo import ZoneInfo

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory, Password

from athletes.models import (
    Athlete,
    Clearance,
    ClearanceScope,
    ClinicianRole,
    DeliveryType,
    ReadinessAssessment,
    Role,
    User,
)
from plans.services import plan_start

# The same password as the ``password`` fixture in tests/conftest.py.
DEFAULT_PASSWORD = "correct-horse-battery"


def london_today() -> date:
    """Today in Europe/London, the factories' default time zone for athletes."""
    return timezone.now().astimezone(ZoneInfo("Europe/London")).date()


class UserFactory(DjangoModelFactory):
    """A coach unless told otherwise: ``UserFactory(role=Role.ATHLETE)`` or the traits."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    class Params:
        athlete = factory.Trait(role=Role.ATHLETE)
        staff = factory.Trait(is_staff=True)

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    name = factory.Sequence(lambda n: f"User {n}")
    role = Role.COACH
    password = Password(DEFAULT_PASSWORD)


class AthleteFactory(DjangoModelFactory):
    """An athlete 20 weeks after a vaginal birth, in Europe/London, with no login yet.

    Her plan starts as she is created, as ``plans.services.athlete_enrol`` does for every
    athlete the product creates. ``AthleteFactory(plan=False)`` leaves her without one (an
    athlete from before plans started on enrolment, for the data migration's tests)."""

    class Meta:
        model = Athlete
        skip_postgeneration_save = True

    coach = factory.SubFactory(UserFactory)
    first_name = factory.Iterator(["Maya", "Lena", "Priya", "Sofia", "Hana", "Grace", "Ines"])
    last_name = factory.Sequence(lambda n: f"Runner{n}")
    email = factory.Sequence(lambda n: f"athlete{n}@example.org")
    timezone = "Europe/London"
    delivery_date = factory.LazyFunction(lambda: london_today() - timedelta(weeks=20))
    delivery_type = DeliveryType.VAGINAL

    @factory.post_generation
    def plan(obj: Athlete, create: bool, extracted: bool | None, **kwargs) -> None:
        if create and extracted is not False:
            plan_start(athlete=obj)


class ClearanceFactory(DjangoModelFactory):
    """A GP's clearance for running, given six weeks after the birth, with no expiry, after a
    pelvic health assessment (without one, a running clearance does not open running)."""

    class Meta:
        model = Clearance

    athlete = factory.SubFactory(AthleteFactory)
    cleared_on = factory.LazyAttribute(lambda o: o.athlete.delivery_date + timedelta(weeks=6))
    clinician_name = "Dr Jo Reid"
    clinician_role = ClinicianRole.GP
    scope = ClearanceScope.RUNNING
    pelvic_health_assessed = True
    expires_on = None
    notes = ""


class AssessmentFactory(DjangoModelFactory):
    """A readiness assessment done today where she lives: every test passed, no symptoms."""

    class Meta:
        model = ReadinessAssessment

    athlete = factory.SubFactory(AthleteFactory)
    assessed_on = factory.LazyAttribute(lambda o: o.athlete.today())
    assessed_by = "Jo Reid, pelvic health physio"
    walk_30_min = True
    single_leg_balance = True
    single_leg_squat = True
    jog_on_spot = True
    forward_bounds = True
    hop_in_place = True
    running_man = True
    calf_raise = True
    single_leg_bridge = True
    single_leg_sit_to_stand = True
    side_lying_abduction = True
    symptoms = False
    notes = ""
