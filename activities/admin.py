from django.contrib import admin
from django.http import HttpRequest

from athletes.audit import AccessLoggedAdmin

from .models import Activity


@admin.register(Activity)
class ActivityAdmin(AccessLoggedAdmin, admin.ModelAdmin):
    """Read only: activities come from her files (and are erased with her). Opening one is
    logged in the access log, as for her other records."""

    list_display = ["athlete", "started_at", "sport", "moving_seconds", "distance_m", "source"]
    list_filter = ["sport", "source"]
    search_fields = ["athlete__first_name", "athlete__last_name"]
    list_select_related = ["athlete"]
    readonly_fields = [f.name for f in Activity._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
