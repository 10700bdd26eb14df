from django.contrib import admin

from tuijin.accounts.models import LoginLog, SignInThrottle


@admin.register(LoginLog)
class LoginLogAdmin(admin.ModelAdmin):
    list_display = ("time", "username", "success", "address", "channel", "reason")
    list_filter = ("success", "channel")
    search_fields = ("username", "address")


@admin.register(SignInThrottle)
class SignInThrottleAdmin(admin.ModelAdmin):
    """Deleting a row lifts its lock (the sign-in log page does the same with one button)."""

    list_display = ("kind", "username", "address", "failures", "window_start", "locked_until")
    list_filter = ("kind",)
    search_fields = ("username", "address")
    readonly_fields = ("kind", "username", "address", "failures", "window_start", "locked_until")

    def has_add_permission(self, request):
        return False
