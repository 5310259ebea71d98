from django.urls import path

from . import views

app_name = "plans"

urlpatterns = [
    path("coach/", views.coach_dashboard, name="coach_dashboard"),
    path("coach/athletes/new/", views.athlete_create, name="athlete_create"),
    path("coach/athletes/<int:pk>/", views.athlete_overview, name="athlete_overview"),
    path(
        "coach/athletes/<int:pk>/weeks/<str:week>/edit/",
        views.plan_week_edit,
        name="plan_week_edit",
    ),
    path("coach/decisions/approve/", views.decisions_approve, name="decisions_approve"),
    path("coach/decisions/<int:pk>/approve/", views.decision_approve, name="decision_approve"),
    path("coach/decisions/<int:pk>/override/", views.decision_override, name="decision_override"),
    path("coach/athletes/<int:pk>/export.json", views.athlete_export_json, name="athlete_export"),
    path("me/", views.my_week, name="my_week"),
    path("me/export.json", views.my_export_json, name="my_export"),
    path("me/calendar/", views.my_calendar, name="my_calendar"),
    path("me/weeks/<str:week>/workouts.zip", views.my_week_workouts, name="my_week_workouts"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
]
