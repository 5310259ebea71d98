from django import template

from clinical import protocol
from clinical.gates import GATE_LABELS

register = template.Library()

ACTION_TONES = {"advance": "ok", "hold": "low", "step_back": "medium", "pause": "high"}


@register.filter
def gate_label(key: str) -> str:
    return GATE_LABELS.get(key, key.replace("_", " ").capitalize())


@register.filter
def gates_split(gates) -> dict:
    """A decision's gates as ``{"failed": [...], "passed": [...]}``, each in the engine's
    order: the page shows what held her back and folds what passed."""
    gates = list(gates or ())
    return {
        "failed": [g for g in gates if not g.get("passed")],
        "passed": [g for g in gates if g.get("passed")],
    }


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


@register.simple_tag
def trend(checkins, weeks: int = 8):
    """A tiny inline SVG of energy (1–5) and pain (0–10) over her last weeks, with the same
    numbers as text for screen readers. No JavaScript."""
    from django.utils.html import format_html, format_html_join
    from django.utils.safestring import mark_safe

    rows = list(checkins)[-weeks:]
    if not rows:
        return mark_safe('<span class="muted">No check-ins yet</span>')
    width, height, pad = 96, 28, 3
    step = (width - 2 * pad) / max(len(rows) - 1, 1)

    def points(values, top):
        return " ".join(
            f"{pad + i * step:.1f},{height - pad - (v / top) * (height - 2 * pad):.1f}"
            for i, v in enumerate(values)
        )

    energy = [c.energy for c in rows]
    pain = [c.pain for c in rows]
    label = (
        f"Last {len(rows)} weeks — energy: {', '.join(map(str, energy))} (of 5); "
        f"pain: {', '.join(map(str, pain))} (of 10)"
    )
    dots = format_html_join(
        "",
        '<circle cx="{}" cy="{}" r="2.2" class="trend-symptom"></circle>',
        (
            (f"{pad + i * step:.1f}", f"{pad:.1f}")
            for i, c in enumerate(rows)
            if c.reported_symptoms
        ),
    )
    return format_html(
        '<svg class="trend" width="{w}" height="{h}" viewBox="0 0 {w} {h}" role="img" '
        'aria-label="{label}"><title>{label}</title>'
        '<polyline class="trend-energy" points="{e}"></polyline>'
        '<polyline class="trend-pain" points="{p}"></polyline>{dots}</svg>',
        w=width,
        h=height,
        label=label,
        e=points(energy, 5),
        p=points(pain, 10),
        dots=dots,
    )


@register.filter
def weeks_ago(week, this_monday) -> str:
    """ "this week", "last week", "3 weeks ago" for a check-in's Monday."""
    if not week or not this_monday:
        return ""
    n = (this_monday - week).days // 7
    return "this week" if n <= 0 else "last week" if n == 1 else f"{n} weeks ago"
