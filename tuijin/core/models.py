from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from tuijin.core.scope import ScopedQuerySet


class ChangeLoggedModel(models.Model):
    """Every save and delete of a subclass is kept in ChangeLog (see changelog.py)."""

    # Fields not worth a change-log entry on their own.
    changelog_exclude: tuple[str, ...] = ("created", "updated")

    class Meta:
        abstract = True


class ZonedModel(ChangeLoggedModel):
    """A domain record: belongs to a zone, carries its data scope, and is change-logged.

    ``scope_unit_field`` is the lookup path to the responsible Unit ("unit",
    "project__unit"), "" for the Unit model itself, or None for zone-wide records
    (catalogues) that every member of the zone may read.
    """

    zone = models.ForeignKey("org.Zone", on_delete=models.PROTECT, verbose_name=_("zone"), related_name="+")
    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    scope_unit_field: str | None = "unit"
    scope_zone_field: str = "zone"

    objects = ScopedQuerySet.as_manager()

    class Meta:
        abstract = True


class ChangeLog(models.Model):
    class Action(models.TextChoices):
        CREATE = "create", _("created")
        UPDATE = "update", _("updated")
        DELETE = "delete", _("deleted")

    time = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("user")
    )
    # Kept as it was at the time, so the log survives a renamed or deleted user.
    username = models.CharField(_("user name"), max_length=150, blank=True)
    source = models.CharField(_("source"), max_length=16, blank=True)
    address = models.CharField(_("address"), max_length=64, blank=True)
    request_id = models.UUIDField(_("request id"), db_index=True)
    action = models.CharField(_("action"), max_length=8, choices=Action.choices)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, verbose_name=_("record type"))
    object_id = models.BigIntegerField(_("record id"))
    object_repr = models.CharField(_("record"), max_length=200)
    zone = models.ForeignKey(
        "org.Zone", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("zone")
    )
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)

    class Meta:
        ordering = ["-time", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id"])]
        verbose_name = _("change")
        verbose_name_plural = _("change history")

    def __str__(self) -> str:
        return f"{self.time:%Y-%m-%d %H:%M} {self.username} {self.get_action_display()} {self.object_repr}"

    def changes(self) -> list[tuple[str, object, object]]:
        """(field, before, after) for every field that differs."""
        before, after = self.before or {}, self.after or {}
        keys = list(dict.fromkeys([*before.keys(), *after.keys()]))
        return [(k, before.get(k), after.get(k)) for k in keys if before.get(k) != after.get(k)]


class OperationLog(models.Model):
    """Every write and every download (import, export, approval…) with its outcome and duration.

    Request bodies are never stored, so passwords and uploaded data stay out of the log.
    """

    time = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("user")
    )
    username = models.CharField(_("user name"), max_length=150, blank=True)
    zone = models.ForeignKey(
        "org.Zone", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("zone")
    )
    address = models.CharField(_("address"), max_length=64, blank=True)
    method = models.CharField(_("method"), max_length=8)
    path = models.CharField(_("path"), max_length=300)
    module = models.CharField(_("module"), max_length=40, blank=True)
    operation = models.CharField(_("operation"), max_length=80, blank=True)
    status = models.PositiveSmallIntegerField(_("status"))
    duration_ms = models.PositiveIntegerField(_("duration (ms)"))
    request_id = models.UUIDField(_("request id"), db_index=True)

    class Meta:
        ordering = ["-time", "-id"]
        verbose_name = _("operation")
        verbose_name_plural = _("operation log")

    def __str__(self) -> str:
        return f"{self.time:%Y-%m-%d %H:%M} {self.username} {self.method} {self.path} {self.status}"

    @property
    def succeeded(self) -> bool:
        return self.status < 400
