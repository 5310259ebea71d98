"""Everything recorded about one athlete, as JSON (her right of access / portability)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from athletes.models import PROFILE_FIELDS, Athlete
from checkins.services import EDITABLE_FIELDS, REPORT_FIELDS
from clinical.readiness import ASSESSMENT_ITEM_FIELDS

from .models import PlanWeek

EXPORTED_PROFILE = (*PROFILE_FIELDS, "archived", "stage", "level")


def _plain(values: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for key, value in values.items():
        if hasattr(value, "isoformat"):
            value = value.isoformat()
        elif value is not None and not isinstance(value, bool | int | float | str | list | dict):
            value = str(value)
        out[key] = value
    return out


def athlete_export(athlete: Athlete) -> dict[str, Any]:
    """A fixed handful of queries whatever the size of her history."""
    profile = _plain({name: getattr(athlete, name) for name in EXPORTED_PROFILE})
    profile["id"] = athlete.pk
    profile["created_at"] = athlete.created_at.isoformat()
    return {
        "exported_at": timezone.now().isoformat(),
        "athlete": profile,
        "clearances": [
            _plain(
                {
                    "cleared_on": c.cleared_on,
                    "clinician_name": c.clinician_name,
                    "clinician_role": c.clinician_role,
                    "scope": c.scope,
                    "expires_on": c.expires_on,
                    "notes": c.notes,
                    "document": c.document_name or None,
                }
            )
            for c in athlete.clearances.order_by("cleared_on")
        ],
        "assessments": [
            _plain(
                {
                    "assessed_on": a.assessed_on,
                    "assessed_by": a.assessed_by,
                    **{name: getattr(a, name) for name in ASSESSMENT_ITEM_FIELDS},
                    "symptoms": a.symptoms,
                    "notes": a.notes,
                    "passed": a.passed,
                }
            )
            for a in athlete.assessments.order_by("assessed_on")
        ],
        "checkins": [
            {
                **_plain({"week": c.week, "sessions_planned": c.sessions_planned}),
                **_plain({name: getattr(c, name) for name in EDITABLE_FIELDS}),
                "revisions": [
                    {"revised_at": r.revised_at.isoformat(), "previous": r.values}
                    for r in c.revisions.all()
                ],
            }
            for c in athlete.checkins.order_by("week").prefetch_related("revisions")
        ],
        "symptom_reports": [
            _plain(
                {
                    "reported_at": r.reported_at,
                    "week": r.week,
                    **{name: getattr(r, name) for name in REPORT_FIELDS},
                }
            )
            for r in athlete.symptom_reports.order_by("reported_at", "id")
        ],
        "plan_weeks": [
            {
                "week": w.week.isoformat(),
                "stage": w.stage,
                "level": w.level,
                "sessions": [
                    _plain(
                        {
                            "day": s.day,
                            "kind": s.kind,
                            "minutes": s.minutes,
                            "run_seconds": s.run_seconds,
                            "walk_seconds": s.walk_seconds,
                            "repeats": s.repeats,
                            "terrain": s.terrain,
                            "notes": s.notes,
                        }
                    )
                    for s in w.sessions.all()
                ],
            }
            for w in _plan_weeks(athlete)
        ],
        "decisions": [
            _plain(
                {
                    "week": d.week,
                    "action": d.action,
                    "to_stage": d.to_stage,
                    "to_level": d.to_level,
                    "summary": d.summary,
                    "status": d.status,
                    "final_action": d.final_action or None,
                    "final_stage": d.final_stage or None,
                    "final_level": d.final_level,
                    "note": d.note,
                }
            )
            for d in athlete.decisions.order_by("week")
        ],
        "flags": [
            _plain(
                {
                    "week": f.week,
                    "rule": f.rule,
                    "severity": f.severity,
                    "summary": f.summary,
                    "status": f.status,
                    "resolution_note": f.resolution_note,
                }
            )
            for f in athlete.flags.order_by("week")
        ],
    }


def _plan_weeks(athlete: Athlete):
    return (
        PlanWeek.objects.filter(plan__athlete=athlete).order_by("week").prefetch_related("sessions")
    )
