"""What the database and the document store hold, to prove a refused request wrote nothing."""

from __future__ import annotations

from typing import Any

from django.core.files.storage import Storage

from athletes.models import ApiToken, Athlete, Clearance, Invitation, ReadinessAssessment, User


def document_storage() -> Storage:
    return Clearance._meta.get_field("document").storage


def stored_files(path: str = "") -> set[str]:
    """Every file in the private document storage."""
    storage = document_storage()
    try:
        dirs, files = storage.listdir(path)
    except FileNotFoundError:
        return set()
    found = {f"{path}/{name}".lstrip("/") for name in files}
    for name in dirs:
        found |= stored_files(f"{path}/{name}".lstrip("/"))
    return found


def everything() -> dict[str, Any]:
    """Every row the athletes app writes (timestamps included) and every stored document."""
    return {
        "users": list(User.objects.order_by("pk").values()),
        "athletes": list(Athlete.objects.order_by("pk").values()),
        "clearances": list(Clearance.objects.order_by("pk").values()),
        "assessments": list(ReadinessAssessment.objects.order_by("pk").values()),
        "invitations": list(Invitation.objects.order_by("pk").values()),
        "tokens": list(ApiToken.objects.order_by("pk").values()),
        "files": stored_files(),
    }
