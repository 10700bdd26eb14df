from django.contrib import admin

from tuijin.accounts.models import LoginLog


@admin.register(LoginLog)
class LoginLogAdmin(admin.ModelAdmin):
    list_display = ("time", "username", "success", "address", "channel", "reason")
    list_filter = ("success", "channel")
    search_fields = ("username", "address")
