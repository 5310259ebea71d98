"""Object and role permissions. Querysets are already scoped to the requester (selectors), so
another coach's objects are never found (404); these classes decide what may be written."""

from __future__ import annotations

from rest_framework import permissions

from athletes.models import Role


def is_coach_or_staff(user) -> bool:
    return bool(user and user.is_authenticated and (user.is_staff or user.role == Role.COACH))


class CoachWritesAthleteReads(permissions.BasePermission):
    """Anyone signed in may read what their queryset shows; only coaches and staff write."""

    message = "Only coaches can change this."

    def has_permission(self, request, view) -> bool:
        if not (request.user and request.user.is_authenticated):
            return False
        return request.method in permissions.SAFE_METHODS or is_coach_or_staff(request.user)


class CoachOrStaffOnly(permissions.BasePermission):
    message = "Only coaches can see this."

    def has_permission(self, request, view) -> bool:
        return is_coach_or_staff(request.user)
