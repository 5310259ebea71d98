"""Serialising list rows without DRF's per-field, per-row work.

DRF's ``ListSerializer`` answers each row with the child's ``to_representation``: for every
field of every row it walks the readable fields again, calls ``get_attribute`` (which splits
and follows the source, checks for callables and catches errors) and checks for ``None``.
For a page of 52 check-ins of 30 fields that is 1,560 rounds of the same decisions.

``RowListSerializer`` makes those decisions once per list: for each readable field it picks
how to read the value (the model attribute itself, or the key of a relation for a
primary-key field) and keeps the field's own ``to_representation``, so each row is one dict
comprehension of plain attribute reads and the same conversions DRF would make. A field it
cannot read so plainly (a dotted or callable source, a method field, a nested serializer)
keeps DRF's path. The output is the child's, value for value (``tests/test_api_rows.py``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from operator import attrgetter
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from rest_framework import serializers
from rest_framework.fields import SkipField
from rest_framework.relations import PKOnlyObject, PrimaryKeyRelatedField

# (name, read the value from the row, represent a value that is not None)
Plan = list[tuple[str, Callable[[Any], Any], Callable[[Any], Any]]]


def _same(value: Any) -> Any:
    return value


def _plain_reader(field: serializers.Field, model: type[models.Model]) -> Callable | None:
    """How to read ``field``'s value straight off a row of ``model``, or None for DRF's way."""
    source = field.source or ""
    if source == "*" or len(field.source_attrs) != 1:
        return None
    try:
        model_field = model._meta.get_field(source)
    except FieldDoesNotExist:
        return None
    if not model_field.concrete:
        return None
    if isinstance(field, PrimaryKeyRelatedField):
        # DRF reads only the key (use_pk_only_optimization) and answers it as it is.
        if field.pk_field is not None or not field.use_pk_only_optimization():
            return None
        return attrgetter(model_field.attname)
    if model_field.is_relation:
        return None
    return attrgetter(model_field.attname)


class RowListSerializer(serializers.ListSerializer):
    """A ``ListSerializer`` that plans its rows once (see the module). Set it as the child's
    ``Meta.list_serializer_class``; writes and validation are the child's, unchanged."""

    def row_plan(self) -> Plan:
        plan = getattr(self, "_row_plan", None)
        if plan is not None:
            return plan
        child = self.child
        model = child.Meta.model  # type: ignore[union-attr]
        plan = []
        for field in child._readable_fields:  # type: ignore[union-attr]
            reader = _plain_reader(field, model)
            if reader is None:
                plan.append((field.field_name, _drf_reader(field), _drf_represent(field)))
            elif isinstance(field, PrimaryKeyRelatedField):
                plan.append((field.field_name, reader, _same))
            else:
                plan.append((field.field_name, reader, field.to_representation))
        self._row_plan = plan
        return plan

    def to_representation(self, data: Any) -> list[dict[str, Any]]:
        child = self.child
        if (
            child is None
            or type(child).to_representation is not serializers.Serializer.to_representation
        ):
            return super().to_representation(data)  # a child with its own: row by row
        rows: Iterable = data.all() if isinstance(data, models.manager.BaseManager) else data
        plan = self.row_plan()
        answered = []
        for row in rows:
            values: dict[str, Any] = {}
            for name, read, represent in plan:
                try:
                    value = read(row)
                except SkipField:
                    continue
                values[name] = None if value is None else represent(value)
            answered.append(values)
        return answered


def _drf_reader(field: serializers.Field) -> Callable[[Any], Any]:
    def read(row: Any) -> Any:
        attribute = field.get_attribute(row)  # may raise SkipField, as in DRF
        if isinstance(attribute, PKOnlyObject) and attribute.pk is None:
            return None
        return attribute

    return read


def _drf_represent(field: serializers.Field) -> Callable[[Any], Any]:
    return field.to_representation
