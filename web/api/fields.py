"""Serializer fields shared by the API."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers


class BlankAsNullChoiceField(serializers.ChoiceField):
    """A choice stored as ``""`` when there is none, answered as ``null`` (the schema says
    nullable, and ``""`` is no member of the enum). Read only."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("read_only", True)
        kwargs["allow_null"] = True
        super().__init__(**kwargs)

    def to_representation(self, value: Any) -> Any:
        if value in ("", None):
            return None
        return super().to_representation(value)
