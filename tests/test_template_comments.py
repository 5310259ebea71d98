"""A ``{# … #}`` comment must close on its own line: Django reads one that spans lines as
text, and the page shows it (it did, above every page, for a while). Longer ones are
``{% comment %}`` blocks."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings

UNCLOSED = re.compile(r"\{#(?![^\n]*#\})")


def test_no_template_comment_spans_lines():
    folders = [Path(d) for d in settings.TEMPLATES[0]["DIRS"]]
    folders += [p / "templates" for p in Path(settings.BASE_DIR).iterdir() if p.is_dir()]
    templates = [t for folder in folders if folder.is_dir() for t in folder.rglob("*.html")]
    templates += [t for folder in folders if folder.is_dir() for t in folder.rglob("*.txt")]
    assert len(templates) > 20  # the check means nothing without them

    unclosed = [
        f"{t.relative_to(settings.BASE_DIR)}:{text[: m.start()].count(chr(10)) + 1}"
        for t in templates
        for text in [t.read_text()]
        for m in UNCLOSED.finditer(text)
    ]

    assert unclosed == []
