"""待办, 催报/催办 and notifications: the zone's channels and schedule, reminders sent, messages and their delivery.

Reminders (``Reminder``) and the zone's settings (``ZoneChannels``) are change-logged records; the message log
(``Notification``, ``Delivery``, ``DeliveryAttempt``, ``ScheduleRun``) is kept as plain rows: a read mark or a
retry is not a change worth a history entry.
"""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tuijin.core.models import ZonedModel
from tuijin.core.scope import ScopedQuerySet

REMINDER_DAYS_MIN, REMINDER_DAYS_MAX = 1, 15  # filing reminders this many days before the deadline
FILING_DAY_MIN, FILING_DAY_MAX = 1, 28  # the default deadline: this day of the month after the period
SECRET_MAX = 128
URL_MAX = 500


class ZoneChannels(ZonedModel):
    """One zone's channels (钉钉 and 企业微信 group robots, e-mail) and scheduled jobs, kept by the office."""

    dingtalk_url = models.URLField(_("DingTalk robot webhook"), max_length=URL_MAX, blank=True)
    dingtalk_secret = models.CharField(_("DingTalk signing secret"), max_length=SECRET_MAX, blank=True)
    wecom_url = models.URLField(_("WeCom robot webhook"), max_length=URL_MAX, blank=True)
    email_enabled = models.BooleanField(_("send e-mail"), default=True)
    filing_day = models.PositiveSmallIntegerField(
        _("filing deadline (day of the next month)"), default=5,
        help_text=_("Used for a month whose own deadline is not set."))
    reminder_enabled = models.BooleanField(_("filing reminders"), default=True)
    reminder_days = models.PositiveSmallIntegerField(_("remind this many days before the deadline"), default=2)
    escalate_enabled = models.BooleanField(_("daily overdue escalation"), default=True)
    run_hour = models.PositiveSmallIntegerField(_("hour of the day the jobs run"), default=9)

    scope_unit_field = None  # the zone's: read by its members, kept by the office
    # The secret and the robots' addresses (which carry their tokens) never reach the change history (nor any page
    # or log).
    changelog_exclude = ("created", "updated", "dingtalk_secret", "dingtalk_url", "wecom_url")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["zone"], name="zone_channels_one_per_zone"),
            models.CheckConstraint(condition=models.Q(reminder_days__gte=REMINDER_DAYS_MIN,
                                                      reminder_days__lte=REMINDER_DAYS_MAX),
                                   name="zone_channels_reminder_days_range"),
            models.CheckConstraint(condition=models.Q(filing_day__gte=FILING_DAY_MIN, filing_day__lte=FILING_DAY_MAX),
                                   name="zone_channels_filing_day_range"),
            models.CheckConstraint(condition=models.Q(run_hour__lte=23), name="zone_channels_run_hour_range"),
        ]
        verbose_name = _("channels and schedule")
        verbose_name_plural = _("channels and schedules")

    def __str__(self) -> str:
        return f"{self.zone} 通知渠道"


class Reminder(ZonedModel):
    """A 催报 (the units that have not filed a month) or 催办 (overdue tickets) sent: who, when, to whom."""

    class Kind(models.TextChoices):
        FILING = "filing", _("filing reminder")
        TICKET = "ticket", _("ticket reminder")
        ESCALATION = "escalation", _("overdue escalation")

    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    month = models.PositiveSmallIntegerField(_("month"), null=True, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                           related_name="+", verbose_name=_("sent by"))
    by_name = models.CharField(_("sent by"), max_length=150, blank=True)
    scheduled = models.BooleanField(_("by the schedule"), default=False)
    note = models.CharField(_("note"), max_length=200, blank=True)
    units = models.ManyToManyField("org.Unit", related_name="+", verbose_name=_("units"))
    tickets = models.ManyToManyField("tickets.Ticket", related_name="+", blank=True, verbose_name=_("tickets"))
    summary = models.CharField(_("summary"), max_length=500, blank=True)

    scope_unit_field = None  # the office's record of what it sent; the units see their own notifications

    class Meta:
        ordering = ["zone", "-created", "-id"]
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.created:%Y-%m-%d %H:%M}"


