"""``python manage.py seed_demo``: demo coaches and athletes for trying the product locally."""

from __future__ import annotations

import random
import sys
from functools import partial

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from athletes import demo as athlete_demo
from athletes.models import Athlete, Role, User
from plans import demo as plan_demo
from plans import services as plan_services
from plans.demo_activities import demo_activities
from plans.signals import demo_athlete_seeded

# Last week's answers for a few of the demo coach's athletes, so the review queue has
# something to show: a pelvic floor symptom, mid-range pain, a hard week emotionally.
SCRIPTED_WEEKS: dict[int, dict[str, object]] = {
    1: {"heaviness": True, "leakage": True, "pain": 2},
    3: {"pain": 4, "pain_location": "right knee"},
    4: {"feeling_low": True, "mood": 2, "sleep_hours": 4.5},
}


class Progress:
    """A one-line progress bar on a terminal; silent on short runs and when not a TTY."""

    def __init__(self, stream, total: int, label: str) -> None:
        self.stream, self.total, self.label = stream, total, label
        self.enabled = total >= 20 and getattr(stream, "isatty", lambda: False)()

    def update(self, done: int) -> None:
        if not self.enabled:
            return
        width = 30
        filled = int(width * done / self.total)
        bar = "#" * filled + "." * (width - filled)
        self.stream.write(f"\r{self.label} [{bar}] {done}/{self.total}")
        if done == self.total:
            self.stream.write("\n")
        self.stream.flush()


class Command(BaseCommand):
    help = (
        "Create demo coaches and athletes. Idempotent: running it again brings the demo data "
        "back to the same state instead of duplicating it."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--coaches", type=int, default=1, help="Demo coaches (default 1).")
        parser.add_argument(
            "--athletes", type=int, default=6, help="Athletes per coach (default 6)."
        )
        parser.add_argument(
            "--weeks", type=int, default=16, help="Weeks of check-in history (default 16)."
        )
        parser.add_argument("--seed", type=int, default=2026, help="Random seed (default 2026).")
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Only into a database without any account (make run): never reset someone's work.",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even with DEBUG off (demo accounts have published passwords).",
        )

    def handle(self, *args, **options) -> None:
        for name in ("coaches", "athletes", "weeks"):
            if options[name] < (1 if name == "coaches" else 0):
                raise CommandError(f"--{name} must be at least {1 if name == 'coaches' else 0}.")
        if not settings.DEBUG and not options["force"]:
            raise CommandError(
                "seed_demo creates accounts with published passwords. Run it on a development "
                "machine (DJANGO_DEBUG=true) or pass --force if you really mean it."
            )
        if options["if_empty"] and User.objects.exists():
            self.stdout.write(
                "The database already has accounts: the demo data was left as it is. "
                "Run `make seed` (manage.py seed_demo) to reset the demo."
            )
            return
        rng = random.Random(options["seed"])
        athlete_user = athlete_demo.ensure_user(
            email=athlete_demo.DEMO_ATHLETE_EMAIL,
            password=athlete_demo.DEMO_ATHLETE_PASSWORD,
            role=Role.ATHLETE,
            name="Maya Okafor",
        )
        per_coach = options["athletes"]
        total = options["coaches"] * max(per_coach, 1)
        progress = Progress(sys.stdout, total, "Athletes")
        done = 0
        for coach_index in range(options["coaches"]):
            with transaction.atomic():
                coach = athlete_demo.ensure_demo_coach(coach_index)
            for index in range(per_coach):
                # The first coach's first athlete is the demo athlete, who has a login.
                is_demo_athlete = coach_index == 0 and index == 0
                with transaction.atomic():
                    athlete = athlete_demo.ensure_demo_athlete(
                        coach=coach,
                        index=index,
                        rng=rng,
                        user=athlete_user if is_demo_athlete else None,
                        profile=athlete_demo.DEMO_ATHLETE_PROFILE if is_demo_athlete else None,
                        weeks=athlete_demo.DEMO_SPREAD.get(index) if coach_index == 0 else None,
                        history_weeks=options["weeks"],
                        enrol=partial(plan_services.athlete_enrol, by=coach),
                    )
                    plan_demo.simulate(
                        athlete=athlete,
                        coach=coach,
                        weeks=options["weeks"],
                        rng=rng,
                        submitted_by=athlete_user if is_demo_athlete else coach,
                        leave_pending=is_demo_athlete or rng.random() < 0.5,
                        last_week=SCRIPTED_WEEKS.get(index) if coach_index == 0 else None,
                    )
                    if is_demo_athlete:
                        demo_activities(athlete=athlete, rng=rng)
                    demo_athlete_seeded.send(
                        sender=Athlete, athlete=athlete, coach=coach, scripted=is_demo_athlete
                    )
                done += 1
                progress.update(done)
        self.stdout.write(self.style.SUCCESS("Demo data ready."))
        self.stdout.write(
            f"  Coach:   {athlete_demo.DEMO_COACH_EMAIL} / {athlete_demo.DEMO_COACH_PASSWORD}\n"
            f"  Athlete: {athlete_demo.DEMO_ATHLETE_EMAIL} / {athlete_demo.DEMO_ATHLETE_PASSWORD}"
        )
