from django import template

from plans import protocol

register = template.Library()

GATE_LABELS = {
    "checkin_received": "Check-in",
    "red_flags": "Red flags",
    "no_red_flags": "No red flags in the last 2 check-ins",
    "pain": "Pain",
    "fatigue": "Fatigue",
    "effort_and_soreness": "Effort and soreness",
    "sessions_completed": "Sessions done",
    "sleep": "Sleep",
    "mood": "Mood",
    "time_at_level": "Time at level",
    "clearance": "Medical clearance",
    "weeks_postpartum": "12 weeks postpartum",
    "weeks_postpartum_walk": "3 weeks postpartum",
    "readiness": "Readiness assessment",
    "recent_checkins": "Recent check-ins",
    "top_level_symptom_free": "Symptom-free at the top level",
    "weeks_in_previous_stage": "Time in the stage",
    "balance": "Balance",
    "next_stage": "Next stage",
}
ACTION_TONES = {"advance": "ok", "hold": "low", "step_back": "medium", "pause": "high"}


@register.filter
def gate_label(key: str) -> str:
    return GATE_LABELS.get(key, key.replace("_", " ").capitalize())


@register.filter
def stage_name(key: str) -> str:
    stage = protocol.STAGE_BY_KEY.get(key)
    return stage.name if stage else key


@register.filter
def action_tone(action: str) -> str:
    return ACTION_TONES.get(action, "neutral")


@register.filter
def add_days(day, days):
    from datetime import timedelta

    return day + timedelta(days=int(days))
