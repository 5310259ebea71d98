from django.urls import path

from . import views

app_name = "athletes"

urlpatterns = [
    path("coach/athletes/<int:pk>/edit/", views.athlete_edit, name="athlete_edit"),
    path("coach/athletes/<int:pk>/archive/", views.athlete_archive, name="athlete_archive"),
    path("coach/athletes/<int:pk>/erase/", views.athlete_erase, name="athlete_erase"),
    path(
        "coach/athletes/<int:pk>/access-log/",
        views.athlete_access_log,
        name="athlete_access_log",
    ),
    path(
        "coach/athletes/<int:pk>/clearances/new/",
        views.clearance_create,
        name="clearance_create",
    ),
    path(
        "coach/athletes/<int:pk>/assessments/new/",
        views.assessment_create,
        name="assessment_create",
    ),
    path("coach/athletes/<int:pk>/invite/", views.invitation_send, name="invitation_send"),
    path("documents/clearances/<int:pk>/", views.clearance_document, name="clearance_document"),
    path("invite/<str:token>/", views.invitation_accept, name="invitation_accept"),
    path(
        "accounts/notifications/",
        views.notification_preferences,
        name="notification_preferences",
    ),
]
