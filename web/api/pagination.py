"""Pages of every API list: ``?page=`` (from 1, or ``last``) and ``?page_size=`` (1 to 200).

A value that is not one of those answers 400 saying what is allowed, rather than being ignored
(a page past the end is 404, as DRF has it)."""

from __future__ import annotations

from django.core.paginator import Paginator as DjangoPaginator
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination


class StandardPagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

    def get_schema_operation_parameters(self, view):
        """What ``_check`` accepts, said in the schema (a client, or a fuzzer, that keeps to
        the schema is never answered 400 for its paging)."""
        page, size = super().get_schema_operation_parameters(view)
        page["schema"] = {
            "anyOf": [{"type": "integer", "minimum": 1}, {"type": "string", "enum": ["last"]}]
        }
        page["description"] = "A page number from 1, or `last`."
        size["schema"] = {"type": "integer", "minimum": 1, "maximum": self.max_page_size}
        size["description"] = f"Rows per page, 1 to {self.max_page_size} (50 by default)."
        return [page, size]

    def paginate_queryset(self, queryset, request, view=None):
        self._check(request.query_params)
        counted = getattr(view, "paged_count", None)
        count = counted() if callable(counted) else None
        if count is not None:  # counted already, with the athlete (athletes.access)
            self.django_paginator_class = _paginator_knowing(count)
        return super().paginate_queryset(queryset, request, view)

    def _check(self, params) -> None:
        errors: dict[str, list[str]] = {}
        page = params.get(self.page_query_param)
        if page is not None and page not in self.last_page_strings and not _whole(page, 1):
            errors[self.page_query_param] = ["A page number from 1 (or 'last')."]
        size = params.get(self.page_size_query_param)
        if size is not None and not _whole(size, 1, self.max_page_size):
            errors[self.page_size_query_param] = [f"A whole number from 1 to {self.max_page_size}."]
        if errors:
            raise ValidationError(errors)


def _paginator_knowing(count: int):
    """A Django paginator that takes ``count`` as the number of rows instead of asking."""

    def paginator(object_list, per_page) -> DjangoPaginator:
        made = DjangoPaginator(object_list, per_page)
        made.count = count  # its cached_property, filled in advance
        return made

    return paginator


def _whole(raw: str, low: int, high: int | None = None) -> bool:
    if not raw.isascii() or not raw.isdigit():
        return False
    value = int(raw)
    return value >= low and (high is None or value <= high)
