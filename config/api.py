"""The versioned REST API (SPEC §9): one router, each app's viewsets registered here."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from athletes.api.views import MeView

router = DefaultRouter(trailing_slash=True)

urlpatterns = [
    path("me/", MeView.as_view(), name="api-me"),
    *router.urls,
]
