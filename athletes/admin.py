from auditlog.admin import LogEntryAdmin
from auditlog.filters import ResourceTypeFilter
from auditlog.models import LogEntry as AccessLogEntry
from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from web.admin import LabelledTabularInline

from . import services
from .audit import AccessLoggedAdmin
from .documents import attach_document
from .models import (
    ApiToken,
    Athlete,
    Clearance,
    Invitation,
    OutgoingEmail,
    ReadinessAssessment,
    SecurityPolicy,
    User,
)


class UserCreationForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "name", "role")


class UserEditForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    form = UserEditForm
    add_form = UserCreationForm
    ordering = ("email",)
    list_display = ("email", "name", "role", "is_staff", "is_active", "date_joined", "last_login")
    list_filter = ("role", "is_staff", "is_active")
    search_fields = ("email", "name")
    readonly_fields = ("date_joined", "last_login")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Profile", {"fields": ("name", "role")}),
        (
            "Permissions",
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "name", "role", "password1", "password2"),
            },
        ),
    )

    def save_model(self, request, obj: User, form, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if not change:
            services.account_email_ensure(user=obj)


def document_link(clearance: Clearance) -> str:
    """The clearance's document, linked through the permission-checked download view.

    Clinical documents have no public URL (``STORAGES["private"]``), so the admin must never
    show the storage's own link for them (it would be a dead, public-looking address).
    """
    if not clearance.pk or not clearance.document:
        return "—"
    return format_html(
        '<a href="{}">{}</a>',
        reverse("athletes:clearance_document", args=[clearance.pk]),
        clearance.document_name or "document",
    )


class _DownloadLink:
    """What ``ClearableFileInput``'s template reads as the current file: a URL and a label."""

    def __init__(self, url: str, label: str) -> None:
        self.url, self.label = url, label

    def __str__(self) -> str:
        return self.label


class PrivateDocumentInput(forms.ClearableFileInput):
    """The file input for a clinical document: "Currently" links to the download view."""

    download: _DownloadLink | None = None

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        if context["widget"]["is_initial"]:
            context["widget"]["value"] = self.download
            if self.download is None:
                context["widget"]["is_initial"] = False
        return context


class ClearanceAdminForm(forms.ModelForm):
    """The admin's clearance form: a new document is checked and stored exactly as the coach's
    page and the API store it (``attach_document``); a refused file is a form error and nothing
    is saved."""

    class Meta:
        model = Clearance
        fields = (
            "athlete",
            "cleared_on",
            "clinician_name",
            "clinician_role",
            "scope",
            "pelvic_health_assessed",
            "expires_on",
            "notes",
            "document",
        )
        widgets = {"document": PrivateDocumentInput}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields.get("document")
        widget = field.widget if field is not None else None
        if isinstance(widget, PrivateDocumentInput) and self.instance.pk and self.instance.document:
            widget.download = _DownloadLink(
                reverse("athletes:clearance_document", args=[self.instance.pk]),
                self.instance.document_name or "document",
            )

    def clean_document(self):
        upload = self.cleaned_data.get("document")
        if isinstance(upload, UploadedFile):
            try:
                attach_document(self.instance, upload)
            except ValidationError as exc:
                raise ValidationError(exc.message_dict["document"]) from None
        elif upload is False:  # "Clear" ticked: the document and what described it go
            self.instance.document_name = ""
            self.instance.document_content_type = ""
            self.instance.document_size = None
        return upload


class ClearanceInline(LabelledTabularInline):
    model = Clearance
    form = ClearanceAdminForm
    extra = 0
    fields = (
        "cleared_on",
        "scope",
        "clinician_name",
        "clinician_role",
        "expires_on",
        "document_file",
    )
    readonly_fields = ("document_file",)
    show_change_link = True

    @admin.display(description="Document")
    def document_file(self, obj: Clearance) -> str:
        return document_link(obj)


class AssessmentInline(LabelledTabularInline):
    model = ReadinessAssessment
    extra = 0
    fields = ("assessed_on", "assessed_by", "symptoms", "passed")
    readonly_fields = ("passed",)
    show_change_link = True


class InvitationInline(LabelledTabularInline):
    model = Invitation
    extra = 0
    fields = ("email", "created_at", "expires_at", "accepted_at", "revoked_at")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Athlete)
