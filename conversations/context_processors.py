from django.http import HttpRequest

from .selectors import unread_for


def unread_messages(request: HttpRequest) -> dict:
    """The unread counts of the navigation (SPEC §12), lazily: the one query runs only on a
    page that shows a count, once per request however many times it is shown."""
    return {"unread_messages": unread_for(request)}
