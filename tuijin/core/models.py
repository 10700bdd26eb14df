from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from tuijin.core.scope import ScopedQuerySet, member_zone_ids


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

    zone = models.ForeignKey("core.Zone", on_delete=models.PROTECT, verbose_name=_("zone"), related_name="+")
    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    scope_unit_field: str | None = "unit"
    scope_zone_field: str = "zone"

    objects = ScopedQuerySet.as_manager()

    class Meta:
        abstract = True


class ZoneQuerySet(ScopedQuerySet):
    def restrict(self, member, action="view"):
        if member is None or not member.is_active:
            return self.none()
        if action == "change" and not member.is_admin:
            return self.none()
        if member.sees_all_zones:
            return self.all()
        if action == "view":
            return self.filter(pk__in=member_zone_ids(member))
        return self.filter(pk=member.zone_id)


class Zone(ChangeLoggedModel):
    """The tenant: a development zone (or a province/city bureau over many zones).

    Kept in core because every record of every app belongs to one; its table keeps the name of its first home.
    """

    class Level(models.TextChoices):
        NATIONAL = "national", _("national ETDZ")
        PROVINCIAL = "provincial", _("provincial development zone")
        PROVINCE = "province", _("province")
        CITY = "city", _("city")
        DISTRICT = "district", _("county or district")

    # Levels that hold zones below them: their members who see the whole zone see the zones below too (core/scope.py).
    LEVELS_ABOVE = ("province", "city", "district")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    short_name = models.CharField(_("short name"), max_length=40, blank=True)
    level = models.CharField(_("level"), max_length=16, choices=Level.choices, default=Level.NATIONAL)
    province = models.CharField(_("province"), max_length=20, blank=True)
    city = models.CharField(_("city"), max_length=20, blank=True)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children",
                               verbose_name=_("zone above"),
                               help_text=_("The city, province or district this zone belongs to in the org tree."))
    doc_prefix = models.CharField(_("document number prefix"), max_length=20, blank=True,
                                  help_text=_("机关代字 of the zone's documents, e.g. 淮经开办 in 淮经开办〔2023〕12号"))
    as_of = models.DateField(_("data as of"), null=True, blank=True,
                             help_text=_("Leave empty for today. A fixed date shows the zone as it stood then "
                                         "(reviewing an earlier year, or a demonstration)."))
    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    objects = ZoneQuerySet.as_manager()

    class Meta:
        db_table = "org_zone"
        ordering = ["code"]
        verbose_name = _("zone")
        verbose_name_plural = _("zones")

    def __str__(self) -> str:
        return self.name

    @property
    def display_name(self) -> str:
        return self.short_name or self.name

    @property
    def document_prefix(self) -> str:
        return self.doc_prefix or f"{self.display_name}办"


class FilingPeriod(ZonedModel):
    """One month of a zone: its filing deadline and whether the office has locked it.

    Figures (indicators) and project progress of a locked month do not change until a recorded reopen.
    """

    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(_("month"))
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    locked = models.BooleanField(_("locked"), default=False)

    scope_unit_field = None

    class Meta:
        db_table = "indicators_filingperiod"
        ordering = ["zone", "-year", "-month"]
        constraints = [
            models.UniqueConstraint(fields=["zone", "year", "month"], name="period_unique"),
            models.CheckConstraint(condition=models.Q(month__gte=1, month__lte=12), name="period_month_1_12"),
            models.CheckConstraint(condition=models.Q(year__gte=2000, year__lte=2100), name="period_year_sane"),
        ]
        verbose_name = _("filing period")
        verbose_name_plural = _("filing periods")

    def __str__(self) -> str:
        return f"{self.year}年{self.month}月"


class PeriodEvent(ZonedModel):
    """Locks and reopens of a period, with who and why: a locked month changes only after a recorded reopen."""

    class Action(models.TextChoices):
        LOCK = "lock", _("locked")
        REOPEN = "reopen", _("reopened")

    period = models.ForeignKey(FilingPeriod, on_delete=models.CASCADE, related_name="events",
                               verbose_name=_("period"))
    action = models.CharField(_("action"), max_length=8, choices=Action.choices)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                           verbose_name=_("by"))

    scope_unit_field = None

    class Meta:
        db_table = "indicators_periodevent"
        ordering = ["-created"]
        verbose_name = _("period event")
        verbose_name_plural = _("period events")

    def __str__(self) -> str:
        return f"{self.period} {self.get_action_display()}"


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
        "core.Zone", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("zone")
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
        "core.Zone", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("zone")
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


class Job(models.Model):
    """One piece of background work run by a worker (core/jobs.py): what the user waits for, with its state.

    The task itself is queued on Django's tasks framework; this row is what a page polls and what a worker's
    heartbeat renews, so a job whose worker was killed is found (its heartbeat too old) and queued again or failed.
    """

    class State(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    kind = models.CharField(_("kind"), max_length=40)
    task_path = models.CharField(_("task"), max_length=200)
    args = models.JSONField(_("arguments"), default=list, blank=True)
    key = models.CharField(_("key"), max_length=120, null=True, blank=True, unique=True)  # one job per key
    target = models.CharField(_("record"), max_length=80, blank=True, db_index=True)  # "bulletins.bulletin:12"
    zone = models.ForeignKey("core.Zone", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                             verbose_name=_("zone"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+", verbose_name=_("user"))
    username = models.CharField(_("user name"), max_length=150, blank=True)
    source = models.CharField(_("source"), max_length=10, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    error = models.TextField(_("error"), blank=True)
    result = models.TextField(_("result"), blank=True)  # what a finished job tells the user (an import's summary)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    task_id = models.CharField(_("task id"), max_length=64, blank=True)
    worker = models.CharField(_("worker"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("queued at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("heartbeat"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["state", "heartbeat_at"], name="core_job_state_beat")]
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} {self.state}"

    @property
    def finished(self) -> bool:
        return self.state in (self.State.DONE, self.State.FAILED)
