from django.urls import path

from . import views

urlpatterns = [
    path("coach/", views.coach_dashboard, name="coach_dashboard"),
    path("coach/athletes/<int:pk>/", views.athlete_overview, name="athlete_overview"),
    path("me/", views.my_week, name="my_week"),
]
