from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.utils import timezone

from . import services
from .models import (
    ApiToken,
    Athlete,
    Clearance,
    Invitation,
    OutgoingEmail,
    ReadinessAssessment,
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


class ClearanceInline(admin.TabularInline):
    model = Clearance
    extra = 0
    fields = ("cleared_on", "scope", "clinician_name", "clinician_role", "expires_on", "document")
    readonly_fields = ("document",)
    show_change_link = True


class AssessmentInline(admin.TabularInline):
    model = ReadinessAssessment
    extra = 0
    fields = ("assessed_on", "assessed_by", "symptoms", "passed")
    readonly_fields = ("passed",)
    show_change_link = True


class InvitationInline(admin.TabularInline):
    model = Invitation
    extra = 0
    fields = ("email", "created_at", "expires_at", "accepted_at", "revoked_at")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Athlete)
class AthleteAdmin(admin.ModelAdmin):
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
class ClearanceAdmin(admin.ModelAdmin):
    list_display = ("athlete", "cleared_on", "scope", "clinician_role", "expires_on")
    list_filter = ("scope", "clinician_role")
    search_fields = ("athlete__first_name", "athlete__last_name", "clinician_name")
    list_select_related = ("athlete",)
    autocomplete_fields = ("athlete",)
    readonly_fields = ("document_name", "document_content_type", "document_size", "recorded_by")


@admin.register(ReadinessAssessment)
class ReadinessAssessmentAdmin(admin.ModelAdmin):
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
