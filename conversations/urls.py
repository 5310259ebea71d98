from django.urls import path

from . import views

app_name = "conversations"

urlpatterns = [
    path("coach/athletes/<int:pk>/messages/", views.coach_thread, name="coach_thread"),
    path("coach/athletes/<int:pk>/messages/read/", views.coach_mark_read, name="coach_mark_read"),
    path("me/messages/", views.my_thread, name="my_thread"),
    path("me/messages/read/", views.my_mark_read, name="my_mark_read"),
]
