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


class SignInThrottle(models.Model):
    """Failed sign-ins counted per (user name, address) pair and per address, with a lock that ends by itself.

    A row counts the failures of one window; when they reach the limit the key is locked until ``locked_until``.
    Attempts refused while locked are not counted, so nobody keeps a lock going by trying on; a correct
    password from another address is never refused by a pair lock. Administrators can lift a lock early.
    """

    class Kind(models.TextChoices):
        PAIR = "pair", _("user name and address")
        ADDRESS = "address", _("address")

    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    username = models.CharField(_("user name"), max_length=150, blank=True)
    address = models.CharField(_("address"), max_length=64, blank=True)
    failures = models.PositiveIntegerField(_("failures"), default=0)
    window_start = models.DateTimeField(_("counting since"))
    locked_until = models.DateTimeField(_("locked until"), null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["-locked_until", "-window_start"]
        constraints = [models.UniqueConstraint(fields=["kind", "username", "address"], name="signin_throttle_key")]
        verbose_name = _("sign-in lock")
        verbose_name_plural = _("sign-in locks")

    def __str__(self) -> str:
        who = f"{self.username}@{self.address}" if self.kind == self.Kind.PAIR else self.address
        return f"{who} ({self.failures})"
