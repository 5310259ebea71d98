"""Validators shared by every app, on model fields so that every channel (pages, API, admin)
applies them."""

from __future__ import annotations

import unicodedata

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible

# Bidirectional embeddings, overrides and isolates: they make a name read differently from
# what it is ("Trojan source").
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def control_characters_in(text: str) -> list[str]:
    """The control characters in ``text``: C0 and C1 controls (newline, carriage return, tab,
    NUL …), the Unicode line and paragraph separators and the bidirectional controls."""
    return [
        char
        for char in text
        if unicodedata.category(char) in ("Cc", "Zl", "Zp") or char in _BIDI_CONTROLS
    ]


@deconstructible(path="web.validators.NoControlCharacters")
class NoControlCharacters:
    """A name is one line of visible text: no line breaks, tabs or invisible controls (they
    break e-mail headers, CSV rows and calendar lines, and can disguise a name)."""

    message = (
        "Use letters, spaces and punctuation only: no line breaks, tabs or control characters."
    )
    code = "control_characters"

    def __call__(self, value: object) -> None:
        if isinstance(value, str) and control_characters_in(value):
            raise ValidationError(self.message, code=self.code)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, NoControlCharacters)

    def __hash__(self) -> int:
        return hash(self.code)


no_control_characters = NoControlCharacters()


def single_line(text: str) -> str:
    """``text`` with every run of whitespace or control characters turned into one space: safe
    for an e-mail header whatever was stored."""
    cleaned = "".join(" " if char in control_characters_in(char) else char for char in text)
    return " ".join(cleaned.split())
