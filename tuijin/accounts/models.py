from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class LoginLog(models.Model):
    """Every sign-in attempt, kept at least six months (RuoYi users expect it)."""

    time = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    username = models.CharField(_("user name"), max_length=150, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("user")
    )
    success = models.BooleanField(_("success"))
    address = models.CharField(_("address"), max_length=64, blank=True)
    channel = models.CharField(_("channel"), max_length=8, default="web")  # web or api
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        ordering = ["-time", "-id"]
        verbose_name = _("sign-in record")
        verbose_name_plural = _("sign-in log")

    def __str__(self) -> str:
        return f"{self.time:%Y-%m-%d %H:%M} {self.username} {'ok' if self.success else 'fail'}"
