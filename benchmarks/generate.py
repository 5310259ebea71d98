"""Bulk data for the benchmarks: thousands of athletes with a year of weekly history, fast.

``seed_demo`` goes through the services (decisions computed, flags raised by the rules, every
row validated): right for a demo of a few athletes, far too slow for 10,000 × 52. This writes
the same tables with ``bulk_create`` in large batches, reproducibly from ``--seed``. The rows
are plausible rather than clinically computed: the benchmarks measure how the code scales with
rows, not what the engine decides.

The world it builds (names are ``Bench …``):
- coach ``small@bench.example`` with ``--small`` athletes and ``large@bench.example`` with
  ``--large``; the rest of ``--athletes`` spread over coaches of 50;
- every athlete with ``--weeks`` weekly check-ins (the last week left for her to send), a plan
  with last, this and next week published, a resolved flag now and then (about one in two
  athletes over a year), a few open ones, and one pending decision in five;
- two athletes of the large coach kept apart for the athlete page: one four weeks into the
  programme, one with two years (104 weeks) of check-ins, plan weeks, decisions and revisions.
"""

from __future__ import annotations

import random
import sys
import time
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta

from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from athletes.models import (
    ASSESSMENT_ITEM_FIELDS,
    Athlete,
    Clearance,
    ReadinessAssessment,
    Role,
    User,
)
from checkins.models import CheckInRevision, WarningFlag, WeeklyCheckIn
from clinical import protocol
from plans.models import Decision, Plan, PlannedSession, PlanWeek
from web.weeks import monday_of

BATCH = 5000
DELIVERY_TYPES = (
    "vaginal",
    "vaginal",
    "assisted_vaginal",
    "caesarean_planned",
    "caesarean_emergency",
)
PASSWORD = "bench-pass-2026"  # noqa: S105 - throwaway benchmark accounts
SMALL_COACH = "small@bench.example"
LARGE_COACH = "large@bench.example"
SHORT_HISTORY = "short.history@bench.example"  # the athlete page, 4 weeks
LONG_HISTORY = "long.history@bench.example"  # the athlete page, 104 weeks


class Progress:
    """A one-line progress bar on stderr (nothing when stderr is not a terminal)."""

    def __init__(self, label: str, total: int) -> None:
        self.label, self.total, self.done = label, max(total, 1), 0
        self.tty = sys.stderr.isatty()
        self.started = time.perf_counter()

    def advance(self, n: int) -> None:
        self.done += n
        if self.tty:
            width = 30
            filled = int(width * self.done / self.total)
            sys.stderr.write(
                f"\r  {self.label:<14} [{'#' * filled}{'.' * (width - filled)}] "
                f"{self.done:>9,}/{self.total:,}"
            )
            sys.stderr.flush()

    def finish(self) -> None:
        seconds = time.perf_counter() - self.started
        end = "\n" if self.tty else ""
        sys.stderr.write(f"{end}  {self.label:<14} {self.done:,} rows in {seconds:.1f} s\n")


def _bulk(model, rows: Iterator, total: int, label: str) -> list:
    """Insert ``rows`` in batches (PostgreSQL: ``COPY``, the fastest way in) and return them
    with their primary keys set."""
    progress = Progress(label, total)
    copy = connection.vendor == "postgresql"
    next_id = (model.objects.aggregate(top=Max("pk"))["top"] or 0) + 1
    created: list = []
    batch: list = []

    def flush() -> None:
        nonlocal next_id, batch
        if copy:
            for obj in batch:
                obj.pk = next_id
                next_id += 1
            _copy(model, batch)
        else:
            model.objects.bulk_create(batch)
        created.extend(batch)
        progress.advance(len(batch))
        batch = []

    for row in rows:
        batch.append(row)
        if len(batch) >= BATCH:
            flush()
    if batch:
        flush()
    if copy and created:
        table = model._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), %s)", [next_id - 1]
            )
    progress.finish()
    return created


_PLAIN = frozenset(
    {
        "AutoField",
        "BigAutoField",
        "BooleanField",
        "CharField",
        "DateField",
        "DateTimeField",
        "DecimalField",
        "EmailField",
        "ForeignKey",
        "IntegerField",
        "OneToOneField",
        "PositiveIntegerField",
        "PositiveSmallIntegerField",
        "SmallIntegerField",
        "TextField",
    }
)


def _copy(model, objs: list) -> None:
    """``COPY`` model instances into their table, every concrete column, ids included."""
    fields = [f for f in model._meta.concrete_fields if not f.generated]
    for obj in objs:  # what pre_save would fill (auto_now, auto_now_add)
        for f in fields:
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                setattr(obj, f.attname, timezone.now())
    columns = ", ".join(f'"{f.column}"' for f in fields)
    # Plain values go in as they are; files and JSON need their field's adaptation.
    prepared = [(f.attname, None if f.get_internal_type() in _PLAIN else f) for f in fields]
    with connection.cursor() as cursor:
        raw = cursor.cursor  # psycopg's own cursor
        with raw.copy(f'COPY "{model._meta.db_table}" ({columns}) FROM STDIN') as out:
            for obj in objs:
                out.write_row(
                    [
                        getattr(obj, name)
                        if field is None
                        else field.get_db_prep_save(getattr(obj, name), connection)
                        for name, field in prepared
                    ]
                )


