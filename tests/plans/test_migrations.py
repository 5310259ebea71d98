"""The data migration that starts a plan for every athlete who has none (plans 0002): it gives
her exactly the plan ``plan_start`` would, touches no one who has a plan, and runs twice or
backwards without harm."""

from __future__ import annotations

import importlib
from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader

from athletes.models import Athlete, ClearanceScope
from plans import services
from plans.models import AuditEntry, Plan, PlannedSession, PlanWeek
from tests.factories import AthleteFactory, ClearanceFactory

MIGRATION = ("plans", "0002_start_missing_plans")
BEFORE = ("plans", "0001_initial")
migration = importlib.import_module("plans.migrations.0002_start_missing_plans")


def historical_apps():
    return MigrationLoader(connection).project_state(MIGRATION).apps


def start_missing_plans() -> int:
    """Run the data migration as a deployment does, on the schema of its time: plans back to
    the migration before it, forward through it, then on to the latest. How many plans it
    started."""
    before = Plan.objects.count()
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    for target in ([BEFORE], [MIGRATION], latest):
        executor.loader.build_graph()
        executor.migrate(target)
    return Plan.objects.count() - before


def what_she_has(athlete: Athlete) -> dict:
    """Her plan as data, without ids and times, to compare two athletes' plans."""
    athlete.refresh_from_db()
    plan = Plan.objects.get(athlete=athlete)
    week = PlanWeek.objects.get(plan=plan)
    return {
        "position": (athlete.stage, athlete.level),
        "plan": (plan.protocol_version, plan.started_on),
        "week": (week.week, week.stage, week.level, week.reason, week.decision_id),
        "sessions": list(
            PlannedSession.objects.filter(plan_week=week)
            .order_by("order")
            .values_list(
                "order",
                "day",
                "kind",
                "minutes",
                "run_seconds",
                "walk_seconds",
                "repeats",
                "terrain",
                "notes",
            )
        ),
        "audit": list(AuditEntry.objects.filter(athlete=athlete).values_list("kind", "details")),
    }


def twins(coach, **profile) -> tuple[Athlete, Athlete]:
    """Two athletes alike in everything that shapes a plan, both without one."""
    return (
        AthleteFactory(coach=coach, plan=False, **profile),
        AthleteFactory(coach=coach, plan=False, **profile),
    )


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("weeks_postpartum", "tz", "scope"),
    [
        pytest.param(1, "Europe/London", None, id="recover-1-week"),
        pytest.param(20, "Europe/London", None, id="walk-20-weeks"),
        pytest.param(20, "Pacific/Auckland", ClearanceScope.EXERCISE, id="walk-with-strength-nz"),
        pytest.param(30, "America/Los_Angeles", ClearanceScope.RUNNING, id="cleared-to-run-la"),
    ],
)
def test_it_starts_exactly_the_plan_plan_start_would(coach, weeks_postpartum, tz, scope):
    delivery = Athlete(timezone=tz).today() - timedelta(weeks=weeks_postpartum)
    migrated, reference = twins(coach, timezone=tz, delivery_date=delivery)
    if scope:
        for athlete in (migrated, reference):
            ClearanceFactory(athlete=athlete, scope=scope)

    assert start_missing_plans() == 2
    Plan.objects.filter(athlete=reference).delete()
    AuditEntry.objects.filter(athlete=reference).delete()
    Athlete.objects.filter(pk=reference.pk).update(stage="", level=None)
    services.plan_start(athlete=reference)

    assert what_she_has(migrated) == what_she_has(reference)
    assert what_she_has(migrated)["sessions"]  # a real week, not an empty one


@pytest.mark.django_db(transaction=True)
def test_it_leaves_athletes_who_have_a_plan_alone_and_starts_nothing_twice(coach):
    planned = AthleteFactory(coach=coach)
    without = AthleteFactory(coach=coach, plan=False)
    archived = AthleteFactory(coach=coach, plan=False, archived=True)
    before = what_she_has(planned)
    plan_pk = Plan.objects.get(athlete=planned).pk

    assert start_missing_plans() == 2
    assert start_missing_plans() == 0

    assert Plan.objects.get(athlete=planned).pk == plan_pk
    assert what_she_has(planned) == before
    assert Plan.objects.filter(athlete__in=[without, archived]).count() == 2
    assert PlanWeek.objects.count() == 3
    assert AuditEntry.objects.count() == 3


@pytest.mark.django_db(transaction=True)
def test_it_runs_through_the_migration_executor_and_reverses_as_a_no_op(coach):
    athlete = AthleteFactory(coach=coach, plan=False)
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    try:
        executor.migrate([BEFORE])  # backwards: the plans it started stay
        assert not Plan.objects.filter(athlete=athlete).exists()

        executor.loader.build_graph()
        executor.migrate([MIGRATION])

        assert Plan.objects.filter(athlete=athlete).exists()
        # Only her position: the schema is the migration's, not today's models'.
        assert Athlete.objects.values_list("stage", "level").get(pk=athlete.pk) == ("walk", 1)

        executor.loader.build_graph()
        executor.migrate([BEFORE])
        assert Plan.objects.filter(athlete=athlete).exists()
    finally:
        executor.loader.build_graph()
        executor.migrate(latest)
