"""The versioned REST API (SPEC §9): one router, each app's endpoints registered here.

Every route is named inside the ``api`` namespace: ``reverse("api:me")``,
``reverse("api:athlete-checkins", args=[7])``, and the router's as ``api:<basename>-list``,
``api:<basename>-detail`` or ``api:<basename>-<action>`` (``api:decision-approve``).
"""

from django.urls import path
from rest_framework.routers import DefaultRouter

from activities.api import views as activities
from athletes.api import views as athletes
from checkins.api import views as checkins
from conversations.api import views as conversations
from plans.api import views as plans

app_name = "api"

router = DefaultRouter(trailing_slash=True)
# The plans layer's subclass: creating an athlete there also starts her plan.
router.register("athletes", plans.EnrollingAthleteViewSet, basename="athlete")
router.register("decisions", plans.DecisionViewSet, basename="decision")
router.register("flags", checkins.FlagViewSet, basename="flag")

urlpatterns = [
    path("me/", athletes.MeView.as_view(), name="me"),
    path(
        "me/notifications/",
        athletes.NotificationPreferencesView.as_view(),
        name="me-notifications",
    ),
    path("auth/token/", athletes.TokenView.as_view(), name="token"),
    path(
        "athletes/<int:athlete_id>/clearances/",
        athletes.ClearanceListCreate.as_view(),
        name="athlete-clearances",
    ),
    path(
        "athletes/<int:athlete_id>/assessments/",
        athletes.AssessmentListCreate.as_view(),
        name="athlete-assessments",
    ),
    path(
        "athletes/<int:athlete_id>/checkins/",
        checkins.AthleteCheckInListCreate.as_view(),
        name="athlete-checkins",
    ),
    path("checkins/<int:pk>/", checkins.CheckInDetail.as_view(), name="checkin"),
    path(
        "athletes/<int:athlete_id>/symptom-reports/",
        checkins.AthleteSymptomReportListCreate.as_view(),
        name="athlete-symptom-reports",
    ),
    path(
        "athletes/<int:athlete_id>/activities/",
        activities.AthleteActivityListCreate.as_view(),
        name="athlete-activities",
    ),
    path("athletes/<int:athlete_id>/plan/", plans.AthletePlanView.as_view(), name="athlete-plan"),
    path(
        "athletes/<int:athlete_id>/decisions/",
        plans.AthleteDecisionList.as_view(),
        name="athlete-decisions",
    ),
    path(
        "plan-sessions/<int:pk>/workout.fit",
        plans.PlanSessionWorkout.as_view(),
        name="plan-session-workout",
    ),
    path(
        "athletes/<int:athlete_id>/messages/",
        conversations.AthleteMessageListCreate.as_view(),
        name="athlete-messages",
    ),
    *router.urls,
]
