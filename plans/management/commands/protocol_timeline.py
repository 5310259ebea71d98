"""Print the timeline of an athlete who does every planned session, symptom-free, walk to
speed (SPEC §14), as the clinical core lives it: the README's table comes from here."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand

from clinical import protocol
from clinical.simulation import perfect_timeline


class Command(BaseCommand):
    help = "Print when a symptom-free athlete who does every session reaches each stage."

    def handle(self, *args: Any, **options: Any) -> None:
        # Any Monday will do: the timeline counts weeks after the birth.
        timeline = perfect_timeline(date(2026, 1, 5))
        self.stdout.write("| stage | from week | weeks in it |")
        self.stdout.write("|---|---|---|")
        for step in timeline.reached:
            name = protocol.stage(step.stage).name
            weeks = str(step.weeks_in_stage) if step.weeks_in_stage else "—"
            self.stdout.write(f"| {name} | {step.week} | {weeks} |")
        self.stdout.write("")
        self.stdout.write(
            f"Warning signs raised on the way: {len(timeline.flags)}. "
            f"Speed from week {timeline.weeks} after the birth."
        )
