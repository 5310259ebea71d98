"""An activity from her watch or app: only the numbers (SPEC §13), never the track or file."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models

from athletes.models import Athlete, AthleteScopedQuerySet

from .summary import HIKE, OTHER, RUN, SPORTS, WALK

SPORT_CHOICES = [(RUN, "Run"), (WALK, "Walk"), (HIKE, "Hike"), (OTHER, "Other")]
DAY_SECONDS = 24 * 3600


class Source(models.TextChoices):
    FILE = "file", "Uploaded file"


class ActivityQuerySet(AthleteScopedQuerySet):
    pass


class Activity(models.Model):
    athlete = models.ForeignKey(Athlete, on_delete=models.CASCADE, related_name="activities")
    started_at = models.DateTimeField()
    local_date = models.DateField(help_text="The day it started, where she lives.")
    sport = models.CharField(max_length=8, choices=SPORT_CHOICES)
    elapsed_seconds = models.PositiveIntegerField(validators=[MaxValueValidator(DAY_SECONDS)])
    moving_seconds = models.PositiveIntegerField(validators=[MaxValueValidator(DAY_SECONDS)])
    distance_m = models.PositiveIntegerField(validators=[MaxValueValidator(1_000_000)])
    elevation_gain_m = models.PositiveIntegerField(validators=[MaxValueValidator(20_000)])
    run_seconds = models.PositiveIntegerField(validators=[MaxValueValidator(DAY_SECONDS)])
    walk_seconds = models.PositiveIntegerField(validators=[MaxValueValidator(DAY_SECONDS)])
    avg_heart_rate = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(250)]
    )
    source = models.CharField(max_length=8, choices=Source.choices, default=Source.FILE)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ActivityQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "activities"
        ordering = ["-started_at", "-id"]
        constraints = [
            # The same activity uploaded twice (or in two exports) is stored once.
            models.UniqueConstraint(
                fields=["athlete", "started_at", "elapsed_seconds"], name="activity_once"
            ),
            models.CheckConstraint(condition=models.Q(sport__in=SPORTS), name="activity_sport"),
            models.CheckConstraint(
                condition=models.Q(elapsed_seconds__gt=0, elapsed_seconds__lte=DAY_SECONDS),
                name="activity_elapsed_range",
            ),
            models.CheckConstraint(
                condition=models.Q(moving_seconds__lte=models.F("elapsed_seconds")),
                name="activity_moving_within_elapsed",
            ),
        ]
        indexes = [models.Index(fields=["athlete", "local_date"])]

    def __str__(self) -> str:
        return f"{self.get_sport_display()} on {self.local_date:%Y-%m-%d}"

    @property
    def elapsed_minutes(self) -> int:
        return round(self.elapsed_seconds / 60)

    @property
    def moving_minutes(self) -> int:
        return round(self.moving_seconds / 60)

    @property
    def run_minutes(self) -> int:
        return round(self.run_seconds / 60)

    @property
    def walk_minutes(self) -> int:
        return round(self.walk_seconds / 60)

    @property
    def distance_km(self) -> float:
        return round(self.distance_m / 1000, 2)
