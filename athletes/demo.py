"""Demo accounts for ``seed_demo``. Published passwords: development machines only."""

from __future__ import annotations

from allauth.account.models import EmailAddress

from .models import Role, User

DEMO_COACH_EMAIL = "coach@example.com"
DEMO_COACH_PASSWORD = "demo-coach-pass"  # noqa: S105 - a published demo password
DEMO_ATHLETE_EMAIL = "athlete@example.com"
DEMO_ATHLETE_PASSWORD = "demo-athlete-pass"  # noqa: S105 - a published demo password


def ensure_user(*, email: str, password: str | None, role: str, name: str) -> User:
    """Create the account or bring an existing one back to its demo state (idempotent)."""
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = User.objects.create_user(email, password, role=role, name=name)
    else:
        user.name, user.role, user.is_active = name, role, True
        if password is not None:
            user.set_password(password)
        user.save()
    EmailAddress.objects.update_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user


def ensure_demo_coach(index: int) -> User:
    email = DEMO_COACH_EMAIL if index == 0 else f"coach{index + 1}@example.com"
    name = "Demo Coach" if index == 0 else f"Demo Coach {index + 1}"
    return ensure_user(email=email, password=DEMO_COACH_PASSWORD, role=Role.COACH, name=name)