def _checkin(rng: random.Random, athlete: Athlete, week: date, now: datetime) -> WeeklyCheckIn:
    energy = rng.choice((2, 3, 3, 4, 4, 5))
    run = rng.choice((0, 20, 30, 45, 60, 75))
    symptom = rng.random() < 0.03
    return WeeklyCheckIn(
        athlete=athlete,
        week=week,
        sessions_planned=4,
        sessions_completed=rng.randint(2, 4),
        run_minutes=run,
        walk_minutes=rng.choice((30, 60, 90)),
        longest_session_minutes=max(run // 2, 20),
        longest_run_minutes=run // 2,
        effort=rng.randint(3, 7),
        energy=energy,
        sleep_hours=rng.choice((5.5, 6, 6.5, 7, 7.5)),
        sleep_quality=rng.randint(2, 5),
        mood=rng.randint(2, 5),
        stress=rng.randint(1, 4),
        soreness=rng.randint(1, 4),
        pain=rng.choice((0, 0, 0, 1, 2)),
        leakage=symptom,
        breastfeeding=rng.random() < 0.5,
        submitted_by=athlete.user,
        evaluated_at=now,
    )


def generate(
    *,
    athletes: int = 1000,
    weeks: int = 52,
    small: int = 50,
    large: int = 1000,
    seed: int = 2026,
    stdout: Callable[[str], None] = print,
) -> dict[str, int]:
    """Write the bench world into an empty database; return what it wrote."""
    if User.objects.filter(email=SMALL_COACH).exists():
        raise SystemExit("This database already holds the bench world; use a fresh one.")
    rng = random.Random(seed)  # noqa: S311 - synthetic data, not security
    started = time.perf_counter()
    now = timezone.now()
    today = now.astimezone(UTC).date()
    this_monday = monday_of(today)
    athletes = max(athletes, small + large)

    with transaction.atomic():
        coaches = [
            User.objects.create_user(email=SMALL_COACH, password=PASSWORD, role=Role.COACH),
            User.objects.create_user(email=LARGE_COACH, password=PASSWORD, role=Role.COACH),
        ]
        rest = athletes - small - large
        extra = [
            User(email=f"coach{i}@bench.example", role=Role.COACH, name=f"Bench Coach {i}")
            for i in range((rest + 49) // 50)
        ]
        for user in extra:
            user.set_unusable_password()
        coaches += User.objects.bulk_create(extra)
        owners = [coaches[0]] * small + [coaches[1]] * large
        owners += [coaches[2 + i // 50] for i in range(rest)]

        def athlete_rows() -> Iterator[Athlete]:
            for i, coach in enumerate(owners):
                stage = rng.choice(("walk", "run_walk", "run_walk", "continuous", "build"))
                yield Athlete(
                    coach=coach,
                    first_name=f"Bench{i}",
                    last_name=f"Athlete{i}",
                    email=f"athlete{i}@bench.example",
                    timezone="UTC",
                    delivery_date=today - timedelta(weeks=weeks + 12 + rng.randint(0, 20)),
                    delivery_type=rng.choice(
                        ("vaginal", "vaginal", "caesarean_planned", "caesarean_emergency")
                    ),
                    stage=stage,
                    level=1,
                )

        rows = _bulk(Athlete, athlete_rows(), len(owners), "athletes")
        # The two athletes of the athlete-page scenario: the large coach's first two.
        short, long = rows[small], rows[small + 1]
        short.email, long.email = SHORT_HISTORY, LONG_HISTORY
        short.delivery_date = today - timedelta(weeks=16)
        long.delivery_date = today - timedelta(weeks=104 + 12)
        Athlete.objects.bulk_update([short, long], ["email", "delivery_date"])
        history = {a.pk: weeks for a in rows}
        history[short.pk], history[long.pk] = 4, 104

        plans = _bulk(
            Plan,
            (
                Plan(
                    athlete=a,
                    protocol_version=protocol.PROTOCOL_VERSION,
                    started_on=this_monday - timedelta(weeks=history[a.pk]),
                )
                for a in rows
            ),
            len(rows),
            "plans",
        )
        _bulk(
            Clearance,
            (
                Clearance(
                    athlete=a,
                    cleared_on=today - timedelta(weeks=8),
                    clinician_name="Dr Bench",
                    clinician_role="gp",
                    scope="running",
                    pelvic_health_assessed=True,
                )
                for a in rows
            ),
            len(rows),
            "clearances",
        )
        _bulk(
            ReadinessAssessment,
            (
                ReadinessAssessment(
                    athlete=a,
                    assessed_on=today - timedelta(weeks=2),
                    assessed_by="coach",
                    **dict.fromkeys(ASSESSMENT_ITEM_FIELDS, True),
                )
                for a in rows
            ),
            len(rows),
            "assessments",
        )

        def checkin_rows() -> Iterator[WeeklyCheckIn]:
            for a in rows:
                for back in range(history[a.pk], 0, -1):
                    yield _checkin(rng, a, this_monday - timedelta(weeks=back), now)

        checkins = _bulk(WeeklyCheckIn, checkin_rows(), sum(history.values()), "check-ins")
        long_checkins = [c for c in checkins if c.athlete_id == long.pk]
        _bulk(
            CheckInRevision,
            (
                CheckInRevision(
                    checkin=c, values={"energy": 3}, changed_fields=["energy"], revised_by=None
                )
                for c in long_checkins
            ),
            len(long_checkins),
            "revisions",
        )

        def flag_rows() -> Iterator[WarningFlag]:
            for c in checkins:
                resolved = c.leakage or rng.random() < 0.01
                open_now = c.week >= this_monday - timedelta(weeks=2) and rng.random() < 0.05
                if not (resolved or open_now or (c.athlete_id == long.pk and rng.random() < 0.2)):
                    continue
                done = not open_now
                yield WarningFlag(
                    athlete_id=c.athlete_id,
                    checkin=c,
                    rule="pelvic_floor" if c.leakage else "short_sleep",
                    severity="high" if c.leakage else "medium",
                    week=c.week,
                    summary="Leaking urine during exercise." if c.leakage else "Short sleep.",
                    status="resolved" if done else "open",
                    resolved_at=datetime.combine(c.week, datetime.min.time(), UTC)
                    + timedelta(days=9)
                    if done
                    else None,
                    resolution_note="Talked it through." if done else "",
                    notified_at=now,
                )

        flags = _bulk(WarningFlag, flag_rows(), len(checkins) // 25, "flags")

        plan_by_athlete = {p.athlete_id: p for p in plans}

        def week_rows() -> Iterator[PlanWeek]:
            for a in rows:
                span = history[a.pk] if a.pk in (short.pk, long.pk) else 2
                for back in range(span, -2, -1):
                    yield PlanWeek(
                        plan=plan_by_athlete[a.pk],
                        week=this_monday - timedelta(weeks=back),
                        stage=a.stage,
                        level=1,
                        reason="started" if back == span else "approved",
                    )

        plan_weeks = _bulk(PlanWeek, week_rows(), len(rows) * 4 + 112, "plan weeks")
        layout = {
            stage.key: protocol.lay_out(
                protocol.sessions_for(stage.key, 1, clearance_scope="running")
            )
            for stage in protocol.STAGES
        }
        stage_of = {a.pk: a.stage for a in rows}
        athlete_of_plan = {p.pk: p.athlete_id for p in plans}

        def session_rows() -> Iterator[PlannedSession]:
            for pw in plan_weeks:
                for s in layout[stage_of[athlete_of_plan[pw.plan_id]]]:
                    yield PlannedSession(
                        plan_week=pw,
                        order=s.order,
                        day=s.day,
                        kind=s.spec.kind,
                        minutes=s.spec.minutes,
                        run_seconds=s.spec.run_seconds,
                        walk_seconds=s.spec.walk_seconds,
                        repeats=s.spec.repeats,
                        terrain=s.spec.terrain,
                        notes=s.spec.notes,
                    )

        sessions = _bulk(PlannedSession, session_rows(), len(plan_weeks) * 8, "sessions")

        def decision_rows() -> Iterator[Decision]:
            for a in rows:
                if a.pk == long.pk:
                    backs = range(104, 0, -1)
                elif rng.random() < 0.2:
                    backs = range(0, -1, -1)
                else:
                    continue
                for back in backs:
                    pending = back == 0
                    yield Decision(
                        athlete=a,
                        week=this_monday - timedelta(weeks=back - 1),
                        trigger="checkin",
                        action="hold",
                        from_stage=a.stage,
                        from_level=1,
                        to_stage=a.stage,
                        to_level=1,
                        summary="Hold: a steady week.",
                        protocol_version=protocol.PROTOCOL_VERSION,
                        status="pending" if pending else "approved",
                        final_action="" if pending else "hold",
                        final_stage="" if pending else a.stage,
                        final_level=None if pending else 1,
                        decided_at=None if pending else now,
                        computed_at=now,
                    )

        decisions = _bulk(Decision, decision_rows(), len(rows) // 5 + 104, "decisions")

    if connection.vendor == "postgresql":
        # Fresh statistics and visibility map, as autovacuum would leave them in time: the
        # planner's choices on an unanalysed bulk load, and index-only scans that must visit
        # every row's page, are not what production sees.
        with connection.cursor() as cursor:
            # VACUUM cannot run in a transaction (a test's): statistics alone there.
            cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")
    seconds = time.perf_counter() - started
    stdout(
        f"bench world: {len(rows):,} athletes, {len(checkins):,} check-ins, {len(flags):,} "
        f"flags, {len(plan_weeks):,} plan weeks, {len(sessions):,} sessions, "
        f"{len(decisions):,} decisions in {seconds:.1f} s (seed {seed})"
    )
    return {
        "athletes": len(rows),
        "checkins": len(checkins),
        "flags": len(flags),
        "seconds": int(seconds),
    }
