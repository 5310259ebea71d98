from allauth.account.decorators import secure_admin_login
from allauth.account.views import confirm_email, confirm_login_code
from allauth.mfa.base.views import authenticate as mfa_authenticate
from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from web.ratelimit import rate_limited

from . import views

admin.site.site_header = f"{settings.SITE_NAME} administration"
admin.site.site_title = settings.SITE_NAME
# Staff sign in through allauth's login (its rate limits, their second factor); the admin's
# own password form, which has neither, only sends them there.
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]

# allauth's pages that take a code or a key from a visitor not yet signed in, limited per
# address like the rest (web/ratelimit.py): the same paths and names, matched first.
allauth_limited = [
    path(
        "accounts/login/code/confirm/",
        rate_limited("confirm_login_code")(confirm_login_code),
        name="account_confirm_login_code",
    ),
    path(
        "accounts/2fa/authenticate/",
        rate_limited("mfa_authenticate")(mfa_authenticate),
        name="mfa_authenticate",
    ),
    re_path(
        r"^accounts/confirm-email/(?P<key>[-:\w]+)/$",
        rate_limited("confirm_email_key")(confirm_email),
        name="account_confirm_email",
    ),
]

urlpatterns = [
    path("", views.landing, name="landing"),
    path("home/", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    *allauth_limited,
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("config.api")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api_schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api_schema"), name="api_docs"),
    path("", include("athletes.urls")),
    path("", include("checkins.urls")),
    path("", include("plans.urls")),
]
