from django import forms
from django.contrib import admin
from django.db import models

from athletes.admin import AthleteAdmin
from athletes.audit import AccessLoggedAdmin
from athletes.models import Athlete
from web.admin import LabelledTabularInline

from . import services
from .models import AuditEntry, CalendarFeed, Decision, Plan, PlannedSession, PlanPause, PlanWeek

# The athletes layer registers its own admin for athletes; the plans layer replaces it with
# one whose add form enrols her (profile and plan in one transaction), as everywhere else.
admin.site.unregister(Athlete)


@admin.register(Athlete)
class EnrollingAthleteAdmin(AthleteAdmin):
    def save_model(self, request, obj: Athlete, form, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        data = {name: value for name, value in form.cleaned_data.items() if name != "coach"}
        athlete = services.athlete_enrol(
            coach=form.cleaned_data["coach"], data=data, by=request.user
        )
        # The admin goes on with the instance its form built (inlines, log entry, redirect):
        # make it the saved athlete.
        obj.__dict__.update(athlete.__dict__)


class PlanWeekInline(LabelledTabularInline):
    model = PlanWeek
    extra = 0
    fields = ("week", "stage", "level", "reason", "applies_from", "approved_by", "approved_at")
    readonly_fields = ("approved_by", "approved_at")
    show_change_link = True


class PlanPauseInline(LabelledTabularInline):
    """Pauses after a red flag: started by the product, lifted by the coach's override."""

    model = PlanPause
    extra = 0
    fields = ("started_on", "red_flags", "checkin", "lifted_at", "lifted_by", "lifted_by_decision")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ("athlete", "protocol_version", "started_on")
    search_fields = ("athlete__first_name", "athlete__last_name")
    list_select_related = ("athlete",)
    autocomplete_fields = ("athlete",)
    inlines = (PlanPauseInline, PlanWeekInline)


class PlannedSessionInline(LabelledTabularInline):
    model = PlannedSession
    extra = 0
    formfield_overrides = {
        # A one-line notes field the width of a column, not a 40-character box.
        models.CharField: {"widget": forms.TextInput(attrs={"size": 24})},
    }


@admin.register(PlanWeek)
class PlanWeekAdmin(admin.ModelAdmin):
    list_display = ("plan", "week", "stage", "level", "reason")
    list_filter = ("stage", "reason")
    search_fields = ("plan__athlete__first_name", "plan__athlete__last_name")
    list_select_related = ("plan__athlete",)
    raw_id_fields = ("plan", "decision")
    # Set by the approval, never typed in.
    readonly_fields = ("approved_by", "approved_at")
    inlines = (PlannedSessionInline,)


@admin.register(Decision)
class DecisionAdmin(AccessLoggedAdmin, admin.ModelAdmin):
    list_display = ("athlete", "week", "action", "to_stage", "to_level", "status", "decided_by")
    list_filter = ("status", "action", "to_stage", "refer")
    search_fields = ("athlete__first_name", "athlete__last_name", "note")
    list_select_related = ("athlete", "decided_by")
    date_hierarchy = "week"
    readonly_fields = [f.name for f in Decision._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False  # decisions come from the engine


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: the audit trail is appended to by the services, never edited."""

    list_display = ("created_at", "athlete", "kind", "actor", "decision")
    list_filter = ("kind",)
    search_fields = ("athlete__first_name", "athlete__last_name", "actor__email")
    list_select_related = ("athlete", "actor", "decision")
    readonly_fields = ("athlete", "decision", "kind", "actor", "details", "created_at")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(CalendarFeed)
class CalendarFeedAdmin(admin.ModelAdmin):
    list_display = ("athlete", "created_at")
    readonly_fields = ("athlete", "nonce", "created_at")
    search_fields = ("athlete__first_name", "athlete__last_name")
