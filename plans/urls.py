from django.urls import path

from . import views

urlpatterns = [
    path("coach/", views.coach_dashboard, name="coach_dashboard"),
    path("me/", views.my_week, name="my_week"),
]
