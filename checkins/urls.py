from django.urls import path

from . import views

app_name = "checkins"

urlpatterns = [
    path("me/checkin/", views.my_checkin, name="my_checkin"),
    path("me/checkins/", views.my_history, name="my_history"),
    path("me/checkins/<int:pk>/edit/", views.my_checkin_edit, name="my_checkin_edit"),
    path("me/checkins/<int:pk>/done/", views.my_checkin_done, name="my_checkin_done"),
    path("me/symptoms/new/", views.my_symptom_report_create, name="my_symptom_report_create"),
    path("me/symptoms/<int:pk>/", views.my_symptom_report, name="my_symptom_report"),
    path(
        "coach/athletes/<int:pk>/symptoms/new/",
        views.coach_symptom_report_create,
        name="coach_symptom_report_create",
    ),
    path(
        "coach/athletes/<int:pk>/checkins/new/",
        views.coach_checkin_create,
        name="coach_checkin_create",
    ),
    path(
        "coach/athletes/<int:pk>/checkins.csv", views.coach_checkins_csv, name="coach_checkins_csv"
    ),
    path("coach/checkins/<int:pk>/", views.coach_checkin_detail, name="coach_checkin_detail"),
    path("coach/checkins/<int:pk>/edit/", views.coach_checkin_edit, name="coach_checkin_edit"),
    path("coach/flags/", views.coach_flags, name="coach_flags"),
    path("coach/flags/<int:pk>/acknowledge/", views.flag_acknowledge, name="flag_acknowledge"),
    path("coach/flags/<int:pk>/resolve/", views.flag_resolve, name="flag_resolve"),
]
