from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tuijin.core.models import ZonedModel


class Ticket(ZonedModel):
    """One closed loop for every problem: 交办 → 签收 → 办理 → 办结 → 销号 (or sent back)."""

    class Source(models.TextChoices):
        PROJECT = "project", _("project problem")
        TASK = "task", _("supervision of a key task")
        ENTERPRISE = "enterprise", _("enterprise request")
        MANUAL = "manual", _("raised by hand")

    class State(models.TextChoices):
        ASSIGNED = "assigned", _("assigned")
        ACKNOWLEDGED = "acknowledged", _("acknowledged")
        RESOLVED = "resolved", _("resolved")
        CLOSED = "closed", _("closed")

    class Satisfaction(models.TextChoices):
        SATISFIED = "satisfied", _("satisfied")
        FAIRLY = "fairly", _("fairly satisfied")
        DISSATISFIED = "dissatisfied", _("dissatisfied")

    source = models.CharField(_("source"), max_length=12, choices=Source.choices, default=Source.MANUAL)
    project = models.ForeignKey("projects.Project", null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="tickets", verbose_name=_("project"))
    key_task = models.ForeignKey("campaigns.KeyTask", null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="tickets", verbose_name=_("key task"))
    enterprise = models.CharField(_("enterprise"), max_length=200, blank=True)
    # The enterprise of the register the ticket concerns; ``enterprise`` keeps its name in step (and the name alone
    # for an enterprise not in the register).
    enterprise_record = models.ForeignKey("enterprises.Enterprise", null=True, blank=True,
                                          on_delete=models.SET_NULL, related_name="tickets",
                                          verbose_name=_("enterprise in the register"))
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+", verbose_name=_("raised by"))
    raised_unit = models.ForeignKey("org.Unit", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                    verbose_name=_("raised by unit"))
    assignee_unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+",
                                      verbose_name=_("assigned to"))
    sponsor = models.CharField(_("sponsor leader"), max_length=50, blank=True)
    state = models.CharField(_("state"), max_length=14, choices=State.choices, default=State.ASSIGNED)
    assigned_at = models.DateTimeField(_("assigned at"))
    ack_due = models.DateTimeField(_("acknowledge by"))
    feedback_due = models.DateTimeField(_("first feedback by"))
    deadline = models.DateField(_("resolve by"))
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    last_feedback_at = models.DateTimeField(_("last feedback at"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)
    resolution = models.TextField(_("result"), blank=True)
    reopen_count = models.PositiveSmallIntegerField(_("times sent back"), default=0)
    # The enterprise's rating of a closed request (满意/基本满意/不满意); 不满意 sends the ticket back for review.
    satisfaction = models.CharField(_("satisfaction"), max_length=12, choices=Satisfaction.choices, blank=True)
    satisfaction_comment = models.TextField(_("satisfaction comment"), blank=True)
    rated_at = models.DateTimeField(_("rated at"), null=True, blank=True)

    scope_unit_field = "assignee_unit"

    class Meta:
        ordering = ["zone", "-assigned_at"]
        indexes = [models.Index(fields=["zone", "state"]), models.Index(fields=["zone", "assignee_unit"])]
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")

    def __str__(self) -> str:
        return self.title


class TicketEvent(ZonedModel):
    """Every step of a ticket, kept."""

    class Action(models.TextChoices):
        ASSIGN = "assign", _("assigned")
        ACKNOWLEDGE = "acknowledge", _("acknowledged")
        FEEDBACK = "feedback", _("progress feedback")
        RESOLVE = "resolve", _("resolved")
        CLOSE = "close", _("closed")
        REOPEN = "reopen", _("sent back")
        ESCALATE = "escalate", _("escalated")
        RATE = "rate", _("rated by the enterprise")

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="events", verbose_name=_("ticket"))
    action = models.CharField(_("action"), max_length=12, choices=Action.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                           related_name="+", verbose_name=_("by"))
    by_name = models.CharField(_("by"), max_length=150, blank=True)
    note = models.TextField(_("note"), blank=True)
    attachment = models.FileField(_("attachment"), upload_to="tickets/%Y/%m/", blank=True)

    scope_unit_field = "ticket__assignee_unit"

    class Meta:
        ordering = ["ticket", "created", "id"]
        verbose_name = _("ticket step")
        verbose_name_plural = _("ticket steps")

    def __str__(self) -> str:
        return f"{self.ticket} {self.get_action_display()}"

    @property
    def attachment_name(self) -> str:
        """The attachment's file name as uploaded (without the storage folders)."""
        return self.attachment.name.rsplit("/", 1)[-1] if self.attachment else ""
