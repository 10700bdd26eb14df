from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tuijin.core.models import ZonedModel
from tuijin.core.scope import ScopedQuerySet


class BulletinQuerySet(ScopedQuerySet):
    def restrict(self, member, action="view"):
        """Members who see one unit (or a subtree) read issued bulletins only; drafts are the office's work."""
        qs = super().restrict(member, action)
        if member is not None and member.scope in (member.Scope.UNIT, member.Scope.SUBTREE):
            qs = qs.filter(state=Bulletin.State.ISSUED)
        return qs


class Bulletin(ZonedModel):
    """A bulletin (通报) for a zone (or a unit) and a month: drafted, generated, issued.

    ``data`` keeps what the documents were made from, and the files are kept, so an issued bulletin
    downloads again unchanged whatever happens to the figures later.
    """

    class State(models.TextChoices):
        DRAFT = "draft", _("draft")
        GENERATING = "generating", _("generating")
        READY = "ready", _("ready")
        FAILED = "failed", _("failed")
        ISSUED = "issued", _("issued")

    unit = models.ForeignKey("org.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("unit"))
    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(_("month"))
    title = models.CharField(_("title"), max_length=200, blank=True)
    closing = models.TextField(_("next steps (下一步工作)"), blank=True)
    doc_number = models.CharField(_("document number (文号)"), max_length=40, blank=True)
    is_draft = models.BooleanField(_("draft for comment (征求意见稿)"), default=False,
                                   help_text=_("Written before the month is locked; marked as such on its first page."))
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.DRAFT)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    error = models.TextField(_("error"), blank=True)
    data = models.JSONField(_("data snapshot"), null=True, blank=True)
    docx = models.FileField(_("Word"), upload_to="bulletins/%Y/", blank=True)
    xlsx = models.FileField(_("Excel"), upload_to="bulletins/%Y/", blank=True)
    pdf = models.FileField(_("PDF"), upload_to="bulletins/%Y/", blank=True)
    issued_at = models.DateTimeField(_("issued at"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("created by"))

    scope_unit_field = None  # a bulletin is issued to the whole zone

    objects = BulletinQuerySet.as_manager()

    class Meta:
        ordering = ["zone", "-year", "-month", "-id"]
        verbose_name = _("bulletin")
        verbose_name_plural = _("bulletins")

    def __str__(self) -> str:
        return self.title or f"{self.year}年{self.month}月通报"
