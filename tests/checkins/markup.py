"""Reading the bits of a rendered page the check-in tests look at."""

from __future__ import annotations

import json
import re
from html import unescape


def input_value(html: str, name: str) -> str | None:
    match = re.search(rf'<input [^>]*name="{name}"[^>]*>', html)
    if match is None:
        return None
    value = re.search(r'value="([^"]*)"', match.group(0))
    return unescape(value.group(1)) if value else None


def checked_value(html: str, name: str) -> str | None:
    """The value of the ticked radio button called ``name``."""
    for tag in re.findall(rf'<input type="radio" name="{name}"[^>]*>', html):
        if re.search(r"\schecked\b", tag):
            return unescape(re.search(r'value="([^"]*)"', tag).group(1))
    return None


def radio_values(html: str, name: str) -> list[str]:
    """The values of the radio buttons called ``name``, in page order."""
    return [
        unescape(re.search(r'value="([^"]*)"', tag).group(1))
        for tag in re.findall(rf'<input type="radio" name="{name}"[^>]*>', html)
    ]


def json_script(html: str, element_id: str):
    match = re.search(
        rf'<script id="{element_id}" type="application/json">(.*?)</script>', html, re.S
    )
    assert match, f"no JSON block #{element_id}"
    return json.loads(match.group(1))


def table_rows(html: str, after: str = "") -> list[tuple[str, str]]:
    """(``<tr>`` attributes, row text) for each row of the first table body after ``after``."""
    start = html.index(after) if after else 0
    body = html[html.index("<tbody>", start) : html.index("</tbody>", start)]
    rows = re.findall(r"<tr([^>]*)>(.*?)</tr>", body, re.S)
    return [
        (attrs.strip(), " ".join(unescape(re.sub(r"<[^>]+>", " ", text)).split()))
        for attrs, text in rows
    ]
