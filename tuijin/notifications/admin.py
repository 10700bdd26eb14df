from django.contrib import admin

from tuijin.core.admin import ReadOnlyAdmin
from tuijin.notifications.models import Delivery, DeliveryAttempt, Notification, Reminder, ScheduleRun, ZoneChannels


@admin.register(ZoneChannels)
class ZoneChannelsAdmin(ReadOnlyAdmin):
    """Set on the office's page (channels_save); the secret is not shown here either."""

    list_display = ("zone", "email_enabled", "reminder_enabled", "reminder_days", "escalate_enabled", "run_hour")
    exclude = ("dingtalk_secret", "dingtalk_url", "wecom_url")


@admin.register(Reminder)
class ReminderAdmin(ReadOnlyAdmin):
    list_display = ("zone", "kind", "year", "month", "by_name", "scheduled", "created")
    list_filter = ("kind", "zone")


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ("zone", "recipient", "title", "created", "read_at")


class AttemptInline(admin.TabularInline):
    model = DeliveryAttempt
    extra = 0
    can_delete = False
    readonly_fields = ("number", "at", "ok", "status", "detail", "duration_ms")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdmin):
    list_display = ("zone", "channel", "title", "state", "attempts", "next_attempt_at", "created")
    list_filter = ("channel", "state")
    inlines = [AttemptInline]


@admin.register(ScheduleRun)
class ScheduleRunAdmin(ReadOnlyAdmin):
    list_display = ("zone", "job", "day", "created", "finished_at", "result")