class Notification(models.Model):
    """A message in a member's in-app list (read or unread)."""

    zone = models.ForeignKey("core.Zone", on_delete=models.PROTECT, related_name="+", verbose_name=_("zone"))
    unit = models.ForeignKey("org.Unit", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                             verbose_name=_("unit"))
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+",
                                  verbose_name=_("recipient"))
    reminder = models.ForeignKey(Reminder, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                 verbose_name=_("reminder"))
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), blank=True)
    link = models.CharField(_("link"), max_length=300, blank=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    scope_unit_field = "unit"
    scope_zone_field = "zone"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-created", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"])]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")

    def __str__(self) -> str:
        return self.title


class Delivery(models.Model):
    """One message to one outside channel (an e-mail address, the zone's 钉钉 or 企业微信 group), retried with
    back-off until it is sent or the attempts run out."""

    class Channel(models.TextChoices):
        EMAIL = "email", _("e-mail")
        DINGTALK = "dingtalk", _("DingTalk group")
        WECOM = "wecom", _("WeCom group")

    class State(models.TextChoices):
        PENDING = "pending", _("waiting")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")

    zone = models.ForeignKey("core.Zone", on_delete=models.PROTECT, related_name="+", verbose_name=_("zone"))
    reminder = models.ForeignKey(Reminder, null=True, blank=True, on_delete=models.SET_NULL, related_name="deliveries",
                                 verbose_name=_("reminder"))
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    address = models.CharField(_("address"), max_length=254, blank=True)  # an e-mail address; robots: the zone's
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), blank=True)
    state = models.CharField(_("state"), max_length=8, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    scope_unit_field = None
    scope_zone_field = "zone"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-created", "-id"]
        indexes = [models.Index(fields=["state", "next_attempt_at"])]
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")

    def __str__(self) -> str:
        return f"{self.get_channel_display()} {self.title}"


class DeliveryAttempt(models.Model):
    """Every attempt to send a delivery, with its outcome (never the secret nor the signed address)."""

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="attempt_log",
                                 verbose_name=_("delivery"))
    number = models.PositiveSmallIntegerField(_("attempt"))
    at = models.DateTimeField(_("at"), auto_now_add=True)
    ok = models.BooleanField(_("succeeded"), default=False)
    status = models.CharField(_("answer"), max_length=20, blank=True)
    detail = models.CharField(_("detail"), max_length=300, blank=True)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), default=0)

    class Meta:
        ordering = ["delivery", "number"]
        verbose_name = _("delivery attempt")
        verbose_name_plural = _("delivery attempts")

    def __str__(self) -> str:
        return f"{self.delivery} #{self.number}"


class ScheduleRun(models.Model):
    """A scheduled job of a zone on a day: the unique row makes every job run once a day however often the
    schedule ticks."""

    class Job(models.TextChoices):
        FILING_REMINDER = "filing_reminder", _("filing reminder")
        ESCALATE = "escalate", _("overdue escalation")

    zone = models.ForeignKey("core.Zone", on_delete=models.CASCADE, related_name="+", verbose_name=_("zone"))
    job = models.CharField(_("job"), max_length=20, choices=Job.choices)
    day = models.DateField(_("day"))
    created = models.DateTimeField(_("enqueued at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    result = models.CharField(_("result"), max_length=200, blank=True)

    scope_unit_field = None
    scope_zone_field = "zone"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-day", "zone", "job"]
        constraints = [models.UniqueConstraint(fields=["zone", "job", "day"], name="schedule_run_once_a_day")]
        verbose_name = _("scheduled run")
        verbose_name_plural = _("scheduled runs")

    def __str__(self) -> str:
        return f"{self.zone} {self.get_job_display()} {self.day}"
