from django.contrib import admin

from athletes.audit import AccessLoggedAdmin

from .models import CheckInRevision, EmailLog, SymptomReport, WarningFlag, WeeklyCheckIn


class RevisionInline(admin.TabularInline):
    model = CheckInRevision
    extra = 0
    fields = ("revised_at", "revised_by", "changed_fields", "values")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(WeeklyCheckIn)
class WeeklyCheckInAdmin(AccessLoggedAdmin, admin.ModelAdmin):
    list_display = (
        "athlete",
        "week",
        "sessions_completed",
        "run_minutes",
        "energy",
        "pain",
        "submitted_by",
        "updated_at",
    )
    list_filter = ("week", "leakage", "heaviness", "bleeding", "feeling_low")
    search_fields = ("athlete__first_name", "athlete__last_name")
    list_select_related = ("athlete", "submitted_by")
    autocomplete_fields = ("athlete",)
    date_hierarchy = "week"
    readonly_fields = ("sessions_planned", "submitted_by", "created_at", "updated_at")
    inlines = (RevisionInline,)


@admin.register(SymptomReport)
class SymptomReportAdmin(AccessLoggedAdmin, admin.ModelAdmin):
    """Read-only: a report is written by the service that raises its flags at once; an edit
    here would leave the flags, the coach's e-mail and her plan's pause out of step."""

    list_display = (
        "athlete",
        "reported_at",
        "week",
        "symptoms",
        "pain",
        "submitted_by",
    )
    list_filter = (
        "week",
        "leakage",
        "urgency",
        "heaviness",
        "pelvic_pain",
        "bleeding",
        "abdominal_doming",
    )
    search_fields = ("athlete__first_name", "athlete__last_name")
    list_select_related = ("athlete", "submitted_by")
    date_hierarchy = "reported_at"
    readonly_fields = [f.name for f in SymptomReport._meta.fields]

    @admin.display(description="Symptoms")
    def symptoms(self, obj: SymptomReport) -> str:
        return ", ".join(obj.symptom_names) or "—"

    def has_add_permission(self, request) -> bool:
        return False  # reports come through symptom_report_submit, which raises the flags

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(WarningFlag)
class WarningFlagAdmin(AccessLoggedAdmin, admin.ModelAdmin):
    list_display = ("athlete", "rule", "severity", "week", "status", "created_at", "notified_at")
    list_filter = ("status", "severity", "rule")
    search_fields = ("athlete__first_name", "athlete__last_name", "summary")
    list_select_related = ("athlete",)
    date_hierarchy = "week"
    readonly_fields = (
        "athlete",
        "checkin",
        "symptom_report",
        "rule",
        "severity",
        "week",
        "summary",
        "evidence",
        "acknowledged_by",
        "acknowledged_at",
        "resolved_by",
        "resolved_at",
        "notified_at",
        "created_at",
        "updated_at",
    )


@admin.register(EmailLog)
class EmailLogAdmin(admin.ModelAdmin):
    list_display = ("kind", "user", "key", "sent_at")
    list_filter = ("kind",)
    search_fields = ("user__email",)
    readonly_fields = ("kind", "user", "key", "sent_at")
