from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tuijin.core.models import ZonedModel
from tuijin.core.scope import Role, Scope



class Unit(ZonedModel):
    """A responsible unit (责任单位) in the zone's tree.

    ``path`` is the chain of ids from the root ("/3/17/"), so a subtree is one
    ``startswith`` query on SQLite and PostgreSQL alike.
    """

    class Kind(models.TextChoices):
        OFFICE = "office", _("office")
        DEPARTMENT = "department", _("department")
        STREET = "street", _("street")
        TOWN = "town", _("town")
        PARK = "park", _("park")
        DISTRICT = "district", _("county or district")

    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children", verbose_name=_("parent unit")
    )
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    group = models.CharField(_("assessment group"), max_length=20, blank=True, help_text=_("e.g. A档, B档, 街道"))
    sort_order = models.PositiveIntegerField(_("order"), default=0)
    represents = models.ForeignKey(
        "core.Zone", null=True, blank=True, on_delete=models.PROTECT, related_name="represented_by",
        verbose_name=_("zone represented"),
        help_text=_("A city's (or district's) unit standing for a district or park zone below it: the zone sees "
                    "this unit's results of the published assessments."))
    is_active = models.BooleanField(_("active"), default=True)
    path = models.CharField(_("tree path"), max_length=255, blank=True, db_index=True, editable=False)

    scope_unit_field = ""

    class Meta:
        ordering = ["zone", "sort_order", "id"]
        constraints = [models.UniqueConstraint(fields=["zone", "name"], name="unit_unique_name_in_zone")]
        verbose_name = _("unit")
        verbose_name_plural = _("units")

    def __str__(self) -> str:
        return self.name

    @property
    def depth(self) -> int:
        return max(self.path.count("/") - 2, 0)



class Member(ZonedModel):
    """A user's place in a unit, with a role (what they may do) and a data scope (what they see)."""

    Role = Role
    Scope = Scope
    is_system = False

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="member", verbose_name=_("user")
    )
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="members", verbose_name=_("unit"))
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.STAFF)
    scope = models.CharField(_("data scope"), max_length=16, choices=Scope.choices, default=Scope.UNIT)
    full_name = models.CharField(_("full name"), max_length=50, blank=True)
    title = models.CharField(_("job title"), max_length=50, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    must_change_password = models.BooleanField(_("must change password"), default=True)

    # Kept on the user, recorded with the member: the change history shows who disabled or enabled whom.
    changelog_extra = {"is_active": _("account enabled")}

    class Meta:
        ordering = ["zone", "unit__sort_order", "id"]
        verbose_name = _("member")
        verbose_name_plural = _("members")

    def __str__(self) -> str:
        return self.full_name or self.user.get_username()

    @property
    def is_active(self) -> bool:
        return self.user.is_active

    @property
    def is_admin(self) -> bool:
        return self.role == self.Role.ADMIN

    @property
    def is_office(self) -> bool:
        """May set up the year, review, lock, dispatch and assess (office or admin)."""
        return self.role in (self.Role.OFFICE, self.Role.ADMIN)

    @property
    def is_leader(self) -> bool:
        return self.role == self.Role.LEADER

    @property
    def can_change(self) -> bool:
        """Leaders read; everyone else writes within their scope."""
        return self.role != self.Role.LEADER

    @property
    def sees_all_zones(self) -> bool:
        return self.scope == self.Scope.ALL
