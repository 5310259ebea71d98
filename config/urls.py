from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from . import views

admin.site.site_header = f"{settings.SITE_NAME} administration"
admin.site.site_title = settings.SITE_NAME
# Staff sign in through allauth's login (its rate limits, their second factor); the admin's
# own password form, which has neither, only sends them there.
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]

handler404 = "config.views.not_found"

urlpatterns = [
    path("", views.landing, name="landing"),
    path("home/", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("config.api")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api_schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api_schema"), name="api_docs"),
    path("", include("athletes.urls")),
    path("", include("activities.urls")),
    path("", include("checkins.urls")),
    path("", include("plans.urls")),
    path("", include("conversations.urls")),
]
