from django.urls import path

from . import views

app_name = "activities"

urlpatterns = [
    path("me/activities/upload/", views.my_upload, name="my_upload"),
    path("coach/athletes/<int:pk>/activities/upload/", views.coach_upload, name="coach_upload"),
]
