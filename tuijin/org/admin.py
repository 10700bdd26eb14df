from django.contrib import admin

from tuijin.core.admin import ReadOnlyAdmin
from tuijin.org.models import Member, Unit


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ("name", "zone", "kind", "group", "parent", "path")
    list_filter = ("zone", "kind", "group")
    readonly_fields = ("path",)


@admin.register(Member)
class MemberAdmin(ReadOnlyAdmin):
    """For reference only: members are added and changed on the members pages, which refuse a role or scope above one's own."""

    list_display = ("user", "full_name", "zone", "unit", "role", "scope")
    list_filter = ("zone", "role", "scope")
