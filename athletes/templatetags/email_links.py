"""``{% absolute_url "name" arg %}``: a link for an e-mail, absolute, built from ``SITE_URL``
(``web.links.absolute_url``), never from the request's host."""

from __future__ import annotations

from django import template
from django.urls import reverse

from web.links import absolute_url as _absolute_url

register = template.Library()


@register.simple_tag
def absolute_url(view_name: str, *args) -> str:
    return _absolute_url(reverse(view_name, args=args))
