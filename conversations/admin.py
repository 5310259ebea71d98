"""Staff read threads in the admin (SPEC §12), and only read them: nothing is added, changed
or deleted here (a message belongs to the two people who wrote it; erasing an athlete
deletes her thread)."""

from django.contrib import admin
from django.http import HttpRequest

from .models import Message, Thread


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(Message)
class MessageAdmin(ReadOnlyAdmin):
    list_display = ("athlete", "side", "sent_at", "read_at", "reference", "excerpt")
    list_filter = ("from_coach", ("read_at", admin.EmptyFieldListFilter), "sent_at")
    search_fields = ("athlete__first_name", "athlete__last_name", "body")
    list_select_related = ("athlete",)
    date_hierarchy = "sent_at"
    fields = (
        "athlete",
        "author",
        "from_coach",
        "sent_at",
        "read_at",
        "mailed_at",
        "body",
        "checkin",
        "decision",
        "flag",
        "plan_week",
    )

    @admin.display(description="From")
    def side(self, obj: Message) -> str:
        return "Coach" if obj.from_coach else "Athlete"

    @admin.display(description="About")
    def reference(self, obj: Message) -> str:
        return (obj.reference_name or "").replace("_", " ")

    @admin.display(description="Message")
    def excerpt(self, obj: Message) -> str:
        return obj.body if len(obj.body) <= 80 else obj.body[:79] + "…"


@admin.register(Thread)
class ThreadAdmin(ReadOnlyAdmin):
    list_display = ("athlete", "coach_mailed_at", "athlete_mailed_at")
    list_select_related = ("athlete",)
    search_fields = ("athlete__first_name", "athlete__last_name")
