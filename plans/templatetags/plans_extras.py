from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from clinical import protocol
from clinical.gates import GATE_LABELS
from clinical.thresholds import CHECKIN_RANGES
from plans.selectors import TREND_WEEKS

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


def _scale(name: str) -> str:
    low, high = CHECKIN_RANGES[name]
    return f"{low}–{high}"


def trend_words(rows: list, weeks: int) -> str:
    """The sparkline in words, with its scales: what the title and screen readers say."""
    energy = ", ".join(str(c.energy) for c in rows)
    pain = ", ".join(str(c.pain) for c in rows)
    checkins = f"{len(rows)} check-in{'s' if len(rows) != 1 else ''}"
    symptoms = sum(1 for c in rows if c.reported_symptoms)
    words = (
        f"Energy {_scale('energy')}, last {weeks} weeks ({checkins}, oldest first): {energy}. "
        f"Pain {_scale('pain')}: {pain}."
    )
    if symptoms:
        words += f" Symptoms reported in {symptoms} of them."
    return words


@register.simple_tag
def trend(checkins, weeks: int = TREND_WEEKS):
    """A tiny inline SVG of energy and pain over her last weeks, each on its own scale (the
    check-in's, SPEC §6), with its scale and numbers in words: the SVG's title (a tooltip) and
    a visually hidden text for screen readers. No JavaScript."""
    rows = list(checkins)[-weeks:]
    if not rows:
        return mark_safe('<span class="muted">No check-ins yet</span>')
    width, height, pad = 96, 28, 3
    step = (width - 2 * pad) / max(len(rows) - 1, 1)

    def points(values, name):
        low, high = CHECKIN_RANGES[name]
        return " ".join(
            f"{pad + i * step:.1f},"
            f"{height - pad - ((v - low) / (high - low)) * (height - 2 * pad):.1f}"
            for i, v in enumerate(values)
        )

    words = trend_words(rows, weeks)
    energy, pain = (
        points([c.energy for c in rows], "energy"),
        points([c.pain for c in rows], "pain"),
    )
    single = ""
    if len(rows) == 1:  # one check-in: a line of one point would not show
        single = format_html(
            '<circle cx="{}" cy="{}" r="2.2" class="trend-energy-dot"></circle>'
            '<circle cx="{}" cy="{}" r="2.2" class="trend-pain-dot"></circle>',
            *energy.split(","),
            *pain.split(","),
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
        '<span class="trend-wrap"><svg class="trend" width="{w}" height="{h}" '
        'viewBox="0 0 {w} {h}" aria-hidden="true" focusable="false"><title>{words}</title>'
        '<polyline class="trend-energy" points="{e}"></polyline>'
        '<polyline class="trend-pain" points="{p}"></polyline>{single}{dots}</svg>'
        '<span class="visually-hidden">{words}</span></span>',
        w=width,
        h=height,
        words=words,
        e=energy,
        p=pain,
        single=single,
        dots=dots,
    )


@register.filter
def weeks_ago(week, this_monday) -> str:
    """ "this week", "last week", "3 weeks ago" for a check-in's Monday."""
    if not week or not this_monday:
        return ""
    n = (this_monday - week).days // 7
    return "this week" if n <= 0 else "last week" if n == 1 else f"{n} weeks ago"
