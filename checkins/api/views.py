from __future__ import annotations

from django.shortcuts import get_object_or_404
from rest_framework import generics
from rest_framework.permissions import IsAuthenticated

from athletes import selectors as athlete_selectors
from athletes.api.pagination import StandardPagination
from athletes.models import Athlete
from checkins import selectors, services

from .serializers import CheckInSerializer


class AthleteCheckInListCreate(generics.ListCreateAPIView):
    """Her check-ins, newest first. The athlete herself, her coach and staff may read and
    submit; anyone else's athlete answers 404."""

    serializer_class = CheckInSerializer
    permission_classes = [IsAuthenticated]
    pagination_class = StandardPagination

    def get_athlete(self) -> Athlete:
        if not hasattr(self, "_athlete"):
            self._athlete = get_object_or_404(
                athlete_selectors.athletes_visible_to(self.request.user),
                pk=self.kwargs["athlete_id"],
            )
        return self._athlete

    def get_queryset(self):
        return self.get_athlete().checkins.order_by("-week")

    def perform_create(self, serializer: CheckInSerializer) -> None:
        serializer.instance = services.checkin_submit(
            athlete=self.get_athlete(),
            week=serializer.validated_data["week"],
            data=serializer.checkin_data(),
            by=self.request.user,
        )


class CheckInDetail(generics.RetrieveUpdateAPIView):
    """One check-in; PATCH within its edit window (to the end of the following week)."""

    serializer_class = CheckInSerializer
    permission_classes = [IsAuthenticated]
    http_method_names = ["get", "patch", "head", "options"]

    def get_queryset(self):
        return selectors.checkins_visible_to(self.request.user)

    def perform_update(self, serializer: CheckInSerializer) -> None:
        serializer.instance = services.checkin_update(
            checkin=serializer.instance, data=serializer.checkin_data(), by=self.request.user
        )
