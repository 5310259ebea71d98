"""The versioned REST API (SPEC §9): one router, each app's endpoints registered here."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from athletes.api import views as athletes

router = DefaultRouter(trailing_slash=True)
router.register("athletes", athletes.AthleteViewSet, basename="athlete")

urlpatterns = [
    path("me/", athletes.MeView.as_view(), name="api-me"),
    path("auth/token/", athletes.TokenView.as_view(), name="api-token"),
    path(
        "athletes/<int:athlete_id>/clearances/",
        athletes.ClearanceListCreate.as_view(),
        name="api-athlete-clearances",
    ),
    path(
        "athletes/<int:athlete_id>/assessments/",
        athletes.AssessmentListCreate.as_view(),
        name="api-athlete-assessments",
    ),
    *router.urls,
]
