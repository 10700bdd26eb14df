"""Standing (对标对表): results published from outside — the ministry's evaluation of national ETDZs, a province's or a
city's ranking — and what the zone does with them: a goal, the lead department of each indicator, 补齐短板 work.

Published lists are reference data: those shipped with the app (``owner`` empty) are read by every member of every
zone and changed only by the system or an administrator; a result an office records by hand belongs to its zone
(``owner``) and is seen by that zone only. The zone's goal, its indicator leads and its shortfall tickets are
ordinary zone records.
"""
from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tuijin.core.models import ChangeLoggedModel, ZonedModel
from tuijin.core.scope import CHANGE, member_zone_ids, member_zones_above

YEAR_MIN, YEAR_MAX = 1990, 2100
OF_MAX = 1000  # zones in one list: the national list has about 230
SCORE_MAX = 1000
RUN_KEY = "run-"  # the key of an edition published down from an assessment run of a zone above: run-<run id>


class Level(models.TextChoices):
    NATIONAL = "national", _("national")
    PROVINCE = "province", _("provincial")
    CITY = "city", _("city")


class ReferenceQuerySet(models.QuerySet):
    """Shipped lists (no owner) are read by every member; a zone's own records by that zone. Changes: an office
    changes its zone's records; shipped ones only the system or an administrator."""

    def restrict(self, member, action: str = "view"):
        if member is None or not member.is_active:
            return self.none()
        if action == CHANGE:
            if member.is_admin and member.sees_all_zones:
                return self.all()
            if not member.is_office:
                return self.none()
            return self.filter(owner_id=member.zone_id)
        if member.sees_all_zones:
            return self.all()
        # shipped lists; the records of the member's zone (and, for a city's or province's office, of the zones below)
        q = Q(owner__isnull=True) | Q(owner_id__in=member_zone_ids(member))
        if above := member_zones_above(member):
            q |= self.published_down_q(member, above)
        return self.filter(q)

    def published_down_q(self, member, above: list[int]) -> Q:
        """What the zones above publish down from their assessment runs (an edition keyed run-<id>)."""
        key = {"Assessment": "key", "Ranking": "assessment__key"}.get(self.model.__name__)
        if key is not None:
            return Q(owner_id__in=above, **{f"{key}__startswith": RUN_KEY})
        # a result about the member's zone (or a zone below it, or the district above it); not a sibling park's
        return Q(owner_id__in=above, subject_zone_id__in=sorted(member_zone_ids(member) | set(above)))


class OwnedModel(ChangeLoggedModel):
    owner = models.ForeignKey("core.Zone", null=True, blank=True, on_delete=models.CASCADE, related_name="+",
                              verbose_name=_("recorded by zone"),
                              help_text=_("Empty for the lists shipped with the system, read by every zone."))
    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        abstract = True

    @property
    def zone_id(self):  # the change history files the record under its zone
        return self.owner_id


