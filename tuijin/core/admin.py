from django.contrib import admin

from tuijin.core.models import FilingPeriod, Job, PeriodEvent, Zone


@admin.register(Zone)
class ZoneAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "level", "province", "city")


class ReadOnlyAdmin(admin.ModelAdmin):
    """Shown for reference only: a month is locked and reopened through the recorded path (审核页面)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(admin.TabularInline):
    """The rows of a record shown with it, for reference only (written by the record's own services)."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(FilingPeriod)
class FilingPeriodAdmin(ReadOnlyAdmin):
    list_display = ("zone", "year", "month", "locked", "deadline")
    list_filter = ("zone", "locked")


@admin.register(PeriodEvent)
class PeriodEventAdmin(ReadOnlyAdmin):
    list_display = ("zone", "period", "action", "reason", "by", "created")


@admin.register(Job)
class JobAdmin(ReadOnlyAdmin):
    """Background jobs and their state (core/jobs.py): written by the queue and the workers only."""

    list_display = ("id", "kind", "state", "progress", "attempts", "zone", "username", "created_at", "finished_at")
    list_filter = ("state", "kind")
    search_fields = ("target", "error")