class AthleteAdmin(AccessLoggedAdmin, admin.ModelAdmin):
    list_display = (
        "full_name",
        "coach",
        "weeks_postpartum",
        "delivery_type",
        "stage",
        "level",
        "archived",
        "last_activity_at",
    )
    list_filter = ("archived", "delivery_type", "stage", "coach")
    search_fields = ("first_name", "last_name", "email", "coach__email")
    list_select_related = ("coach",)
    autocomplete_fields = ("coach", "user")
    readonly_fields = ("stage", "level", "last_activity_at", "created_at", "updated_at")
    inlines = (ClearanceInline, AssessmentInline, InvitationInline)

    @admin.display(description="Weeks postpartum")
    def weeks_postpartum(self, obj: Athlete) -> int:
        return obj.weeks_postpartum


@admin.register(Clearance)
class ClearanceAdmin(AccessLoggedAdmin, admin.ModelAdmin):
    list_display = ("athlete", "cleared_on", "scope", "clinician_role", "expires_on")
    list_filter = ("scope", "clinician_role")
    search_fields = ("athlete__first_name", "athlete__last_name", "clinician_name")
    list_select_related = ("athlete",)
    autocomplete_fields = ("athlete",)
    form = ClearanceAdminForm
    readonly_fields = ("document_name", "document_content_type", "document_size", "recorded_by")


@admin.register(ReadinessAssessment)
class ReadinessAssessmentAdmin(AccessLoggedAdmin, admin.ModelAdmin):
    list_display = ("athlete", "assessed_on", "passed", "symptoms", "assessed_by")
    list_filter = ("passed", "symptoms")
    search_fields = ("athlete__first_name", "athlete__last_name", "assessed_by")
    list_select_related = ("athlete",)
    autocomplete_fields = ("athlete",)
    readonly_fields = ("passed", "recorded_by")


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("prefix", "user", "name", "created_at", "last_used_at", "revoked_at")
    list_filter = ("revoked_at",)
    search_fields = ("user__email", "prefix", "name")
    list_select_related = ("user",)
    readonly_fields = ("user", "prefix", "key_hash", "created_at", "last_used_at")
    actions = ("revoke",)

    def has_add_permission(self, request) -> bool:
        return False  # tokens are issued through POST /api/v1/auth/token/

    @admin.action(description="Revoke selected tokens")
    def revoke(self, request, queryset) -> None:
        count = queryset.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
        self.message_user(request, f"{count} token(s) revoked.")


# --- The access log (django-auditlog): read-only for everyone, superusers included -----------

admin.site.unregister(AccessLogEntry)


@admin.register(AccessLogEntry)
class AccessLogAdmin(LogEntryAdmin):
    """Who viewed or changed which health record, when, through which channel. Nobody adds,
    edits or deletes a row here; only the retention task prunes (athletes/tasks.py)."""

    list_display = ["created", "resource_url", "action", "what", "channel", "user_url"]
    list_filter = ["action", ResourceTypeFilter]
    # auditlog's defaults search the actor's first and last names, which our User lacks.
    search_fields = ["object_repr", "actor__email", "actor__name"]
    actions = None

    @admin.display(description="What")
    def what(self, obj: AccessLogEntry) -> str:
        return (obj.additional_data or {}).get("what", "")

    @admin.display(description="Channel")
    def channel(self, obj: AccessLogEntry) -> str:
        return (obj.additional_data or {}).get("channel", "")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(SecurityPolicy)
class SecurityPolicyAdmin(admin.ModelAdmin):
    """One row, created by its migration: changed, never added or deleted."""

    fields = ("coach_mfa_required", "environment", "changed_at")
    readonly_fields = ("environment", "changed_at")

    @admin.display(description="COACH_MFA_REQUIRED (environment)")
    def environment(self, obj: SecurityPolicy) -> str:
        if settings.COACH_MFA_REQUIRED:
            return "On: coaches need two-factor authentication whatever the box above says."
        return "Off: the box above decides."

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Its migration creates the row; only if someone deleted it may it be added again.
        return super().has_add_permission(request) and not SecurityPolicy.objects.exists()

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(admin.ModelAdmin):
    """The outbox, for an operator to see what waits (the mail server was down) and what went
    out. Its words are not shown: they may name an athlete and what she reported."""

    list_display = ("key", "created_at", "attempts", "sent_at", "expires_at")
    list_filter = (("sent_at", admin.EmptyFieldListFilter),)
    search_fields = ("key",)
    fields = ("key", "created_at", "claimed_at", "attempts", "sent_at", "expires_at")
    readonly_fields = fields

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