class Assessment(OwnedModel):
    """One edition of an evaluation by an issuer: 商务部's 2021 evaluation of national ETDZs, a province's ranking of
    its development zones, a city's assessment."""

    key = models.SlugField(_("key"), max_length=40, blank=True,
                           help_text=_("Stable name of a shipped edition (mofcom-2021)."))
    issuer = models.CharField(_("issuer"), max_length=60)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices, default=Level.NATIONAL)
    title = models.CharField(_("title"), max_length=200)
    year = models.PositiveSmallIntegerField(_("year"))
    data_year = models.PositiveSmallIntegerField(_("data year"), null=True, blank=True)
    zones_evaluated = models.PositiveSmallIntegerField(_("zones evaluated"), null=True, blank=True)
    published_on = models.DateField(_("published on"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=500, blank=True)

    class Meta:
        ordering = ["-year", "level", "issuer", "title"]
        constraints = [
            models.UniqueConstraint(fields=["key"], condition=~Q(key=""), name="standing_assessment_key"),
            models.UniqueConstraint(fields=["issuer", "title", "year"], condition=Q(owner__isnull=True),
                                    name="standing_assessment_shared"),
            models.UniqueConstraint(fields=["owner", "issuer", "title", "year"], condition=Q(owner__isnull=False),
                                    name="standing_assessment_owned"),
            models.CheckConstraint(condition=Q(year__gte=YEAR_MIN, year__lte=YEAR_MAX), name="standing_assessment_year"),
            models.CheckConstraint(condition=Q(data_year__isnull=True) | Q(data_year__gte=YEAR_MIN,
                                                                           data_year__lte=YEAR_MAX),
                                   name="standing_assessment_data_year"),
            models.CheckConstraint(condition=Q(zones_evaluated__isnull=True) | Q(zones_evaluated__gte=1,
                                                                                 zones_evaluated__lte=OF_MAX),
                                   name="standing_assessment_zones"),
        ]
        verbose_name = _("published evaluation")
        verbose_name_plural = _("published evaluations")

    def __str__(self) -> str:
        return self.title


class Ranking(OwnedModel):
    """One list of an edition: the overall ranking (``item`` empty) or a single item's (利用外资, 进出口), over all
    zones or a group (东部地区). ``complete_to``: every zone down to this rank is listed (30 for a published top 30);
    ``province_complete_to``: the same for one province's zones ({"江苏省": 30} when a paper lists every Jiangsu zone
    of the top 30)."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="rankings",
                                   verbose_name=_("evaluation"))
    item = models.CharField(_("item"), max_length=40, blank=True, help_text=_("Empty for the overall ranking."))
    group = models.CharField(_("group"), max_length=40, blank=True, help_text=_("Empty when all zones are ranked."))
    complete_to = models.PositiveSmallIntegerField(_("complete down to rank"), default=0)
    province_complete_to = models.JSONField(_("complete down to rank, per province"), default=dict, blank=True)
    source = models.CharField(_("source"), max_length=500, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["assessment", "group", "item"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "item", "group"], condition=Q(owner__isnull=True),
                                    name="standing_ranking_shared"),
            models.UniqueConstraint(fields=["assessment", "item", "group", "owner"], condition=Q(owner__isnull=False),
                                    name="standing_ranking_owned"),
        ]
        verbose_name = _("published list")
        verbose_name_plural = _("published lists")

    def __str__(self) -> str:
        return f"{self.assessment} {self.item or _('overall')}"


class Result(OwnedModel):
    """A zone's place in a published list: its name and province as published, rank out of how many, score and
    tier where given. ``province_rank_stated`` is a province rank a source states (a report, a seed) where the list
    cannot give it; the rank among the province's zones is otherwise computed from the list, never typed."""

    ranking = models.ForeignKey(Ranking, on_delete=models.CASCADE, related_name="results", verbose_name=_("list"))
    subject_name = models.CharField(_("zone"), max_length=100)
    subject_label = models.CharField(_("name as published"), max_length=40, blank=True)
    province = models.CharField(_("province"), max_length=20, blank=True)
    rank = models.PositiveSmallIntegerField(_("rank"), null=True, blank=True)
    of = models.PositiveSmallIntegerField(_("out of"), null=True, blank=True)
    score = models.DecimalField(_("score"), max_digits=7, decimal_places=2, null=True, blank=True)
    tier = models.CharField(_("tier"), max_length=20, blank=True)
    province_rank_stated = models.PositiveSmallIntegerField(_("province rank as stated"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=500, blank=True,
                              help_text=_("Where this result is stated, when not in the list's own source."))
    stated_by = models.CharField(_("also stated by"), max_length=300, blank=True)
    subject_zone = models.ForeignKey("core.Zone", null=True, blank=True, on_delete=models.CASCADE,
                                     related_name="+", verbose_name=_("zone assessed"),
                                     help_text=_("The zone below that a city's published run scored."))

    class Meta:
        ordering = ["ranking", "rank", "subject_name"]
        constraints = [
            models.UniqueConstraint(fields=["ranking", "subject_name"], condition=Q(owner__isnull=True),
                                    name="standing_result_shared"),
            models.UniqueConstraint(fields=["ranking", "subject_name", "owner"], condition=Q(owner__isnull=False),
                                    name="standing_result_owned"),
            models.CheckConstraint(condition=Q(rank__isnull=True) | Q(rank__gte=1, rank__lte=OF_MAX),
                                   name="standing_result_rank"),
            models.CheckConstraint(condition=Q(of__isnull=True) | Q(of__gte=1, of__lte=OF_MAX),
                                   name="standing_result_of"),
            models.CheckConstraint(condition=Q(rank__isnull=True) | Q(of__isnull=True) | Q(rank__lte=models.F("of")),
                                   name="standing_result_rank_within"),
            models.CheckConstraint(condition=Q(score__isnull=True) | Q(score__gte=0, score__lte=SCORE_MAX),
                                   name="standing_result_score"),
        ]
        verbose_name = _("published result")
        verbose_name_plural = _("published results")

    def __str__(self) -> str:
        return f"{self.subject_name} {self.ranking}"


class ZoneListing(ZonedModel):
    """The name under which published lists name the zone (its official national-list name), when it is not the
    zone's own name."""

    list_name = models.CharField(_("name on published lists"), max_length=100)

    scope_unit_field = None

    class Meta:
        constraints = [models.UniqueConstraint(fields=["zone"], name="standing_listing_one_per_zone")]
        verbose_name = _("name on published lists")
        verbose_name_plural = _("names on published lists")

    def __str__(self) -> str:
        return self.list_name


class Goal(ZonedModel):
    """The standing the office aims at, per level: a rank (全国前30: rank 30 or better) or a score threshold (第一等次:
    the score the tier starts at)."""

    class Kind(models.TextChoices):
        RANK = "rank", _("a rank or better")
        SCORE = "score", _("a score threshold")

    level = models.CharField(_("level"), max_length=10, choices=Level.choices, default=Level.NATIONAL)
    kind = models.CharField(_("kind of goal"), max_length=8, choices=Kind.choices, default=Kind.RANK)
    label = models.CharField(_("goal"), max_length=60)
    target_rank = models.PositiveSmallIntegerField(_("target rank"), null=True, blank=True)
    target_score = models.DecimalField(_("target score"), max_digits=7, decimal_places=2, null=True, blank=True)

    scope_unit_field = None

    class Meta:
        ordering = ["zone", "level"]
        constraints = [
            models.UniqueConstraint(fields=["zone", "level"], name="standing_goal_one_per_level"),
            models.CheckConstraint(condition=Q(target_rank__isnull=True) | Q(target_rank__gte=1,
                                                                             target_rank__lte=OF_MAX),
                                   name="standing_goal_rank"),
            models.CheckConstraint(condition=Q(target_score__isnull=True) | Q(target_score__gte=0,
                                                                              target_score__lte=SCORE_MAX),
                                   name="standing_goal_score"),
        ]
        verbose_name = _("standing goal")
        verbose_name_plural = _("standing goals")

    def __str__(self) -> str:
        return self.label


class IndicatorLead(ZonedModel):
    """数据责任单位: the department that leads an indicator of the evaluation for the zone (and is given the work
    when the zone falls short on it)."""

    code = models.SlugField(_("indicator code"), max_length=40)
    name = models.CharField(_("indicator"), max_length=60)
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("lead unit"))

    scope_unit_field = None

    class Meta:
        ordering = ["zone", "code"]
        constraints = [models.UniqueConstraint(fields=["zone", "code"], name="standing_lead_one_per_indicator")]
        verbose_name = _("indicator lead unit")
        verbose_name_plural = _("indicator lead units")

    def __str__(self) -> str:
        return f"{self.name} → {self.unit}"


class Shortfall(ZonedModel):
    """补齐短板 work on an indicator, assigned as a ticket to its lead unit from the standing page."""

    code = models.SlugField(_("indicator code"), max_length=40)
    name = models.CharField(_("indicator"), max_length=60)
    ticket = models.OneToOneField("tickets.Ticket", on_delete=models.CASCADE, related_name="+",
                                  verbose_name=_("ticket"))

    scope_unit_field = "ticket__assignee_unit"

    class Meta:
        ordering = ["zone", "-created"]
        verbose_name = _("shortfall work")
        verbose_name_plural = _("shortfall work")

    def __str__(self) -> str:
        return f"{self.name}: {self.ticket}"
