"""Writes of activities: the import of whatever a source gives."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from athletes.models import Athlete, User

from .models import Activity, Source
from .sources import DUPLICATE, IMPORTED, REFUSED, SKIPPED, ActivitySource, SourceItem
from .summary import ActivitySummary

logger = logging.getLogger(__name__)


@dataclass
class ItemResult:
    name: str
    status: str  # imported, duplicate, refused, skipped
    detail: str
    activity: Activity | None = None


@dataclass
class ImportReport:
    results: list[ItemResult] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for r in self.results if r.status == status)

    @property
    def imported(self) -> int:
        return self.count(IMPORTED)

    @property
    def duplicates(self) -> int:
        return self.count(DUPLICATE)

    @property
    def refused(self) -> int:
        return self.count(REFUSED)


def _activity_from(athlete: Athlete, summary: ActivitySummary, by: User | None) -> Activity:
    return Activity(
        athlete=athlete,
        started_at=summary.started_at,
        local_date=summary.started_at.astimezone(athlete.tz).date(),
        sport=summary.sport,
        elapsed_seconds=summary.elapsed_seconds,
        moving_seconds=summary.moving_seconds,
        distance_m=summary.distance_m,
        elevation_gain_m=summary.elevation_gain_m,
        run_seconds=summary.run_seconds,
        walk_seconds=summary.walk_seconds,
        avg_heart_rate=summary.avg_heart_rate,
        source=Source.FILE,
        uploaded_by=by,
    )


def _import_one(athlete: Athlete, item: SourceItem, by: User | None) -> ItemResult:
    if item.skipped:
        return ItemResult(item.name, SKIPPED, f"{item.skipped} file(s) that are not activities")
    if item.summary is None:
        return ItemResult(item.name, REFUSED, f"Not imported: {item.error or 'unreadable'}.")
    activity = _activity_from(athlete, item.summary, by)
    duplicate = ItemResult(item.name, DUPLICATE, "Already imported: this activity is stored once.")
    if Activity.objects.filter(
        athlete=athlete,
        started_at=activity.started_at,
        elapsed_seconds=activity.elapsed_seconds,
    ).exists():
        return duplicate
    try:
        activity.full_clean(validate_unique=False, validate_constraints=False)
    except ValidationError:
        return ItemResult(item.name, REFUSED, "Not imported: its numbers are out of range.")
    try:
        # One savepoint per file: a refused or duplicate file leaves nothing behind, and the
        # others of the same upload still import.
        with transaction.atomic():
            activity.save()
    except IntegrityError:
        return duplicate  # uploaded at the same moment by another request
    return ItemResult(item.name, IMPORTED, "Imported.", activity)


def activities_import(*, athlete: Athlete, source: ActivitySource, by: User | None) -> ImportReport:
    """Import every activity ``source`` gives for ``athlete``. Safe to run twice: an activity
    already stored (same start, same duration) is reported as a duplicate, not stored again."""
    report = ImportReport()
    for item in source.items():
        report.results.append(_import_one(athlete, item, by))
    logger.info(
        "activities imported athlete=%s imported=%s duplicates=%s refused=%s",
        athlete.pk,
        report.imported,
        report.duplicates,
        report.refused,
    )
    return report
