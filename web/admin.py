"""Admin inlines whose fields have accessible names.

Django's tabular inline names each column once, in a ``<th>``, and leaves every input of the
rows without a label (axe: "label", "select-name", critical). ``LabelledTabularInline`` gives
each widget an ``aria-label`` naming its column and its row ("Day, planned session 3"), and
each part of a split date and time its own ("Approved at, date, ...").
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.forms.models import BaseInlineFormSet


def _label_widgets(form: forms.BaseForm, row: str) -> None:
    for name, field in form.fields.items():
        label = "Delete" if name == "DELETE" else str(field.label or name.replace("_", " "))
        text = f"{label.capitalize()}, {row}"
        widget = field.widget
        if isinstance(widget, forms.MultiWidget):
            for part, sub in zip(("date", "time"), widget.widgets, strict=False):
                sub.attrs["aria-label"] = f"{text}, {part}"
        else:
            widget.attrs["aria-label"] = text


class LabelledInlineFormSet(BaseInlineFormSet):
    def add_fields(self, form: forms.ModelForm, index: int | None) -> None:
        super().add_fields(form, index)  # the delete box and the foreign key are fields too
        name = self.model._meta.verbose_name if self.model else "row"
        _label_widgets(form, f"{name} {index + 1}" if index is not None else f"new {name}")


class LabelledTabularInline(admin.TabularInline):
    formset = LabelledInlineFormSet
